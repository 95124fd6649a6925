package api_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/contract"
)

// The OpenAPI document is written by hand, for its descriptions, examples and limits; the Go
// contract is written by hand, for its doc comments and helpers. The tests below hold the two
// to each other field by field, so neither can drift: the dashboard generates its TypeScript
// types from the document, and the Go client and the API read and write the Go types.

// contractSchemas maps every component schema of openapi.json to the Go type it describes.
var contractSchemas = map[string]reflect.Type{
	"TaskView":           typeOf[contract.TaskView](),
	"AdminTask":          typeOf[contract.AdminTask](),
	"Notification":       typeOf[contract.Notification](),
	"TaskInput":          typeOf[contract.TaskInput](),
	"TaskPatch":          typeOf[contract.TaskPatch](),
	"StateInput":         typeOf[contract.StateInput](),
	"Preview":            typeOf[contract.Preview](),
	"Execution":          typeOf[contract.Execution](),
	"AdminExecution":     typeOf[contract.AdminExecution](),
	"Result":             typeOf[contract.Result](),
	"Source":             typeOf[contract.Source](),
	"Usage":              typeOf[contract.Usage](),
	"Delivery":           typeOf[contract.Delivery](),
	"Notified":           typeOf[contract.Notified](),
	"DeliveryLog":        typeOf[contract.DeliveryLog](),
	"DeliveryAttempt":    typeOf[contract.DeliveryAttempt](),
	"User":               typeOf[contract.User](),
	"APIKey":             typeOf[contract.APIKey](),
	"NewAPIKey":          typeOf[contract.NewAPIKey](),
	"APIKeyInput":        typeOf[contract.APIKeyInput](),
	"Stats":              typeOf[contract.Stats](),
	"Health":             typeOf[contract.Health](),
	"Problem":            typeOf[contract.Problem](),
	"FieldError":         typeOf[contract.FieldError](),
	"WebhookSettings":    typeOf[contract.WebhookSettings](),
	"DisabledWebhook":    typeOf[contract.DisabledWebhook](),
	"WebhookInput":       typeOf[contract.WebhookInput](),
	"WebhookURLInput":    typeOf[contract.WebhookURLInput](),
	"WebhookTestResult":  typeOf[contract.WebhookTestResult](),
	"EmailAddress":       typeOf[contract.EmailAddress](),
	"EmailInput":         typeOf[contract.EmailInput](),
	"EmailVerifyInput":   typeOf[contract.EmailVerifyInput](),
	"Unsubscribed":       typeOf[contract.Unsubscribed](),
	"Mail":               typeOf[contract.Mail](),
	"ReconcileReport":    typeOf[contract.ReconcileReport](),
	"ReconcileJobCounts": typeOf[contract.ReconcileJobCounts](),
	"SchedulerJobs":      typeOf[contract.SchedulerJobs](),
	"SchedulerJob":       typeOf[contract.SchedulerJob](),
	"JobState":           typeOf[contract.JobState](),
	"TaskPage":           typeOf[contract.Page[contract.TaskView]](),
	"ExecutionPage":      typeOf[contract.Page[contract.Execution]](),
	"NotifiedPage":       typeOf[contract.Page[contract.Notified]](),
	"APIKeyPage":         typeOf[contract.Page[contract.APIKey]](),
	"UserPage":           typeOf[contract.Page[contract.User]](),
	"AdminTaskPage":      typeOf[contract.Page[contract.AdminTask]](),
	"AdminExecutionPage": typeOf[contract.Page[contract.AdminExecution]](),
	"DeliveryLogPage":    typeOf[contract.Page[contract.DeliveryLog]](),
	"EmailPage":          typeOf[contract.Page[contract.EmailAddress]](),
	"MailPage":           typeOf[contract.Page[contract.Mail]](),
}

// contractWithoutSchema lists the contract's struct types that are no body of their own, with
// why; every other struct type of shared/contract must have a component schema.
var contractWithoutSchema = map[string]string{
	"Task": "the fields TaskView and AdminTask share, embedded in both; the document spells them out in each",
	"Page": "generic: each instantiation is its own component (TaskPage, ExecutionPage, ...)",
}

// enumSubsets lists the properties whose schema names only some values of their Go enum, with
// why; every other enum property lists exactly the Go type's values.
var enumSubsets = map[string]string{
	"SchedulerJob.task_state": "only active and paused tasks have jobs; completed ones lose theirs",
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func TestEveryContractTypeHasASchema(t *testing.T) {
	doc, _, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	for name := range doc.Components.Schemas {
		if contractSchemas[name] == nil {
			t.Errorf("openapi.json has component %s, which no contract type is mapped to in contractSchemas", name)
		}
	}
	mapped := map[string]bool{}
	for name, typ := range contractSchemas {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("contractSchemas maps %s, which openapi.json does not have", name)
		}
		mapped[baseName(typ)] = true
	}
	for _, name := range contractStructs(t) {
		if !mapped[name] && contractWithoutSchema[name] == "" {
			t.Errorf("contract.%s has no component schema: add one to openapi.json and to contractSchemas, or say in contractWithoutSchema why it needs none", name)
		}
	}
}

func TestContractAgreesWithOpenAPI(t *testing.T) {
	doc, _, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	c := &schemaCheck{t: t, enums: goEnums(t), byType: map[reflect.Type]string{}}
	for name, typ := range contractSchemas {
		if !strings.HasSuffix(name, "Page") {
			c.byType[typ] = name
		}
	}
	names := make([]string, 0, len(contractSchemas))
	for name := range contractSchemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if ref := doc.Components.Schemas[name]; ref != nil {
			c.object(name, contractSchemas[name], ref.Value)
		}
	}
}

// baseName is a type's name without its type arguments: Page for Page[TaskView].
func baseName(t reflect.Type) string {
	name, _, _ := strings.Cut(t.Name(), "[")
	return name
}

// contractStructs lists the exported struct types declared in shared/contract, read from its
// source: reflection cannot list a package's types.
func contractStructs(t *testing.T) []string {
	var out []string
	for _, f := range parseDir(t, "../../shared/contract") {
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				if _, isStruct := ts.Type.(*ast.StructType); isStruct && ts.Name.IsExported() {
					out = append(out, ts.Name.Name)
				}
			}
		}
	}
	return out
}

// goEnums reads the string constants of shared/task and shared/contract by type, such as
// "task.State" -> [active paused completed], so enum schemas are held to the code itself.
func goEnums(t *testing.T) map[string][]string {
	out := map[string][]string{}
	for pkg, dir := range map[string]string{"task": "../../shared/task", "contract": "../../shared/contract"} {
		for _, f := range parseDir(t, dir) {
			for _, decl := range f.Decls {
				gen, ok := decl.(*ast.GenDecl)
				if !ok || gen.Tok != token.CONST {
					continue
				}
				for _, spec := range gen.Specs {
					vs := spec.(*ast.ValueSpec)
					id, typed := vs.Type.(*ast.Ident)
					if !typed || len(vs.Values) != 1 {
						continue
					}
					if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						out[pkg+"."+id.Name] = append(out[pkg+"."+id.Name], v)
					}
				}
			}
		}
	}
	return out
}

func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatalf("parsing %s: %v", e.Name(), err)
		}
		files = append(files, f)
	}
	return files
}

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
		c.errorf(at, "schema type is %v, want object for %s", s.Type, typ)
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
			c.errorf(at, "schema type is %v, want array for Go %s", s.Type, typ)
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
		c.errorf(at, "schema type is %v, want %s", s.Type, typ)
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
