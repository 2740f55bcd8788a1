// Package app is the program: Run parses the command line, loads the
// configuration and starts the requested role (web server, migrations,
// health check). Everything the process needs from the OS is passed in, so
// tests run the whole program with their own arguments and environment.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"syscall"
)

const usage = `usage: app <command> [arguments]

commands:
  serve                     run the web server (default)
  worker                    run the background jobs (health on WORKER_HTTP_ADDR)
  migrate up|down|status|redo|create NAME
                            manage the database schema (embedded goose migrations)
  user create --email EMAIL [--admin]
                            create a user; the password is read from standard input
  storage setup             create the S3 bucket if missing and let BASE_URL's pages upload to it
  healthcheck [URL|worker]  exit 0 if GET /ready answers 200 (default: this instance's server;
                            worker: this instance's worker)
  version                   print the version and VCS revision

Configuration comes from environment variables; see .env.example.`

// errUsage marks command-line mistakes.
var errUsage = errors.New("usage error")

// Run runs the program with the given command-line arguments (args[0] is
// the program name), environment (KEY=VALUE pairs) and standard streams.
// SIGINT and SIGTERM start a graceful shutdown; a second signal kills the
// process at once. It returns nil on a clean exit.
func Run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	cmd, rest := "serve", []string(nil)
	if len(args) > 1 {
		cmd, rest = args[1], args[2:]
	}
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, stop, environ, stdout)
	case "worker":
		err = runWorker(ctx, stop, environ, stdout)
	case "migrate":
		err = runMigrate(ctx, rest, environ, stdout)
	case "user":
		err = runUser(ctx, rest, environ, stdin, stdout, stderr)
	case "storage":
		err = runStorage(ctx, rest, environ, stdout)
	case "healthcheck":
		err = runHealthcheck(ctx, rest, environ)
	case "version":
		_, err = fmt.Fprintln(stdout, versionString())
	case "help", "-h", "--help":
		_, err = fmt.Fprintln(stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintln(stderr, usage)
	}
	return err
}
