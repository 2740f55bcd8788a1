// Package apperr is the typed error hierarchy shared by every layer.
//
// An *Error carries a Kind (what went wrong, which decides the HTTP status),
// a safe message that may be shown to users, optional field errors for
// validation failures, and the internal cause, which is only ever logged.
// Errors that carry no kind are Internal.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error. The zero value is Internal, so an error that
// was never classified is treated as a bug, not as the client's fault.
type Kind uint8

// The kinds, in no particular order. Each maps to exactly one HTTP status
// (see Status).
const (
	Internal         Kind = iota // 500: a bug or an unexpected failure
	Malformed                    // 400: the request cannot be parsed
	Invalid                      // 422: the request parses but breaks a rule
	Unauthenticated              // 401: no valid session or credentials
	Forbidden                    // 403: authenticated, or cross-origin, but not allowed
	NotFound                     // 404: no such resource (or not yours)
	MethodNotAllowed             // 405: the route exists, the method does not
	Conflict                     // 409: the resource changed or already exists
	TooLarge                     // 413: the request body is over its limit
	UnsupportedMedia             // 415: the request body has the wrong Content-Type
	TooManyRequests              // 429: a rate limit was hit
	Unavailable                  // 503: a dependency (the database) is unreachable
)

var kindNames = [...]string{
	Internal:         "internal",
	Malformed:        "malformed",
	Invalid:          "invalid",
	Unauthenticated:  "unauthenticated",
	Forbidden:        "forbidden",
	NotFound:         "not_found",
	MethodNotAllowed: "method_not_allowed",
	Conflict:         "conflict",
	TooLarge:         "too_large",
	UnsupportedMedia: "unsupported_media",
	TooManyRequests:  "too_many_requests",
	Unavailable:      "unavailable",
}

var kindStatus = [...]int{
	Internal:         500,
	Malformed:        400,
	Invalid:          422,
	Unauthenticated:  401,
	Forbidden:        403,
	NotFound:         404,
	MethodNotAllowed: 405,
	Conflict:         409,
	TooLarge:         413,
	UnsupportedMedia: 415,
	TooManyRequests:  429,
	Unavailable:      503,
}

// Kinds lists every kind, for tests and documentation.
func Kinds() []Kind {
	ks := make([]Kind, len(kindNames))
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// String returns the kind's snake_case name, used in logs and problem types.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Status returns the HTTP status code for the kind; unknown kinds are 500.
func (k Kind) Status() int {
	if int(k) < len(kindStatus) {
		return kindStatus[k]
	}
	return 500
}

// Error is an error with a kind, a safe message and an optional cause.
type Error struct {
	Kind Kind
	// Message is safe to show to users. Empty means "use the generic
	// message for the kind".
	Message string
	// Fields maps an input field name to a readable problem with it.
	Fields map[string]string
	// RetryAfter, when positive, is sent as the Retry-After header
	// (TooManyRequests, Unavailable).
	RetryAfter time.Duration
	// Bug marks a client error that earlier code should have caught, such
	// as input the database refused after validation let it through. The
	// client still gets the kind's 4xx; the responder logs it as an error.
	Bug bool
	// Err is the internal cause. It is logged, never shown.
	Err error
}

// New returns an error of the given kind with a safe message.
func New(kind Kind, message string) *Error {
	return &Error{Kind: kind, Message: message}
}

// Wrap returns an error of the given kind with a safe message whose
// internal cause is err.
func Wrap(err error, kind Kind, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Validation returns an Invalid error with a field → message map.
func Validation(message string, fields map[string]string) *Error {
	return &Error{Kind: Invalid, Message: message, Fields: fields}
}

// Error returns the message and the cause, for logs. Users see SafeMessage.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.String()
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the internal cause, so errors.Is and errors.As see it.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the first *Error in err's chain, or Internal
// if there is none (including for a nil error's caller mistakes).
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return Internal
}

// SafeMessage returns the user-facing message of err: the message of the
// first *Error in its chain, or the generic message for its kind. It never
// returns the text of an unclassified cause.
func SafeMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Message != "" {
		return e.Message
	}
	return GenericMessage(KindOf(err))
}

// FieldsOf returns the field errors of the first *Error in err's chain.
func FieldsOf(err error) map[string]string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Fields
	}
	return nil
}

// InvalidFields returns the field errors of err when it is an Invalid
// error (a form to re-render with 422), and false for any other error,
// including an Invalid one marked Bug: that goes to the responder, which
// shows its message and logs it.
func InvalidFields(err error) (map[string]string, bool) {
	if err == nil || KindOf(err) != Invalid || IsBug(err) {
		return nil, false
	}
	return FieldsOf(err), true
}

// IsBug reports whether the first *Error in err's chain is marked Bug.
func IsBug(err error) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.Bug
}

// RetryAfterOf returns the Retry-After hint of the first *Error in err's chain.
func RetryAfterOf(err error) time.Duration {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.RetryAfter
	}
	return 0
}

// GenericMessage is the message shown for a kind when the error has none.
func GenericMessage(k Kind) string {
	switch k {
	case Malformed:
		return "The request could not be understood."
	case Invalid:
		return "Some of the input is not valid."
	case Unauthenticated:
		return "Please sign in to continue."
	case Forbidden:
		return "You are not allowed to do that."
	case NotFound:
		return "The page or item you asked for does not exist."
	case MethodNotAllowed:
		return "That action is not supported here."
	case Conflict:
		return "Someone else changed this in the meantime. Reload and try again."
	case TooLarge:
		return "The request is too large."
	case UnsupportedMedia:
		return "The request body has an unsupported content type."
	case TooManyRequests:
		return "Too many requests. Wait a moment and try again."
	case Unavailable:
		return "The service is temporarily unavailable. Try again in a moment."
	default:
		return "Something went wrong on our side. It has been logged."
	}
}
