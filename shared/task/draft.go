package task

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the text a user submits, in characters (runes).
const (
	minQueryLen    = 3
	maxQueryLen    = 2000
	maxNameLen     = 200
	maxTitleLen    = 60
	maxScheduleLen = 100
	maxZoneLen     = 64
)

// Draft is a task definition as a user submits it to create or preview a
// task. Empty strings and nil pointers mean "not given"; Normalize fills them
// in, so that every service stores and runs the same definition.
type Draft struct {
	// Name labels the task; when empty it is derived from SearchQuery.
	Name string
	// SearchQuery is what the agent searches for.
	SearchQuery string
	// ConditionDescription is what must be true to notify; it defaults to
	// the search query.
	ConditionDescription string
	// Schedule is an optional 5-field cron expression.
	Schedule string
	// Timezone is the IANA zone Schedule is read in; default "UTC".
	Timezone string
	// NotifyBehavior defaults to NotifyOnce.
	NotifyBehavior NotifyBehavior
	// Depth defaults to DepthRoutine.
	Depth Depth
	// Notifications lists where alerts go, at most one of each type.
	Notifications []Notification
	// RunImmediately says whether the first run happens at creation even
	// when a schedule is given; default true.
	RunImmediately *bool
	// URLs are pages every run reads beside the search (at most MaxURLs).
	URLs []string
	// Context is background the agent should know ("I already own the 15 Pro").
	Context string
	// Mode defaults to ModeAgent; in ModeChange the search query is optional, URLs are
	// required and the condition, when given, filters changes (see normalizeChange).
	Mode Mode
}

// FieldError is one problem with one field of a submitted task. Field is the
// API's snake_case JSON path (for example notifications[1].address) so that
// a client can show the message next to the right input.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every problem found in a Draft, in field order, so
// that a user can fix them all in one go rather than one per request.
type ValidationError struct {
	Fields []FieldError
}

// Error joins the problems, e.g. `invalid task: search_query: must be 3 to
// 2000 characters; timezone: unknown time zone "Mars/Base"`.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid task: " + strings.Join(parts, "; ")
}

// problems collects field errors in the order they are found.
type problems []FieldError

// add records a problem with field.
func (p *problems) add(field, message string) {
	*p = append(*p, FieldError{Field: field, Message: message})
}

// Normalize validates d against rules and returns it with surrounding space
// trimmed, line endings unified, defaults filled in and the schedule in
// canonical form. It reports every problem at once as a *ValidationError.
// Normalizing a normalized draft returns it unchanged, so stored tasks can be
// re-checked safely.
func (d Draft) Normalize(rules Rules) (Draft, error) {
	rules = rules.withDefaults()
	var errs problems
	var out Draft

	out.Name = strings.TrimSpace(d.Name)
	if msg := textProblem(out.Name, 0, maxNameLen, false); msg != "" {
		errs.add("name", msg)
	} else if msg := HiddenProblem(out.Name); msg != "" {
		// Names go into email subjects and dashboards, where these characters mislead.
		errs.add("name", msg)
	}

	out.Mode = normalizeMode(Mode(strings.TrimSpace(string(d.Mode))), &errs)
	changeMode := out.Mode == ModeChange

	out.SearchQuery = cleanText(d.SearchQuery)
	if out.SearchQuery == "" {
		if !changeMode {
			errs.add("search_query", "is required")
		}
	} else if msg := textProblem(out.SearchQuery, minQueryLen, maxQueryLen, true); msg != "" {
		errs.add("search_query", msg)
	}
	if out.Name == "" && !changeMode {
		out.Name = DefaultName(out.SearchQuery)
	}

	out.ConditionDescription = cleanText(d.ConditionDescription)
	if msg := textProblem(out.ConditionDescription, 0, maxQueryLen, true); msg != "" {
		errs.add("condition_description", msg)
	}
	if out.ConditionDescription == "" && !changeMode {
		out.ConditionDescription = out.SearchQuery
	}

	out.Schedule, out.Timezone = normalizeSchedule(d.Schedule, d.Timezone, rules, &errs)

	out.NotifyBehavior = NotifyBehavior(strings.TrimSpace(string(d.NotifyBehavior)))
	switch out.NotifyBehavior {
	case "":
		out.NotifyBehavior = NotifyOnce
	case NotifyOnce, NotifyAlways:
	default:
		errs.add("notify_behavior", `must be "once" or "always"`)
	}

	out.Depth = normalizeDepth(Depth(strings.TrimSpace(string(d.Depth))), &errs)

	out.Notifications = normalizeNotifications(d.Notifications, &errs)
	out.URLs = normalizeURLs(d.URLs, &errs)
	out.Context = normalizeContext(d.Context, &errs)
	if changeMode {
		normalizeChange(d, &out, &errs)
	}

	runNow := true
	if d.RunImmediately != nil {
		runNow = *d.RunImmediately
	}
	out.RunImmediately = &runNow

	if len(errs) > 0 {
		return Draft{}, &ValidationError{Fields: errs}
	}
	return out, nil
}

// NormalizeSchedule validates a schedule and time zone as a task's (an empty schedule is the
// agent's to decide, an empty zone is UTC) and returns them in the form a task stores: the
// schedule canonical, the zone's canonical name. Problems name the fields "schedule" and
// "timezone" in a *ValidationError, as Normalize's do.
func NormalizeSchedule(schedule, timezone string, rules Rules) (string, string, error) {
	var errs problems
	schedule, timezone = normalizeSchedule(schedule, timezone, rules.withDefaults(), &errs)
	if len(errs) > 0 {
		return "", "", &ValidationError{Fields: errs}
	}
	return schedule, timezone, nil
}

func normalizeSchedule(schedule, timezone string, rules Rules, errs *problems) (string, string) {
	schedule = strings.TrimSpace(schedule)
	if schedule != "" {
		canonical, msg := scheduleProblem(schedule, rules)
		if msg != "" {
			errs.add("schedule", msg)
		}
		schedule = canonical
	}
	timezone = strings.TrimSpace(timezone)
	if timezone == "" {
		timezone = "UTC"
	}
	if utf8.RuneCountInString(timezone) > maxZoneLen {
		errs.add("timezone", fmt.Sprintf("must be at most %d characters", maxZoneLen))
	} else if _, zone, err := CanonicalZone(timezone); err != nil {
		errs.add("timezone", err.Error())
	} else {
		timezone = zone // aliases are stored as their canonical name
	}
	return schedule, timezone
}

// NameIsDefault reports whether d's name is the one Normalize derives from
// its search query, so that a later step (such as the agent naming the
// topic) may replace it without overwriting a name the user chose. It is a
// method rather than a field set by Normalize so that normalizing twice gives
// the same Draft; a user who types exactly the derived name is treated as
// having kept the default.
func (d Draft) NameIsDefault() bool {
	if d.Mode == ModeChange {
		return d.Name == changeName(d.SearchQuery)
	}
	return d.Name == DefaultName(d.SearchQuery)
}

// DefaultName derives a short title from a search query: its first line with
// whitespace collapsed, cut at a word boundary so that the title including a
// trailing "…" is at most 60 characters, with the first letter capitalised.
// Invisible and direction-changing characters are dropped, as a name may not
// hold them.
// It is exported so that stored tasks can be checked the same way.
func DefaultName(query string) string {
	line, _, _ := strings.Cut(StripHidden(cleanText(query)), "\n")
	words := strings.Fields(line)
	title := strings.Join(words, " ")
	if utf8.RuneCountInString(title) > maxTitleLen {
		limit := maxTitleLen - 1 // room for the ellipsis
		var b strings.Builder
		for _, w := range words {
			n := utf8.RuneCountInString(b.String())
			if b.Len() > 0 {
				n++
			}
			if n+utf8.RuneCountInString(w) > limit {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		if b.Len() == 0 {
			b.WriteString(string([]rune(title)[:limit]))
		}
		title = b.String() + "…"
	}
	r, size := utf8.DecodeRuneInString(title)
	if size == 0 || r == utf8.RuneError {
		return title
	}
	return string(unicode.ToTitle(r)) + title[size:]
}

// cleanText unifies line endings on "\n" and trims surrounding space, so that
// text pasted from a browser textarea on any platform is stored alike.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

// textProblem checks free text for encoding, control characters and length
// (lo to hi characters, or at most hi when lo is 0); it returns "" when s is
// acceptable. Empty required text is the caller's to report.
func textProblem(s string, lo, hi int, multiline bool) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	for _, r := range s {
		if unicode.IsControl(r) && (!multiline || (r != '\n' && r != '\t')) {
			if multiline {
				return "must not contain control characters other than newline and tab"
			}
			return "must not contain control characters"
		}
	}
	n := utf8.RuneCountInString(s)
	switch {
	case lo > 0 && (n < lo || n > hi):
		return fmt.Sprintf("must be %d to %d characters", lo, hi)
	case n > hi:
		return fmt.Sprintf("must be at most %d characters", hi)
	}
	return ""
}

// scheduleProblem canonicalises a cron expression and checks it against the
// minimum interval. It returns the expression unchanged with a message when
// it is not acceptable.
func scheduleProblem(expr string, rules Rules) (string, string) {
	if utf8.RuneCountInString(expr) > maxScheduleLen {
		return expr, fmt.Sprintf("must be at most %d characters", maxScheduleLen)
	}
	canonical, s, err := parseSpec(expr)
	if err != nil {
		return expr, err.Error()
	}
	if s.minWallGap() < rules.MinInterval {
		return expr, fmt.Sprintf("runs more often than every %s, the minimum interval", describeDuration(rules.MinInterval))
	}
	return canonical, ""
}
