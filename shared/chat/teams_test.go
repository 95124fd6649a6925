package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const (
	teamsWorkflow = "8f3b2c1d4e5f4a6b9c7d0e1f2a3b4c5d"
	teamsSig      = "Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHkxMjM0NTY"
	teamsPath     = "/workflows/" + teamsWorkflow + "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + teamsSig
)

func init() {
	specs[chat.Teams] = spec{
		kind:     chat.Teams,
		settings: func(base string) chat.Settings { return chat.Settings{"workflow_url": base + teamsPath} },
		ok:       reply{status: 202},
		method:   http.MethodPost,
		path:     func(chat.Settings, chat.Post) string { return teamsPath },
		secrets:  func(s chat.Settings) []string { return []string{s["workflow_url"], teamsSig} },
		failures: []failure{
			{name: "bad card", reply: reply{status: 400, body: `{"error":{"code":"InvalidRequestContent","message":"The input body for trigger 'manual' of type 'Request' did not match its schema definition."}}`},
				permanent: true, says: "Teams answered 400 Bad Request: The input body"},
			{name: "signature", reply: reply{status: 401, body: `{"error":{"code":"DirectApiInvalidAuthorizationSignature","message":"The provided sig ` + teamsSig + ` is not valid."}}`},
				permanent: true, says: "[redacted]"},
			{name: "deleted workflow", reply: reply{status: 404, body: `{"error":{"code":"WorkflowNotFound","message":"The workflow '` + teamsWorkflow + `' could not be found."}}`},
				permanent: true, says: "could not be found"},
			{name: "throttled", reply: reply{status: 429, header: map[string]string{"Retry-After": "10"}, body: `{"error":{"code":"WorkflowTriggerIsThrottled","message":"Flow throttled."}}`}, retry: 10, says: "throttled"},
		},
		limits: func(t *testing.T, body []byte) {
			require.Less(t, len(body), 28*1024, "Teams takes about 28 KB")
			var m struct {
				Type        string
				Attachments []struct {
					ContentType string
					Content     struct {
						Type, Version string
						Body          []struct {
							Type    string
							Inlines []struct{ Type, Text string }
						}
					}
				}
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.Equal(t, "message", m.Type)
			require.Equal(t, "application/vnd.microsoft.card.adaptive", m.Attachments[0].ContentType)
			require.Equal(t, "AdaptiveCard", m.Attachments[0].Content.Type)
			for _, b := range m.Attachments[0].Content.Body {
				require.Equal(t, "RichTextBlock", b.Type, "agent text never goes in a TextBlock, which reads Markdown")
			}
		},
	}
	validation[chat.Teams] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"workflow_url": "https://prod-12.westus.logic.azure.com:443" + teamsPath},
		want: chat.Settings{"workflow_url": "https://prod-12.westus.logic.azure.com:443" + teamsPath},
		bad:  []refusal{{chat.Settings{"workflow_url": "outlook.office.com/webhook/x"}, "workflow_url"}},
	}
}
