package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/torale-ai/torale/shared/store/internal/db"
)

// MaxChannelsPerUser bounds how many chat and push channels one user may save.
const MaxChannelsPerUser = 50

// ErrChannelLimit is returned when a user already has MaxChannelsPerUser channels.
var ErrChannelLimit = errors.New("channel limit reached")

// Channel is one chat or push channel a user saved. Its settings are stored sealed as one JSON
// value (the channel package seals and opens them); Masked is what may be shown.
type Channel struct {
	ID     uuid.UUID
	UserID uuid.UUID
	Kind   string
	Name   string
	// Sealed is the settings' JSON, sealed for ChannelWhere(UserID, ID).
	Sealed string
	// Masked maps each setting to what the API shows: ordinary values as they are, secrets
	// masked.
	Masked    map[string]string
	ForAlerts bool
	IsDefault bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ChannelWhere is the place a channel's settings are sealed for: a ciphertext copied into
// another user's row, or another channel's, does not open. Rotation (SealedColumns) rebuilds it
// from the row's user_id and id.
func ChannelWhere(userID, id uuid.UUID) string {
	return "channel/" + userID.String() + "/" + id.String()
}

// CreateChannel stores c (its ID chosen by the caller, who sealed for it) at time now, or
// returns ErrChannelLimit when the user has MaxChannelsPerUser channels, or ErrConflict when
// the name is taken.
func (s *Store) CreateChannel(ctx context.Context, c Channel, now time.Time) (Channel, error) {
	masked, err := json.Marshal(c.Masked)
	if err != nil {
		return Channel{}, err
	}
	r, err := s.q.CreateChannel(ctx, db.CreateChannelParams{ID: c.ID, UserID: c.UserID, Kind: c.Kind, Name: c.Name,
		Settings: c.Sealed, Masked: masked, ForAlerts: c.ForAlerts, IsDefault: c.IsDefault, Now: now,
		MaxPerUser: MaxChannelsPerUser})
	if errors.Is(err, pgx.ErrNoRows) {
		return Channel{}, ErrChannelLimit
	}
	if err != nil {
		return Channel{}, fmt.Errorf("creating channel: %w", translate(err))
	}
	return channelOf(r), nil
}

// ListChannels lists the user's channels, oldest first.
func (s *Store) ListChannels(ctx context.Context, userID uuid.UUID) ([]Channel, error) {
	rows, err := s.q.ListChannels(ctx, userID)
	return mapAll(rows, err, "listing channels", channelOf)
}

// AlertChannels lists the user's channels marked for failure alerts, oldest first.
func (s *Store) AlertChannels(ctx context.Context, userID uuid.UUID) ([]Channel, error) {
	rows, err := s.q.AlertChannels(ctx, userID)
	return mapAll(rows, err, "listing alert channels", channelOf)
}

// GetChannel returns one of the user's channels, or ErrNotFound.
func (s *Store) GetChannel(ctx context.Context, userID, id uuid.UUID) (Channel, error) {
	r, err := s.q.GetChannel(ctx, db.GetChannelParams{ID: id, UserID: userID})
	if err != nil {
		return Channel{}, fmt.Errorf("reading channel: %w", translate(err))
	}
	return channelOf(r), nil
}

// UpdateChannel replaces the name, settings, masks and flags of the channel c names at time
// now; ErrNotFound when the user has no such channel, ErrConflict when the name is taken.
func (s *Store) UpdateChannel(ctx context.Context, c Channel, now time.Time) (Channel, error) {
	masked, err := json.Marshal(c.Masked)
	if err != nil {
		return Channel{}, err
	}
	r, err := s.q.UpdateChannel(ctx, db.UpdateChannelParams{ID: c.ID, UserID: c.UserID, Name: c.Name, Settings: c.Sealed,
		Masked: masked, ForAlerts: c.ForAlerts, IsDefault: c.IsDefault, Now: now})
	if err != nil {
		return Channel{}, fmt.Errorf("updating channel: %w", translate(err))
	}
	return channelOf(r), nil
}

// DeleteChannel removes one of the user's channels; ErrNotFound when there is none. Tasks that
// named it keep the id, and their deliveries to it fail saying the channel is gone.
func (s *Store) DeleteChannel(ctx context.Context, userID, id uuid.UUID) error {
	n, err := s.q.DeleteChannel(ctx, db.DeleteChannelParams{ID: id, UserID: userID})
	if err != nil {
		return fmt.Errorf("deleting channel: %w", translate(err))
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// OwnedChannels returns which of ids name channels of the user.
func (s *Store) OwnedChannels(ctx context.Context, userID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := s.q.OwnedChannels(ctx, db.OwnedChannelsParams{UserID: userID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("checking channels: %w", translate(err))
	}
	out := make(map[uuid.UUID]bool, len(rows))
	for _, id := range rows {
		out[id] = true
	}
	return out, nil
}

func channelOf(r db.Channel) Channel {
	c := Channel{ID: r.ID, UserID: r.UserID, Kind: r.Kind, Name: r.Name, Sealed: r.Settings, ForAlerts: r.ForAlerts,
		IsDefault: r.IsDefault, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	// The masks are the store's own writing; a row that does not decode shows none.
	_ = json.Unmarshal(r.Masked, &c.Masked)
	if c.Masked == nil {
		c.Masked = map[string]string{}
	}
	return c
}
