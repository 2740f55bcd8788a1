package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// urlAttrs are attributes whose values are URLs and are therefore sanitized
// when passed through Attrs.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true,
	"hx-get": true, "hx-post": true, "hx-put": true, "hx-patch": true, "hx-delete": true,
	"hx-push-url": true, "hx-replace-url": true, "sse-connect": true,
}

// safeAttrs returns a copy of attrs that is safe under the strict CSP:
// event-handler attributes (on*, hx-on*) and style are dropped (the browser
// would refuse them anyway), and URL-valued attributes are run through
// templ.URL. Only string, bool and number values are kept.
func safeAttrs(attrs templ.Attributes) templ.Attributes {
	out := make(templ.Attributes, len(attrs))
	for k, v := range attrs {
		key := strings.ToLower(strings.TrimSpace(k))
		if key == "" || key == "style" || strings.HasPrefix(key, "on") || strings.HasPrefix(key, "hx-on") || strings.HasPrefix(key, "data-hx-on") {
			continue
		}
		if s, ok := v.(string); ok && urlAttrs[strings.TrimPrefix(key, "data-")] {
			// "true"/"false" are valid hx-push-url values, not URLs; templ.URL keeps them.
			v = string(templ.URL(s))
		}
		out[k] = v
	}
	return out
}

// oneOf returns v if it is one of allowed, else the first allowed value (the default).
func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return allowed[0]
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// buttonVariant normalizes a Button/LinkButton variant.
func buttonVariant(v string) string {
	return oneOf(v, VariantPrimary, VariantSecondary, VariantDanger)
}

// alertVariant normalizes an Alert/Toast variant.
func alertVariant(v string) string {
	return oneOf(v, VariantInfo, VariantSuccess, VariantWarning, VariantError)
}

// badgeVariant normalizes a Badge variant.
func badgeVariant(v string) string {
	return oneOf(v, VariantNeutral, VariantInfo, VariantSuccess, VariantWarning, VariantError, VariantPrimary)
}

// fieldID is the input's id: the explicit ID or the name.
func fieldID(id, name string) string {
	return orDefault(id, name)
}

// describedBy lists the ids of the hint and error elements of a field.
func describedBy(id, hint, errMsg string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, id+"-hint")
	}
	if errMsg != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

// textareaRows is the rows attribute of a TextareaField.
func textareaRows(rows int) string {
	if rows <= 0 {
		rows = 4
	}
	return strconv.Itoa(rows)
}

// optionSelected reports whether an option of a SelectField is selected.
func optionSelected(o SelectOption, value string) bool {
	return o.Selected || (value != "" && o.Value == value)
}

// toastRole is role="alert" for errors (announced at once) and "status" otherwise.
func toastRole(variant string) string {
	if alertVariant(variant) == VariantError {
		return "alert"
	}
	return "status"
}

// toastDelay is how long a toast stays, in milliseconds: errors stay longer,
// so there is time to read them (app.js also pauses while hovered or focused).
func toastDelay(variant string) string {
	if alertVariant(variant) == VariantError {
		return "12000"
	}
	return "6000"
}

// sortedKeys returns the keys of m in order, so summaries render deterministically.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// problemCount is "1 problem" / "3 problems".
func problemCount(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return strconv.Itoa(n) + " problems"
}

// sanitizedURL runs a URL that goes into a non-href attribute (hx-get, ...)
// through templ's sanitizer; templ sanitizes href on <a> by itself.
func sanitizedURL(u string) string {
	return string(templ.URL(u))
}

// loadMoreSwap is the hx-swap of a LoadMore (see its doc comment).
func loadMoreSwap(p LoadMoreProps) string {
	if p.Swap != "" {
		return p.Swap
	}
	if p.Target == "" || p.Target == "this" {
		return "outerHTML"
	}
	return "beforeend"
}
