package api

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/text"
)

// unstorableFields names every string in a decoded body that PostgreSQL could not store (a NUL,
// which JSON carries as \u0000), by its JSON path such as notifications[0].address. It walks
// the value rather than each handler checking its fields, so a field added to a body later is
// covered without anyone remembering to.
func unstorableFields(v any) []contract.FieldError {
	var out []contract.FieldError
	walkStrings(reflect.ValueOf(v), "", func(path, s string) {
		if !text.Storable(s) {
			out = append(out, contract.FieldError{Field: path, Message: "must not contain NUL characters"})
		}
	})
	return out
}

// walkStrings calls visit with the path and value of every string reachable from v.
func walkStrings(v reflect.Value, path string, visit func(path, s string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, visit)
		}
	case reflect.String:
		visit(orBody(path), v.String())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkStrings(v.Index(i), fmt.Sprintf("%s[%d]", orBody(path), i), visit)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			key := fmt.Sprint(it.Key().Interface())
			if it.Key().Kind() == reflect.String {
				visit(orBody(path), key)
			}
			walkStrings(it.Value(), join(path, key), visit)
		}
	case reflect.Struct:
		walkStruct(v, path, visit)
	default:
	}
}

func walkStruct(v reflect.Value, path string, visit func(path, s string)) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case f.Anonymous && name == "":
			walkStrings(v.Field(i), path, visit) // embedded: its fields are this object's
			continue
		case name == "":
			name = f.Name
		}
		walkStrings(v.Field(i), join(path, name), visit)
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// unstorableProblem is the 422 for a body with unstorable strings.
func unstorableProblem(fields []contract.FieldError) error {
	return &problemError{contract.Problem{Status: http.StatusUnprocessableEntity, Title: "Invalid input",
		Detail: "Some fields hold characters that cannot be stored; see errors.", Errors: fields}}
}
