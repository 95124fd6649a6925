// Package contracttest checks the functions that map service types into shared/contract: fill
// a service value with something in every field, map it, and require that every wire field
// came out set. A field added to a contract type and forgotten in its mapping fails the test
// instead of going out as a zero value.
package contracttest

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// Filled returns a T with every exported field, nested ones included, set to a non-zero value.
func Filled[T any](t testing.TB) T {
	t.Helper()
	var v T
	fill(t, reflect.ValueOf(&v).Elem(), reflect.TypeOf(v).String())
	return v
}

var timeType = reflect.TypeFor[time.Time]()

func fill(t testing.TB, v reflect.Value, at string) {
	t.Helper()
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(7)
	case reflect.Uint8:
		v.SetUint(7)
	case reflect.Float64:
		v.SetFloat(0.5)
	case reflect.Array: // uuid.UUID
		for i := range v.Len() {
			fill(t, v.Index(i), at)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), at)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), at+"[0]")
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, at)
		fill(t, e, at)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), at+"."+v.Type().Field(i).Name)
			}
		}
	default:
		t.Fatalf("contracttest: cannot fill %s of kind %s", at, v.Kind())
	}
}

// RequireComplete fails t when any exported field of v, nested ones included, is its zero
// value, naming the field.
func RequireComplete(t testing.TB, v any) {
	t.Helper()
	var missing []string
	check(reflect.ValueOf(v), reflect.TypeOf(v).String(), &missing)
	if len(missing) > 0 {
		t.Errorf("the mapping left these wire fields unset: %s", strings.Join(missing, ", "))
	}
}

func check(v reflect.Value, at string, missing *[]string) {
	if v.IsZero() {
		*missing = append(*missing, at)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		check(v.Elem(), at, missing)
	case reflect.Slice:
		for i := range v.Len() {
			check(v.Index(i), at+"[]", missing)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				check(v.Field(i), at+"."+v.Type().Field(i).Name, missing)
			}
		}
	}
}
