package home

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/cache"
)

// infoTTL is how long the home page shows the database facts it read:
// they change only when the server is upgraded or a migration runs, so
// the page reads them once a minute instead of on every view (and keeps
// showing them through a database outage shorter than that).
const infoTTL = time.Minute

// Service assembles what the home page shows.
type Service struct {
	db          *cache.Value[Database]
	environment string
	version     string
}

// NewService returns a Service reporting the given environment and build
// version, and the database facts repo reads, cached for infoTTL.
func NewService(repo *Repository, environment, version string) *Service {
	return &Service{db: cache.NewValue(infoTTL, repo.Database), environment: environment, version: version}
}

// Info returns the instance's SystemInfo, with database facts at most
// infoTTL old. It returns an apperr Unavailable error when they are not
// cached and the database cannot be reached.
func (s *Service) Info(ctx context.Context) (SystemInfo, error) {
	db, err := s.db.Get(ctx)
	if err != nil {
		return SystemInfo{}, fmt.Errorf("home service: info: %w", err)
	}
	// "15.18 (Debian 15.18-0+deb12u1)" reads better as "15.18".
	serverVersion, _, _ := strings.Cut(db.ServerVersion, " ")
	return SystemInfo{
		Environment:     s.environment,
		Version:         s.version,
		DatabaseVersion: serverVersion,
		SchemaVersion:   db.SchemaVersion,
	}, nil
}
