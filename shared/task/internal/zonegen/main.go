// Command zonegen writes the zone table Torale accepts (zones.txt) and the zone data it loads
// (zones.zip) into shared/task/zoneinfo. Accepted names are the tz database's zones and its documented
// links (tzdata.zi, which zic reads: "Z name" and "L target alias" lines); the data is the Go
// toolchain's zoneinfo.zip, the same copy time/tzdata embeds, cut down to the canonical zones
// because aliases are resolved through the table. Run it with `go generate ./shared/task` after
// a Go or tzdata upgrade; it needs no network.
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// renamed are canonical zones Torale spells otherwise: tasks have always defaulted to "UTC",
// and Cloud Scheduler and users know it, so "UTC" is canonical and "Etc/UTC" its alias.
var renamed = map[string]string{"Etc/UTC": "UTC"}

// excluded are zones of the database that name no place: "Factory" means "zone not set".
var excluded = map[string]bool{"Factory": true}

func main() {
	zi := flag.String("tzdata", "/usr/share/zoneinfo/tzdata.zi", "the tz database in zic's compact form (Debian's tzdata package)")
	zipPath := flag.String("zip", "", "Go's zoneinfo.zip (default: $(go env GOROOT)/lib/time/zoneinfo.zip)")
	out := flag.String("o", ".", "the directory to write zones.txt and zones.zip into")
	flag.Parse()
	if err := run(*zi, *zipPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "zonegen:", err)
		os.Exit(1)
	}
}

func run(ziPath, zipPath, out string) error {
	if zipPath == "" {
		root, err := exec.CommandContext(context.Background(), "go", "env", "GOROOT").Output()
		if err != nil {
			return fmt.Errorf("finding GOROOT: %w", err)
		}
		zipPath = filepath.Join(strings.TrimSpace(string(root)), "lib", "time", "zoneinfo.zip")
	}
	t, err := readTable(ziPath)
	if err != nil {
		return err
	}
	data, err := readZip(zipPath)
	if err != nil {
		return err
	}
	zones, aliases, err := t.resolve(data)
	if err != nil {
		return err
	}
	if err := writeZip(filepath.Join(out, "zones.zip"), zones, data); err != nil {
		return err
	}
	return writeTable(filepath.Join(out, "zones.txt"), t.version, zones, aliases)
}

// table is what tzdata.zi says: its version, its zones and its links (alias → target).
type table struct {
	version string
	zones   []string
	links   map[string]string
}

func readTable(path string) (table, error) {
	f, err := os.Open(path)
	if err != nil {
		return table{}, fmt.Errorf("opening the tz database: %w", err)
	}
	defer f.Close()
	t := table{links: map[string]string{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 3 && fields[0] == "#" && fields[1] == "version":
			t.version = fields[2]
		case len(fields) >= 2 && fields[0] == "Z":
			t.zones = append(t.zones, fields[1])
		case len(fields) >= 3 && fields[0] == "L":
			t.links[fields[2]] = fields[1]
		}
	}
	if err := sc.Err(); err != nil {
		return table{}, fmt.Errorf("reading the tz database: %w", err)
	}
	if len(t.zones) == 0 {
		return table{}, errors.New("the tz database lists no zones")
	}
	return t, nil
}

// resolve returns the canonical zones (sorted) and the aliases (alias → canonical) that Go's data
// can load; each zone is loaded once here so that the embedded table never names one that fails.
func (t table) resolve(data map[string][]byte) ([]string, map[string]string, error) {
	var zones []string
	aliases := map[string]string{}
	canon := func(name string) string {
		if r, ok := renamed[name]; ok {
			return r
		}
		return name
	}
	for _, z := range t.zones {
		if excluded[z] {
			continue
		}
		b, ok := data[z]
		if !ok {
			fmt.Fprintf(os.Stderr, "zonegen: zone %s is not in Go's data; left out\n", z)
			continue
		}
		if _, err := time.LoadLocationFromTZData(canon(z), b); err != nil {
			return nil, nil, fmt.Errorf("loading zone %s: %w", z, err)
		}
		zones = append(zones, canon(z))
		if canon(z) != z {
			aliases[z] = canon(z)
			data[canon(z)] = b
		}
	}
	slices.Sort(zones)
	for alias, target := range t.links {
		target = canon(target)
		if _, ok := slices.BinarySearch(zones, target); !ok || alias == target {
			continue
		}
		aliases[alias] = target
	}
	return zones, aliases, nil
}

func readZip(path string) (map[string][]byte, error) {
	r, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("opening Go's zone data: %w", err)
	}
	defer r.Close()
	data := map[string][]byte{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.Name, err)
		}
		data[f.Name] = b
	}
	return data, nil
}

// writeZip writes the canonical zones' data, deflated, in name order with no timestamps so that
// regenerating from the same inputs gives the same bytes.
func writeZip(path string, zones []string, data map[string][]byte) error {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, z := range zones {
		f, err := w.CreateHeader(&zip.FileHeader{Name: z, Method: zip.Deflate})
		if err != nil {
			return fmt.Errorf("adding %s: %w", z, err)
		}
		if _, err := f.Write(data[z]); err != nil {
			return fmt.Errorf("adding %s: %w", z, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("closing the zip: %w", err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// writeTable writes one canonical zone per line, then one "alias canonical" pair per line.
func writeTable(path, version string, zones []string, aliases map[string]string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Time zones Torale accepts, generated by shared/task/internal/zonegen from tzdata %s; do not edit.\n", version)
	b.WriteString("# A line with one name is a canonical zone; \"alias canonical\" is a link stored as its canonical name.\n")
	for _, z := range zones {
		b.WriteString(z + "\n")
	}
	names := make([]string, 0, len(aliases))
	for a := range aliases {
		names = append(names, a)
	}
	slices.Sort(names)
	for _, a := range names {
		fmt.Fprintf(&b, "%s %s\n", a, aliases[a])
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
