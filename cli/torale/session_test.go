package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store/storetest"
)

// TestTerminalSession drives the real binary in a tmux terminal against `torale dev`: create,
// list, run and delete a task as a person would, prompts and all.
func TestTerminalSession(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the terminal session test; install it (apt-get install tmux)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "torale")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	addr := freeAddr(t)
	dev := exec.Command(bin, "dev", "--addr", addr, "--data-dir", filepath.Join(dir, "data"))
	dev.Env = append(os.Environ(), "DATABASE_URL="+storetest.URL(t), "TORALE_LOG_LEVEL=warn")
	stdout, err := dev.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, dev.Start())
	t.Cleanup(func() { _ = dev.Process.Signal(os.Interrupt); _ = dev.Wait() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "Torale is running at ") {
				ready <- sc.Text()
			}
		}
	}()
	select {
	case line := <-ready:
		require.Equal(t, "Torale is running at http://"+addr, line)
	case <-time.After(60 * time.Second):
		t.Fatal("torale dev did not print its ready line")
	}

	tm := newTmux(t, fmt.Sprintf("env -i PATH=%s:/usr/bin:/bin HOME=%s TERM=xterm-256color NO_COLOR=1 TORALE_API_URL=http://%s TORALE_CONFIG_DIR=%s bash --norc --noprofile",
		dir, dir, addr, filepath.Join(dir, "config")))
	tm.send(`torale tasks create --query "When will Apple announce the next iPhone?" --schedule "0 9 * * *"`)
	tm.waitFor("schedule:", "0 9 * * * (UTC)")
	tm.send("torale tasks list")
	tm.waitFor("NAME", "When will Apple announce the next iPhone?", "active")
	tm.send("ID=$(torale tasks list | cut -f1 | head -n 1); echo id=$ID")
	tm.waitFor("id=")
	tm.send("torale tasks run $ID; echo exit=$?")
	tm.waitFor("agent not configured: set GEMINI_API_KEY", "exit=1")
	tm.send("torale tasks delete $ID")
	tm.waitFor("and all its runs? This cannot be undone. [y/N]")
	tm.send("y")
	tm.waitFor("Deleted task")
	tm.send("torale tasks list")
	tm.waitFor("No tasks yet.")
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

type tmux struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, shell string) *tmux {
	tm := &tmux{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	tm.run("new-session", "-d", "-s", "torale", "-x", "160", "-y", "50", shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	require.NoError(tm.t, err, string(out))
	return string(out)
}

func (tm *tmux) send(line string) {
	tm.t.Helper()
	tm.run("send-keys", "-t", "torale", "-l", line)
	tm.run("send-keys", "-t", "torale", "Enter")
}

// waitFor polls the screen until it shows every text, and fails with the screen if it never does.
func (tm *tmux) waitFor(texts ...string) {
	tm.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var screen string
	for ctx.Err() == nil {
		screen = tm.run("capture-pane", "-p", "-t", "torale", "-S", "-200")
		all := true
		for _, s := range texts {
			all = all && strings.Contains(screen, s)
		}
		if all {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("the terminal never showed %q; screen:\n%s", texts, screen)
}
