package httpx

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

// IDParam parses the route parameter name (as in /tasks/{id}) as a
// positive int64 ID. A malformed, zero or negative ID returns a NotFound
// error, like an ID that does not exist: a URL that cannot name a record
// names none.
func IDParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "")
	}
	return id, nil
}
