// Command dotenv prints the variables of a .env file as shell export lines,
// for scripts/lib.sh to eval: `eval "$(go run ./scripts/dotenv .env)"`.
//
// The file is parsed by github.com/joho/godotenv (KEY=value per line, optional
// `export `, quotes, # comments, ${VAR} expansion), the format Docker Compose
// reads too. A variable the environment already sets is not printed, so the
// environment wins over the file. Values are single-quoted, so the shell
// expands nothing in them.
package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/joho/godotenv"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "dotenv:", err)
		os.Exit(1)
	}
}

// shellName is what a shell accepts as a variable name.
var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func run(args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: dotenv FILE")
	}
	vars, err := godotenv.Read(args[0])
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		if !shellName.MatchString(k) {
			return fmt.Errorf("%s: %q is not a valid variable name", args[0], k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		if _, set := os.LookupEnv(k); set {
			continue
		}
		fmt.Fprintf(&b, "export %s='%s'\n", k, strings.ReplaceAll(vars[k], "'", `'\''`))
	}
	_, err = io.WriteString(out, b.String())
	return err
}
