// Command app is the Groundwork binary: web server, migrations, health
// check. See `app help`.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/groundwork-dev/groundwork/internal/app"
)

func main() {
	if err := app.Run(context.Background(), os.Args, os.Environ(), os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "app: %v\n", err)
		os.Exit(1)
	}
}
