package contract

import (
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// The public view of a watch is written out field by field, never embedding Task or Execution:
// a field added to those for the owner must not reach the public by accident. It never carries
// the owner, their addresses, channels, webhooks, context, pages, costs or the ids of rows
// (functions/api's public view test lists every field it may have).

// PublicTask is a public watch as Explore lists it: its definition and state.
type PublicTask struct {
	// Slug names the watch in /api/v1/public/tasks/{slug} and on its page /p/{slug}.
	Slug                 string     `json:"slug"`
	Name                 string     `json:"name"`
	SearchQuery          string     `json:"search_query"`
	ConditionDescription string     `json:"condition_description"`
	Schedule             string     `json:"schedule"`
	Timezone             string     `json:"timezone"`
	State                task.State `json:"state"`
	PublishedAt          time.Time  `json:"published_at"`
}

// PublicTaskView is one public watch with its newest results (GET /public/tasks/{slug}).
type PublicTaskView struct {
	PublicTask
	// Results are the newest successful runs, newest first (at most 20).
	Results []PublicResult `json:"results"`
	// AtomURL and JSONURL are the watch's public feeds of the runs that notified.
	AtomURL string `json:"atom_url"`
	JSONURL string `json:"json_url"`
}

// PublicResult is one run of a public watch: when it ran and what it found.
type PublicResult struct {
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// Notification is what was sent; null when the run found nothing to tell.
	Notification *string  `json:"notification"`
	Evidence     string   `json:"evidence"`
	Sources      []Source `json:"sources"`
}

// PublicTaskOf is t as the public sees it.
func PublicTaskOf(t task.Task) PublicTask {
	p := PublicTask{Slug: t.PublicSlug, Name: t.Name, SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription,
		Schedule: t.Schedule, Timezone: t.Timezone, State: t.State}
	if t.PublishedAt != nil {
		p.PublishedAt = *t.PublishedAt
	}
	return p
}

// PublicResultOf is a run of a public watch as the public sees it.
func PublicResultOf(e task.Execution) PublicResult {
	out := PublicResult{CreatedAt: e.CreatedAt, FinishedAt: e.FinishedAt, Sources: []Source{}}
	if e.Result != nil {
		out.Notification, out.Evidence = e.Result.Notification, e.Result.Evidence
		for _, s := range e.Result.Sources {
			out.Sources = append(out.Sources, Source{URL: s.URL, Title: s.Title})
		}
	}
	return out
}
