package postgres

import (
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Option adjusts the pool configuration in Open.
type Option func(*pgxpool.Config)

// WithTracer installs t as the connections' tracer. pgx calls it around
// every statement (pgx.QueryTracer, and pgx.BatchTracer if t implements
// it), and the pool around every Acquire if t implements
// pgxpool.AcquireTracer. Combine several with pgx's multitracer package.
func WithTracer(t pgx.QueryTracer) Option {
	return func(c *pgxpool.Config) { c.ConnConfig.Tracer = t }
}
