package contract

import "github.com/torale-ai/torale/shared/task"

// The functions here map task's service types to and from the wire, so the API never writes a
// task type as JSON and task's field names are free to change.

// TaskOf is t as the wire shows it; the owner and internal bookkeeping stay out.
func TaskOf(t task.Task) Task {
	return Task{ID: t.ID, Name: t.Name, SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription,
		Schedule: t.Schedule, Timezone: t.Timezone, NotifyBehavior: t.NotifyBehavior,
		Depth: t.Depth, Notifications: NotificationsOf(t.Notifications), URLs: listOf(t.URLs), Mode: t.Mode, State: t.State, NextRunAt: t.NextRunAt,
		LastRunAt: t.LastRunAt, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, StateChangedAt: t.StateChangedAt}
}

// NextRunReasonOf says why t's next run is when it is.
func NextRunReasonOf(t task.Task) NextRunReason {
	kind, summary := task.ExplainNextRun(t)
	return NextRunReason{Kind: kind, Summary: summary}
}

// NotificationsOf maps a task's channels; nil stays nil, so an empty list keeps its JSON form.
func NotificationsOf(in []task.Notification) []Notification {
	if in == nil {
		return nil
	}
	out := make([]Notification, len(in))
	for i, n := range in {
		out[i] = Notification{Type: n.Type, Address: n.Address, URL: n.URL, ChannelID: n.ChannelID}
	}
	return out
}

// TaskNotifications maps wire channels back to the task's; nil stays nil.
func TaskNotifications(in []Notification) []task.Notification {
	if in == nil {
		return nil
	}
	out := make([]task.Notification, len(in))
	for i, n := range in {
		out[i] = task.Notification{Type: n.Type, Address: n.Address, URL: n.URL, ChannelID: n.ChannelID}
	}
	return out
}

// Draft is the definition in as the task service validates it.
func (in TaskInput) Draft() task.Draft {
	return task.Draft{Name: in.Name, SearchQuery: in.SearchQuery, ConditionDescription: in.ConditionDescription,
		Schedule: in.Schedule, Timezone: in.Timezone, NotifyBehavior: in.NotifyBehavior,
		Notifications: TaskNotifications(in.Notifications), RunImmediately: in.RunImmediately, Depth: in.Depth, Mode: in.Mode,
		URLs: in.URLs, Context: in.Context}
}

// listOf keeps an absent list's JSON form an empty array, so clients need not test for null.
func listOf(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ExecutionOf is e as its owner sees it: no internal error, no owner.
func ExecutionOf(e task.Execution) Execution {
	out := Execution{ID: e.ID, TaskID: e.TaskID, ScheduledFor: e.ScheduledFor, Trigger: e.Trigger,
		Status: e.Status, Attempt: e.Attempt, CreatedAt: e.CreatedAt, StartedAt: e.StartedAt,
		FinishedAt: e.FinishedAt, Error: e.Error, ErrorCategory: e.ErrorCategory, Usage: UsageOf(e.Usage)}
	if e.Result != nil {
		r := ResultOf(*e.Result)
		out.Result = &r
	}
	if e.SilenceReason != "" {
		reason := e.SilenceReason
		out.SilenceReason = &reason
	}
	return out
}

// SilenceSummaryOf maps a count of a task's silent runs, with its sentence.
func SilenceSummaryOf(s task.SilenceSummary) SilenceSummary {
	by := make(map[task.SilenceReason]int, len(s.ByReason))
	for r, n := range s.ByReason {
		if n > 0 {
			by[r] = n
		}
	}
	return SilenceSummary{Runs: s.Runs, Silent: s.Silent, ByReason: by, Sentence: s.Sentence()}
}

// ExecutionPtrOf maps an optional run, such as a task's latest.
func ExecutionPtrOf(e *task.Execution) *Execution {
	if e == nil {
		return nil
	}
	out := ExecutionOf(*e)
	return &out
}

// AdminExecutionOf is e as admins see it, with its owner and internal error.
func AdminExecutionOf(e task.Execution) AdminExecution {
	return AdminExecution{Execution: ExecutionOf(e), UserID: e.UserID, InternalError: e.InternalError}
}

// ResultOf maps an agent's decision.
func ResultOf(r task.Result) Result {
	out := Result{Evidence: r.Evidence, Confidence: r.Confidence, Notification: r.Notification,
		NextRun: r.NextRun, Topic: r.Topic}
	if r.Sources != nil {
		out.Sources = make([]Source, len(r.Sources))
		for i, s := range r.Sources {
			out.Sources[i] = Source{URL: s.URL, Title: s.Title}
		}
	}
	return out
}

// Task is the result read back from the wire (the agent function's answer).
func (r Result) Task() task.Result {
	out := task.Result{Evidence: r.Evidence, Confidence: r.Confidence, Notification: r.Notification,
		NextRun: r.NextRun, Topic: r.Topic}
	if r.Sources != nil {
		out.Sources = make([]task.Source, len(r.Sources))
		for i, s := range r.Sources {
			out.Sources[i] = task.Source{URL: s.URL, Title: s.Title}
		}
	}
	return out
}

// Task is the cost read back from the wire.
func (u Usage) Task() task.Usage {
	return task.Usage{Model: u.Model, PromptTokens: u.PromptTokens, OutputTokens: u.OutputTokens,
		SearchQueries: u.SearchQueries, CostUSD: u.CostUSD}
}

// UsageOf maps a run's cost.
func UsageOf(u task.Usage) Usage {
	return Usage{Model: u.Model, PromptTokens: u.PromptTokens, OutputTokens: u.OutputTokens,
		SearchQueries: u.SearchQueries, CostUSD: u.CostUSD}
}

// DeliveryOf maps one outbox row; the owner stays out. Its attempt log starts empty (never
// null): the row does not carry it, so the caller fills it in.
func DeliveryOf(d task.Delivery) Delivery {
	return Delivery{ID: d.ID, ExecutionID: d.ExecutionID, AlertID: d.AlertID, TaskID: d.TaskID, Channel: d.Channel,
		Target: d.Target, Status: d.Status, Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt,
		LastError: d.LastError, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt, RedeliveryOf: d.RedeliveryOf,
		AttemptLog: []DeliveryAttempt{}}
}

// FieldErrorsOf maps a validation error's fields; nil stays nil, so omitempty leaves it out.
func FieldErrorsOf(in []task.FieldError) []FieldError {
	if in == nil {
		return nil
	}
	out := make([]FieldError, len(in))
	for i, f := range in {
		out[i] = FieldError{Field: f.Field, Message: f.Message}
	}
	return out
}
