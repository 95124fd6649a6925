package store_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/migrations"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// The builds of the schema window run on the newest schema: every query of each older build
// whose version is within store.SchemaWindow of the newest (its sqlc generated code, read from
// git history at the commit before the migration that left it behind) is prepared against a
// database migrated by this build. Preparing checks every table,
// column, type and ON CONFLICT target a query names, without running it; what only fails on a
// write (a new NOT NULL column, a new constraint) is migrations/expand_test.go's to catch.
//
// This reads the previous releases' SQL rather than building their binaries (git worktree and
// go build of each, minutes on two cores): the SQL is their whole contact with the schema.
func TestPreviousReleasesRunOnTheNewestSchema(t *testing.T) {
	t.Parallel()
	root := gitRoot(t)
	versions := migrationVersions(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.URL(t))
	require.NoError(t, err)
	defer conn.Close(ctx)

	checked, builds := 0, 0
	for k := 1; k < len(versions); k++ {
		// The build that knew versions[len-1-k] is the code just before the migration after it;
		// it runs on the newest schema if that is within its window.
		if known, _ := strconv.Atoi(versions[len(versions)-1-k]); uint(known)+store.SchemaWindow < store.LatestVersion() {
			break
		}
		builds++
		added := versions[len(versions)-k]
		rev := revisionBefore(t, root, added)
		queries := generatedQueries(t, root, rev)
		require.NotEmpty(t, queries, "no sqlc queries at %s", rev)
		for name, sql := range queries {
			_, err := conn.Prepare(ctx, fmt.Sprintf("prev_%d_%s", k, name), sql)
			require.NoError(t, err, "query %s of the build before migration %s (%s) does not prepare on schema %d",
				name, added, rev, store.LatestVersion())
			checked++
		}
	}
	require.Positive(t, builds, "the build before the newest migration is always in the window")
	t.Logf("prepared %d queries of the %d previous builds in the window", checked, builds)

	// The same check on a schema a careless migration contracted: the previous build's queries
	// that name the renamed column no longer prepare.
	contracted, err := pgx.Connect(ctx, storetest.URL(t))
	require.NoError(t, err)
	defer contracted.Close(ctx)
	_, err = contracted.Exec(ctx, `ALTER TABLE tasks RENAME COLUMN search_query TO query`)
	require.NoError(t, err)
	failed := 0
	for name, sql := range generatedQueries(t, root, revisionBefore(t, root, versions[len(versions)-1])) {
		if _, err := contracted.Prepare(ctx, "contracted_"+name, sql); err != nil {
			require.ErrorContains(t, err, "search_query", name)
			failed++
		}
	}
	require.Positive(t, failed, "a renamed column must break some previous query")
}

// gitRoot is the repository's top directory. The previous releases' queries are read from git
// history, so the tests run in a clone with full history (as make test and CI do); anywhere
// else the test fails and says why, rather than passing without checking anything.
func gitRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-c", "safe.directory=*", "rev-parse", "--show-toplevel").Output()
	if err != nil || !isFullHistory() {
		t.Fatalf("the previous releases' queries come from git history, which this checkout lacks (%v): run the tests in a clone with full history", err)
	}
	return strings.TrimSpace(string(out))
}

func isFullHistory() bool {
	out, err := exec.Command("git", "-c", "safe.directory=*", "rev-parse", "--is-shallow-repository").Output()
	return err == nil && strings.TrimSpace(string(out)) == "false"
}

// migrationVersions are the embedded migrations' file name prefixes, oldest first.
func migrationVersions(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	require.NoError(t, err)
	var vs []string
	for _, n := range names {
		vs = append(vs, strings.SplitN(n, "_", 2)[0])
	}
	sort.Strings(vs)
	return vs
}

// revisionBefore is the commit before the one that added migration version: the code of the
// build that did not have it. A migration not committed yet is new on top of HEAD.
func revisionBefore(t *testing.T, root, version string) string {
	t.Helper()
	out, err := git(root, "log", "--diff-filter=A", "--format=%H", "--", "migrations/"+version+"_*.up.sql")
	require.NoError(t, err)
	commits := strings.Fields(out)
	if len(commits) == 0 {
		return "HEAD"
	}
	return commits[len(commits)-1] + "^"
}

// generatedQueries returns the SQL of every sqlc query at rev, by name.
func generatedQueries(t *testing.T, root, rev string) map[string]string {
	t.Helper()
	const dir = "shared/store/internal/db"
	list, err := git(root, "ls-tree", "--name-only", rev, dir+"/")
	require.NoError(t, err)
	queries := map[string]string{}
	for _, file := range strings.Fields(list) {
		if !strings.HasSuffix(file, ".sql.go") {
			continue
		}
		src, err := git(root, "show", rev+":"+file)
		require.NoError(t, err)
		f, err := parser.ParseFile(token.NewFileSet(), path.Base(file), src, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					lit, ok := v.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					sql, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					if name, ok := queryName(sql); ok {
						queries[name] = sql
					}
				}
			}
		}
	}
	return queries
}

// queryName reads sqlc's "-- name: Name :kind" header.
func queryName(sql string) (string, bool) {
	rest, ok := strings.CutPrefix(sql, "-- name: ")
	if !ok {
		return "", false
	}
	return strings.Fields(rest)[0], true
}

// git runs a read-only git command in root; safe.directory lets it read a checkout another
// user owns (a CI container's).
func git(root string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-c", "safe.directory=*"}, args...)...)
	cmd.Dir = root
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, ee.Stderr)
	}
	return string(out), err
}
