package layout

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/web/ui"
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

// ErrorViews are the error page and the error toast, for the responder
// (httpx.UseErrorViews): internal/app hands them over when it builds the
// router, so the platform layer carries no markup of its own.
func ErrorViews() httpx.ErrorViews {
	return httpx.ErrorViews{
		Page: func(v httpx.ErrorView) templ.Component {
			return ErrorPage(ErrorView{Status: v.Status, Title: v.Title, Message: v.Message, RequestID: v.RequestID})
		},
		Toast: func(v httpx.ErrorView) templ.Component {
			detail := ""
			if v.Status >= 500 && v.RequestID != "" {
				detail = "Request ID: " + v.RequestID // a 5xx is worth quoting to support
			}
			return ui.Toast(ui.ToastData{Variant: ui.VariantError, Message: v.Message, Detail: detail})
		},
	}
}
