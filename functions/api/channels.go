package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/channel"
	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
)

// ChannelService is the notify side of the channel endpoints.
type ChannelService interface {
	Create(ctx context.Context, userID uuid.UUID, in channel.Input) (store.Channel, error)
	List(ctx context.Context, userID uuid.UUID) ([]store.Channel, error)
	Get(ctx context.Context, userID, id uuid.UUID) (store.Channel, error)
	Update(ctx context.Context, userID, id uuid.UUID, p channel.Patch) (store.Channel, error)
	Delete(ctx context.Context, userID, id uuid.UUID) error
	Test(ctx context.Context, userID, id uuid.UUID) (channel.TestResult, error)
}

func (a *API) channels() (ChannelService, error) {
	if a.notify.Channels == nil {
		return nil, unavailable("Channels are not available on this deployment.")
	}
	return a.notify.Channels, nil
}

func (a *API) listChannelKinds(w http.ResponseWriter, _ *http.Request, _ store.User) error {
	var out []contract.ChannelKind
	for _, k := range channel.Kinds() {
		ck := contract.ChannelKind{Kind: string(k.Kind), Fields: []contract.ChannelField{}}
		for _, f := range k.Fields {
			ck.Fields = append(ck.Fields, contract.ChannelField{Name: f.Name, Label: f.Label, Required: f.Required,
				Secret: f.Secret, URL: f.URL, Hint: f.Hint, Default: f.Default})
		}
		out = append(out, ck)
	}
	writeJSON(w, http.StatusOK, whole(out, func(k contract.ChannelKind) contract.ChannelKind { return k }, nil))
	return nil
}

func (a *API) listChannels(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.channels()
	if err != nil {
		return err
	}
	list, err := svc.List(r.Context(), user.ID)
	if err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, http.StatusOK, whole(list, channelView, nil))
	return nil
}

func (a *API) createChannel(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.channels()
	if err != nil {
		return err
	}
	var b contract.ChannelInput
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	c, err := svc.Create(r.Context(), user.ID, channel.Input{Kind: chat.Kind(b.Kind), Name: b.Name,
		Settings: chat.Settings(b.Settings), ForAlerts: b.ForAlerts, IsDefault: b.IsDefault})
	return a.writeChannel(w, r, http.StatusCreated, c, err)
}

func (a *API) getChannel(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.channels()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := svc.Get(r.Context(), user.ID, id)
	return a.writeChannel(w, r, http.StatusOK, c, err)
}

func (a *API) updateChannel(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.channels()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b contract.ChannelPatch
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	c, err := svc.Update(r.Context(), user.ID, id, channel.Patch{Name: b.Name, Settings: chat.Settings(b.Settings),
		ForAlerts: b.ForAlerts, IsDefault: b.IsDefault})
	return a.writeChannel(w, r, http.StatusOK, c, err)
}

func (a *API) deleteChannel(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.channels()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := svc.Delete(r.Context(), user.ID, id); err != nil {
		return a.notifyError(w, r, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) testChannel(w http.ResponseWriter, r *http.Request, user store.User) error {
	svc, err := a.channels()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	res, err := svc.Test(r.Context(), user.ID, id)
	if err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, http.StatusOK, contract.ChannelTestResult{OK: res.OK, StatusCode: res.StatusCode, LatencyMS: res.LatencyMS,
		Error: res.Error, DeliveryID: res.DeliveryID})
	return nil
}

func (a *API) writeChannel(w http.ResponseWriter, r *http.Request, status int, c store.Channel, err error) error {
	if err != nil {
		return a.notifyError(w, r, err)
	}
	writeJSON(w, status, channelView(c))
	return nil
}

// channelView is what the API shows of a channel: its masks, never its sealed settings.
func channelView(c store.Channel) contract.Channel {
	return contract.Channel{ID: c.ID, Kind: c.Kind, Name: c.Name, Settings: c.Masked, ForAlerts: c.ForAlerts,
		IsDefault: c.IsDefault, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}
