package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// runUser implements `app user create --email E [--admin]`, the way to
// create the first admin (there are no default accounts). The password is
// read from stdin (one line) or, on a terminal, prompted for without echo;
// it is never a flag, so it stays out of shell history and process lists.
func runUser(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: user create --email EMAIL [--admin]", errUsage)
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the new user's email address")
	admin := fs.Bool("admin", false, "give the user the admin role")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: user create --email EMAIL [--admin]", errUsage)
	}

	var cfg DatabaseConfig
	if err := loadInto(&cfg, environ); err != nil {
		return err
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	pool, err := postgres.Open(cfg.URL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	role := account.RoleUser
	if *admin {
		role = account.RoleAdmin
	}
	// The command enqueues no mail (the operator vouches for the address),
	// but the service wants a queue.
	queue, err := jobs.New(pool, slog.New(slog.DiscardHandler), jobs.Options{}, nil)
	if err != nil {
		return err
	}
	svc := account.NewService(pool, password.NewHasher(password.DefaultParams, runtime.GOMAXPROCS(0)), queue, account.Config{})
	u, err := svc.CreateUser(ctx, *email, pw, role, true)
	if errors.Is(err, account.ErrEmailTaken) {
		return errors.New("user create: a user with this email already exists")
	}
	if fields, ok := apperr.InvalidFields(err); ok {
		var lines []string
		for _, field := range slices.Sorted(maps.Keys(fields)) {
			lines = append(lines, field+": "+fields[field])
		}
		return fmt.Errorf("user create: %s", strings.Join(lines, "; "))
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "created %s user %d <%s>\n", u.Role, u.ID, u.Email)
	return err
}

// readPassword prompts without echo on a terminal, else reads one line.
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("user create: read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("user create: give the password on standard input (one line)")
	}
	// Only the line ending goes: spaces are part of the password.
	return strings.TrimRight(line, "\r\n"), nil
}
