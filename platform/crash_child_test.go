package platform_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
)

// crashChildEnv makes the test binary run a platform instead of the tests ("local" for torale
// dev's, "functions" for the functions server), so a test can kill it with SIGKILL and start it
// again on the same database.
const crashChildEnv = "TORALE_TEST_CRASH_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(crashChildEnv); mode != "" {
		if err := runCrashChild(mode); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runCrashChild serves the platform named by mode from the environment until SIGTERM, logging
// JSON to stderr; its first line with an "addr" says where it listens.
func runCrashChild(mode string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	cfg, err := config.FromEnv(config.Env)
	if err != nil {
		return err
	}
	log := logging.New(os.Stderr, logging.Format(cfg.LogFormat), cfg.LogLevel)
	switch mode {
	case "local":
		return platform.Local{Addr: "127.0.0.1:0", DataDir: os.Getenv("TORALE_TEST_DATA_DIR"), Config: cfg,
			Tick: 50 * time.Millisecond, Log: log,
			Ready: func(u string) { log.Info("serving", slog.String("addr", strings.TrimPrefix(u, "http://"))) }}.Run(ctx)
	case "functions":
		return platform.Cloud{Config: cfg, Host: "127.0.0.1", Log: log}.Run(ctx)
	case "worker":
		return platform.Cloud{Config: cfg, Target: string(platform.FunctionWorker), Host: "127.0.0.1", Log: log}.Run(ctx)
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// child is one life of a platform process.
type child struct {
	cmd  *exec.Cmd
	addr string
	logs *lineLog
	done chan struct{} // closed once its log is read to the end
}

// startChild starts a platform process with env and returns it once it listens.
func startChild(t *testing.T, mode string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{crashChildEnv + "=" + mode, "PORT=0", "TORALE_LOG_FORMAT=json"}, env...)...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, logs: &lineLog{}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go c.read(stderr, addr)
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		<-c.done
		if t.Failed() {
			t.Logf("%s process log:\n%s", mode, c.logs.String())
		}
	})
	select {
	case c.addr = <-addr:
		return c
	case <-c.done:
		t.Fatalf("the %s process exited before serving:\n%s", mode, c.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the %s process did not serve in 60s:\n%s", mode, c.logs.String())
	}
	return nil
}

func (c *child) read(r io.Reader, addr chan<- string) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sent := false
	for sc.Scan() {
		var line struct{ Addr string }
		if !sent && json.Unmarshal(sc.Bytes(), &line) == nil && line.Addr != "" {
			addr <- line.Addr
			sent = true
		}
		c.logs.add(sc.Text())
	}
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (c *child) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	err := c.cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, syscall.SIGKILL, exit.Sys().(syscall.WaitStatus).Signal())
}

// stop ends the process with SIGTERM and waits for a clean exit.
func (c *child) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, c.cmd.Wait())
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

// find returns the fields of every line whose message is msg.
func (l *lineLog) find(msg string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, s := range l.lines {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil && m["message"] == msg {
			out = append(out, m)
		}
	}
	return out
}
