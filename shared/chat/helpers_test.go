package chat_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/netguard"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	require.Equal(t, string(want), got, "%s differs; run go test -update if the change is intended", path)
}

// reply is what a fake service answers.
type reply struct {
	status int
	header map[string]string
	body   string
}

// request is what a fake service was sent.
type request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// fake is a local server standing in for a service: it records every request and answers
// with the queued replies, then with ok.
type fake struct {
	*httptest.Server
	ok   reply
	mu   sync.Mutex
	got  []request
	next []reply
}

func newFake(t testing.TB, ok reply) *fake {
	f := &fake{ok: ok}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.got = append(f.got, request{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body})
		rep := f.ok
		if len(f.next) > 0 {
			rep, f.next = f.next[0], f.next[1:]
		}
		f.mu.Unlock()
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.body)
	}))
	t.Cleanup(f.Close)
	return f
}

// queue makes the next requests answer with rs, in order.
func (f *fake) queue(rs ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next = append(f.next, rs...)
}

func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.got...)
}

func (f *fake) last(t *testing.T) request {
	t.Helper()
	got := f.requests()
	require.NotEmpty(t, got, "the service was not called")
	return got[len(got)-1]
}

// client is the production SSRF guard with this fake's address let through, as a deployment
// lets an operator's own receiver through; http is allowed because the fake speaks it.
func (f *fake) client() *http.Client {
	addr := netip.MustParseAddrPort(strings.TrimPrefix(f.URL, "http://"))
	return netguard.New(netguard.Options{AllowHTTP: true, Allow: []netip.AddrPort{addr}}).Client()
}

// service looks a kind up, failing the test when it is not registered.
func service(t *testing.T, k chat.Kind) chat.Service {
	t.Helper()
	s, ok := chat.Lookup(k)
	require.True(t, ok, "%s is not registered", k)
	return s
}

// indent shows a JSON body readably; the golden file's text compacts back to the exact bytes.
// A form body is shown as JSON of its fields, which encode back to the exact bytes.
func indent(t *testing.T, body []byte) string {
	t.Helper()
	if !json.Valid(body) {
		form, err := url.ParseQuery(string(body))
		require.NoError(t, err, "body is neither JSON nor a form: %s", body)
		require.Equal(t, string(body), form.Encode(), "the form shows as it was sent")
		fields := map[string]string{}
		for k := range form {
			fields[k] = form.Get(k)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(fields))
		body = bytes.TrimSpace(b.Bytes())
	}
	var b bytes.Buffer
	require.NoError(t, json.Indent(&b, body, "", "  "), "body is not JSON: %s", body)
	return b.String()
}

// decode reads a JSON body into a generic value.
func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(body, &v))
	return v
}

// guarded is the production SSRF guard's client, which refuses the fakes' loopback address.
func guarded() *http.Client { return netguard.New(netguard.Options{}).Client() }

// unitsOf counts UTF-16 code units, as Discord and Telegram count characters.
func unitsOf(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
