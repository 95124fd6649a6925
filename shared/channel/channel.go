// Package channel is the chat and push channels users save (Slack, Discord, Telegram, ntfy,
// ...): the service behind the API that checks, seals and masks their settings, and the outbox
// Sender that opens them and posts through the kind's chat.Service. Tasks name channels by id,
// so no secret sits in a task; a channel's settings are sealed (shared/sealed) as one JSON
// value bound to the channel and its owner, and after saving the API shows them masked.
package channel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// maxNameLen bounds a channel's name, in characters.
const maxNameLen = 100

// maxValueLen bounds one setting's value, in bytes.
const maxValueLen = 2048

// Store is where channels are kept.
type Store interface {
	CreateChannel(ctx context.Context, c store.Channel, now time.Time) (store.Channel, error)
	ListChannels(ctx context.Context, userID uuid.UUID) ([]store.Channel, error)
	GetChannel(ctx context.Context, userID, id uuid.UUID) (store.Channel, error)
	UpdateChannel(ctx context.Context, c store.Channel, now time.Time) (store.Channel, error)
	DeleteChannel(ctx context.Context, userID, id uuid.UUID) error
}

// Deps build a Service and a Sender.
type Deps struct {
	Store Store
	// Keys seal and open settings; nil makes saving and sending fail with
	// outbox.ErrNotConfigured.
	Keys *sealed.Keyring
	// Guard checks URL settings when they are saved and makes every request (connect-time
	// address checks after DNS, no redirects, its timeout).
	Guard *netguard.Guard
	// PublicURL prefixes the task links in messages.
	PublicURL string
	// Timeout bounds one attempt, on top of the guard's own (default 15s).
	Timeout time.Duration
	Now     func() time.Time
	Log     *slog.Logger
}

// Input is a channel to create.
type Input struct {
	Kind      chat.Kind
	Name      string
	Settings  chat.Settings
	ForAlerts bool
	IsDefault bool
}

// Patch changes a channel; nil fields stay as they are. Settings merge: a field given replaces
// the stored value (so a secret need not be typed again to rename or re-point a channel), and
// a field given as "" is removed.
type Patch struct {
	Name      *string
	Settings  chat.Settings
	ForAlerts *bool
	IsDefault *bool
}

// Service manages a user's channels.
type Service struct {
	store  Store
	keys   *sealed.Keyring
	guard  *netguard.Guard
	sender *Sender
	now    func() time.Time
}

// NewService returns the service; sender makes its test sends.
func NewService(d Deps, sender *Sender) *Service {
	return &Service{store: d.Store, keys: d.Keys, guard: d.Guard, sender: sender, now: d.Now}
}

// errNoKeys is why channels cannot be saved or sent without TORALE_SECRET_KEYS.
var errNoKeys = fmt.Errorf("channel secrets are %w (set TORALE_SECRET_KEYS)", outbox.ErrNotConfigured)

// Create checks in's settings (the kind's rules, then every URL against the network policy),
// seals them and saves the channel. Bad input is a *task.ValidationError naming the field.
func (s *Service) Create(ctx context.Context, userID uuid.UUID, in Input) (store.Channel, error) {
	if s.keys == nil {
		return store.Channel{}, errNoKeys
	}
	var errs fields
	svc, ok := chat.Lookup(in.Kind)
	if !ok {
		errs.add("kind", "must be one of "+kindList())
	}
	name := errs.name(in.Name)
	if !ok || len(errs) > 0 {
		return store.Channel{}, errs.err()
	}
	settings, err := s.check(svc, in.Settings)
	if err != nil {
		return store.Channel{}, err
	}
	c := store.Channel{ID: uuid.New(), UserID: userID, Kind: string(in.Kind), Name: name, ForAlerts: in.ForAlerts, IsDefault: in.IsDefault}
	if err := s.seal(&c, svc, settings); err != nil {
		return store.Channel{}, err
	}
	return s.saved(s.store.CreateChannel(ctx, c, s.now()))
}

// List returns the user's channels, settings masked.
func (s *Service) List(ctx context.Context, userID uuid.UUID) ([]store.Channel, error) {
	return s.store.ListChannels(ctx, userID)
}

// Get returns one of the user's channels, settings masked; store.ErrNotFound when there is none.
func (s *Service) Get(ctx context.Context, userID, id uuid.UUID) (store.Channel, error) {
	return s.store.GetChannel(ctx, userID, id)
}

// Update applies p to one of the user's channels, checking merged settings as Create does.
func (s *Service) Update(ctx context.Context, userID, id uuid.UUID, p Patch) (store.Channel, error) {
	c, err := s.store.GetChannel(ctx, userID, id)
	if err != nil {
		return store.Channel{}, err
	}
	var errs fields
	if p.Name != nil {
		c.Name = errs.name(*p.Name)
	}
	if len(errs) > 0 {
		return store.Channel{}, errs.err()
	}
	if p.ForAlerts != nil {
		c.ForAlerts = *p.ForAlerts
	}
	if p.IsDefault != nil {
		c.IsDefault = *p.IsDefault
	}
	if p.Settings != nil {
		if err := s.merge(&c, p.Settings); err != nil {
			return store.Channel{}, err
		}
	}
	return s.saved(s.store.UpdateChannel(ctx, c, s.now()))
}

// merge applies changed settings to c, checks the result and seals it.
func (s *Service) merge(c *store.Channel, changed chat.Settings) error {
	if s.keys == nil {
		return errNoKeys
	}
	svc, ok := chat.Lookup(chat.Kind(c.Kind))
	if !ok {
		return &task.ValidationError{Fields: []task.FieldError{{Field: "kind", Message: "is not supported by this build"}}}
	}
	settings, err := open(s.keys, *c)
	if err != nil {
		return fmt.Errorf("opening the channel's settings: %w", err)
	}
	if err := secretsFollowAddress(svc, settings, changed); err != nil {
		return err
	}
	for k, v := range changed {
		settings[k] = v
		if strings.TrimSpace(v) == "" {
			delete(settings, k)
		}
	}
	if settings, err = s.check(svc, settings); err != nil {
		return err
	}
	return s.seal(c, svc, settings)
}

// secretsFollowAddress refuses a change of address that keeps a stored secret: the secret would
// go to the new address, and a caller who cannot read it could then receive it there. Every
// secret the service takes must be given again with the new address.
func secretsFollowAddress(svc chat.Service, old, changed chat.Settings) error {
	moved := false
	for _, f := range svc.Fields() {
		if v, ok := changed[f.Name]; f.URL && ok && strings.TrimSpace(v) != strings.TrimSpace(old[f.Name]) {
			moved = true
		}
	}
	if !moved {
		return nil
	}
	var fields []task.FieldError
	for _, f := range svc.Fields() {
		if v, ok := changed[f.Name]; f.Secret && old[f.Name] != "" && (!ok || strings.TrimSpace(v) == "") {
			fields = append(fields, task.FieldError{Field: "settings." + f.Name,
				Message: "enter it again with the new address: a saved secret is never sent to a new address"})
		}
	}
	if len(fields) > 0 {
		return &task.ValidationError{Fields: fields}
	}
	return nil
}

// Delete removes one of the user's channels; store.ErrNotFound when there is none.
func (s *Service) Delete(ctx context.Context, userID, id uuid.UUID) error {
	return s.store.DeleteChannel(ctx, userID, id)
}

// Test sends a test message on one of the user's channels, through the same client and checks
// as a notification, and says how it went.
func (s *Service) Test(ctx context.Context, userID, id uuid.UUID) (TestResult, error) {
	c, err := s.store.GetChannel(ctx, userID, id)
	if err != nil {
		return TestResult{}, err
	}
	return s.sender.Test(ctx, c)
}

// saved translates the store's refusals into what the user can act on.
func (s *Service) saved(c store.Channel, err error) (store.Channel, error) {
	switch {
	case errors.Is(err, store.ErrChannelLimit):
		return c, &store.ConflictError{Reason: fmt.Sprintf("You have %d channels, the most one account may have; delete one first.", store.MaxChannelsPerUser)}
	case errors.Is(err, store.ErrConflict):
		return c, &store.ConflictError{Reason: "You already have a channel of that name."}
	}
	return c, err
}

// Kind describes one kind for a form.
type Kind struct {
	Kind   chat.Kind
	Fields []chat.Field
}

// Kinds lists every kind this build can send to with its settings, in a form's order.
func Kinds() []Kind {
	var out []Kind
	for _, k := range chat.Kinds() {
		svc, _ := chat.Lookup(k)
		out = append(out, Kind{Kind: k, Fields: svc.Fields()})
	}
	return out
}

func kindList() string {
	var names []string
	for _, k := range chat.Kinds() {
		names = append(names, string(k))
	}
	if len(names) == 0 {
		return "the kinds this build knows (none)"
	}
	return strings.Join(names, ", ")
}

// fields gathers refused input, each named by its JSON path.
type fields []task.FieldError

func (f *fields) add(field, msg string) { *f = append(*f, task.FieldError{Field: field, Message: msg}) }

func (f fields) err() error {
	if len(f) == 0 {
		return nil
	}
	return &task.ValidationError{Fields: f}
}

// name checks and trims a channel's name.
func (f *fields) name(raw string) string {
	n := strings.TrimSpace(raw)
	switch {
	case n == "":
		f.add("name", "is required")
	case utf8.RuneCountInString(n) > maxNameLen:
		f.add("name", fmt.Sprintf("must be at most %d characters", maxNameLen))
	case !utf8.ValidString(n) || strings.ContainsRune(n, 0):
		f.add("name", "must be text")
	}
	return n
}

// TestResult is how a test message went: never the service's response body.
type TestResult struct {
	OK         bool
	StatusCode *int
	LatencyMS  int64
	Error      string
	// DeliveryID is the id the test message carried.
	DeliveryID string
}
