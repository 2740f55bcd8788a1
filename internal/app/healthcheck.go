package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck implements `app healthcheck [URL]`: it exits 0 when GET
// URL (default: /ready on this instance's HTTP_ADDR port at 127.0.0.1)
// answers 200 within 3 seconds. Docker's HEALTHCHECK uses it in images that
// have no shell or curl. It reads HTTP_ADDR only, so it works even when the
// rest of the configuration would not load.
func runHealthcheck(ctx context.Context, args, environ []string) error {
	var target string
	switch len(args) {
	case 0:
		var cfg struct {
			HTTPAddr string `env:"HTTP_ADDR" envDefault:":8080"`
		}
		if err := loadInto(&cfg, environ); err != nil {
			return err
		}
		_, port, err := net.SplitHostPort(cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("healthcheck: HTTP_ADDR %q: %w", cfg.HTTPAddr, err)
		}
		target = "http://" + net.JoinHostPort("127.0.0.1", port) + "/ready"
	case 1:
		target = args[0]
	default:
		return fmt.Errorf("%w: healthcheck takes at most one URL", errUsage)
	}

	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", target, resp.StatusCode)
	}
	return nil
}
