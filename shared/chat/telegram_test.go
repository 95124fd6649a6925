package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const telegramToken = "123456789:AAHfakeTokenFakeTokenFakeToken_12345"

func init() {
	specs[chat.Telegram] = spec{
		kind: chat.Telegram,
		settings: func(base string) chat.Settings {
			return chat.Settings{"bot_token": telegramToken, "chat_id": "-1001234567890", "api_url": base + "/"}
		},
		ok:      reply{status: 200, body: `{"ok":true,"result":{"message_id":42,"chat":{"id":-1001234567890,"type":"supergroup"},"date":1764560000,"text":"…"}}`},
		method:  http.MethodPost,
		path:    func(chat.Settings, chat.Post) string { return "/bot" + telegramToken + "/sendMessage" },
		secrets: func(chat.Settings) []string { return []string{telegramToken, "AAHfakeTokenFakeTokenFakeToken_12345"} },
		failures: []failure{
			{name: "no chat", reply: reply{status: 400, body: `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`},
				permanent: true, says: "Telegram answered 400 Bad Request: Bad Request: chat not found"},
			{name: "bad token", reply: reply{status: 401, body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`}, permanent: true, says: "Unauthorized"},
			{name: "blocked", reply: reply{status: 403, body: `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`}, permanent: true, says: "blocked"},
			{name: "echoes the token", reply: reply{status: 404, body: `{"ok":false,"error_code":404,"description":"Not Found: /bot` + telegramToken + `/sendMessage"}`}, permanent: true, says: "[redacted]"},
			{name: "flood", reply: reply{status: 429, body: `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}`},
				retry: 17, says: "retry after 17"},
		},
		limits: func(t *testing.T, body []byte) {
			var m struct {
				ChatID      string `json:"chat_id"`
				Text        string `json:"text"`
				ParseMode   string `json:"parse_mode"`
				LinkPreview struct {
					IsDisabled bool `json:"is_disabled"`
				} `json:"link_preview_options"`
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.Equal(t, "-1001234567890", m.ChatID)
			require.Equal(t, "MarkdownV2", m.ParseMode)
			require.True(t, m.LinkPreview.IsDisabled)
			require.LessOrEqual(t, unitsOf(m.Text), 4096)
			require.Greater(t, unitsOf(m.Text), 3500, "the message uses the room it has")
		},
	}
}
