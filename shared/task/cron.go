package task

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cron is a parsed standard 5-field cron expression bound to a time zone. It
// exists so that every part of Torale (API validation, the scheduler, the
// agent's result handler) agrees on when a task fires, including across
// daylight-saving changes, without each of them re-parsing strings.
//
// The zero Cron never fires: its Next returns the zero Time.
type Cron struct {
	expr string
	spec spec
	loc  *time.Location
}

// spec holds the set of allowed values of each field as bit sets (bit i set
// means value i is allowed), plus the "starts with *" flags that decide how
// day of month and day of week combine.
type spec struct {
	minute, hour, dom, month, dow uint64
	domStar, dowStar              bool
}

// cronField describes one position of a cron expression. names lists the
// three-letter names of the field's values back to back, starting at min.
type cronField struct {
	name     string
	min, max int
	starMax  int
	names    string
}

// cronFields lists the five positions in order. Day of week accepts 7 as a
// second spelling of Sunday, as Vixie cron does, but "*" covers Sunday once.
func cronFields() [5]cronField {
	return [5]cronField{
		{name: "minute", min: 0, max: 59, starMax: 59},
		{name: "hour", min: 0, max: 23, starMax: 23},
		{name: "day of month", min: 1, max: 31, starMax: 31},
		{name: "month", min: 1, max: 12, starMax: 12, names: "janfebmaraprmayjunjulaugsepoctnovdec"},
		{name: "day of week", min: 0, max: 7, starMax: 6, names: "sunmontuewedthufrisat"},
	}
}

// descriptor expands an @name shorthand into its 5-field form.
func descriptor(name string) (string, bool) {
	switch name {
	case "@yearly", "@annually":
		return "0 0 1 1 *", true
	case "@monthly":
		return "0 0 1 * *", true
	case "@weekly":
		return "0 0 * * 0", true
	case "@daily", "@midnight":
		return "0 0 * * *", true
	case "@hourly":
		return "0 * * * *", true
	}
	return "", false
}

// ParseCron parses a standard 5-field cron expression (minute, hour, day of
// month, month, day of week) or one of the descriptors @hourly, @daily,
// @weekly, @monthly, @yearly, and binds it to the IANA zone timezone ("" means
// UTC). Seconds fields, @every and schedules that can never fire are refused
// so that a stored schedule always has a next run.
func ParseCron(expr, timezone string) (Cron, error) {
	loc, err := loadZone(timezone)
	if err != nil {
		return Cron{}, err
	}
	canonical, s, err := parseSpec(expr)
	if err != nil {
		return Cron{}, fmt.Errorf("invalid cron expression %q: %w", expr, err)
	}
	return Cron{expr: canonical, spec: s, loc: loc}, nil
}

// String returns the expression in canonical form (single spaces, lower-case
// descriptor) so that it can be stored and parsed again to the same schedule.
func (c Cron) String() string {
	return c.expr
}

// Location returns the zone the schedule's wall-clock times are read in.
func (c Cron) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// loadZone resolves a zone name through the embedded table (zone.go), never
// the host's files.
func loadZone(name string) (*time.Location, error) {
	loc, _, err := CanonicalZone(name)
	return loc, err
}

// parseSpec turns an expression into its canonical text and bit sets. Its
// errors name the offending field and are meant to be shown to users.
func parseSpec(expr string) (string, spec, error) {
	fields := strings.Fields(expr)
	if len(fields) == 0 {
		return "", spec{}, errors.New("is empty")
	}
	first := fields[0]
	if strings.HasPrefix(first, "@") {
		return parseDescriptor(fields)
	}
	if strings.HasPrefix(first, "TZ=") || strings.HasPrefix(first, "CRON_TZ=") {
		return "", spec{}, errors.New("time zone prefixes are not supported; set the timezone separately")
	}
	if len(fields) != 5 {
		msg := fmt.Sprintf("must have 5 fields (minute hour day-of-month month day-of-week), found %d", len(fields))
		if len(fields) == 6 {
			msg += "; a seconds field is not supported"
		}
		return "", spec{}, errors.New(msg)
	}
	var sets [5]uint64
	var stars [5]bool
	for i, cf := range cronFields() {
		f := fields[i]
		bits, err := parseField(f, cf)
		if err != nil {
			return "", spec{}, fmt.Errorf("%s: %w", cf.name, err)
		}
		sets[i], stars[i] = bits, strings.HasPrefix(f, "*")
	}
	// Fold the Sunday spelled 7 onto Sunday spelled 0.
	if sets[4]&(1<<7) != 0 {
		sets[4] = sets[4]&^(1<<7) | 1
	}
	s := spec{
		minute: sets[0], hour: sets[1], dom: sets[2], month: sets[3], dow: sets[4],
		domStar: stars[2], dowStar: stars[4],
	}
	if !s.satisfiable() {
		return "", spec{}, errors.New("never runs: the chosen days of the month do not occur in the chosen months")
	}
	return strings.Join(fields, " "), s, nil
}

// parseDescriptor handles the @name shorthands.
func parseDescriptor(fields []string) (string, spec, error) {
	name := strings.ToLower(fields[0])
	if name == "@every" {
		return "", spec{}, errors.New("@every is not supported; use a 5-field cron expression")
	}
	if len(fields) > 1 {
		return "", spec{}, fmt.Errorf("%s takes no further fields", fields[0])
	}
	full, ok := descriptor(name)
	if !ok {
		return "", spec{}, fmt.Errorf("unknown descriptor %q; use @hourly, @daily, @weekly, @monthly or @yearly", fields[0])
	}
	_, s, err := parseSpec(full)
	return name, s, err
}

// parseField parses one comma-separated field into a bit set.
func parseField(field string, f cronField) (uint64, error) {
	var bits uint64
	for _, item := range strings.Split(field, ",") {
		if item == "" {
			return 0, fmt.Errorf("empty list item in %q", field)
		}
		b, err := parseItem(item, f)
		if err != nil {
			return 0, err
		}
		bits |= b
	}
	return bits, nil
}

// parseItem parses "*", "a", "a-b", each optionally followed by "/step".
// "a/step" means from a to the field's maximum, as most cron dialects read it.
func parseItem(item string, f cronField) (uint64, error) {
	rangePart, stepPart, hasStep := strings.Cut(item, "/")
	lo, hi := f.min, f.starMax
	switch {
	case rangePart == "*":
	case strings.Contains(rangePart, "-"):
		a, b, _ := strings.Cut(rangePart, "-")
		var err error
		if lo, err = parseValue(a, f); err != nil {
			return 0, err
		}
		if hi, err = parseValue(b, f); err != nil {
			return 0, err
		}
		if lo > hi {
			return 0, fmt.Errorf("range %q goes backwards", rangePart)
		}
	default:
		v, err := parseValue(rangePart, f)
		if err != nil {
			return 0, err
		}
		lo = v
		if !hasStep {
			hi = v
		}
	}
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepPart)
		if span := f.starMax - f.min + 1; err != nil || !isDigits(stepPart) || n < 1 || n > span {
			return 0, fmt.Errorf("step %q must be a number from 1 to %d", stepPart, span)
		}
		step = n
	}
	var bits uint64
	for v := lo; v <= hi; v += step {
		bits |= 1 << uint(v)
	}
	return bits, nil
}

// parseValue parses a number or, where the field has them, a three-letter name.
func parseValue(s string, f cronField) (int, error) {
	if lower := strings.ToLower(s); len(s) == 3 && len(lower) == 3 && f.names != "" {
		if i := strings.Index(f.names, lower); i >= 0 && i%3 == 0 {
			return f.min + i/3, nil
		}
	}
	if s == "" {
		return 0, errors.New("missing value")
	}
	if !isDigits(s) {
		if f.names != "" {
			return 0, fmt.Errorf("%q is not a number or a %s name", s, f.name)
		}
		return 0, fmt.Errorf("%q is not a number", s)
	}
	v, err := strconv.Atoi(s)
	if err != nil || len(s) > 2 || v < f.min || v > f.max {
		return 0, fmt.Errorf("%q is out of range %d-%d", s, f.min, f.max)
	}
	return v, nil
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
