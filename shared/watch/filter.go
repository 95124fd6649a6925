package watch

import (
	"strings"

	"github.com/torale-ai/torale/shared/change"
	"github.com/torale-ai/torale/shared/task"
)

// normalize is d.Normalize with change mode's filter checked: in change mode the condition is
// a filter of keywords or a /regular expression/, and one that cannot be used is a field error
// at condition_description. The check lives here, not in the task package, so the API's wire
// types (which import task) do not link the change package.
func normalize(d task.Draft, rules task.Rules) (task.Draft, error) {
	n, err := d.Normalize(rules)
	if err != nil || n.Mode != task.ModeChange {
		return n, err
	}
	if _, err := change.ParseFilter(n.ConditionDescription); err != nil {
		msg := "is not a usable filter: " + strings.TrimPrefix(err.Error(), change.ErrFilter.Error()+": ")
		return task.Draft{}, &task.ValidationError{Fields: []task.FieldError{{Field: "condition_description", Message: msg}}}
	}
	return n, nil
}
