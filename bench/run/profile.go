package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/groundwork-dev/groundwork/bench/load"
)

// profile loads o.profilePath, signed in, while the app's admin listener
// records a CPU profile, and writes it to o.profile.
func profile(ctx context.Context, s *servers, o options) error {
	const seconds = 5
	done := make(chan error, 1)
	go func() {
		t := load.Target{URL: s.app.base + o.profilePath, Header: header(s.cookie, false)}
		_, err := load.Run(ctx, t, o.conns, (seconds+1)*time.Second)
		done <- err
	}()
	time.Sleep(500 * time.Millisecond)
	resp, err := (&http.Client{Timeout: (seconds + 10) * time.Second}).Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.adminURL, seconds))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: status %d", resp.StatusCode)
	}
	f, err := os.Create(o.profile)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("CPU profile of %s under load: %s (go tool pprof -top bin/app %s)\n", o.profilePath, o.profile, o.profile)
	return <-done
}
