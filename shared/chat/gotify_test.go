package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const gotifyToken = "AvKcy9o-yvVhyKd"

func init() {
	specs[chat.Gotify] = spec{
		kind: chat.Gotify,
		settings: func(base string) chat.Settings {
			return chat.Settings{"server": base + "/gotify/", "app_token": gotifyToken}
		},
		ok:      reply{status: 200, body: `{"id":25,"appid":5,"message":"…","title":"…","priority":5,"date":"2026-12-01T05:00:00Z"}`},
		method:  http.MethodPost,
		path:    func(chat.Settings, chat.Post) string { return "/gotify/message" },
		secrets: func(chat.Settings) []string { return []string{gotifyToken} },
		failures: []failure{
			{name: "bad token", reply: reply{status: 401, body: `{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}`},
				permanent: true, says: "Gotify answered 401 Unauthorized: you need to provide a valid access token"},
			{name: "bad message", reply: reply{status: 400, body: `{"error":"Bad Request","errorCode":400,"errorDescription":"Field 'message' is required"}`}, permanent: true, says: "required"},
		},
		limits: func(t *testing.T, body []byte) {
			var m struct {
				Title, Message string
				Extras         map[string]map[string]any
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.LessOrEqual(t, len(m.Message), 8000)
			require.Equal(t, "text/markdown", m.Extras["client::display"]["contentType"])
		},
	}
	validation[chat.Gotify] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"server": "https://push.example.com/", "app_token": gotifyToken},
		want: chat.Settings{"server": "https://push.example.com", "app_token": gotifyToken},
		bad:  []refusal{{chat.Settings{"server": "http://push.example.com", "app_token": gotifyToken}, "server"}},
	}
}

// TestGotifyKey checks the application token travels in Gotify's header.
func TestGotifyKey(t *testing.T) {
	f := newFake(t, specs[chat.Gotify].ok)
	s := service(t, chat.Gotify)
	set, err := s.Validate(specs[chat.Gotify].settings(f.URL))
	require.NoError(t, err)
	_, err = s.Send(t.Context(), f.client(), set, representative())
	require.NoError(t, err)
	require.Equal(t, gotifyToken, f.last(t).Header.Get("X-Gotify-Key"))
}
