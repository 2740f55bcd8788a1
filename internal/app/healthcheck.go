package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck implements `app healthcheck [URL|worker]`: it exits 0
// when GET URL (default: /ready on this instance's HTTP_ADDR port at
// 127.0.0.1; "worker": /ready on WORKER_HTTP_ADDR's port) answers 200
// within 3 seconds. Docker's HEALTHCHECK uses it in images that
// have no shell or curl. It reads HTTP_ADDR and WORKER_HTTP_ADDR only, so it works even
// when the rest of the configuration would not load.
func runHealthcheck(ctx context.Context, args, environ []string) error {
	var target string
	switch {
	case len(args) == 0 || (len(args) == 1 && args[0] == "worker"):
		var cfg struct {
			HTTPAddr   string `env:"HTTP_ADDR" envDefault:":8080"`
			WorkerAddr string `env:"WORKER_HTTP_ADDR" envDefault:"127.0.0.1:8081"`
		}
		if err := loadInto(&cfg, environ); err != nil {
			return err
		}
		name, addr := "HTTP_ADDR", cfg.HTTPAddr
		if len(args) == 1 {
			name, addr = "WORKER_HTTP_ADDR", cfg.WorkerAddr
		}
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("healthcheck: %s %q: %w", name, addr, err)
		}
		target = "http://" + net.JoinHostPort("127.0.0.1", port) + "/ready"
	case len(args) == 1:
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
