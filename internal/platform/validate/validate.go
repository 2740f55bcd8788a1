// Package validate checks inputs against their rules: `validate` struct
// tags (go-playground/validator) and a Validate method for rules tags
// cannot express. Services call it, so the rules hold for every caller
// (pages, the API, the command line); HTTP decoders only decode.
package validate

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

// Validator is implemented by inputs with rules that struct tags cannot
// express. It returns field name → readable message, empty when valid.
type Validator interface {
	Validate() map[string]string
}

// structs caches struct metadata, which is why validator/v10 wants one
// instance; it is configured here once and holds no request state, so it
// is the one package-level variable this package needs.
var structs = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Report fields by the name the client used, not the Go field name.
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		for _, tag := range []string{"json", "form"} {
			name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
			if name == "-" {
				return ""
			}
			if name != "" {
				return name
			}
		}
		return f.Name
	})
	return v
}

// Struct checks v's `validate` tags and its Validate method, if any. It
// never changes v. It returns nil or an Invalid *apperr.Error whose Fields
// hold one readable message per failing field.
func Struct(v any) error {
	problems := map[string]string{}
	if err := structs.Struct(v); err != nil {
		verrs, ok := errors.AsType[validator.ValidationErrors](err)
		if !ok {
			return fmt.Errorf("validate: %T: %w", v, err)
		}
		for _, fe := range verrs {
			if _, seen := problems[fe.Field()]; !seen {
				problems[fe.Field()] = fieldMessage(fe)
			}
		}
	}
	if vv, ok := v.(Validator); ok {
		for field, msg := range vv.Validate() {
			if _, seen := problems[field]; !seen {
				problems[field] = msg
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return apperr.Validation("Please correct the highlighted fields.", problems)
}

// fieldMessage turns one validation failure into a sentence for users.
func fieldMessage(fe validator.FieldError) string {
	label := Label(fe.Field())
	isText := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with", "required_without":
		return label + " is required."
	case "email":
		return label + " must be a valid email address."
	case "url", "http_url":
		return label + " must be a valid URL."
	case "oneof":
		return fmt.Sprintf("%s must be one of: %s.", label, strings.ReplaceAll(fe.Param(), " ", ", "))
	case "len":
		if isText {
			return fmt.Sprintf("%s must be exactly %s characters long.", label, fe.Param())
		}
		return fmt.Sprintf("%s must have exactly %s items.", label, fe.Param())
	case "min", "gte":
		if isText {
			return fmt.Sprintf("%s must be at least %s characters long.", label, fe.Param())
		}
		return fmt.Sprintf("%s must be at least %s.", label, fe.Param())
	case "max", "lte":
		if isText {
			return fmt.Sprintf("%s must be at most %s characters long.", label, fe.Param())
		}
		return fmt.Sprintf("%s must be at most %s.", label, fe.Param())
	case "gt":
		return fmt.Sprintf("%s must be greater than %s.", label, fe.Param())
	case "lt":
		return fmt.Sprintf("%s must be less than %s.", label, fe.Param())
	default:
		return label + " is not valid."
	}
}

// Label turns a field name such as "due_date" into "Due date".
func Label(field string) string {
	s := strings.ReplaceAll(field, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
