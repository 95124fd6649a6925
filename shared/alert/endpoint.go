package alert

import (
	"context"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// EndpointGone tells the owner, by email, that Torale disabled a webhook endpoint of the task
// after it answered 410 Gone (the endpoint may be the very channel that is broken).
func (s *Service) EndpointGone(ctx context.Context, userID, taskID uuid.UUID, endpoint string) error {
	t, err := s.store.GetTask(ctx, userID, taskID)
	if err != nil {
		return err
	}
	return s.open(ctx, t, task.AlertWebhookGone, goneWords(t, endpoint), true)
}

// EndpointFailing tells the owner, by email, that the task's webhook endpoint has failed every
// delivery for a day (outbox.FailingAfter); Torale keeps trying it.
func (s *Service) EndpointFailing(ctx context.Context, userID, taskID uuid.UUID, endpoint, lastErr string) error {
	t, err := s.store.GetTask(ctx, userID, taskID)
	if err != nil {
		return err
	}
	return s.open(ctx, t, task.AlertWebhookFailing, webhookFailingWords(t, endpoint, lastErr), true)
}

// EndpointWorks closes the user's webhook alerts quietly once a webhook delivery of theirs
// succeeds (the endpoint was fixed, or turned on again), so a later failure is told again.
func (s *Service) EndpointWorks(ctx context.Context, userID uuid.UUID) error {
	_, err := s.store.ResolveUserAlerts(ctx, userID, []task.AlertCause{task.AlertWebhookFailing, task.AlertWebhookGone}, s.now())
	return err
}
