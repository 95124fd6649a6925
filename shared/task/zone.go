package task

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

// Time zones: this file is the one place Torale turns a zone name into a *time.Location. It
// accepts the tz database's canonical zones and their documented aliases (stored as the
// canonical name: "US/Eastern" is "America/New_York") from a table embedded in the binary, and
// loads zones from data embedded with it, never from ZONEINFO or the host's /usr/share/zoneinfo:
// what a task may use, and when it fires, must not depend on the machine that checks it. Names
// such as "posixrules", "right/UTC" or "Europe//Paris" that a host's files resolve are refused.
// It lives in task, not a package of its own, because task's schedules need it and the typed
// client links task (for its enums) and nothing else of Torale's.

//go:generate go run ./internal/zonegen -o zoneinfo

// zoneTable and zoneData are written by internal/zonegen: the accepted names, and the TZif data
// of the canonical zones.
var (
	//go:embed zoneinfo/zones.txt
	zoneTable string
	//go:embed zoneinfo/zones.zip
	zoneData string
)

// ErrUnknownZone is the cause of a zone name the table does not hold, for callers that tell it
// apart.
var ErrUnknownZone = errors.New("unknown time zone")

// zoneDatabase is the parsed embedded table; it is built once and only read afterwards.
type zoneDatabase struct {
	canonical map[string]string // every accepted name → its canonical name
	data      map[string]string // canonical name → TZif data
}

// zones parses the embedded table on first use. The table is generated and tested, so a failure
// is a broken build, not an input error.
var zones = sync.OnceValue(func() zoneDatabase {
	d, err := parseZones(zoneTable, zoneData)
	if err != nil {
		panic(fmt.Sprintf("task: the embedded zone table is broken: %v", err))
	}
	return d
})

// CanonicalZone resolves a zone the way a task's schedule does and returns the name to store:
// the canonical IANA name of an alias, so that one zone is spelled one way in the database, in
// Cloud Scheduler jobs and in prompts; the Location carries that name too. "" means UTC, and
// "UTC" is time.UTC. Its errors are meant to be shown to users.
func CanonicalZone(name string) (*time.Location, string, error) {
	if name == "" {
		return time.UTC, "UTC", nil
	}
	if name == "Local" {
		return nil, "", errors.New(`time zone "Local" is not allowed; use an IANA name such as "Europe/London"`)
	}
	d := zones()
	c, ok := d.canonical[name]
	if !ok {
		return nil, "", fmt.Errorf("%w %q", ErrUnknownZone, name)
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

// ZoneNames returns every accepted zone name, canonical zones and aliases alike, for tests and
// for clients that offer a list.
func ZoneNames() []string {
	d := zones()
	out := make([]string, 0, len(d.canonical))
	for n := range d.canonical {
		out = append(out, n)
	}
	return out
}

func parseZones(table, data string) (zoneDatabase, error) {
	d := zoneDatabase{canonical: map[string]string{}, data: map[string]string{}}
	zr, err := zip.NewReader(strings.NewReader(data), int64(len(data)))
	if err != nil {
		return zoneDatabase{}, fmt.Errorf("opening the zone data: %w", err)
	}
	for _, f := range zr.File {
		b, err := readZipFile(f)
		if err != nil {
			return zoneDatabase{}, err
		}
		d.data[f.Name] = b
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
			return zoneDatabase{}, fmt.Errorf("malformed table line %q", strings.TrimSpace(line))
		}
	}
	for name, c := range d.canonical {
		if _, ok := d.data[c]; !ok {
			return zoneDatabase{}, fmt.Errorf("%s names %s, which has no data", name, c)
		}
	}
	return d, nil
}

func readZipFile(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("reading zone %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return "", fmt.Errorf("reading zone %s: %w", f.Name, err)
	}
	return string(b), nil
}
