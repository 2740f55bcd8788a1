package app

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/caarlos0/env/v11"
	"github.com/go-playground/validator/v10"
)

// This file reads the environment for LoadConfig: NAME_FILE secrets, and
// turning parse and validation errors into one line per variable.

// loadInto parses only the variables dst declares (for commands that need a
// part of Config) with the same NAME_FILE and error handling.
func loadInto(dst any, environ []string) error {
	vars, problems := environment(environ)
	if err := env.ParseWithOptions(dst, env.Options{Environment: vars}); err != nil {
		problems = append(problems, envProblems(err, reflect.TypeOf(dst).Elem(), vars)...)
	}
	if len(problems) > 0 {
		return configError(problems)
	}
	return nil
}

func configError(problems []string) error {
	return errors.New("configuration is invalid:\n  " + strings.Join(problems, "\n  "))
}

// environment turns environ into a map and resolves NAME_FILE variables.
func environment(environ []string) (map[string]string, []string) {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	var problems []string
	for _, name := range secretVars {
		path, ok := vars[name+"_FILE"]
		if !ok || path == "" {
			continue
		}
		if vars[name] != "" {
			problems = append(problems, fmt.Sprintf("set %s or %s_FILE, not both", name, name))
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s_FILE: cannot read %s: %v", name, path, errors.Unwrap(err)))
			continue
		}
		vars[name] = strings.TrimRight(string(b), "\r\n")
	}
	return vars, problems
}

// envProblems rewrites caarlos0/env errors to name the variable. A
// variable missing because its NAME_FILE failed is already reported.
func envProblems(err error, t reflect.Type, vars map[string]string) []string {
	agg, ok := errors.AsType[env.AggregateError](err)
	if !ok {
		return []string{err.Error()}
	}
	var out []string
	for _, e := range agg.Errors {
		if notSet, ok := errors.AsType[env.EnvVarIsNotSetError](e); ok {
			if vars[notSet.Key+"_FILE"] == "" {
				out = append(out, notSet.Key+" is required")
			}
		} else if notEmpty, ok := errors.AsType[env.EmptyEnvVarError](e); ok {
			out = append(out, notEmpty.Key+" must not be empty")
		} else if parse, ok := errors.AsType[env.ParseError](e); ok {
			out = append(out, fmt.Sprintf("%s is not a valid %s: %v", envKey(t, parse.Name), parse.Type, parse.Err))
		} else {
			out = append(out, e.Error())
		}
	}
	return out
}

// envKey finds the env tag of the struct field called field, searching
// nested structs; it falls back to the field name.
func envKey(t reflect.Type, field string) string {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == field {
			if name, _, _ := strings.Cut(f.Tag.Get("env"), ","); name != "" {
				return name
			}
		}
		if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == t.PkgPath() {
			if k := envKey(f.Type, field); k != field {
				return k
			}
		}
	}
	return field
}

// reported returns the variable names the problems start with.
func reported(problems []string) map[string]bool {
	names := map[string]bool{}
	for _, p := range problems {
		name, _, _ := strings.Cut(p, " ")
		names[strings.TrimSuffix(name, ":")] = true
	}
	return names
}

// tagProblems runs the validate tags and names each failing variable.
func tagProblems(c Config) []string {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		return name
	})
	err := v.Struct(c)
	verrs, ok := errors.AsType[validator.ValidationErrors](err)
	if !ok {
		if err != nil {
			return []string{err.Error()}
		}
		return nil
	}
	var p []string
	for _, fe := range verrs {
		name := fe.Field()
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i] // TRUSTED_PROXIES[0] -> TRUSTED_PROXIES
		}
		switch fe.Tag() {
		case "oneof":
			p = append(p, fmt.Sprintf("%s must be one of %s, not %q", name, strings.ReplaceAll(fe.Param(), " ", ", "), fe.Value()))
		case "min":
			if fe.Kind() == reflect.String {
				p = append(p, fmt.Sprintf("%s must be at least %s bytes long", name, fe.Param()))
			} else {
				p = append(p, fmt.Sprintf("%s must be at least %s, not %v", name, fe.Param(), fe.Value()))
			}
		case "max":
			p = append(p, fmt.Sprintf("%s must be at most %s, not %v", name, fe.Param(), fe.Value()))
		case "cidr":
			p = append(p, fmt.Sprintf("%s: %q is not a CIDR (like 10.0.0.0/8)", name, fe.Value()))
		default:
			p = append(p, fmt.Sprintf("%s is not valid (%s)", name, fe.Tag()))
		}
	}
	return p
}
