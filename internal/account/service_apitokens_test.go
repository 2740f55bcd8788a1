package account_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
)

// TestAPITokenService: tokens are unique and recognisable, a user holds at
// most 50 live ones, one user cannot revoke another's, and the purge
// deletes tokens a month after they ended. The HTTP side (bearer
// authentication, scopes, the page) is tested in internal/app, on the
// whole router.
func TestAPITokenService(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	svc, _ := newService(t, pool)
	ctx := testCtx(t)
	alice := mustCreateUser(t, repo, "alice@example.com")
	bob := mustCreateUser(t, repo, "bob@example.com")

	seen := map[string]bool{}
	var first account.NewAPIToken
	for i := range 50 {
		tok, err := svc.CreateAPIToken(ctx, alice, account.APITokenInput{Name: fmt.Sprint("t", i), Scope: auth.ScopeRead}, "")
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		if !strings.HasPrefix(tok.Secret, account.APITokenPrefix) || seen[tok.Secret] {
			t.Fatalf("token %d: %q is not a fresh prefixed token", i, tok.Secret)
		}
		seen[tok.Secret] = true
		if i == 0 {
			first = tok
		}
	}
	_, err := svc.CreateAPIToken(ctx, alice, account.APITokenInput{Name: "one too many", Scope: auth.ScopeRead}, "")
	if !errors.Is(err, account.ErrTooManyAPITokens) || apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("51st token: %v, want ErrTooManyAPITokens (409)", err)
	}
	if _, err := svc.CreateAPIToken(ctx, bob, account.APITokenInput{Name: "bob's", Scope: auth.ScopeReadWrite}, ""); err != nil {
		t.Errorf("another user's cap is their own: %v", err)
	}

	if err := svc.RevokeAPIToken(ctx, bob, first.ID, ""); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("bob revoking alice's token: %v, want ErrNotFound", err)
	}
	if err := svc.RevokeAPIToken(ctx, alice, first.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AuthenticateAPIToken(ctx, first.Secret, ""); !errors.Is(err, account.ErrAPITokenInvalid) {
		t.Errorf("revoked token authenticates: %v", err)
	}

	mustExec(t, pool, `UPDATE api_tokens SET revoked_at = now() - interval '31 days' WHERE id = $1`, first.ID)
	if err := svc.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM api_tokens WHERE id = $1`, first.ID); n != 0 {
		t.Error("the purge kept a token revoked a month ago")
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM api_tokens`); n != 50 {
		t.Errorf("the purge left %d tokens, want 50", n)
	}
}
