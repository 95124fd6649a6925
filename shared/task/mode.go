package task

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Mode is how a task's runs decide whether to notify.
type Mode string

// The modes a task can have. A task's mode is chosen when it is created and never changes, so
// a watch does not start asking a model (or stop) when a key is added or removed.
const (
	// ModeAgent searches and asks the model: the default, and every task made before modes.
	ModeAgent Mode = "agent"
	// ModeChange reads the task's pages and notifies when their readable text changes, with a
	// short diff; it needs no model, so it works with no API key configured.
	ModeChange Mode = "change"
)

// normalizeMode fills in the default and checks the value. The caller picks change mode for
// a task that lists pages when no model is configured (watch.Service), before Normalize.
func normalizeMode(m Mode, errs *problems) Mode {
	switch m {
	case "":
		return ModeAgent
	case ModeAgent, ModeChange:
		return m
	}
	errs.add("mode", `must be "agent" or "change"`)
	return m
}

// normalizeChange applies change mode's rules to out, whose other fields are normalized: pages
// are required, the search query is optional (the first page stands in for it, and names the
// task), notifications default to every change, and a condition the user wrote is a filter
// (watch checks that it parses, keeping the change package out of the API's wire types). The
// condition is not copied from the query: an empty one lets every change count.
func normalizeChange(d Draft, out *Draft, errs *problems) {
	if len(d.URLs) == 0 {
		errs.add("urls", "a change-mode watch must list at least one page")
	} else if out.SearchQuery == "" && len(out.URLs) > 0 {
		out.SearchQuery = cut(out.URLs[0], maxQueryLen)
	}
	if out.Name == "" {
		out.Name = changeName(out.SearchQuery)
	}
	if strings.TrimSpace(string(d.NotifyBehavior)) == "" {
		out.NotifyBehavior = NotifyAlways
	}
}

// changeName names a change-mode watch after its page: the address without its scheme, cut
// like a derived name.
func changeName(query string) string {
	s := query
	if u, err := url.Parse(query); err == nil && u.Host != "" {
		s = u.Host + u.EscapedPath()
		if s == u.Host+"/" {
			s = u.Host
		}
	}
	return cut(s, maxTitleLen)
}

// cut shortens s to n runes, marking the cut with an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
