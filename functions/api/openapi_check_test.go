package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/torale-ai/torale/functions/api"
)

// The document is parsed and its router built once per test binary; both are only read after.
var openAPI struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadOpenAPI returns the embedded document, validated, and a router over it that matches any
// host (the document has no servers, and the tests' servers listen on random ports).
func loadOpenAPI() (*openapi3.T, routers.Router, error) {
	openAPI.once.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
		if err != nil {
			openAPI.err = fmt.Errorf("loading openapi.json: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			openAPI.err = fmt.Errorf("openapi.json is not valid: %w", err)
			return
		}
		doc.Servers = nil
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			openAPI.err = fmt.Errorf("routing openapi.json: %w", err)
			return
		}
		openAPI.doc, openAPI.router = doc, router
	})
	return openAPI.doc, openAPI.router, openAPI.err
}

// feedTypes are the media types the feeds answer in rather than JSON: their operations only.
var feedTypes = map[string]bool{"application/atom+xml": true, "application/feed+json": true}

func init() {
	// kin-openapi decodes neither feed type by itself: Atom is checked as a string, JSON Feed as
	// JSON (both formats' own tests are in shared/feed).
	openapi3filter.RegisterBodyDecoder("application/atom+xml", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/feed+json", openapi3filter.JSONBodyDecoder)
}

// openAPIUUIDFormat checks `format: uuid` strings, which kin-openapi leaves unchecked by default.
var openAPIUUIDFormat = openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562)

// validatingClient returns a client that holds every response to openapi.json: for each
// request it finds the documented operation, sends the request over http.DefaultTransport, and
// checks the response's status, declared headers, content type and body. A mismatch, or a
// request to a method and path the document does not describe, fails t (the response is still
// returned, with its body intact, so the test can go on). It is safe for concurrent use.
func validatingClient(t testing.TB) *http.Client {
	t.Helper()
	if _, _, err := loadOpenAPI(); err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &validatingTransport{t: t, base: http.DefaultTransport}}
}

type validatingTransport struct {
	t    testing.TB
	base http.RoundTripper
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	_, router, _ := loadOpenAPI()
	where := req.Method + " " + req.URL.Path
	route, pathParams, findErr := router.FindRoute(req)
	res, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if findErr != nil {
		v.t.Errorf("OpenAPI: %s (status %d) is not in openapi.json: %v", where, res.StatusCode, findErr)
		return res, nil
	}
	body, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the response to %s: %w", where, err)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))

	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		ExcludeRequestBody:    true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("uuid", openAPIUUIDFormat),
			openapi3.DisableSchemaErrorDetails(), // the body is printed instead of the whole schema
		},
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: pathParams, Route: route, Options: opts,
		},
		Status:  res.StatusCode,
		Header:  res.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: opts,
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		v.t.Errorf("OpenAPI: %s: response %d does not match openapi.json: %v\nbody: %s",
			where, res.StatusCode, err, openAPITruncate(body, 2000))
	}
	return res, nil
}

func openAPITruncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("loading openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || op.Summary == "" || op.Description == "" {
				t.Errorf("%s %s needs an operationId, a summary and a description", method, path)
			}
			for code, r := range op.Responses.Map() {
				if code == "204" || code == "304" || r.Value == nil {
					continue
				}
				if len(r.Value.Content) == 0 {
					t.Errorf("%s %s: response %s declares no content", method, path, code)
				}
				for ct := range r.Value.Content {
					want := "application/json"
					if code >= "400" {
						want = "application/problem+json"
					}
					if feedTypes[ct] && code < "400" && (strings.HasPrefix(path, "/api/v1/feeds/") || strings.HasPrefix(path, "/api/v1/public/tasks/")) {
						continue
					}
					if ct != want {
						t.Errorf("%s %s: response %s has content type %s, want %s", method, path, code, ct, want)
					}
				}
			}
		}
	}
}

var openAPIWildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// goPatternToOpenAPI turns a ServeMux path pattern into an OpenAPI path: {name...} becomes
// {name} and a trailing {$} is dropped.
func goPatternToOpenAPI(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	return openAPIWildcard.ReplaceAllString(p, "{$1}")
}

func TestEveryRouteIsDocumented(t *testing.T) {
	doc, _, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	routes := api.New(api.Deps{}).Routes()
	if len(routes) == 0 {
		t.Fatal("the API has no routes")
	}
	served := map[string]bool{}
	for _, rt := range routes {
		path := goPatternToOpenAPI(rt.Path)
		key := rt.Method + " " + path
		served[key] = true
		item := doc.Paths.Value(path)
		var op *openapi3.Operation
		if item != nil {
			op = item.GetOperation(rt.Method)
		}
		if op == nil {
			t.Errorf("route %s %s is not in openapi.json", rt.Method, rt.Path)
			continue
		}
		checkRouteAccess(t, key, rt, doc, op)
	}
	var extra []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if key := method + " " + path; !served[key] {
				extra = append(extra, key)
			}
		}
	}
	sort.Strings(extra)
	for _, key := range extra {
		t.Errorf("openapi.json documents %s, which the API does not serve", key)
	}
}

// checkAccess holds an operation's security and error responses to the route's access level and
// rate limit.
func checkRouteAccess(t *testing.T, key string, rt api.Route, doc *openapi3.T, op *openapi3.Operation) {
	t.Helper()
	public := op.Security != nil && len(*op.Security) == 0
	if public != (rt.Access == api.AccessPublic) {
		t.Errorf("%s: access %d but the document says public=%v (security: [] marks public operations)", key, rt.Access, public)
	}
	if !public && len(doc.Security) == 0 && (op.Security == nil || len(*op.Security) == 0) {
		t.Errorf("%s needs a security requirement", key)
	}
	has := func(code string) bool { return op.Responses.Value(code) != nil }
	if rt.Access != api.AccessPublic && !has("401") {
		t.Errorf("%s can answer 401 but does not document it", key)
	}
	if (rt.Access == api.AccessAdmin) != has("403") {
		t.Errorf("%s: 403 must be documented exactly on admin routes", key)
	}
	if (rt.Limit != "") != has("429") {
		t.Errorf("%s: 429 must be documented exactly on rate-limited routes", key)
	}
	if r := op.Responses.Value("429"); r != nil && r.Value.Headers["Retry-After"] == nil {
		t.Errorf("%s: the 429 response must declare Retry-After", key)
	}
	if op.RequestBody != nil && (!has("413") || !has("422")) {
		t.Errorf("%s takes a body, so it can answer 413 and 422, but does not document both", key)
	}
}

// openAPIErrorRecorder is a testing.TB whose Errorf records instead of failing, so that the validating
// client itself can be tested.
type openAPIErrorRecorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *openAPIErrorRecorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestValidatingClientCatchesMismatches(t *testing.T) {
	const user = `{"id":"5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b","email":"","display_name":"","role":"user","is_admin":false,"created_at":"2024-01-01T00:00:00.5Z","deactivated_at":null}`
	const notFound = `{"type":"about:blank","title":"Not Found","status":404}`
	const taskPath = "/api/v1/tasks/5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	cases := []struct {
		name, path, contentType, body string
		status                        int
		noRequestID                   bool
		wantErr                       string // "" means the response conforms
	}{
		{"conforming", "/api/v1/me", "application/json", user, 200, false, ""},
		{"conforming problem", taskPath, "application/problem+json", notFound, 404, false, ""},
		{"missing field", "/api/v1/me", "application/json", strings.Replace(user, `"role":"user",`, "", 1), 200, false, `"role" is missing`},
		{"unknown field", "/api/v1/me", "application/json", strings.Replace(user, `{`, `{"x":1,`, 1), 200, false, `"x" is unsupported`},
		{"bad uuid", "/api/v1/me", "application/json", strings.Replace(user, "5f1e0b7a", "nope", 1), 200, false, `"uuid"`},
		{"undocumented status", "/api/v1/me", "application/json", user, 418, false, "status is not supported"},
		{"problem sent as JSON", taskPath, "application/json", notFound, 404, false, "Content-Type"},
		{"status mismatch in problem", taskPath, "application/problem+json", strings.Replace(notFound, "404", "400", 1), 404, false, "/status"},
		{"no request id", taskPath, "application/problem+json", notFound, 404, true, `"X-Request-Id" missing`},
		{"401 without WWW-Authenticate", "/api/v1/me", "application/problem+json", `{"type":"about:blank","title":"Unauthorized","status":401}`, 401, false, `"WWW-Authenticate" missing`},
		{"undocumented path", "/api/v1/nothing", "application/json", `{}`, 200, false, "not in openapi.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", c.contentType)
				if !c.noRequestID {
					w.Header().Set("X-Request-Id", "0123abcd")
				}
				w.WriteHeader(c.status)
				_, _ = io.WriteString(w, c.body)
			}))
			defer srv.Close()
			rec := &openAPIErrorRecorder{TB: t}
			res, err := validatingClient(rec).Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if string(got) != c.body {
				t.Errorf("the response body was not restored: got %q", got)
			}
			switch {
			case c.wantErr == "" && len(rec.errs) > 0:
				t.Errorf("a conforming response failed validation: %v", rec.errs)
			case c.wantErr != "" && len(rec.errs) == 0:
				t.Errorf("the mismatch went unnoticed (want an error containing %q)", c.wantErr)
			case c.wantErr != "" && !strings.Contains(rec.errs[0], c.wantErr):
				t.Errorf("error %q does not mention %q", rec.errs[0], c.wantErr)
			}
		})
	}
}
