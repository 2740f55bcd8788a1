package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// TxBeginner starts transactions; *pgxpool.Pool satisfies it.
type TxBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// InTx runs fn in a transaction. It commits if fn returns nil and rolls
// back otherwise (and on panic). It returns fn's error, or the commit's:
// a failed commit (a deferred constraint, a serialization failure, a lost
// connection) is an error like any other, never swallowed. Errors from
// beginning or committing pass through Translate.
func InTx(ctx context.Context, db TxBeginner, fn func(tx pgx.Tx) error) (err error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", Translate(err))
	}
	defer func() {
		if err != nil {
			// The rollback error adds nothing when fn or commit already failed.
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		if errors.Is(err, pgx.ErrTxCommitRollback) {
			return fmt.Errorf("postgres: commit rolled back: %w", err)
		}
		return fmt.Errorf("postgres: commit: %w", Translate(err))
	}
	return nil
}
