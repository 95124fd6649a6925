package store

import (
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/task"
)

// This file maps the rows sqlc generates into the store's and the task package's types, so
// nothing above the store sees the generated code.

func taskOf(r db.Task) task.Task {
	return task.Task{ID: r.ID, UserID: r.UserID, Name: r.Name, NameIsDefault: r.NameIsDefault,
		SearchQuery: r.SearchQuery, ConditionDescription: r.ConditionDescription, Schedule: r.Schedule,
		Timezone: r.Timezone, NotifyBehavior: r.NotifyBehavior, Depth: r.Depth, Notifications: r.Notifications.Task(),
		State: r.State, NextRunAt: r.NextRunAt, NextRunCause: r.NextRunCause, LastRunAt: r.LastRunAt, LastExecutionID: r.LastExecutionID,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, StateChangedAt: r.StateChangedAt,
		URLs: nonNil(r.Urls), Context: r.Context, Mode: r.Mode, MonthlyBudgetUSD: r.MonthlyBudgetUsd,
		Public: r.Public, PublicSlug: str(r.PublicSlug), PublicContextOK: r.PublicContextOk, PublishedAt: r.PublishedAt}
}

// modeOr stores an unnamed mode as the agent's, as the column's default does.
func modeOr(m task.Mode) task.Mode {
	if m == "" {
		return task.ModeAgent
	}
	return m
}

// nonNil makes an absent list empty: the column is NOT NULL, and a nil slice is sent as NULL.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func executionOf(r db.Execution) task.Execution {
	return task.Execution{ID: r.ID, TaskID: r.TaskID, UserID: r.UserID, ScheduledFor: r.ScheduledFor,
		Trigger: r.Trigger, Status: r.Status, Attempt: r.Attempt, CreatedAt: r.CreatedAt,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, DeadlineAt: r.DeadlineAt, Result: r.Result.Task(),
		Error: str(r.Error), InternalError: str(r.InternalError), ErrorCategory: task.ErrorCategory(str(r.ErrorCategory)),
		SilenceReason: task.SilenceReason(str(r.SilenceReason)),
		Usage: task.Usage{Model: r.Model, PromptTokens: r.PromptTokens, OutputTokens: r.OutputTokens,
			SearchQueries: r.SearchQueries, CostUSD: r.CostUsd}}
}

func deliveryOf(r db.NotificationDelivery) task.Delivery {
	d := task.Delivery{ID: r.ID, AlertID: r.AlertID, TaskID: r.TaskID, UserID: r.UserID,
		Channel: r.Channel, Target: r.Target, Status: r.Status, Attempts: r.Attempts,
		NextAttemptAt: r.NextAttemptAt, LastError: str(r.LastError), CreatedAt: r.CreatedAt, DeliveredAt: r.DeliveredAt,
		RedeliveryOf: r.RedeliveryOf}
	if r.ExecutionID != nil {
		d.ExecutionID = *r.ExecutionID
	}
	if r.AlertPhase != nil {
		d.AlertPhase = task.AlertPhase(*r.AlertPhase)
	}
	return d
}

func userOf(r db.User) User {
	return User{ID: r.ID, ExternalID: r.ExternalID, Email: str(r.Email), DisplayName: str(r.DisplayName),
		Role: Role(r.Role), CreatedAt: r.CreatedAt, DeactivatedAt: r.DeactivatedAt, SpendCapUSD: r.MonthlySpendCapUsd}
}

func apiKeyOf(r db.ApiKey) APIKey {
	return APIKey{ID: r.ID, UserID: r.UserID, Name: r.Name, Prefix: r.Prefix, CreatedAt: r.CreatedAt,
		LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
}

func webhookOf(r db.UserWebhook) Webhook {
	return Webhook{UserID: r.UserID, URL: r.Url, Enabled: r.Enabled, SecretSalt: r.SecretSalt,
		SecretSealed: str(r.SecretSealed), PreviousSalt: r.PreviousSalt, PreviousSealed: str(r.PreviousSealed),
		PreviousExpiresAt: r.PreviousExpiresAt, RotatedAt: r.RotatedAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// opt writes the empty string as NULL.
func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// str reads a nullable text column as the empty string when it is NULL.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// keyset splits a cursor into the nullable parameters of a keyset query: nil starts at the
// newest row.
func keyset(after *Cursor) (*time.Time, *uuid.UUID) {
	if after == nil {
		return nil, nil
	}
	return &after.CreatedAt, &after.ID
}
