package chat_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

// refusal is settings Validate must refuse, naming field.
type refusal struct {
	settings chat.Settings
	field    string
}

// validation lists, per kind, settings that normalise (with what they become) and settings
// that are refused.
var validation = map[chat.Kind]struct {
	good, want chat.Settings
	bad        []refusal
}{}

func TestValidate(t *testing.T) {
	for _, k := range chat.Kinds() {
		v, ok := validation[k]
		require.True(t, ok, "kind %s has no validation cases", k)
		t.Run(string(k), func(t *testing.T) {
			s := service(t, k)
			got, err := s.Validate(v.good)
			require.NoError(t, err)
			require.Equal(t, v.want, got)
			again, err := s.Validate(got)
			require.NoError(t, err)
			require.Equal(t, got, again, "normalising twice changes nothing")

			// Every required field is named when missing, and unknown ones are refused.
			for _, f := range s.Fields() {
				if !f.Required {
					continue
				}
				in := chat.Settings{}
				for k, v := range v.good {
					in[k] = v
				}
				in[f.Name] = "  "
				requireRefused(t, s, in, f.Name, v.good)
			}
			in := chat.Settings{"colour": "blue"}
			for k, v := range v.good {
				in[k] = v
			}
			requireRefused(t, s, in, "colour", v.good)
			for _, r := range v.bad {
				requireRefused(t, s, r.settings, r.field, r.settings)
			}
		})
	}
}

// requireRefused checks that Validate refuses in with a *FieldError naming field and quoting
// none of the secret values in shown.
func requireRefused(t *testing.T, s chat.Service, in chat.Settings, field string, shown chat.Settings) {
	t.Helper()
	_, err := s.Validate(in)
	var fe *chat.FieldError
	require.True(t, errors.As(err, &fe), "%v refused with %v", in, err)
	require.Equal(t, field, fe.Field, "%v", err)
	for _, f := range s.Fields() {
		if f.Secret && len(shown[f.Name]) > 3 {
			require.NotContains(t, err.Error(), shown[f.Name])
		}
	}
}

func TestFields(t *testing.T) {
	require.Len(t, chat.Kinds(), len(specs), "every kind is registered and tested")
	for _, k := range chat.Kinds() {
		s := service(t, k)
		require.Equal(t, k, s.Kind())
		require.NotEmpty(t, s.Fields())
		secret := false
		for _, f := range s.Fields() {
			require.NotEmpty(t, f.Label, f.Name)
			require.NotEmpty(t, f.Hint, f.Name)
			secret = secret || f.Secret
		}
		require.True(t, secret, "%s has a secret to seal", k)
	}
}

func init() {
	validation[chat.Slack] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"webhook_url": " https://hooks.slack.com/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX\n"},
		want: chat.Settings{"webhook_url": "https://hooks.slack.com/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX"},
		bad: []refusal{
			{chat.Settings{"webhook_url": "http://hooks.slack.com/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX"}, "webhook_url"},
			{chat.Settings{"webhook_url": "hooks.slack.com/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX"}, "webhook_url"},
		},
	}
	validation[chat.Discord] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"webhook_url": "https://discord.com/api/webhooks/1/" + discordToken},
		want: chat.Settings{"webhook_url": "https://discord.com/api/webhooks/1/" + discordToken},
		bad: []refusal{
			{chat.Settings{"webhook_url": "https://user:" + discordToken + "@discord.com/api/webhooks/1/x"}, "webhook_url"},
		},
	}
	validation[chat.Telegram] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"bot_token": " " + telegramToken + " ", "chat_id": "@torale_news"},
		want: chat.Settings{"bot_token": telegramToken, "chat_id": "@torale_news", "api_url": "https://api.telegram.org"},
		bad: []refusal{
			{chat.Settings{"bot_token": "not a token", "chat_id": "42"}, "bot_token"},
			{chat.Settings{"bot_token": telegramToken, "chat_id": "my group"}, "chat_id"},
			{chat.Settings{"bot_token": telegramToken, "chat_id": "42", "api_url": "http://api.telegram.org"}, "api_url"},
		},
	}
	validation[chat.Ntfy] = struct {
		good, want chat.Settings
		bad        []refusal
	}{
		good: chat.Settings{"topic": "torale_alerts-7Qx", "server": "", "token": ""},
		want: chat.Settings{"topic": "torale_alerts-7Qx", "server": "https://ntfy.sh"},
		bad: []refusal{
			{chat.Settings{"topic": "a/b"}, "topic"},
			{chat.Settings{"topic": "ok", "server": "ntfy.example.com"}, "server"},
		},
	}
}
