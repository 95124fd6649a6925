package feed

import (
	"crypto/sha256"
	"encoding/base64"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/notifykey"
)

// A feed token is derived from the notify key, the user and a stored salt, rather than made at
// random and stored hashed like an API key: the settings page can show the feed URLs again at
// any time without the token being kept, a copy of the database (salt and hash) forges none,
// and rotating is writing a new salt. The store keeps the token's SHA-256 to find its user.

// tokenLen is the length of a token: 32 bytes in unpadded base64url.
const tokenLen = 43

// Token is the user's feed token for the salt.
func Token(keys *notifykey.Keys, userID uuid.UUID, salt []byte) string {
	return base64.RawURLEncoding.EncodeToString(keys.Derive("feed", userID[:], salt))
}

// Hash is what the store keeps of a token.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// WellFormed reports whether s could be a token, so that junk is refused without a query.
func WellFormed(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
