// Package auth decides who is calling. The local platform's dev mode names users by a header;
// Clerk session tokens and API keys join it as other Authenticators.
package auth

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/torale-ai/torale/shared/store"
)

// ErrUnauthenticated means the request carries no credential this deployment accepts.
var ErrUnauthenticated = errors.New("unauthenticated")

// Users is the store side of authentication.
type Users interface {
	EnsureUser(ctx context.Context, id store.Identity) (store.User, error)
}

// DevUserHeader names the local user a dev-mode request acts as.
const DevUserHeader = "X-Torale-Dev-User"

var devName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`) })

// Dev authenticates requests on the local platform: a request without a token acts as the
// user named by the X-Torale-Dev-User header ("dev" when absent), created on first use. It
// must only ever serve a loopback address; torale dev refuses to start otherwise.
type Dev struct {
	users Users
}

// NewDev returns the dev-mode authenticator.
func NewDev(users Users) *Dev { return &Dev{users: users} }

// Authenticate returns the dev user the request names.
func (d *Dev) Authenticate(r *http.Request) (store.User, error) {
	if r.Header.Get("Authorization") != "" {
		return store.User{}, authError("tokens are not accepted in dev mode; drop the Authorization header")
	}
	name := strings.ToLower(strings.TrimSpace(r.Header.Get(DevUserHeader)))
	if name == "" {
		name = DefaultDevUser
	}
	if !devName().MatchString(name) {
		return store.User{}, authError(DevUserHeader + " must be 1 to 64 letters, digits, '.', '_' or '-'")
	}
	u, err := d.users.EnsureUser(r.Context(), DevIdentity(name))
	if errors.Is(err, store.ErrDeactivated) {
		return store.User{}, errDeactivated
	}
	return u, err
}

// DefaultDevUser is the dev user a request without the header acts as: the dashboard's user
// under torale dev.
const DefaultDevUser = "dev"

// DevIdentity is the identity of the dev user named name.
func DevIdentity(name string) store.Identity {
	return store.Identity{ExternalID: "dev:" + name, DisplayName: name}
}
