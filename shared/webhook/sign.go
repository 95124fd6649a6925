package webhook

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/torale-ai/torale/shared/notifykey"
)

// Sign returns the webhook-signature header for one message: a v1 signature per secret,
// space-separated, made with the Standard Webhooks library.
func Sign(secrets []string, id string, at time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, secret := range secrets {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			return "", fmt.Errorf("reading signing secret: %w", err)
		}
		sig, err := wh.Sign(id, at, body)
		if err != nil {
			return "", fmt.Errorf("signing: %w", err)
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}

// Secret is the user's Standard Webhooks signing secret for salt: whsec_ and the base64 of 32
// bytes derived from the notify key, so the database keeps only the salt.
func Secret(k *notifykey.Keys, userID uuid.UUID, salt []byte) string {
	return "whsec_" + base64.StdEncoding.EncodeToString(k.Derive("webhook-secret", userID[:], salt))
}
