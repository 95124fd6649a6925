package task

import (
	"fmt"
	"strconv"
	"strings"
)

// DescribeCron says a schedule in plain words ("every day at 09:00", "every Monday at 09:00",
// "every 30 minutes") for the common shapes people write, or "" for anything else, which the
// caller then shows as the expression itself. It only reads an expression ParseCron accepted.
func DescribeCron(expr string) string {
	if full, ok := descriptor(strings.ToLower(expr)); ok {
		expr = full
	}
	f := strings.Fields(expr)
	if len(f) != 5 || f[3] != "*" {
		return ""
	}
	minute, hour, dom, dow := f[0], f[1], f[2], f[4]
	m, minuteOK := plainNumber(minute, 59)
	h, hourOK := plainNumber(hour, 23)
	clock := fmt.Sprintf("%02d:%02d", h, m)
	switch {
	case dom == "*" && dow == "*" && hour == "*" && strings.HasPrefix(minute, "*/"):
		if n, ok := plainNumber(strings.TrimPrefix(minute, "*/"), 59); ok && n > 1 {
			return fmt.Sprintf("every %d minutes", n)
		}
	case dom == "*" && dow == "*" && minuteOK && hour == "*":
		return fmt.Sprintf("every hour at %d past", m)
	case dom == "*" && dow == "*" && minuteOK && strings.HasPrefix(hour, "*/"):
		if n, ok := plainNumber(strings.TrimPrefix(hour, "*/"), 23); ok && n > 1 {
			return fmt.Sprintf("every %d hours at %d past", n, m)
		}
	case !minuteOK || !hourOK:
		return ""
	case dom == "*" && dow == "*":
		return "every day at " + clock
	case dom == "*" && (dow == "1-5" || strings.EqualFold(dow, "mon-fri")):
		return "every weekday at " + clock
	case dom == "*":
		if d, ok := weekday(dow); ok {
			return "every " + d + " at " + clock
		}
	case dow == "*":
		if d, ok := plainNumber(dom, 31); ok && d >= 1 {
			return fmt.Sprintf("on day %d of every month at %s", d, clock)
		}
	}
	return ""
}

// plainNumber reads a field that is one number from 0 to max.
func plainNumber(s string, max int) (int, bool) {
	if !isDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= max
}

var weekdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// weekday reads a day-of-week field that names one day, by number (7 is Sunday) or name.
func weekday(s string) (string, bool) {
	if n, ok := plainNumber(s, 7); ok {
		return weekdays[n%7], true
	}
	for _, d := range weekdays {
		if strings.EqualFold(s, d[:3]) {
			return d, true
		}
	}
	return "", false
}
