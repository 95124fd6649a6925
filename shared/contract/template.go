package contract

import (
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/task"
)

// Template is a task definition to start a watch from: one of the built-in gallery's (builtin,
// with a readable id) or the caller's own (a UUID). It never holds channels or context.
type Template struct {
	ID                   string              `json:"id"`
	Builtin              bool                `json:"builtin"`
	Name                 string              `json:"name"`
	Description          string              `json:"description"`
	Category             string              `json:"category"`
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description"`
	Schedule             string              `json:"schedule"`
	Timezone             string              `json:"timezone"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior"`
	Depth                task.Depth          `json:"depth"`
	// CreatedAt is null for the built-in ones.
	CreatedAt *time.Time `json:"created_at"`
}

// TemplateInput is the body of POST /templates: either from_task, the id of one of the
// caller's tasks whose definition is copied (name, description and category may be given
// beside it), or the definition's fields themselves.
type TemplateInput struct {
	FromTask             *uuid.UUID          `json:"from_task,omitempty"`
	Name                 string              `json:"name,omitempty"`
	Description          string              `json:"description,omitempty"`
	Category             string              `json:"category,omitempty"`
	SearchQuery          string              `json:"search_query,omitempty"`
	ConditionDescription string              `json:"condition_description,omitempty"`
	Schedule             string              `json:"schedule,omitempty"`
	Timezone             string              `json:"timezone,omitempty"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior,omitempty"`
	Depth                task.Depth          `json:"depth,omitempty"`
}

// TemplateOf is t on the wire.
func TemplateOf(t task.Template) Template {
	return Template{ID: t.ID, Builtin: t.Builtin, Name: t.Name, Description: t.Description, Category: t.Category,
		SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription, Schedule: t.Schedule,
		Timezone: t.Timezone, NotifyBehavior: t.NotifyBehavior, Depth: t.Depth, CreatedAt: t.CreatedAt}
}

// Template is the definition in as the service validates it.
func (in TemplateInput) Template() task.Template {
	return task.Template{Name: in.Name, Description: in.Description, Category: in.Category, SearchQuery: in.SearchQuery,
		ConditionDescription: in.ConditionDescription, Schedule: in.Schedule, Timezone: in.Timezone,
		NotifyBehavior: in.NotifyBehavior, Depth: in.Depth}
}
