package command

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// printer writes a command's data: aligned tables on a terminal, tab-separated lines without a
// header when piped, and the API's JSON with --json.
type printer struct {
	out   io.Writer
	tty   bool
	color bool
	now   time.Time
}

func (f *Factory) printer() printer {
	color := f.IO.OutTTY && f.Getenv("NO_COLOR") == "" && f.Getenv("TERM") != "dumb"
	return printer{out: f.IO.Out, tty: f.IO.OutTTY, color: color, now: f.now()}
}

func (f *Factory) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// table prints rows under headers; cells must not contain tabs or newlines (see cell).
func (p printer) table(headers []string, rows [][]string) error {
	if !p.tty {
		for _, r := range rows {
			if _, err := fmt.Fprintln(p.out, strings.Join(r, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(p.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, p.bold(strings.Join(headers, "\t")))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// fields prints one object as "key: value" lines on a terminal and tab-separated pairs when piped.
func (p printer) fields(pairs [][2]string) error {
	if !p.tty {
		for _, kv := range pairs {
			if _, err := fmt.Fprintf(p.out, "%s\t%s\n", kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(p.out, 0, 4, 2, ' ', 0)
	for _, kv := range pairs {
		fmt.Fprintf(tw, "%s\t%s\n", p.bold(kv[0]+":"), kv[1])
	}
	return tw.Flush()
}

func (p printer) bold(s string) string {
	if !p.color {
		return s
	}
	return "\x1b[1m" + s + "\x1b[0m"
}

// paint colours a state or status word on a colour terminal.
func (p printer) paint(word string) string {
	if !p.color {
		return word
	}
	code := map[string]string{"active": "32", "success": "32", "delivered": "32", "paused": "33",
		"pending": "33", "running": "36", "retrying": "33", "failed": "31", "cancelled": "90", "completed": "90"}[word]
	if code == "" {
		return word
	}
	return "\x1b[" + code + "m" + word + "\x1b[0m"
}

// when shows a time relative to now on a terminal ("in 3h", "5m ago") and as RFC 3339 when piped.
func (p printer) when(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	if !p.tty {
		return t.UTC().Format(time.RFC3339)
	}
	d := t.Sub(p.now)
	switch {
	case d > -time.Minute && d < time.Minute:
		return "now"
	case d > 0:
		return "in " + short(d)
	default:
		return short(-d) + " ago"
	}
}

func short(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

// cell flattens text for one table cell and, on a terminal, cuts it to width.
func (p printer) cell(s string, width int) string {
	s = strings.Join(strings.Fields(s), " ")
	if p.tty && len([]rune(s)) > width {
		return string([]rune(s)[:width-1]) + "…"
	}
	return s
}

// writeJSON prints v as indented JSON with the API's field names.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// addJSONFlag gives a command that prints data the --json flag.
func addJSONFlag(cmd *cobra.Command, target *bool) {
	cmd.Flags().BoolVar(target, "json", false, "print the API's JSON instead of a table")
}
