package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// Recover turns a panic in a handler into a 500 sent through httpx.Error.
// The stack goes to the log (once, with the error), never to the client. http.ErrAbortHandler is re-panicked, as
// net/http expects, to abort the response silently.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if err, ok := rec.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(rec)
			}
			// The stack rides in the cause, so httpx.Error logs it in its one
			// line for this request; the response shows only the generic message.
			httpx.Error(w, r, apperr.Wrap(fmt.Errorf("panic: %v\n%s", rec, debug.Stack()), apperr.Internal, ""))
		}()
		next.ServeHTTP(w, r)
	})
}
