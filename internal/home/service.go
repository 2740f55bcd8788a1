package home

import (
	"context"
	"fmt"
	"strings"
)

// Service assembles what the home page shows.
type Service struct {
	repo        *Repository
	environment string
	version     string
}

// NewService returns a Service reporting the given environment and build version.
func NewService(repo *Repository, environment, version string) *Service {
	return &Service{repo: repo, environment: environment, version: version}
}

// Info returns the instance's SystemInfo. It returns an apperr Unavailable
// error when the database cannot be reached.
func (s *Service) Info(ctx context.Context) (SystemInfo, error) {
	db, err := s.repo.Database(ctx)
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
