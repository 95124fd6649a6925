package chat_test

import (
	"net/http"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const (
	pushoverToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
	pushoverUser  = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
)

func init() {
	specs[chat.Pushover] = spec{
		kind: chat.Pushover,
		settings: func(base string) chat.Settings {
			return chat.Settings{"app_token": pushoverToken, "user_key": pushoverUser, "api_url": base}
		},
		ok:      reply{status: 200, body: `{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}`},
		method:  http.MethodPost,
		path:    func(chat.Settings, chat.Post) string { return "/1/messages.json" },
		secrets: func(chat.Settings) []string { return []string{pushoverToken, pushoverUser} },
		failures: []failure{
			{name: "bad token", reply: reply{status: 400, body: `{"token":"invalid","errors":["application token is invalid"],"status":0,"request":"5042853c-402d-4a18-abcb-168734a801de"}`},
				permanent: true, says: "Pushover answered 400 Bad Request: application token is invalid"},
			{name: "bad user", reply: reply{status: 400, body: `{"user":"` + pushoverUser + `","errors":["user identifier ` + pushoverUser + ` is not a valid user, group, or subscribed user key"],"status":0}`},
				permanent: true, says: "[redacted]"},
			{name: "over quota", reply: reply{status: 429, body: `{"errors":["application has exceeded its monthly message limit"],"status":0}`}, says: "monthly"},
		},
		limits: func(t *testing.T, body []byte) {
			m, err := url.ParseQuery(string(body))
			require.NoError(t, err)
			require.Equal(t, pushoverToken, m.Get("token"))
			require.Equal(t, pushoverUser, m.Get("user"))
			require.LessOrEqual(t, utf8.RuneCountInString(m.Get("message")), 1024)
			require.Greater(t, utf8.RuneCountInString(m.Get("message")), 900)
			require.LessOrEqual(t, utf8.RuneCountInString(m.Get("title")), 250)
			require.LessOrEqual(t, len(m.Get("url")), 512)
			require.LessOrEqual(t, utf8.RuneCountInString(m.Get("url_title")), 100)
			require.Equal(t, "1", m.Get("html"))
		},
	}
	validation[chat.Pushover] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"app_token": pushoverToken, "user_key": " " + pushoverUser},
		want: chat.Settings{"app_token": pushoverToken, "user_key": pushoverUser, "api_url": "https://api.pushover.net"},
		bad: []refusal{
			{chat.Settings{"app_token": "short", "user_key": pushoverUser}, "app_token"},
			{chat.Settings{"app_token": pushoverToken, "user_key": "u-" + pushoverUser}, "user_key"},
		},
	}
}
