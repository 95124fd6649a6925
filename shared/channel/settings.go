package channel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// check refuses settings the kind does not take, lets the kind check and normalise the rest,
// and checks every URL field against the network policy, so a channel never waits on an address
// that will be refused. Errors name "settings.<field>" and never hold a value.
func (s *Service) check(svc chat.Service, in chat.Settings) (chat.Settings, error) {
	var errs fields
	known := map[string]bool{}
	for _, f := range svc.Fields() {
		known[f.Name] = true
	}
	clean := chat.Settings{}
	for k, v := range in {
		switch {
		case !known[k]:
			errs.add("settings."+k, fmt.Sprintf("is not a setting of %s channels (GET /api/v1/channels/kinds lists them)", svc.Kind()))
		case len(v) > maxValueLen:
			errs.add("settings."+k, fmt.Sprintf("must be at most %d bytes", maxValueLen))
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			errs.add("settings."+k, "must be text")
		default:
			clean[k] = v
		}
	}
	if len(errs) > 0 {
		return nil, errs.err()
	}
	out, err := svc.Validate(clean)
	var fe *chat.FieldError
	if errors.As(err, &fe) {
		return nil, &task.ValidationError{Fields: []task.FieldError{{Field: "settings." + fe.Field, Message: fe.Reason}}}
	}
	if err != nil {
		return nil, &task.ValidationError{Fields: []task.FieldError{{Field: "settings", Message: "were refused"}}}
	}
	for _, f := range svc.Fields() {
		if v := out[f.Name]; f.URL && v != "" {
			if msg := refused(s.guard, v); msg != "" {
				errs.add("settings."+f.Name, "cannot be used: "+msg)
			}
		}
	}
	return out, errs.err()
}

// refused is why the guard will not let a request reach raw, "" when it will.
func refused(g *netguard.Guard, raw string) string {
	_, err := g.CheckURL(raw)
	var r *netguard.RefusedError
	if errors.As(err, &r) {
		return r.Reason
	}
	if err != nil {
		return "it is not a URL Torale can post to"
	}
	return ""
}

// seal stores settings in c sealed for the channel, with their masks.
func (s *Service) seal(c *store.Channel, svc chat.Service, settings chat.Settings) error {
	plain, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	c.Sealed, err = s.keys.Seal(plain, store.ChannelWhere(c.UserID, c.ID))
	if err != nil {
		return err
	}
	c.Masked = mask(svc, settings)
	return nil
}

// mask is what the API shows of settings: ordinary values as they are, secrets masked.
func mask(svc chat.Service, settings chat.Settings) map[string]string {
	out := map[string]string{}
	for _, f := range svc.Fields() {
		v, ok := settings[f.Name]
		switch {
		case !ok || v == "":
		case f.Secret:
			out[f.Name] = sealed.Mask(v)
		default:
			out[f.Name] = v
		}
	}
	return out
}

// open returns a channel's settings.
func open(k *sealed.Keyring, c store.Channel) (chat.Settings, error) {
	plain, err := k.Open(c.Sealed, store.ChannelWhere(c.UserID, c.ID))
	if err != nil {
		return nil, err
	}
	out := chat.Settings{}
	if err := json.Unmarshal(plain, &out); err != nil {
		return nil, fmt.Errorf("%w: it is not settings", sealed.ErrOpen)
	}
	return out, nil
}
