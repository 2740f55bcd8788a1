// Package openapi assembles the API's one OpenAPI document from a base
// (info, security, shared components) and each feature's part (its tags,
// paths and components), and serves it.
package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
)

// Assemble merges parts into base. A part is a JSON object with any of
// "tags" (appended), "paths" and "components" (merged by key: a path, or a
// component of the same kind and name, given twice with different
// content is an error, so one feature cannot silently replace another's).
// It returns the document as JSON.
func Assemble(base []byte, parts ...[]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi: base: %w", err)
	}
	for i, raw := range parts {
		var part map[string]any
		if err := json.Unmarshal(raw, &part); err != nil {
			return nil, fmt.Errorf("openapi: part %d: %w", i, err)
		}
		if err := merge(doc, part); err != nil {
			return nil, fmt.Errorf("openapi: part %d: %w", i, err)
		}
	}
	return json.Marshal(doc)
}

func merge(doc, part map[string]any) error {
	for key, val := range part {
		switch key {
		case "tags":
			tags, _ := doc["tags"].([]any)
			more, ok := val.([]any)
			if !ok {
				return fmt.Errorf("tags must be an array")
			}
			doc["tags"] = append(tags, more...)
		case "paths":
			if err := mergeMap(doc, key, val, "path"); err != nil {
				return err
			}
		case "components":
			kinds, ok := val.(map[string]any)
			if !ok {
				return fmt.Errorf("components must be an object")
			}
			components := child(doc, "components")
			for kind, entries := range kinds {
				if err := mergeMap(components, kind, entries, "component "+kind); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("a part may hold tags, paths and components, not %q", key)
		}
	}
	return nil
}

// mergeMap adds the entries of val (an object) to parent[key].
func mergeMap(parent map[string]any, key string, val any, what string) error {
	entries, ok := val.(map[string]any)
	if !ok {
		return fmt.Errorf("%s entries must be an object", what)
	}
	dst := child(parent, key)
	for name, entry := range entries {
		if old, dup := dst[name]; dup && !reflect.DeepEqual(old, entry) {
			return fmt.Errorf("%s %q is defined twice, differently", what, name)
		}
		dst[name] = entry
	}
	return nil
}

// child returns parent[key] as an object, creating it if needed.
func child(parent map[string]any, key string) map[string]any {
	m, ok := parent[key].(map[string]any)
	if !ok {
		m = map[string]any{}
		parent[key] = m
	}
	return m
}

// Handler serves doc, an assembled document, as application/json.
func Handler(doc []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	}
}

// base is the frame of the API's document: info, security schemes, the
// error responses every endpoint shares (httpx's problem+json) and the
// document's own path. Features add their parts with Assemble.
//
//go:embed base.json
var base []byte

// Base returns the frame of the API's document, for Assemble.
func Base() []byte { return base }
