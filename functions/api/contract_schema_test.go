package api_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"
)

var (
	uuidType = reflect.TypeFor[uuid.UUID]()
	timeType = reflect.TypeFor[time.Time]()
)

// schemaCheck compares Go types with schemas and reports each difference.
type schemaCheck struct {
	t      *testing.T
	enums  map[string][]string
	byType map[reflect.Type]string // the component each struct type is written as
}

func (c *schemaCheck) errorf(at, format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("%s: %s", at, fmt.Sprintf(format, args...))
}

// object compares a struct's JSON fields, embedded structs flattened, with a schema's
// properties and required list.
func (c *schemaCheck) object(at string, typ reflect.Type, s *openapi3.Schema) {
	c.t.Helper()
	if !s.Type.Is("object") {
		c.errorf(at, "schema type is %v, want object for %s", s.Type.Slice(), typ)
		return
	}
	fields := jsonFields(typ)
	for name, f := range fields {
		prop := s.Properties[name]
		if prop == nil {
			c.errorf(at, "Go field %s (json %q) is not a property of the schema", f.Name, name)
			continue
		}
		if required := slices.Contains(s.Required, name); required == f.omitempty {
			c.errorf(at+"."+name, "required=%v in the schema but omitempty=%v in Go: a field is required exactly when Go always writes it", required, f.omitempty)
		}
		c.value(at+"."+name, f.Type, f.omitempty, prop)
	}
	for name := range s.Properties {
		if _, ok := fields[name]; !ok {
			c.errorf(at, "schema property %q has no field in %s", name, typ)
		}
	}
}

// value compares one Go type with one property (or item) schema.
func (c *schemaCheck) value(at string, typ reflect.Type, omitempty bool, ref *openapi3.SchemaRef) {
	c.t.Helper()
	s := ref.Value
	if typ.Kind() == reflect.Pointer {
		// A pointer is written as null unless omitempty leaves it out.
		if s.Nullable == omitempty {
			c.errorf(at, "nullable=%v in the schema, but Go %s with omitempty=%v", s.Nullable, typ, omitempty)
		}
		typ = typ.Elem()
	} else if s.Nullable && typ.Kind() != reflect.Slice && typ.Kind() != reflect.Map {
		c.errorf(at, "nullable in the schema, but Go %s is never null", typ)
	}
	if name, ok := c.byType[typ]; ok {
		if got := refName(ref); got != name {
			c.errorf(at, "schema refers to %q, want a $ref to %s (the schema of Go %s)", got, name, typ)
		}
		return
	}
	switch {
	case typ == uuidType:
		c.scalar(at, s, "string", "uuid")
	case typ == timeType:
		c.scalar(at, s, "string", "date-time")
	case typ.Kind() == reflect.String:
		c.scalar(at, s, "string", "")
		c.enum(at, typ, s)
	case typ.Kind() == reflect.Bool:
		c.scalar(at, s, "boolean", "")
	case typ.Kind() == reflect.Int || typ.Kind() == reflect.Int64:
		c.scalar(at, s, "integer", "")
	case typ.Kind() == reflect.Float64:
		c.scalar(at, s, "number", "")
	case typ.Kind() == reflect.Slice:
		if !s.Type.Is("array") || s.Items == nil {
			c.errorf(at, "schema type is %v, want array for Go %s", s.Type.Slice(), typ)
			return
		}
		c.value(at+"[]", typ.Elem(), false, s.Items)
	case typ.Kind() == reflect.Map && typ.Key().Kind() == reflect.String:
		if !s.Type.Is("object") || s.AdditionalProperties.Schema == nil {
			c.errorf(at, "schema is not an object with additionalProperties, want one for Go %s", typ)
			return
		}
		c.value(at+"{}", typ.Elem(), false, s.AdditionalProperties.Schema)
	default:
		c.errorf(at, "Go %s has no schema counterpart this test knows; map it in contractSchemas or teach the test", typ)
	}
}

// scalar checks a schema's type and format. Formats the Go type does not carry (email, uri) are
// fine on strings; uuid and date-time must come from uuid.UUID and time.Time.
func (c *schemaCheck) scalar(at string, s *openapi3.Schema, typ, format string) {
	c.t.Helper()
	if !s.Type.Is(typ) {
		c.errorf(at, "schema type is %v, want %s", s.Type.Slice(), typ)
	}
	switch {
	case format != "" && s.Format != format:
		c.errorf(at, "schema format is %q, want %q", s.Format, format)
	case format == "" && (s.Format == "uuid" || s.Format == "date-time"):
		c.errorf(at, "schema format is %q, but the Go field is a plain %s", s.Format, typ)
	}
}

// enum holds a named string type's constants to the schema's enum. A plain Go string may carry
// an enum in the schema (the document narrows it); a named one must.
func (c *schemaCheck) enum(at string, typ reflect.Type, s *openapi3.Schema) {
	c.t.Helper()
	if typ.PkgPath() == "" {
		return
	}
	key := typ.String()
	want, ok := c.enums[key]
	if !ok {
		c.errorf(at, "Go %s is a named string type with no constants; give it some or use string", key)
		return
	}
	var got []string
	for _, v := range s.Enum {
		got = append(got, fmt.Sprint(v))
	}
	if _, subset := enumSubsets[at]; subset {
		for _, v := range got {
			if !slices.Contains(want, v) {
				c.errorf(at, "schema enum value %q is not a constant of %s %v", v, key, want)
			}
		}
		return
	}
	if !sameSet(got, want) {
		c.errorf(at, "schema enum is %v, but %s has %v", got, key, want)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// refName is the component a property refers to: "Usage" for {"$ref": ".../Usage"} and for
// the nullable form {"type": "object", "nullable": true, "allOf": [{"$ref": ".../Usage"}]}.
func refName(ref *openapi3.SchemaRef) string {
	r := ref.Ref
	if r == "" && ref.Value != nil && len(ref.Value.AllOf) == 1 {
		r = ref.Value.AllOf[0].Ref
	}
	return strings.TrimPrefix(r, "#/components/schemas/")
}

// jsonField is a struct field as encoding/json writes it.
type jsonField struct {
	reflect.StructField
	omitempty bool
}

// jsonFields lists a struct's JSON properties by name, with embedded structs' fields promoted
// as encoding/json promotes them.
func jsonFields(typ reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for _, f := range reflect.VisibleFields(typ) {
		if !f.IsExported() || len(f.Index) == 0 {
			continue
		}
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			continue // its fields are listed on their own
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{StructField: f, omitempty: slices.Contains(strings.Split(opts, ","), "omitempty")}
	}
	return out
}
