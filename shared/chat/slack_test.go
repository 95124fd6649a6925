package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const slackSecret = "XXXXXXXXXXXXXXXXXXXXXXXX"

func init() {
	specs[chat.Slack] = spec{
		kind: chat.Slack,
		settings: func(base string) chat.Settings {
			return chat.Settings{"webhook_url": " " + base + "/services/T0001/B0001/" + slackSecret + " "}
		},
		ok:      reply{status: 200, header: map[string]string{"Content-Type": "text/html"}, body: "ok"},
		method:  http.MethodPost,
		path:    func(chat.Settings, chat.Post) string { return "/services/T0001/B0001/" + slackSecret },
		secrets: func(s chat.Settings) []string { return []string{s["webhook_url"], slackSecret} },
		failures: []failure{
			{name: "revoked", reply: reply{status: 403, body: "invalid_token"}, permanent: true, says: "Slack answered 403 Forbidden: invalid_token"},
			{name: "gone", reply: reply{status: 404, body: "no_service"}, permanent: true, says: "no_service"},
			{name: "archived", reply: reply{status: 410, body: "channel_is_archived"}, permanent: true, says: "channel_is_archived"},
			{name: "bad payload", reply: reply{status: 400, body: "invalid_blocks"}, permanent: true, says: "invalid_blocks"},
			{name: "rate limited", reply: reply{status: 429, header: map[string]string{"Retry-After": "30"}, body: "rate_limited"}, retry: 30, says: "rate_limited"},
		},
		limits: func(t *testing.T, body []byte) {
			var m struct {
				Text   string `json:"text"`
				Blocks []struct {
					Type string `json:"type"`
					Text *struct {
						Text string `json:"text"`
					} `json:"text"`
				} `json:"blocks"`
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.LessOrEqual(t, unitsOf(m.Text), 3000)
			require.LessOrEqual(t, len(m.Blocks), 50)
			for _, b := range m.Blocks {
				if b.Text == nil {
					continue
				}
				max := 3000
				if b.Type == "header" {
					max = 150
				}
				require.LessOrEqual(t, unitsOf(b.Text.Text), max, b.Type)
			}
			require.Contains(t, m.Blocks[0].Text.Text, "…", "the long title is cut, and the cut is marked")
			require.Contains(t, m.Blocks[1].Text.Text, "…", "the long news is cut, and the cut is marked")
			require.Greater(t, unitsOf(m.Blocks[1].Text.Text), 2900, "the news uses the room it has")
		},
	}
}
