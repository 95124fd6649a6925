package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const (
	gchatKey   = "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"
	gchatToken = "Ab9_cdEFghIJklMNopQRstUVwxYZ0123456789abcdE"
	gchatPath  = "/v1/spaces/AAAAxyzABCD/messages?key=" + gchatKey + "&token=" + gchatToken
)

func init() {
	specs[chat.GoogleChat] = spec{
		kind:     chat.GoogleChat,
		settings: func(base string) chat.Settings { return chat.Settings{"webhook_url": base + gchatPath} },
		ok:       reply{status: 200, body: `{"name":"spaces/AAAAxyzABCD/messages/abc.def","sender":{"type":"BOT"}}`},
		method:   http.MethodPost,
		path:     func(chat.Settings, chat.Post) string { return gchatPath },
		secrets:  func(s chat.Settings) []string { return []string{s["webhook_url"], gchatKey, gchatToken} },
		failures: []failure{
			{name: "bad card", reply: reply{status: 400, body: `{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"cardsV3\"","status":"INVALID_ARGUMENT"}}`},
				permanent: true, says: "Google Chat answered 400 Bad Request: Invalid JSON payload"},
			{name: "echoes the key", reply: reply{status: 403, body: `{"error":{"code":403,"message":"Permission denied for key=` + gchatKey + ` token=` + gchatToken + `","status":"PERMISSION_DENIED"}}`},
				permanent: true, says: "[redacted]"},
			{name: "deleted webhook", reply: reply{status: 404, body: `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`}, permanent: true, says: "not found"},
			{name: "quota", reply: reply{status: 429, body: `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}`}, says: "exhausted"},
		},
		limits: func(t *testing.T, body []byte) {
			require.Less(t, len(body), 32000, "a Chat message is at most 32,000 bytes")
			var m struct {
				CardsV2 []struct {
					Card struct {
						Sections []struct {
							Widgets []struct {
								TextParagraph *struct{ Text string }
							}
						}
					}
				}
			}
			require.NoError(t, json.Unmarshal(body, &m))
			for _, s := range m.CardsV2[0].Card.Sections {
				for _, w := range s.Widgets {
					if w.TextParagraph != nil {
						require.LessOrEqual(t, unitsOf(w.TextParagraph.Text), 4096)
					}
				}
			}
		},
	}
	validation[chat.GoogleChat] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"webhook_url": "https://chat.googleapis.com" + gchatPath},
		want: chat.Settings{"webhook_url": "https://chat.googleapis.com" + gchatPath},
		bad:  []refusal{{chat.Settings{"webhook_url": "http://chat.googleapis.com" + gchatPath}, "webhook_url"}},
	}
}
