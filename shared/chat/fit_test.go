package chat

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestFit(t *testing.T) {
	require.Equal(t, "short", fit("short", 5, nil, runes), "what fits is kept whole")
	require.Equal(t, "shor…", fit("shorter", 5, nil, runes))
	require.Equal(t, "a…", fit("a b c", 3, nil, runes), "the cut drops the space before the mark")
	require.Empty(t, fit("abc", 0, nil, runes), "not even the mark fits")
	require.Equal(t, "\\_\\_…", fit("____", 6, escapeTelegram, runes), "escapes count, and a cut never splits one")
	require.Equal(t, "🚀…", fit("🚀🚀🚀", 3, nil, units), "a character taking two UTF-16 units counts two")
	require.Equal(t, "é…", fit("ééé", 5, nil, octets), "bytes are counted when the service counts bytes")
}

// FuzzFit checks the promises every format relies on: the escaped text fits, is valid UTF-8,
// and is the escape of a prefix of the input (plus the mark) whenever it was cut.
func FuzzFit(f *testing.F) {
	f.Add("The Pixel 10 is $599 (was $799) <b>&</b> _now_!", 20)
	f.Add("🚀🚀🚀", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n % 5000
		if n < 0 {
			n = -n
		}
		for name, esc := range map[string]func(string) string{"telegram": escapeTelegram, "slack": escapeSlack, "discord": escapeDiscord, "markdown": escapeMarkdown} {
			for _, size := range []measure{runes, units, octets} {
				out := fit(s, n, esc, size)
				require.LessOrEqual(t, size(out), n, name)
				if utf8.ValidString(s) {
					require.True(t, utf8.ValidString(out), name)
				}
				if out != esc(s) && out != "" {
					require.True(t, strings.HasSuffix(out, esc(ellipsis)), name)
				}
			}
		}
	})
}

func TestShare(t *testing.T) {
	a, b := share(100, 30, 40)
	require.Equal(t, []int{30, 40}, []int{a, b}, "both fit")
	a, b = share(100, 500, 500)
	require.Equal(t, []int{75, 25}, []int{a, b}, "the second keeps a quarter")
	a, b = share(100, 500, 10)
	require.Equal(t, []int{90, 10}, []int{a, b}, "the first takes what the second leaves")
	a, b = share(100, 10, 500)
	require.Equal(t, []int{10, 90}, []int{a, b})
	a, b = share(-5, 10, 10)
	require.Equal(t, []int{0, 0}, []int{a, b})
}

func TestEscapeFence(t *testing.T) {
	for _, s := range []string{"```", "````", "`````", "a``b", "``````x```"} {
		require.NotContains(t, escapeFence(s), "``", s)
		require.Equal(t, strings.Count(s, "`"), strings.Count(escapeFence(s), "`"), s)
	}
	require.Equal(t, "plain `code`", escapeFence("plain `code`"))
}

func TestReason(t *testing.T) {
	require.Equal(t, "invalid_token", reason([]byte("invalid_token")))
	require.Equal(t, "Bad Request: chat not found", reason([]byte(`{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`)))
	require.Equal(t, "Unknown Webhook", reason([]byte(`{"message": "Unknown Webhook", "code": 10015}`)))
	require.Equal(t, "Invalid JSON payload", reason([]byte(`{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT"}}`)))
	require.Equal(t, "application token is invalid", reason([]byte(`{"user":"invalid","errors":["application token is invalid"],"status":0}`)))
	require.Empty(t, reason([]byte("<html><body>502</body></html>")), "an HTML page says nothing useful")
	require.Empty(t, reason(nil))
	require.LessOrEqual(t, utf8.RuneCountInString(reason([]byte(strings.Repeat("x", 5000)))), maxReason)
	require.Equal(t, "a b", reason([]byte("a\nb")), "one line")
}

func TestRedact(t *testing.T) {
	secrets := urlSecrets("https://chat.googleapis.com/v1/spaces/AAAA/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=Ab9_cdEFgh")
	got := redact("failed at https://chat.googleapis.com/v1/spaces/AAAA/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=Ab9_cdEFgh and token=Ab9_cdEFgh", secrets)
	require.NotContains(t, got, "AIzaSy")
	require.NotContains(t, got, "Ab9_cdEFgh")
	require.Contains(t, got, "[redacted]")
}

func TestCheckURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://ntfy.sh/":                       "https://ntfy.sh",
		"https://ntfy.sh":                        "https://ntfy.sh",
		"https://hooks.slack.com/services/T/B/x": "https://hooks.slack.com/services/T/B/x",
		"http://127.0.0.1:8080/":                 "http://127.0.0.1:8080",
		"http://localhost:2586":                  "http://localhost:2586",
		"http://[::1]:80/x":                      "http://[::1]:80/x",
	} {
		got, err := checkURL(raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, got, raw)
	}
	for _, raw := range []string{"ntfy.sh", "ftp://x.example", "http://ntfy.sh", "https://user:secretpw@x.example/", "https://x.example/#frag", "https://", "mailto:a@b.example", "http://10.0.0.1/"} {
		_, err := checkURL(raw)
		require.Error(t, err, raw)
		require.NotContains(t, err.Error(), "secretpw")
	}
}
