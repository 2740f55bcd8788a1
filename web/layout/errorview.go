package layout

import (
	"net/http"
	"strconv"
)

// ErrorView is what ErrorPage shows. Title and Message must be safe for users
// (never err.Error() of an unknown error); RequestID is the X-Request-ID of the
// failed request, shown so people can quote it to support.
type ErrorView struct {
	Status    int    // HTTP status code, e.g. 404 or 500
	Title     string // short heading; defaults to the status text
	Message   string // one or two sentences on what happened and what to do
	RequestID string // shown only when non-empty
}

// heading returns the title, falling back to the standard status text.
func (e ErrorView) heading() string {
	if e.Title != "" {
		return e.Title
	}
	if t := http.StatusText(e.Status); t != "" {
		return t
	}
	return "Something went wrong"
}

// statusLabel is the status code as text, or "Error" when unset.
func (e ErrorView) statusLabel() string {
	if e.Status <= 0 {
		return "Error"
	}
	return strconv.Itoa(e.Status)
}
