package api

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

func (a *API) me(w http.ResponseWriter, _ *http.Request, user store.User) error {
	writeJSON(w, http.StatusOK, userView(user))
	return nil
}

func (a *API) createKey(w http.ResponseWriter, r *http.Request, user store.User) error {
	var b contract.APIKeyInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	b.Name = strings.TrimSpace(b.Name)
	if n := utf8.RuneCountInString(b.Name); n < 1 || n > 100 {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "name", Message: "must be 1 to 100 characters"}}}
	}
	if msg := keyNameProblem(b.Name); msg != "" {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "name", Message: msg}}}
	}
	key, prefix, hash, err := auth.NewAPIKey()
	if err != nil {
		return err
	}
	k, err := a.keys.CreateAPIKey(r.Context(), user.ID, b.Name, prefix, hash)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, contract.NewAPIKey{APIKey: keyView(k), Key: key})
	return nil
}

func (a *API) listKeys(w http.ResponseWriter, r *http.Request, user store.User) error {
	keys, err := a.keys.ListAPIKeys(r.Context(), user.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, whole(keys, keyView, nil))
	return nil
}

func (a *API) revokeKey(w http.ResponseWriter, r *http.Request, user store.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.keys.RevokeAPIKey(r.Context(), user.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// keyNameProblem checks what a key's name may hold beyond its length: no control characters,
// and none of the invisible or direction-changing ones that make a name read other than it is.
func keyNameProblem(name string) string {
	for _, r := range name {
		if unicode.IsControl(r) {
			return "must not contain control characters"
		}
	}
	return task.HiddenProblem(name)
}
