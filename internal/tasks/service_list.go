package tasks

import (
	"context"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/tracing"
)

// List returns a page of who's own tasks, or with p.Everyone of every
// user's, read-only, for an admin: anyone else gets ErrNotAdmin. Invalid
// params are an Invalid error with field messages.
func (s *Service) List(ctx context.Context, who auth.Identity, p ListParams) (Page, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.List")
	defer span.End()
	if err := checkList(who, &p); err != nil {
		return Page{}, err
	}
	if p.Everyone {
		return s.repo.ListAll(ctx, p)
	}
	return s.repo.List(ctx, who.UserID, p)
}

// ListWithHead is List plus the newest event
// ID (where the page's live stream starts), read in one round trip. It
// returns ErrNotAdmin for everyone's tasks to a non-admin, and an Invalid
// error for invalid params.
func (s *Service) ListWithHead(ctx context.Context, who auth.Identity, p ListParams) (Page, int64, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.ListWithHead")
	defer span.End()
	if err := checkList(who, &p); err != nil {
		return Page{}, 0, err
	}
	if p.Everyone {
		return s.repo.ListAllWithHead(ctx, p)
	}
	return s.repo.ListWithHead(ctx, who.UserID, p)
}

// InList returns a task who may read, as Get does, and whether it belongs
// on the list p selects: its scope (who's own tasks, or everyone's), status
// and search; not the cursor, so a row loaded with "Load more" still
// counts. Invalid params are an Invalid error; everyone's list asked for
// by anyone but an admin is ErrNotAdmin, as in List.
func (s *Service) InList(ctx context.Context, who auth.Identity, id int64, p ListParams) (Task, bool, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.InList")
	defer span.End()
	p.Cursor = ""
	if err := checkList(who, &p); err != nil {
		return Task{}, false, err
	}
	t, err := s.Get(ctx, who, id)
	if err != nil {
		return Task{}, false, err
	}
	if !p.Everyone && t.UserID != who.UserID {
		return t, false, nil
	}
	if p.Status != "" && t.Status != p.Status {
		return t, false, nil
	}
	if p.Query == "" {
		return t, true, nil
	}
	ok, err := s.repo.InFilter(ctx, id, p) // the search, as the list's query runs it
	return t, ok, err
}

// checkList normalizes p and checks that who may read the list it
// selects: everyone's tasks only for an admin (ErrNotAdmin). Invalid
// params are an Invalid error with field messages.
func checkList(who auth.Identity, p *ListParams) error {
	if p.Everyone && !who.IsAdmin() {
		return ErrNotAdmin
	}
	if problems := p.Normalize(); len(problems) > 0 {
		return apperr.Validation("The request has invalid parameters.", problems)
	}
	return nil
}
