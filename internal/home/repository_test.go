package home_test

import (
	"regexp"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/home"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

func TestServiceInfo(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := home.NewService(home.NewRepository(pool), "test", "v1.2.3")
	info, err := svc.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d+\.\d+$`).MatchString(info.DatabaseVersion) {
		t.Errorf("DatabaseVersion = %q, want a short server version like 15.18", info.DatabaseVersion)
	}
	if info.SchemaVersion < 1 || info.Environment != "test" || info.Version != "v1.2.3" {
		t.Errorf("Info = %+v", info)
	}
}

func TestServiceInfoDatabaseDown(t *testing.T) {
	t.Parallel()
	pool, err := postgres.Open("postgres://u@127.0.0.1:1/db?sslmode=disable", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = home.NewService(home.NewRepository(pool), "test", "dev").Info(t.Context())
	if k := apperr.KindOf(err); k != apperr.Unavailable {
		t.Errorf("Info with the database down: kind %v (%v), want Unavailable", k, err)
	}
}
