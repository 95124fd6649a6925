package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const discordToken = "hK3mQz9Lw2Xr7Pv5Tn1Bc8Yd4Gf6Js0Ua3Ie5Ok7Ml9Nb2Vc4Xz6Qw8Er1Ty3Ui5Op7As"

func init() {
	specs[chat.Discord] = spec{
		kind: chat.Discord,
		settings: func(base string) chat.Settings {
			return chat.Settings{"webhook_url": base + "/api/webhooks/123456789012345678/" + discordToken}
		},
		ok:      reply{status: 204},
		method:  http.MethodPost,
		path:    func(chat.Settings, chat.Post) string { return "/api/webhooks/123456789012345678/" + discordToken },
		secrets: func(s chat.Settings) []string { return []string{s["webhook_url"], discordToken} },
		failures: []failure{
			{name: "deleted webhook", reply: reply{status: 404, header: map[string]string{"Content-Type": "application/json"}, body: `{"message": "Unknown Webhook", "code": 10015}`},
				permanent: true, says: "Discord answered 404 Not Found: Unknown Webhook"},
			{name: "invalid token", reply: reply{status: 401, body: `{"message": "Invalid Webhook Token", "code": 50027}`}, permanent: true, says: "Invalid Webhook Token"},
			{name: "bad embed", reply: reply{status: 400, body: `{"code": 50035, "errors": {"embeds": {}}, "message": "Invalid Form Body"}`}, permanent: true, says: "Invalid Form Body"},
			{name: "rate limited", reply: reply{status: 429, header: map[string]string{"Retry-After": "2", "X-RateLimit-Scope": "user"},
				body: `{"message": "You are being rate limited.", "retry_after": 64.57, "global": false}`}, retry: 65, says: "rate limited"},
		},
		limits: func(t *testing.T, body []byte) {
			var m struct {
				Embeds []struct {
					Title       string `json:"title"`
					Description string `json:"description"`
					Fields      []struct{ Name, Value string }
					Footer      struct{ Text string }
				} `json:"embeds"`
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.Len(t, m.Embeds, 1)
			e := m.Embeds[0]
			require.LessOrEqual(t, unitsOf(e.Title), 256)
			require.LessOrEqual(t, unitsOf(e.Description), 4096)
			require.LessOrEqual(t, len(e.Fields), 25)
			total := unitsOf(e.Title) + unitsOf(e.Description) + unitsOf(e.Footer.Text)
			for _, f := range e.Fields {
				require.LessOrEqual(t, unitsOf(f.Name), 256)
				require.LessOrEqual(t, unitsOf(f.Value), 1024)
				total += unitsOf(f.Name) + unitsOf(f.Value)
			}
			require.LessOrEqual(t, total, 6000)
			require.Greater(t, unitsOf(e.Description), 4000, "the embed uses the room it has")
		},
	}
}

// TestDiscordMentionsNoOne checks the one setting that keeps @everyone in agent text quiet.
func TestDiscordMentionsNoOne(t *testing.T) {
	f := newFake(t, reply{status: 204})
	s := service(t, chat.Discord)
	set, err := s.Validate(specs[chat.Discord].settings(f.URL))
	require.NoError(t, err)
	_, err = s.Send(t.Context(), f.client(), set, representative())
	require.NoError(t, err)
	m := decode(t, f.last(t).Body)
	require.Equal(t, map[string]any{"parse": []any{}}, m["allowed_mentions"])
}
