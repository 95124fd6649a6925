package chat_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/outbox"
)

// failure is an error answer of a service and how a send must take it.
type failure struct {
	name      string
	reply     reply
	permanent bool
	retry     int    // Receipt.RetryAfter wanted
	says      string // the error names the service's reason
}

// spec describes one kind's fake service.
type spec struct {
	kind chat.Kind
	// settings point the channel at the fake at base.
	settings func(base string) chat.Settings
	ok       reply
	// path is where each message is posted ("" when it cannot be known), and method how.
	path   func(s chat.Settings, p chat.Post) string
	method string
	// secrets must never appear in an error.
	secrets  func(s chat.Settings) []string
	failures []failure
	// limits checks a long post's body against the service's limits.
	limits func(t *testing.T, body []byte)
}

var specs = map[chat.Kind]spec{}

// TestSend posts the golden posts to each kind's fake service, checks the request (path,
// method, body against testdata/<kind>.golden), the service's limits, and that a retry posts
// the same bytes.
func TestSend(t *testing.T) {
	for _, k := range chat.Kinds() {
		sp, ok := specs[k]
		require.True(t, ok, "kind %s has no test spec", k)
		t.Run(string(k), func(t *testing.T) {
			f := newFake(t, sp.ok)
			s := service(t, k)
			set, err := s.Validate(sp.settings(f.URL))
			require.NoError(t, err)
			var out strings.Builder
			for _, c := range []struct {
				name string
				post chat.Post
			}{{"representative", representative()}, {"long", long()}, {"diff", diff()}, {"test", chat.SamplePost("https://torale.example")}} {
				r, err := s.Send(context.Background(), f.client(), set, c.post)
				require.NoError(t, err, c.name)
				require.Equal(t, sp.ok.status, r.Status)
				got := f.last(t)
				require.Equal(t, sp.method, got.Method)
				if want := sp.path(set, c.post); want != "" {
					require.Equal(t, want, got.Path)
				}
				if k == chat.Pushover {
					require.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
				} else {
					require.Equal(t, "application/json", got.Header.Get("Content-Type"))
				}
				shown := indent(t, got.Body)
				if c.post.Test {
					require.Regexp(t, `Test(\\\\)?: `, shown, "a test says it is one")
				}
				out.WriteString("# " + c.name + "\n" + shown + "\n")
				if c.name == "long" {
					sp.limits(t, got.Body)
				}
				_, err = s.Send(context.Background(), f.client(), set, c.post)
				require.NoError(t, err)
				require.Equal(t, string(got.Body), string(f.last(t).Body), "a retry posts the same bytes")
			}
			golden(t, string(k)+".golden", out.String())
		})
	}
}

// TestSendFailures answers with each service's real error bodies and checks the receipt, the
// retry decision and that no error shows a secret.
func TestSendFailures(t *testing.T) {
	common := []failure{
		{name: "server error", reply: reply{status: 502, body: "<html>bad gateway</html>"}},
		{name: "request timeout", reply: reply{status: 408}},
		{name: "redirect", reply: reply{status: 302, header: map[string]string{"Location": "https://elsewhere.example/"}}, permanent: true, says: "redirect"},
	}
	for _, k := range chat.Kinds() {
		sp := specs[k]
		t.Run(string(k), func(t *testing.T) {
			f := newFake(t, sp.ok)
			s := service(t, k)
			set, err := s.Validate(sp.settings(f.URL))
			require.NoError(t, err)
			for _, c := range append(append([]failure{}, sp.failures...), common...) {
				f.queue(c.reply)
				r, err := s.Send(context.Background(), f.client(), set, representative())
				require.Error(t, err, c.name)
				require.Equal(t, c.reply.status, r.Status, c.name)
				require.Equal(t, c.retry, r.RetryAfter, c.name)
				require.Equal(t, c.permanent, outbox.IsPermanent(err), "%s: %v", c.name, err)
				require.Contains(t, err.Error(), c.says, c.name)
				noSecrets(t, err, sp.secrets(set))
			}
		})
	}
}

// TestSendUnreachable checks that network failures and the SSRF guard's refusals name no
// secret (Go's *url.Error would print the whole URL) and that a refusal is final.
func TestSendUnreachable(t *testing.T) {
	for _, k := range chat.Kinds() {
		sp := specs[k]
		t.Run(string(k), func(t *testing.T) {
			f := newFake(t, sp.ok)
			s := service(t, k)
			set, err := s.Validate(sp.settings(f.URL))
			require.NoError(t, err)

			// The production guard refuses a loopback address: permanent, and says so.
			_, err = s.Send(context.Background(), guarded(), set, representative())
			require.Error(t, err)
			require.True(t, outbox.IsPermanent(err), "a refused destination is final: %v", err)
			require.Contains(t, err.Error(), "refused")
			noSecrets(t, err, sp.secrets(set))

			// A deadline that passes mid-request is retried and names no URL either.
			f.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
			defer cancel()
			<-ctx.Done()
			_, err = s.Send(ctx, f.client(), set, representative())
			require.Error(t, err)
			require.False(t, outbox.IsPermanent(err))
			noSecrets(t, err, sp.secrets(set))
			_, err = s.Send(context.Background(), f.client(), set, representative())
			require.Error(t, err)
			require.Contains(t, err.Error(), "refused the connection")
			noSecrets(t, err, sp.secrets(set))
		})
	}
}

func noSecrets(t *testing.T, err error, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		require.NotContains(t, err.Error(), s, "an error shows a secret")
	}
}
