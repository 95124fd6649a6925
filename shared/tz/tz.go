// Package tz is the one place Torale turns a time zone name into a *time.Location. It accepts
// the tz database's canonical zones and their documented aliases (stored as the canonical
// name: "US/Eastern" is "America/New_York") from a table embedded in the binary, and loads
// zones from data embedded with it, never from ZONEINFO or the host's /usr/share/zoneinfo: what
// a task may use, and when it fires, must not depend on the machine that checks it. Names such
// as "posixrules", "right/UTC" or "Europe//Paris" that the host's files would resolve are
// refused.
package tz

import (
	"archive/zip"
	_ "embed" // the zone table and data
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

//go:generate go run ./internal/gen -o .

// zonesTable and zonesData are written by internal/gen: the accepted names, and the TZif data of
// the canonical zones.
var (
	//go:embed zones.txt
	zonesTable string
	//go:embed zones.zip
	zonesData string
)

// ErrUnknown is the cause of every refused name, for callers that tell it from other failures.
var ErrUnknown = errors.New("unknown time zone")

// database is the parsed embedded table; it is built once and only read afterwards.
type database struct {
	canonical map[string]string // every accepted name → its canonical name
	data      map[string]string // canonical name → TZif data
}

// db parses the embedded table on first use. The table is generated and tested, so a failure is
// a broken build, not an input error.
var db = sync.OnceValue(func() database {
	d, err := parse(zonesTable, zonesData)
	if err != nil {
		panic(fmt.Sprintf("tz: the embedded zone table is broken: %v", err))
	}
	return d
})

// Canonical returns the canonical name of a zone or alias, and whether the name is accepted.
func Canonical(name string) (string, bool) {
	c, ok := db().canonical[name]
	return c, ok
}

// Load returns the zone name means (a canonical zone or an alias) and its canonical name; the
// Location is named canonically too. "UTC" is time.UTC.
func Load(name string) (*time.Location, string, error) {
	d := db()
	c, ok := d.canonical[name]
	if !ok {
		return nil, "", fmt.Errorf("%w %q", ErrUnknown, name)
	}
	if c == "UTC" {
		return time.UTC, c, nil
	}
	loc, err := time.LoadLocationFromTZData(c, []byte(d.data[c]))
	if err != nil {
		return nil, "", fmt.Errorf("loading time zone %q: %w", c, err)
	}
	return loc, c, nil
}

// Names returns every accepted name, canonical zones and aliases alike, for tests and docs.
func Names() []string {
	d := db()
	out := make([]string, 0, len(d.canonical))
	for n := range d.canonical {
		out = append(out, n)
	}
	return out
}

func parse(table, data string) (database, error) {
	d := database{canonical: map[string]string{}, data: map[string]string{}}
	zr, err := zip.NewReader(strings.NewReader(data), int64(len(data)))
	if err != nil {
		return database{}, fmt.Errorf("opening the zone data: %w", err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return database{}, fmt.Errorf("reading zone %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			return database{}, fmt.Errorf("reading zone %s: %w", f.Name, err)
		}
		d.data[f.Name] = string(b)
	}
	for line := range strings.Lines(table) {
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0 || strings.HasPrefix(fields[0], "#"):
		case len(fields) == 1:
			d.canonical[fields[0]] = fields[0]
		case len(fields) == 2:
			d.canonical[fields[0]] = fields[1]
		default:
			return database{}, fmt.Errorf("malformed table line %q", strings.TrimSpace(line))
		}
	}
	for name, c := range d.canonical {
		if _, ok := d.data[c]; !ok {
			return database{}, fmt.Errorf("%s names %s, which has no data", name, c)
		}
	}
	return d, nil
}
