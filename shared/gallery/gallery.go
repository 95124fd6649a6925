// Package gallery is the built-in template gallery: task definitions across product launches,
// prices, releases, policy and regulation, jobs, science and sports that a new user can start a
// watch from. The definitions are data (gallery.json), embedded in the binary, so they ship with
// the build that checks them: a test holds each one to the rules every task is held to.
package gallery

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/torale-ai/torale/shared/task"
)

//go:embed gallery.json
var raw []byte

// entry is one template as gallery.json spells it.
type entry struct {
	ID                   string              `json:"id"`
	Category             string              `json:"category"`
	Name                 string              `json:"name"`
	Description          string              `json:"description"`
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description"`
	Schedule             string              `json:"schedule"`
	Timezone             string              `json:"timezone"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior"`
	Depth                task.Depth          `json:"depth"`
}

// Gallery is the parsed built-in gallery. It is built once in main and passed down.
type Gallery struct {
	list []task.Template
	byID map[string]task.Template
}

// Load parses the embedded gallery. It fails only on a broken build (bad JSON, a duplicate
// id), which the package's test catches first.
func Load() (*Gallery, error) {
	var es []entry
	if err := json.Unmarshal(raw, &es); err != nil {
		return nil, fmt.Errorf("reading the template gallery: %w", err)
	}
	g := &Gallery{byID: make(map[string]task.Template, len(es))}
	for _, e := range es {
		if _, dup := g.byID[e.ID]; dup || e.ID == "" {
			return nil, fmt.Errorf("reading the template gallery: template id %q is empty or repeated", e.ID)
		}
		if e.Depth == "" {
			e.Depth = task.DepthRoutine
		}
		t := task.Template{ID: e.ID, Builtin: true, Name: e.Name, Description: e.Description, Category: e.Category,
			SearchQuery: e.SearchQuery, ConditionDescription: e.ConditionDescription, Schedule: e.Schedule,
			Timezone: e.Timezone, NotifyBehavior: e.NotifyBehavior, Depth: e.Depth}
		g.list = append(g.list, t)
		g.byID[e.ID] = t
	}
	return g, nil
}

// MustLoad is Load for main and tests, where a broken embedded gallery is a broken build.
func MustLoad() *Gallery {
	g, err := Load()
	if err != nil {
		panic(err)
	}
	return g
}

// All returns the built-in templates in gallery order.
func (g *Gallery) All() []task.Template {
	return append([]task.Template(nil), g.list...)
}

// Get returns the built-in template with the given id.
func (g *Gallery) Get(id string) (task.Template, bool) {
	t, ok := g.byID[id]
	return t, ok
}
