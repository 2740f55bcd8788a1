// Package ui holds the shared templ components every feature builds its views
// from: buttons, form fields, alerts, toasts, cards, badges, empty states,
// pagination and spinners. Components receive data and never fetch it; styling
// lives in web/static/css/app.css, behaviour in web/static/js/app.js.
//
// Attrs fields pass extra attributes (hx-*, data-*, aria-*) through to the main
// element. They are filtered for the strict CSP and for safety: on* and hx-on*
// event-handler attributes and style are dropped, and URL-valued attributes
// (href, src, action, formaction, hx-get/post/put/patch/delete) are sanitized
// with templ.URL, so a javascript: URL becomes about:invalid#TemplFailedSanitizationURL.
package ui

import "github.com/a-h/templ"

// Variants shared by Button, Alert, Toast and Badge. Not every component uses
// every variant; an unknown or empty variant falls back to the component's default.
const (
	VariantPrimary   = "primary"
	VariantSecondary = "secondary"
	VariantDanger    = "danger"
	VariantInfo      = "info"
	VariantSuccess   = "success"
	VariantWarning   = "warning"
	VariantError     = "error"
	VariantNeutral   = "neutral"
)

// ButtonProps configures Button. The label is the component's children.
type ButtonProps struct {
	Variant  string // VariantPrimary (default), VariantSecondary or VariantDanger
	Type     string // "button" (default), "submit" or "reset"
	ID       string
	Name     string // optional name/value submitted with the form
	Value    string
	Disabled bool
	// Loading adds an htmx-indicator spinner inside the button, shown while an
	// htmx request started by this button (or its form) is in flight.
	Loading bool
	Class   string           // extra CSS classes
	Attrs   templ.Attributes // e.g. {"hx-post": "/tasks", "data-confirm": "Delete this task?"}
}

// LinkButtonProps configures LinkButton: a link that looks like a button.
type LinkButtonProps struct {
	Href    string // sanitized by templ: javascript: URLs are neutralized
	Variant string // VariantPrimary (default), VariantSecondary or VariantDanger
	Class   string
	Attrs   templ.Attributes
}

// FieldProps configures Field (text-like inputs) and TextareaField.
//
// The input's id defaults to Name, so a FormErrors summary can link to "#"+name.
// With Hint or Error set, the input's aria-describedby points at them; with
// Error set it also gets aria-invalid="true" and the message is shown under it.
type FieldProps struct {
	ID           string // defaults to Name
	Name         string
	Label        string
	Type         string // "text" (default), "email", "password", "search", "url", "tel", "number", "date", ...
	Value        string
	Placeholder  string
	Hint         string // help text under the label
	Error        string // validation message; marks the field invalid
	Required     bool
	Disabled     bool
	Autocomplete string // e.g. "email", "current-password", "off"
	Rows         int    // TextareaField only; defaults to 4
	Attrs        templ.Attributes
}

// SelectOption is one <option> of a SelectField.
type SelectOption struct {
	Value    string
	Label    string
	Selected bool // also selected when Value equals the field's Value
	Disabled bool
}

// SelectProps configures SelectField. FieldProps.Placeholder, if set, becomes a
// first option with an empty value; Type, Autocomplete and Rows are ignored.
type SelectProps struct {
	FieldProps
	Options []SelectOption
}

// ToastData is one notification in the #toasts region. Error toasts are
// announced assertively (role="alert"), the others politely (role="status").
type ToastData struct {
	Variant string // VariantInfo (default), VariantSuccess, VariantWarning or VariantError
	Message string // the one-line message
	Detail  string // optional second line
}

// LoadMoreProps configures LoadMore: a link that fetches the next page with
// htmx and, without JavaScript, simply navigates to it.
type LoadMoreProps struct {
	URL    string // URL of the next page (href and hx-get); sanitized by templ
	Target string // hx-target CSS selector, e.g. "#task-rows"; defaults to "this"
	Swap   string // hx-swap; defaults to "outerHTML" without Target, else "beforeend"
	Label  string // defaults to "Load more"
	ID     string
	Attrs  templ.Attributes
}
