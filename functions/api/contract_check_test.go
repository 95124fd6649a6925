package api_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/torale-ai/torale/shared/contract"
)

// The OpenAPI document is written by hand, for its descriptions, examples and limits; the Go
// contract is written by hand, for its doc comments and helpers. The tests below hold the two
// to each other field by field, so neither can drift: the dashboard generates its TypeScript
// types from the document, and the Go client and the API read and write the Go types.

// contractSchemas maps every component schema of openapi.json to the Go type it describes.
var contractSchemas = map[string]reflect.Type{
	"TaskView":           typeOf[contract.TaskView](),
	"NextRunReason":      typeOf[contract.NextRunReason](),
	"AdminTask":          typeOf[contract.AdminTask](),
	"Notification":       typeOf[contract.Notification](),
	"TaskInput":          typeOf[contract.TaskInput](),
	"TaskPatch":          typeOf[contract.TaskPatch](),
	"StateInput":         typeOf[contract.StateInput](),
	"Preview":            typeOf[contract.Preview](),
	"ScheduleInput":      typeOf[contract.ScheduleInput](),
	"SchedulePreview":    typeOf[contract.SchedulePreview](),
	"Execution":          typeOf[contract.Execution](),
	"AdminExecution":     typeOf[contract.AdminExecution](),
	"ExecutionDetail":    typeOf[contract.ExecutionDetail](),
	"Step":               typeOf[contract.Step](),
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
	"RuntimeConfig":      typeOf[contract.RuntimeConfig](),
	"SchemaVersions":     typeOf[contract.SchemaVersions](),
	"Problem":            typeOf[contract.Problem](),
	"FieldError":         typeOf[contract.FieldError](),
	"WebhookSettings":    typeOf[contract.WebhookSettings](),
	"DisabledWebhook":    typeOf[contract.DisabledWebhook](),
	"WebhookInput":       typeOf[contract.WebhookInput](),
	"WebhookURLInput":    typeOf[contract.WebhookURLInput](),
	"WebhookHeader":      typeOf[contract.WebhookHeader](),
	"WebhookHeaderInput": typeOf[contract.WebhookHeaderInput](),
	"WebhookTestResult":  typeOf[contract.WebhookTestResult](),
	"EmailAddress":       typeOf[contract.EmailAddress](),
	"EmailInput":         typeOf[contract.EmailInput](),
	"EmailVerifyInput":   typeOf[contract.EmailVerifyInput](),
	"Unsubscribed":       typeOf[contract.Unsubscribed](),
	"FeedURLs":           typeOf[contract.FeedURLs](),
	"Mail":               typeOf[contract.Mail](),
	"ReconcileReport":    typeOf[contract.ReconcileReport](),
	"ReconcileJobCounts": typeOf[contract.ReconcileJobCounts](),
	"SchedulerJobs":      typeOf[contract.SchedulerJobs](),
	"SchedulerJob":       typeOf[contract.SchedulerJob](),
	"JobState":           typeOf[contract.JobState](),
	"SilenceSummary":     typeOf[contract.SilenceSummary](),
	"TaskPage":           typeOf[contract.Page[contract.TaskView]](),
	"ExecutionPage":      typeOf[contract.Page[contract.Execution]](),
	"NotifiedPage":       typeOf[contract.Page[contract.Notified]](),
	"APIKeyPage":         typeOf[contract.Page[contract.APIKey]](),
	"UserPage":           typeOf[contract.Page[contract.User]](),
	"AdminTaskPage":      typeOf[contract.Page[contract.AdminTask]](),
	"AdminExecutionPage": typeOf[contract.Page[contract.AdminExecution]](),
	"DeliveryLogPage":    typeOf[contract.Page[contract.DeliveryLog]](),
	"AdminAction":        typeOf[contract.AdminAction](),
	"AdminActionPage":    typeOf[contract.Page[contract.AdminAction]](),
	"AdminUserChange":    typeOf[contract.AdminUserChange](),
	"TaskReason":         typeOf[contract.TaskReason](),
	"ReactivateInput":    typeOf[contract.ReactivateInput](),
	"RoleInput":          typeOf[contract.RoleInput](),
	"AccountDeletion":    typeOf[contract.AccountDeletion](),
	"AccountDeleted":     typeOf[contract.AccountDeleted](),
	"Export":             typeOf[contract.Export](),
	"ExportWebhook":      typeOf[contract.ExportWebhook](),
	"ExportFeed":         typeOf[contract.ExportFeed](),
	"ExportTask":         typeOf[contract.ExportTask](),
	"ExportNotified":     typeOf[contract.ExportNotified](),
	"MemoryFact":         typeOf[contract.MemoryFact](),
	"PageSnapshot":       typeOf[contract.PageSnapshot](),
	"EmailPage":          typeOf[contract.Page[contract.EmailAddress]](),
	"MailPage":           typeOf[contract.Page[contract.Mail]](),
	"Template":           typeOf[contract.Template](),
	"TemplateInput":      typeOf[contract.TemplateInput](),
	"TemplatePage":       typeOf[contract.Page[contract.Template]](),
	"PublicTask":         typeOf[contract.PublicTask](),
	"PublicTaskView":     typeOf[contract.PublicTaskView](),
	"PublicResult":       typeOf[contract.PublicResult](),
	"PublicTaskPage":     typeOf[contract.Page[contract.PublicTask]](),
	"Channel":            typeOf[contract.Channel](),
	"ChannelInput":       typeOf[contract.ChannelInput](),
	"ChannelPatch":       typeOf[contract.ChannelPatch](),
	"ChannelKind":        typeOf[contract.ChannelKind](),
	"ChannelField":       typeOf[contract.ChannelField](),
	"ChannelTestResult":  typeOf[contract.ChannelTestResult](),
	"ChannelPage":        typeOf[contract.Page[contract.Channel]](),
	"ChannelKindPage":    typeOf[contract.Page[contract.ChannelKind]](),
	"Alert":              typeOf[contract.Alert](),
	"AlertPage":          typeOf[contract.Page[contract.Alert]](),
	"Spend":              typeOf[contract.Spend](),
	"SpendCapInput":      typeOf[contract.SpendCapInput](),
}

// contractWithoutSchema lists the contract's struct types that are no body of their own, with
// why; every other struct type of shared/contract must have a component schema.
var contractWithoutSchema = map[string]string{
	"Task":       "the fields TaskView and AdminTask share, embedded in both; the document spells them out in each",
	"Page":       "generic: each instantiation is its own component (TaskPage, ExecutionPage, ...)",
	"TickResult": "the tick function's answer to Cloud Scheduler, outside /api/v1; only Scheduler's logs read it",
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
