package email_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/notifykey"
)

func TestParseSMTPURL(t *testing.T) {
	for raw, want := range map[string]email.SMTPConfig{
		"smtp://mail.example.com":                    {Host: "mail.example.com", Port: 587, StartTLS: "required"},
		"smtps://u:p%40ss@mail.example.com":          {Host: "mail.example.com", Port: 465, ImplicitTLS: true, Username: "u", Password: "p@ss"},
		"smtp://apikey:secret@smtp.example.com:2525": {Host: "smtp.example.com", Port: 2525, Username: "apikey", Password: "secret", StartTLS: "required"},
		"smtp://127.0.0.1:25?starttls=off":           {Host: "127.0.0.1", Port: 25, StartTLS: "off"},
		"smtp://relay.internal?starttls=optional":    {Host: "relay.internal", Port: 587, StartTLS: "optional"},
		"smtp://[::1]:1025/?starttls=off":            {Host: "::1", Port: 1025, StartTLS: "off"},
		"smtp://user@relay.example.com?starttls=off": {Host: "relay.example.com", Port: 587, Username: "user", StartTLS: "off"},
	} {
		got, err := email.ParseSMTPURL(raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, got, raw)
	}
	for _, bad := range []string{"", "mail.example.com", "http://mail", "smtp://", "smtp://h:0", "smtp://h:99999",
		"smtp://h?tls=1", "smtps://h?starttls=off", "smtp://h?starttls=maybe", "smtp://u:p@h?starttls=off",
		"smtp://h/path", "smtp://h#frag", "smtp:opaque"} {
		_, err := email.ParseSMTPURL(bad)
		require.Error(t, err, bad)
	}
	c, err := email.ParseSMTPURL("smtps://user:hunter2@mail.example.com:465")
	require.NoError(t, err)
	require.Equal(t, "smtps://user@mail.example.com:465", c.Redacted())
}

// FuzzParseSMTPURL holds the parser to its promises: no panic, a host and a port in range on
// success, never a password without TLS, and never the password in the redacted form.
func FuzzParseSMTPURL(f *testing.F) {
	for _, s := range []string{"smtp://u:p@h:587", "smtps://h", "smtp://h?starttls=off", "smtp://[::1]:25", "smtp://%zz@h",
		"smtp://u:p@h?starttls=optional", "smtps://u:@h:0", "smtp://h:65535/", "smtp://:25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := email.ParseSMTPURL(raw)
		if err != nil {
			return
		}
		if c.Host == "" || c.Port < 1 || c.Port > 65535 {
			t.Fatalf("%q gave host %q port %d", raw, c.Host, c.Port)
		}
		if !c.ImplicitTLS && c.StartTLS != "required" && c.StartTLS != "optional" && c.StartTLS != "off" {
			t.Fatalf("%q gave starttls %q", raw, c.StartTLS)
		}
		if c.Password != "" && !c.ImplicitTLS && c.StartTLS != "required" {
			t.Fatalf("%q sends a password without TLS", raw)
		}
		if c.Password != "" && len(c.Password) > 3 && strings.Contains(c.Redacted(), c.Password) && !strings.Contains(c.Host+c.Username, c.Password) {
			t.Fatalf("%q leaks its password in %q", raw, c.Redacted())
		}
	})
}

// FuzzUnsubscribeToken checks that no token but the one made for a task and address passes.
func FuzzUnsubscribeToken(f *testing.F) {
	k, err := notifykey.New("fuzz-key-0123456789abcdef-0123456789")
	if err != nil {
		f.Fatal(err)
	}
	task := uuid.MustParse("7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11")
	good := email.UnsubscribeToken(k, task, "me@example.com")
	f.Add(good)
	f.Add(good[:len(good)-1] + "A")
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, token string) {
		id, matches, ok := email.ParseUnsubscribeToken(k, token)
		if !ok {
			return
		}
		if token != good && id == task && matches("me@example.com") {
			// Base64 without padding has one spelling per byte string; another token that
			// decodes to the same bytes would be a parser bug.
			t.Fatalf("token %q passes for the task", token)
		}
		if token == good && !matches("ME@EXAMPLE.COM") {
			t.Fatal("the address check is case-sensitive")
		}
	})
}
