package app

import (
	"context"
	"fmt"
	"io"
	"net/url"
)

// storageSetupConfig is the part of the configuration `app storage setup`
// needs: the store, and the site whose pages upload to it. BASE_URL has
// the same default as Config's.
type storageSetupConfig struct {
	BaseURL *url.URL `env:"BASE_URL" envDefault:"http://localhost:8080"`
	Storage StorageConfig
}

// runStorage implements `app storage setup`: with the S3 driver, create
// the bucket if it is missing and let BASE_URL's origin upload to it from
// the browser (CORS). Idempotent: compose runs it before every start.
// With the local driver there is nothing to set up.
func runStorage(ctx context.Context, args, environ []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "setup" {
		return fmt.Errorf("%w: storage setup", errUsage)
	}
	var cfg storageSetupConfig
	if err := loadInto(&cfg, environ); err != nil {
		return err
	}
	if cfg.Storage.Driver != "s3" {
		_, err := fmt.Fprintln(stdout, "storage setup: the local driver needs no setup")
		return err
	}
	if !cfg.Storage.s3Complete() {
		return configError([]string{errS3Incomplete})
	}
	if problem := checkBaseURL(cfg.BaseURL); problem != "" {
		return configError([]string{problem})
	}
	store, err := newS3Store(cfg.Storage)
	if err != nil {
		return err
	}
	site := origin(cfg.BaseURL)
	if err := store.Setup(ctx, []string{site}); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "storage setup: bucket %s ready; browsers at %s may upload to it\n", cfg.Storage.S3Bucket, site)
	return err
}
