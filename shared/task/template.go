package task

import (
	"errors"
	"strings"
	"time"
)

// Limits on a template's own text, in characters.
const (
	maxDescriptionLen = 500
	maxCategoryLen    = 40
)

// Template is a task definition to start new watches from: one of the built-in gallery's
// (Builtin, with a readable ID such as "gpu-price-drop") or a user's own (a UUID). It holds a
// definition only, never channels, context or anything secret, so it can be shown and copied
// freely.
type Template struct {
	ID          string
	Builtin     bool
	Name        string
	Description string
	// Category groups the gallery ("prices", "sports", ...); a user's own default to "custom".
	Category             string
	SearchQuery          string
	ConditionDescription string
	// Schedule is the suggested cron expression, read in Timezone.
	Schedule       string
	Timezone       string
	NotifyBehavior NotifyBehavior
	Depth          Depth
	// CreatedAt is nil for the built-in ones.
	CreatedAt *time.Time
}

// Draft is the task definition t stands for, for creating a task from it or checking it.
func (t Template) Draft() Draft {
	return Draft{Name: t.Name, SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription,
		Schedule: t.Schedule, Timezone: t.Timezone, NotifyBehavior: t.NotifyBehavior, Depth: t.Depth}
}

// Normalize checks t with the rules every task is held to (Draft.Normalize: a template that
// would not make a valid task is refused) plus its own: a name is required, and the
// description and category are short single-line text. It returns t with the definition as a
// task would store it.
func (t Template) Normalize(rules Rules) (Template, error) {
	var errs problems
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		errs.add("name", "is required")
	}
	t.Description = cleanText(t.Description)
	if msg := textProblem(t.Description, 0, maxDescriptionLen, true); msg != "" {
		errs.add("description", msg)
	}
	t.Category = strings.ToLower(strings.TrimSpace(t.Category))
	if t.Category == "" {
		t.Category = "custom"
	}
	if msg := textProblem(t.Category, 0, maxCategoryLen, false); msg != "" {
		errs.add("category", msg)
	}
	d, err := t.Draft().Normalize(rules)
	var ve *ValidationError
	if errors.As(err, &ve) {
		errs = append(errs, ve.Fields...)
	} else if err != nil {
		return Template{}, err
	}
	if len(errs) > 0 {
		return Template{}, &ValidationError{Fields: errs}
	}
	t.Name, t.SearchQuery, t.ConditionDescription = d.Name, d.SearchQuery, d.ConditionDescription
	t.Schedule, t.Timezone, t.NotifyBehavior, t.Depth = d.Schedule, d.Timezone, d.NotifyBehavior, d.Depth
	return t, nil
}

// TemplateOf is the definition of t to save as a template: its name, query, condition,
// schedule and how it notifies. Its channels, context, pages and state stay behind: a
// template is a starting point anyone may be shown, and the pages a watch reads may carry
// tokens in their addresses.
func TemplateOf(t Task) Template {
	return Template{Name: t.Name, Category: "custom", SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription,
		Schedule: t.Schedule, Timezone: t.Timezone, NotifyBehavior: t.NotifyBehavior, Depth: t.Depth}
}

// Over returns the template's definition with every field d sets taking precedence: a task made
// from a template is the template with the user's own choices on top.
func (t Template) Over(d Draft) Draft {
	out := d
	base := t.Draft()
	for _, f := range []struct{ dst, src *string }{
		{&out.Name, &base.Name}, {&out.SearchQuery, &base.SearchQuery},
		{&out.ConditionDescription, &base.ConditionDescription}, {&out.Schedule, &base.Schedule},
		{&out.Timezone, &base.Timezone},
	} {
		if strings.TrimSpace(*f.dst) == "" {
			*f.dst = *f.src
		}
	}
	if out.NotifyBehavior == "" {
		out.NotifyBehavior = base.NotifyBehavior
	}
	if out.Depth == "" {
		out.Depth = base.Depth
	}
	return out
}
