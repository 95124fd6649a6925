package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	agentfn "github.com/torale-ai/torale/functions/agent"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
)

// serveEnv makes the test binary run the server's main instead of the tests, so a test can
// start the real server as a process of its own and signal it.
const serveEnv = "TORALE_TEST_SERVE_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startServer starts the functions server with env on a free loopback port and returns the
// process, its address (read from its "serving functions" log line) and its log, complete once
// the process has exited.
func startServer(t *testing.T, env ...string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{serveEnv + "=1", "HOST=127.0.0.1", "PORT=0", "TORALE_LOG_FORMAT=json"}, env...)...)
	stderr, w := io.Pipe()
	cmd.Stderr = w
	require.NoError(t, cmd.Start())
	addr := make(chan string, 1)
	logs := &syncBuffer{}
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Message, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "serving functions" {
				addr <- line.Addr
			}
			logs.add(append(sc.Bytes(), '\n'))
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		w.Close()
		<-read
		if t.Failed() {
			t.Log("server log:\n" + logs.String())
		}
	})
	select {
	case a := <-addr:
		return cmd, a, logs
	case <-time.After(30 * time.Second):
		t.Fatal("the functions server did not start in 30s")
	}
	return nil, "", nil
}

// syncBuffer is a log written by one goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) add(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// line returns the first JSON log line whose message is msg.
func (s *syncBuffer) line(t *testing.T, msg string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(s.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["message"] == msg {
			return m
		}
	}
	t.Fatalf("no log line %q", msg)
	return nil
}

// On SIGTERM the server stops taking connections at once, lets the run in flight finish, and
// exits 0 within Cloud Run's ten seconds.
func TestSIGTERMFinishesTheRunInFlightAndExits(t *testing.T) {
	dbURL := storetest.URL(t)
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL, store.Options{})
	require.NoError(t, err)
	defer st.Close()
	u, err := st.EnsureUser(ctx, store.Identity{ExternalID: "dev:shutdown"})
	require.NoError(t, err)
	due := time.Now().UTC().Truncate(time.Second).Add(-time.Minute)
	tk, err := st.CreateTask(ctx, store.NewTask{UserID: u.ID, Name: "Watch", SearchQuery: "iphone release date",
		Timezone: "UTC", NotifyBehavior: task.NotifyOnce, State: task.StateActive, NextRunAt: &due})
	require.NoError(t, err)

	// The run calls a slow agent function: it answers once release is closed.
	release := make(chan struct{})
	fake := agenttest.New(agenttest.Reply{Wait: release, Output: agent.Output{Result: task.Result{Evidence: "nothing yet", Confidence: 80}}})
	agentSrv := httptest.NewServer(agentfn.New(fake, time.Minute, logging.Discard()))
	defer agentSrv.Close()

	cmd, addr, logs := startServer(t, "FUNCTION_TARGET=runtask", "TORALE_PUSH_AUTH=off", "DATABASE_URL="+dbURL,
		"TORALE_AGENT_URL="+agentSrv.URL, "TORALE_GCP_PROJECT=proj")
	data, err := json.Marshal(event.RunTask{Version: event.Version, TaskID: tk.ID, UserID: u.ID, ScheduledFor: &due})
	require.NoError(t, err)
	body, err := json.Marshal(map[string]any{"message": map[string]any{"data": data, "messageId": "1"}, "subscription": "s"})
	require.NoError(t, err)
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+addr+"/", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		answered <- res.StatusCode
	}()
	require.Eventually(t, func() bool { return fake.Calls() == 1 }, 10*time.Second, 5*time.Millisecond, "the run reached the agent")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	signalled := time.Now()
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return errors.Is(err, syscall.ECONNREFUSED)
		}
		c.Close()
		return false
	}, 3*time.Second, 10*time.Millisecond, "new connections are refused once shutdown begins")
	select {
	case code := <-answered:
		t.Fatalf("the request in flight was answered (%d) before its run finished", code)
	default:
	}

	close(release)
	require.Equal(t, http.StatusNoContent, <-answered, "the run in flight finishes and is acked")
	require.NoError(t, cmd.Wait(), "exit status 0")
	require.Less(t, time.Since(signalled), 9*time.Second, "within Cloud Run's grace")

	execs, err := st.ListExecutions(ctx, u.ID, tk.ID, 10, nil)
	require.NoError(t, err)
	require.Len(t, execs, 1)
	require.Equal(t, task.StatusSuccess, execs[0].Status)
	// The run's log lines carry the push request's trace.
	require.Equal(t, "projects/proj/traces/4bf92f3577b34da6a3ce929d0e0e4736", logs.line(t, "run succeeded")["logging.googleapis.com/trace"])
}
