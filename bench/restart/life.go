//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/torale-ai/torale/bench/benchdb"
)

// bench is one database of due tasks and the platform processes started on it.
type bench struct {
	o    options
	url  string
	db   *pgxpool.Pool
	dir  string
	drop func()
}

// newBench makes a database holding o.Runs tasks due now, without notifications (delivery is
// not what is measured).
func newBench(ctx context.Context, server, prefix string, o options) (*bench, error) {
	url, drop, err := benchdb.Create(ctx, server, prefix)
	if err != nil {
		return nil, err
	}
	b := &bench{o: o, url: url, drop: drop}
	if b.db, err = pgxpool.New(ctx, url); err != nil {
		drop()
		return nil, err
	}
	if b.dir, err = os.MkdirTemp("", "restart"); err != nil {
		b.close()
		return nil, err
	}
	_, err = b.db.Exec(ctx, `WITH u AS (INSERT INTO users (external_id) VALUES ('bench') RETURNING id)
		INSERT INTO tasks (user_id, name, search_query, condition_description, state, notify_behavior, next_run_at)
		SELECT u.id, 'Watch ' || g, 'iphone release date', 'announced', 'active', 'always', now()
		FROM u, generate_series(1, $1::int) g`, o.Runs)
	if err != nil {
		b.close()
		return nil, fmt.Errorf("seeding tasks: %w", err)
	}
	return b, nil
}

func (b *bench) close() {
	if b.db != nil {
		b.db.Close()
	}
	if b.dir != "" {
		_ = os.RemoveAll(b.dir)
	}
	b.drop()
}

// counts reads the executions: all, pending, running and succeeded.
func (b *bench) counts(ctx context.Context) (all, pending, running, success int, err error) {
	err = b.db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'pending'),
		count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'success') FROM executions`).
		Scan(&all, &pending, &running, &success)
	return all, pending, running, success, err
}

// until polls cond every 20 ms until it holds, for at most the options' timeout.
func (b *bench) until(ctx context.Context, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(b.o.Timeout)
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s: not within %s", what, b.o.Timeout)
}

// killInside starts the platform with a hanging agent, kills it with SIGKILL once every fire is
// claimed and runs hang inside the agent, and returns what it left.
func (b *bench) killInside(ctx context.Context) (pending, running int, err error) {
	p, err := b.start(ctx, "hang")
	if err != nil {
		return 0, 0, err
	}
	err = b.until(ctx, "every fire claimed, runs inside the agent", func() (bool, error) {
		all, _, running, _, err := b.counts(ctx)
		return all == b.o.Runs && running > 0, err
	})
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	if err != nil {
		return 0, 0, err
	}
	_, pending, running, _, err = b.counts(ctx)
	return pending, running, err
}

// life starts the platform with an agent that answers, waits until every task has run, stops it,
// and returns the phase's figures measured from the exec.
func (b *bench) life(ctx context.Context, mode string) (phase, *lineLog, error) {
	var ph phase
	start := time.Now()
	p, err := b.start(ctx, mode)
	if err != nil {
		return ph, nil, err
	}
	defer p.stop()
	err = b.until(ctx, "every task run", func() (bool, error) {
		_, _, _, success, err := b.counts(ctx)
		return success == b.o.Runs, err
	})
	if err != nil {
		return ph, p.logs, err
	}
	var lastStart, lastEnd time.Time
	err = b.db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'success'), max(started_at), max(finished_at)
		FROM executions`).Scan(&ph.Executions, &ph.Succeeded, &lastStart, &lastEnd)
	ph.LastStarted, ph.AllFinished = lastStart.Sub(start).Seconds(), lastEnd.Sub(start).Seconds()
	return ph, p.logs, err
}

// proc is one platform process.
type proc struct {
	cmd  *exec.Cmd
	logs *lineLog
}

// start execs this program as the platform child and returns once it serves.
func (b *bench) start(ctx context.Context, mode string) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), childEnv+"="+mode, delayEnv+"="+b.o.Delay.String(), dirEnv+"="+b.dir,
		"DATABASE_URL="+b.url)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, logs: &lineLog{}}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			p.logs.add(sc.Text())
			if strings.Contains(sc.Text(), `"message":"ready"`) {
				once.Do(func() { close(ready) })
			}
		}
	}()
	select {
	case <-ready:
		return p, nil
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("the platform did not serve in a minute:\n%s", p.logs.String())
	}
}

// stop ends the process with SIGTERM.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Wait()
}

// lineLog keeps a process's JSON log lines.
type lineLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// find returns the fields of the first line whose message is msg, without time and severity.
func (l *lineLog) find(msg string) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil && m["message"] == msg {
			delete(m, "time")
			delete(m, "severity")
			delete(m, "message")
			return m
		}
	}
	return nil
}
