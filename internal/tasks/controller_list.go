package tasks

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// The list's query parameters and the page they select, shared by the
// pages, the API and the event stream.

// indexView reads the list's query parameters and loads that page.
func (c *Controller) indexView(r *http.Request) (IndexView, error) {
	p, err := listParams(r.URL.Query())
	if err != nil {
		return IndexView{}, err
	}
	// The page and where its live stream starts: one round trip.
	page, head, err := c.svc.ListWithHead(r.Context(), auth.MustFrom(r), p)
	if err != nil {
		return IndexView{}, err
	}
	return IndexView{Params: p, Page: page, Today: c.svc.Today(), Viewer: auth.MustFrom(r), Live: liveURL(head, p.Everyone)}, nil
}

// listRow handles GET /tasks/{id}/row: the task's row of the list that
// status, q and all select, for the live list (web/static/js/live.js) to
// refresh or add one row without re-fetching a page. A task the viewer may
// read that is not on that list (changed to another status, or not theirs
// on their own list) answers an empty 200, so the page drops the row; one
// the viewer may not read is 404, as on every task route.
func (c *Controller) listRow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	p, err := listParams(r.URL.Query())
	if err != nil {
		return err
	}
	a := auth.MustFrom(r)
	t, ok, err := c.svc.InList(r.Context(), a, id, p)
	if err != nil {
		return err
	}
	if !ok {
		return httpx.Render(w, r, http.StatusOK, templ.NopComponent)
	}
	return httpx.Render(w, r, http.StatusOK, row(t, c.svc.Today(), readOnly(a, t)))
}

// listParams reads the list's query parameters, spelled the same for the
// pages and the API: status, q, cursor, limit and all=true (or all=1; any
// strconv.ParseBool true). The ranges
// and statuses are checked by the service (ListParams.Normalize); here
// only a limit that is not a number is refused, and so is an explicit
// limit=0, because 0 is how ListParams says "the default".
func listParams(q url.Values) (ListParams, error) {
	p := ListParams{Status: Status(q.Get("status")), Query: q.Get("q"), Cursor: q.Get("cursor"), Everyone: isTrue(q.Get("all"))}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n == 0 {
			return ListParams{}, apperr.Validation("The request has invalid parameters.", map[string]string{
				"limit": fmt.Sprintf("Limit must be a whole number between 1 and %d.", MaxLimit),
			})
		}
		p.Limit = n
	}
	return p, nil
}

// isTrue reports whether a query flag is set: "true", "1", "t" and so on.
func isTrue(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}
