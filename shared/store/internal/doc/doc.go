// Package doc holds the shapes the store writes into jsonb columns. They are the store's own,
// with explicit json tags, so the stored JSON does not follow the task package's types (or the
// API's): a renamed or retagged field there cannot change what existing rows mean. Each type
// maps to and from its task type.
package doc

import (
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// Notification is one entry of tasks.notifications.
type Notification struct {
	Type    string `json:"type"`
	Address string `json:"address,omitempty"`
	URL     string `json:"url,omitempty"`
	// ChannelID names a saved channel; empty means the user's default channels.
	ChannelID string `json:"channel_id,omitempty"`
}

// Notifications is tasks.notifications: a JSON array, never null.
type Notifications []Notification

// FromNotifications is the stored form of ns; nil is stored as [].
func FromNotifications(ns []task.Notification) Notifications {
	out := Notifications{}
	for _, n := range ns {
		out = append(out, Notification{Type: string(n.Type), Address: n.Address, URL: n.URL, ChannelID: n.ChannelID})
	}
	return out
}

// Task returns the notifications as the task package has them; never nil.
func (ns Notifications) Task() []task.Notification {
	out := make([]task.Notification, 0, len(ns))
	for _, n := range ns {
		out = append(out, task.Notification{Type: task.ChannelType(n.Type), Address: n.Address, URL: n.URL, ChannelID: n.ChannelID})
	}
	return out
}

// Source is one entry of a result's sources.
type Source struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Result is executions.result: what a run's agent decided.
type Result struct {
	Evidence     string     `json:"evidence"`
	Sources      []Source   `json:"sources"`
	Confidence   int        `json:"confidence"`
	Notification *string    `json:"notification"`
	NextRun      *time.Time `json:"next_run"`
	Topic        string     `json:"topic"`
}

// FromResult is the stored form of r (nil stays nil); sources are stored as [] when empty.
func FromResult(r *task.Result) *Result {
	if r == nil {
		return nil
	}
	out := &Result{Evidence: r.Evidence, Sources: []Source{}, Confidence: r.Confidence,
		Notification: r.Notification, NextRun: r.NextRun, Topic: r.Topic}
	for _, s := range r.Sources {
		out.Sources = append(out.Sources, Source{URL: s.URL, Title: s.Title})
	}
	return out
}

// Task returns the result as the task package has it (nil stays nil).
func (r *Result) Task() *task.Result {
	if r == nil {
		return nil
	}
	out := &task.Result{Evidence: r.Evidence, Confidence: r.Confidence, Notification: r.Notification,
		NextRun: r.NextRun, Topic: r.Topic}
	if r.Sources != nil {
		out.Sources = make([]task.Source, 0, len(r.Sources))
		for _, s := range r.Sources {
			out.Sources = append(out.Sources, task.Source{URL: s.URL, Title: s.Title})
		}
	}
	return out
}
