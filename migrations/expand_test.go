package migrations_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/torale-ai/torale/migrations"
)

// Every migration only expands the schema against the builds that still run on it
// (store.SchemaWindow): those builds' queries must keep working on it. A step that contracts
// carries a `-- contract: <why no build in the window uses this>` line, which a reviewer reads.
// The check reads statements, not meaning: it is a tripwire, and the previous releases' queries
// prepared on the newest schema (shared/store/previous_release_test.go) are the proof.
func TestMigrationsOnlyExpand(t *testing.T) {
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("no up migrations: %v", err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range contractions(string(b)) {
			t.Errorf("%s contracts the schema without a `-- contract:` line: %s", name, c)
		}
	}
}

func TestContractingStatementsAreCaught(t *testing.T) {
	expands := []string{
		`CREATE TABLE things (id uuid PRIMARY KEY, name text NOT NULL UNIQUE);
		 ALTER TABLE things ADD CONSTRAINT things_name CHECK (name <> '');
		 CREATE UNIQUE INDEX things_lower ON things (lower(name));`,
		`CREATE UNLOGGED TABLE IF NOT EXISTS buckets (k text NOT NULL); ALTER TABLE buckets ALTER COLUMN k SET NOT NULL;`,
		`ALTER TABLE tasks ADD COLUMN depth text NOT NULL DEFAULT 'routine';`,
		`ALTER TABLE tasks ADD COLUMN note text;`,
		`ALTER TABLE tasks ALTER COLUMN schedule DROP NOT NULL;`,
		`CREATE INDEX CONCURRENTLY tasks_depth ON tasks (depth);`,
		`UPDATE tasks SET timezone = 'UTC' WHERE timezone = ''; -- a note: DROP TABLE in a comment`,
		`-- contract: no build since v3 reads legacy
		 DROP TABLE legacy;`,
	}
	for _, sql := range expands {
		if c := contractions(sql); len(c) > 0 {
			t.Errorf("flagged an expanding migration: %q in\n%s", c, sql)
		}
	}
	contracts := []string{
		`DROP TABLE legacy;`,
		`DROP INDEX tasks_user_state;`,
		`ALTER TABLE tasks DROP COLUMN note;`,
		`ALTER TABLE tasks RENAME COLUMN note TO notes;`,
		`ALTER TABLE tasks RENAME TO watches;`,
		`ALTER TABLE tasks ALTER COLUMN attempt TYPE bigint;`,
		`ALTER TABLE tasks ALTER COLUMN note SET DATA TYPE varchar(10);`,
		`ALTER TABLE tasks ALTER COLUMN note SET NOT NULL;`,
		`ALTER TABLE tasks ALTER COLUMN state DROP DEFAULT;`,
		`ALTER TABLE tasks ADD COLUMN depth text NOT NULL;`,
		`ALTER TABLE tasks ADD CONSTRAINT depth_known CHECK (depth IN ('routine'));`,
		`ALTER TABLE tasks ADD UNIQUE (name);`,
		`CREATE UNIQUE INDEX tasks_name ON tasks (name);`,
		`TRUNCATE executions;`,
		`-- contract:
		 DROP TABLE legacy;`, // a marker must say why
	}
	for _, sql := range contracts {
		if len(contractions(sql)) == 0 {
			t.Errorf("missed a contracting migration:\n%s", sql)
		}
	}
}

var (
	marker       = regexp.MustCompile(`(?m)^[ \t]*--[ \t]*contract:[ \t]*\S`)
	lineComment  = regexp.MustCompile(`--[^\n]*`)
	blockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	space        = regexp.MustCompile(`\s+`)
	createTable  = regexp.MustCompile(`^CREATE (?:(?:UNLOGGED|TEMP|TEMPORARY) )?TABLE (?:IF NOT EXISTS )?([\w."]+)`)
	alterTable   = regexp.MustCompile(`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?([\w."]+) `)
	uniqueIndex  = regexp.MustCompile(`^CREATE UNIQUE INDEX .* ON (?:ONLY )?([\w."]+)`)
	// What an ALTER TABLE may not do to a table older builds use.
	alterContracts = []*regexp.Regexp{
		regexp.MustCompile(`\bRENAME\b`),
		regexp.MustCompile(`\bTYPE\b`),
		regexp.MustCompile(`\bSET NOT NULL\b`),
		regexp.MustCompile(`\bADD (?:CONSTRAINT|CHECK|UNIQUE|PRIMARY KEY|FOREIGN KEY|EXCLUDE)\b`),
	}
	drop      = regexp.MustCompile(`\bDROP\b( NOT NULL\b)?`)
	addColumn = regexp.MustCompile(`\bADD (?:COLUMN )?(?:IF NOT EXISTS )?[\w"]+ [^,]*`)
)

// alterContracts reports whether an ALTER TABLE statement (upper case) narrows what older
// builds may do: drops (but DROP NOT NULL, which only widens), renames, retypes, new
// constraints, NOT NULL on a column, or a new NOT NULL column they do not fill.
func alterNarrows(s string) bool {
	for _, m := range drop.FindAllStringSubmatch(s, -1) {
		if m[1] == "" {
			return true
		}
	}
	for _, re := range alterContracts {
		if re.MatchString(s) {
			return true
		}
	}
	for _, col := range addColumn.FindAllString(s, -1) {
		if strings.Contains(col, "NOT NULL") && !strings.Contains(col, "DEFAULT") && !strings.Contains(col, "GENERATED") {
			return true
		}
	}
	return false
}

// contractions returns the statements of an up migration that may break a build older than
// it, unless the migration says why not with a `-- contract:` line.
func contractions(sql string) []string {
	if marker.MatchString(sql) {
		return nil
	}
	sql = blockComment.ReplaceAllString(lineComment.ReplaceAllString(sql, " "), " ")
	created := map[string]bool{}
	var found []string
	for _, stmt := range strings.Split(sql, ";") {
		s := strings.ToUpper(strings.TrimSpace(space.ReplaceAllString(stmt, " ")))
		if s == "" {
			continue
		}
		if m := createTable.FindStringSubmatch(s); m != nil {
			created[m[1]] = true // what this migration creates, no older build uses
			continue
		}
		if m := alterTable.FindStringSubmatch(s); m != nil {
			if !created[m[1]] && alterNarrows(s) {
				found = append(found, stmt)
			}
			continue
		}
		if m := uniqueIndex.FindStringSubmatch(s); m != nil && !created[m[1]] {
			found = append(found, stmt)
			continue
		}
		if strings.HasPrefix(s, "DROP ") || strings.HasPrefix(s, "TRUNCATE ") || strings.Contains(s, " RENAME ") {
			found = append(found, stmt)
		}
	}
	return found
}
