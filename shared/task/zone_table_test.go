package task_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/task"
)

func TestEveryAcceptedNameLoadsUnderItsCanonicalName(t *testing.T) {
	names := task.ZoneNames()
	require.Greater(t, len(names), 550)
	for _, n := range names {
		loc, c, err := task.CanonicalZone(n)
		require.NoError(t, err, n)
		require.Equal(t, c, loc.String(), n)
		_, again, err := task.CanonicalZone(c)
		require.NoError(t, err, c)
		require.Equal(t, c, again, "a canonical name is its own canonical name")
	}
}

func TestZoneAliasesResolveToCanonicalNames(t *testing.T) {
	for alias, want := range map[string]string{
		"US/Eastern": "America/New_York", "Asia/Calcutta": "Asia/Kolkata", "Europe/Kiev": "Europe/Kyiv",
		"Etc/UTC": "UTC", "UTC": "UTC", "": "UTC", "Europe/Paris": "Europe/Paris", "Australia/Lord_Howe": "Australia/Lord_Howe",
	} {
		loc, c, err := task.CanonicalZone(alias)
		require.NoError(t, err, alias)
		require.Equal(t, want, c, alias)
		require.Equal(t, want, loc.String(), alias)
	}
	loc, _, err := task.CanonicalZone("UTC")
	require.NoError(t, err)
	require.Same(t, time.UTC, loc)
}

func TestZoneNamesOutsideTheTableAreRefused(t *testing.T) {
	// Each of these resolves through a host's zoneinfo files (posixrules is New York on Debian,
	// right/ holds leap-second zones, the doubled slash is just a path).
	for _, n := range []string{"posixrules", "right/UTC", "posix/Europe/Paris", "Europe//Paris", "Local",
		"Factory", "europe/paris", "Mars/Base", "../zoneinfo/UTC", "/usr/share/zoneinfo/UTC", "Europe/Paris\x00",
		" Europe/Paris", "zone.tab", "tzdata.zi", "leapseconds"} {
		_, _, err := task.CanonicalZone(n)
		require.Error(t, err, "%q", n)
		if n != "Local" {
			require.ErrorIs(t, err, task.ErrUnknownZone, "%q", n)
		}
	}
}

func TestTheHostsZoneFilesAreNeverRead(t *testing.T) {
	// ZONEINFO points at files that disagree with the embedded data: a zone that does not exist
	// and a Europe/Paris that is really UTC. Neither may change what CanonicalZone answers.
	dir := t.TempDir()
	utc, err := os.ReadFile("/usr/share/zoneinfo/UTC")
	if err != nil {
		utc = []byte("TZif2") // not a zone at all; still must not be read
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "Mars"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "Europe"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Mars", "Base"), utc, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Europe", "Paris"), utc, 0o644))
	t.Setenv("ZONEINFO", dir)

	_, _, err = task.CanonicalZone("Mars/Base")
	require.ErrorIs(t, err, task.ErrUnknownZone)
	loc, _, err := task.CanonicalZone("Europe/Paris")
	require.NoError(t, err)
	_, offset := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).In(loc).Zone()
	require.Equal(t, 2*3600, offset, "Paris is UTC+2 in summer")
}

// Every zone lookup goes through tz, so that no code path accepts what the API refused or reads
// the host's files: no time.LoadLocation outside this package (tests may use it as an oracle).
func TestNoOtherCodeLoadsLocations(t *testing.T) {
	root := filepath.Join("..", "..")
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == ".torale") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "time.LoadLocation(") {
			found = append(found, path)
		}
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, found, "load zones with task.CanonicalZone")
}
