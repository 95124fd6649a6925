package webhook

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

// Reporter tells an endpoint's owner what became of it (shared/alert): disabled after a 410
// Gone, failing every delivery for a day, or working again.
type Reporter interface {
	EndpointGone(ctx context.Context, userID, taskID uuid.UUID, endpoint string) error
	EndpointFailing(ctx context.Context, userID, taskID uuid.UUID, endpoint, lastErr string) error
	EndpointWorks(ctx context.Context, userID uuid.UUID) error
}

// FailingAfter is how long an endpoint fails every delivery before its owner is told; it is
// reported, not disabled.
const FailingAfter = outbox.FailingAfter

// report tells the reporter how a post to endpoint went. Its errors are only logged: the
// delivery's own outcome stands.
func (s *Sender) report(ctx context.Context, m outbox.Message, endpoint string, r outbox.Receipt, postErr error) {
	if s.reporter == nil {
		return
	}
	d := m.Delivery
	var err error
	switch {
	case postErr == nil:
		err = s.reporter.EndpointWorks(ctx, d.UserID)
	case r.ResponseCode == http.StatusGone:
		err = s.reporter.EndpointGone(ctx, d.UserID, d.TaskID, endpoint)
	case s.now().Sub(d.CreatedAt) >= FailingAfter:
		// This delivery has failed for a day; the endpoint has, if nothing else reached it since.
		var n int
		n, err = s.store.DeliveredSince(ctx, d.UserID, task.ChannelWebhook, s.now().Add(-FailingAfter))
		if err == nil && n == 0 {
			err = s.reporter.EndpointFailing(ctx, d.UserID, d.TaskID, endpoint, postErr.Error())
		}
	}
	if err != nil {
		s.log.WarnContext(ctx, "reporting on a webhook endpoint", slog.String("delivery_id", d.ID.String()), slog.String("error", err.Error()))
	}
}
