package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store/storetest"
)

// bigTables grow with users and time; a query that reads one of them whole gets slower every
// day. The small ones (users, api_keys by hash, user_webhooks, ...) may be scanned.
var bigTables = map[string]bool{"tasks": true, "executions": true, "notification_deliveries": true,
	"delivery_attempts": true, "task_memory": true, "execution_steps": true, "findings": true}

// wholeTableQueries read a big table whole on purpose, off any user's path: each says why.
var wholeTableQueries = map[string]string{
	"TasksWithJobs":     "reconcile compares every active or paused task with its scheduler job",
	"PlatformStats":     "the admin overview counts the whole day's runs, once per admin page view",
	"ListAllTasks":      "the admin list of every task, newest first; admins only",
	"ListAllExecutions": "the admin list of every run, newest first; admins only",
}

// Every query sqlc generates is planned generically (as a prepared statement, whatever its
// arguments) with sequential scans priced out; a Seq Scan that remains on a big table means no
// index can answer the query, and its cost grows with the table (issue 16). Empty tables are
// enough: with enable_seqscan off the planner takes any usable index.
func TestUserPathQueriesUseAnIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.URL(t))
	require.NoError(t, err)
	defer conn.Close(ctx)

	queries := workingTreeQueries(t)
	require.NotEmpty(t, queries)
	names := make([]string, 0, len(queries))
	for name := range queries {
		names = append(names, name)
	}
	sort.Strings(names)

	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	partial := partialIndexes(t, tx)
	for _, set := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL plan_cache_mode = force_generic_plan"} {
		_, err = tx.Exec(ctx, set)
		require.NoError(t, err)
	}
	for i, name := range names {
		sql := queries[name]
		stmt := fmt.Sprintf("plan_%d", i)
		_, err := tx.Exec(ctx, "PREPARE "+stmt+" AS "+sql)
		require.NoError(t, err, "preparing %s", name)
		explain := "EXPLAIN (FORMAT JSON) EXECUTE " + stmt
		if n := paramCount(sql); n > 0 {
			explain += "(" + strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ") + ")"
		}
		var plan []byte
		require.NoError(t, tx.QueryRow(ctx, explain).Scan(&plan), "planning %s", name)
		scanned := wholeScans(t, plan, partial)
		if _, ok := wholeTableQueries[name]; ok {
			continue
		}
		for _, scan := range scanned {
			t.Errorf("%s reads all of %s: add an index it can use in a migration\n%s", name, scan, plan)
		}
	}
}

var paramRef = regexp.MustCompile(`\$(\d+)`)

func paramCount(sql string) int {
	most := 0
	for _, m := range paramRef.FindAllStringSubmatch(sql, -1) {
		if n, _ := strconv.Atoi(m[1]); n > most {
			most = n
		}
	}
	return most
}

// partialIndexes names the indexes with a WHERE clause: scanning one whole reads only its rows.
func partialIndexes(t *testing.T, tx pgx.Tx) map[string]bool {
	t.Helper()
	rows, err := tx.Query(context.Background(),
		`SELECT indexrelid::regclass::text FROM pg_index WHERE indpred IS NOT NULL`)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	partial := map[string]bool{}
	for _, n := range names {
		partial[n] = true
	}
	return partial
}

// wholeScans returns how a JSON plan reads a big table whole: a Seq Scan, or an index scan
// with no condition on a full index (the planner's way to read a table in an index's order).
func wholeScans(t *testing.T, plan []byte, partial map[string]bool) []string {
	t.Helper()
	var doc []struct {
		Plan planNode `json:"Plan"`
	}
	require.NoError(t, json.Unmarshal(plan, &doc))
	var found []string
	var walk func(n planNode)
	walk = func(n planNode) {
		switch {
		case !bigTables[n.Relation]:
		case n.NodeType == "Seq Scan":
			found = append(found, n.Relation+" (Seq Scan)")
		case strings.Contains(n.NodeType, "Index") && n.IndexCond == "" && !partial[n.Index]:
			found = append(found, n.Relation+" ("+n.NodeType+" of all "+n.Index+")")
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	for _, d := range doc {
		walk(d.Plan)
	}
	return found
}

type planNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	Index     string     `json:"Index Name"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}

// workingTreeQueries reads the SQL of every query sqlc generated for this build.
func workingTreeQueries(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("internal/db/*.sql.go")
	require.NoError(t, err)
	queries := map[string]string{}
	for _, file := range files {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		f, err := parser.ParseFile(token.NewFileSet(), file, src, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if sql, err := strconv.Unquote(lit.Value); err == nil {
				if name, ok := queryName(sql); ok {
					queries[name] = sql
				}
			}
			return true
		})
	}
	return queries
}
