package validate_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/validate"
)

// rangeInput has a tag rule and a rule tags cannot express (Validator).
type rangeInput struct {
	From int    `json:"from" validate:"min=0"`
	To   int    `json:"to"`
	Name string `form:"full_name" validate:"required,max=5"`
}

func (in rangeInput) Validate() map[string]string {
	if in.To < in.From {
		return map[string]string{"to": "To must not be before From."}
	}
	return nil
}

func TestStruct(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         rangeInput
		wantFields map[string]string // nil means valid
	}{
		{"valid", rangeInput{From: 1, To: 2, Name: "ann"}, nil},
		{"method rule", rangeInput{From: 3, To: 2, Name: "ann"}, map[string]string{"to": "To must not be before From."}},
		{"tag and method rules together, by the client's field names", rangeInput{From: -1, To: -2, Name: "abcdef"}, map[string]string{
			"from":      "From must be at least 0.",
			"to":        "To must not be before From.",
			"full_name": "Full name must be at most 5 characters long.",
		}},
		{"required", rangeInput{}, map[string]string{"full_name": "Full name is required."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := validate.Struct(tt.in)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("Struct() = %v, want nil", err)
				}
				return
			}
			if k := apperr.KindOf(err); k != apperr.Invalid {
				t.Fatalf("KindOf(Struct()) = %v, want %v; err: %v", k, apperr.Invalid, err)
			}
			if diff := cmp.Diff(tt.wantFields, apperr.FieldsOf(err)); diff != "" {
				t.Errorf("FieldsOf mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "", "title": "Title", "due_date": "Due date", "x": "X"} {
		if got := validate.Label(in); got != want {
			t.Errorf("Label(%q) = %q, want %q", in, got, want)
		}
	}
}
