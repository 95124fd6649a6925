package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

const matrixToken = "syt_dG9yYWxl_bNvJzQbYpXkqWcLmHdTf_1a2B3c"

func init() {
	specs[chat.Matrix] = spec{
		kind: chat.Matrix,
		settings: func(base string) chat.Settings {
			return chat.Settings{"homeserver": base, "access_token": matrixToken, "room_id": "!OGEhHVWSdvArJzumhm:matrix.org"}
		},
		ok:     reply{status: 200, body: `{"event_id":"$YUwRidLecu:example.com"}`},
		method: http.MethodPut,
		path: func(_ chat.Settings, p chat.Post) string {
			if p.ID == "" {
				return ""
			}
			return "/_matrix/client/v3/rooms/%21OGEhHVWSdvArJzumhm:matrix.org/send/m.room.message/" + p.ID
		},
		secrets: func(chat.Settings) []string { return []string{matrixToken} },
		failures: []failure{
			{name: "bad token", reply: reply{status: 401, body: `{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}`},
				permanent: true, says: "Matrix answered 401 Unauthorized: Invalid access token passed."},
			{name: "not in room", reply: reply{status: 403, body: `{"errcode":"M_FORBIDDEN","error":"User @torale:matrix.org not in room !OGEhHVWSdvArJzumhm:matrix.org"}`}, permanent: true, says: "not in room"},
			{name: "rate limited", reply: reply{status: 429, body: `{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":2500}`}, retry: 3, says: "Too Many Requests"},
		},
		limits: func(t *testing.T, body []byte) {
			require.Less(t, len(body), 60000, "an event is at most 64 KiB")
			var m struct {
				MsgType       string `json:"msgtype"`
				Format        string `json:"format"`
				FormattedBody string `json:"formatted_body"`
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.Equal(t, "m.notice", m.MsgType, "bots send notices, which other bots ignore")
			require.Equal(t, "org.matrix.custom.html", m.Format)
		},
	}
	validation[chat.Matrix] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"homeserver": "https://matrix.org/", "access_token": matrixToken, "room_id": "!OGEhHVWSdvArJzumhm:matrix.org"},
		want: chat.Settings{"homeserver": "https://matrix.org", "access_token": matrixToken, "room_id": "!OGEhHVWSdvArJzumhm:matrix.org"},
		bad:  []refusal{{chat.Settings{"homeserver": "https://matrix.org", "access_token": matrixToken, "room_id": "#torale:matrix.org"}, "room_id"}},
	}
}

// TestMatrixRetryIsTheSameEvent checks the idempotency Matrix gives: every attempt of one
// delivery uses its id as the transaction id, and carries the bearer token.
func TestMatrixRetryIsTheSameEvent(t *testing.T) {
	f := newFake(t, specs[chat.Matrix].ok)
	s := service(t, chat.Matrix)
	set, err := s.Validate(specs[chat.Matrix].settings(f.URL))
	require.NoError(t, err)
	f.queue(reply{status: 502})
	_, err = s.Send(t.Context(), f.client(), set, representative())
	require.Error(t, err)
	_, err = s.Send(t.Context(), f.client(), set, representative())
	require.NoError(t, err)
	got := f.requests()
	require.Len(t, got, 2)
	require.Equal(t, got[0].Path, got[1].Path, "the same transaction id")
	require.Equal(t, "Bearer "+matrixToken, got[1].Header.Get("Authorization"))
}
