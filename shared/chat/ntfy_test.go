package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const ntfyToken = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2"

func init() {
	specs[chat.Ntfy] = spec{
		kind: chat.Ntfy,
		settings: func(base string) chat.Settings {
			return chat.Settings{"server": base, "topic": "torale_alerts-7Qx", "token": ntfyToken}
		},
		ok:      reply{status: 200, body: `{"id":"sPs71M8A2T","time":1764560000,"expires":1764603200,"event":"message","topic":"torale_alerts-7Qx","message":"…"}`},
		method:  http.MethodPost,
		path:    func(chat.Settings, chat.Post) string { return "/" },
		secrets: func(chat.Settings) []string { return []string{ntfyToken} },
		failures: []failure{
			{name: "unauthorized", reply: reply{status: 401, body: `{"code":40101,"http":401,"error":"unauthorized","link":"https://ntfy.sh/docs/publish/#authentication"}`},
				permanent: true, says: "ntfy answered 401 Unauthorized: unauthorized"},
			{name: "forbidden", reply: reply{status: 403, body: `{"code":40301,"http":403,"error":"forbidden","link":"https://ntfy.sh/docs/publish/#authentication"}`}, permanent: true, says: "forbidden"},
			{name: "too large", reply: reply{status: 413, body: `{"code":41301,"http":413,"error":"attachment too large, or bandwidth limit reached"}`}, permanent: true, says: "too large"},
			{name: "rate limited", reply: reply{status: 429, body: `{"code":42901,"http":429,"error":"limit reached: too many requests","link":"https://ntfy.sh/docs/publish/#limitations"}`},
				says: "too many requests"},
		},
		limits: func(t *testing.T, body []byte) {
			var m struct {
				Topic, Title, Message, Click string
				SequenceID                   string `json:"sequence_id"`
				Markdown                     bool
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.Equal(t, "torale_alerts-7Qx", m.Topic)
			require.True(t, m.Markdown)
			require.LessOrEqual(t, len(m.Message), 4096, "bytes: ntfy turns a longer message into an attachment")
			require.Greater(t, len(m.Message), 3500)
			require.Equal(t, link, m.Click)
			require.NotEmpty(t, m.SequenceID, "the delivery id makes a retry replace, not add")
		},
	}
}

// TestNtfyToken checks the access token travels as a bearer token, and only when set.
func TestNtfyToken(t *testing.T) {
	f := newFake(t, specs[chat.Ntfy].ok)
	s := service(t, chat.Ntfy)
	set, err := s.Validate(specs[chat.Ntfy].settings(f.URL))
	require.NoError(t, err)
	_, err = s.Send(t.Context(), f.client(), set, representative())
	require.NoError(t, err)
	require.Equal(t, "Bearer "+ntfyToken, f.last(t).Header.Get("Authorization"))

	delete(set, "token")
	_, err = s.Send(t.Context(), f.client(), set, representative())
	require.NoError(t, err)
	require.Empty(t, f.last(t).Header.Get("Authorization"))
}
