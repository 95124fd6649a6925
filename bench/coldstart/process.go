package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sample is one start of one binary.
type sample struct {
	// Start is the time from exec to the first 200 from GET /healthz.
	Start time.Duration
	// IdleRSS is the resident set, in bytes, after the server sat healthy for options.Idle.
	IdleRSS int64
}

// build compiles t's package to t.Path the way the image does (tools/imagebuild): static, no
// cgo, no symbol table or DWARF. A default build links the C resolver dynamically, so every
// start would also pay the dynamic loader and libc's pages, which no deployed service does.
func build(ctx context.Context, t target) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", t.Path, t.Package)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("building %s: %w\n%s", t.Name, err, out)
	}
	return nil
}

// process is a started server whose exit is watched, so a crash during start-up is noticed.
type process struct {
	cmd  *exec.Cmd
	logs bytes.Buffer // stdout and stderr; read only after done is closed
	done chan struct{}
	err  error // Wait's result, set before done is closed
}

// startProcess execs bin with env added to this process's environment.
func startProcess(bin string, env []string) (*process, error) {
	p := &process{cmd: exec.Command(bin), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.logs, &p.logs
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop kills the process and waits for it to be reaped.
func (p *process) stop() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// measureOnce starts bin on a free loopback port, times it to its first healthy answer, lets
// it idle, reads its RSS and kills it.
func measureOnce(ctx context.Context, bin string, env []string, opts options) (sample, error) {
	port, err := freePort()
	if err != nil {
		return sample{}, err
	}
	healthURL := "http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"
	began := time.Now()
	p, err := startProcess(bin, append(slices.Clip(env), "PORT="+port))
	if err != nil {
		return sample{}, err
	}
	defer p.stop()
	if err := waitHealthy(ctx, p, healthURL, opts.Timeout); err != nil {
		return sample{}, err
	}
	s := sample{Start: time.Since(began)}
	select {
	case <-time.After(opts.Idle):
	case <-ctx.Done():
		return sample{}, ctx.Err()
	}
	s.IdleRSS, err = readRSS(p.cmd.Process.Pid)
	return s, err
}

// waitHealthy polls url every millisecond until it answers 200, the process exits, or
// timeout passes.
func waitHealthy(ctx context.Context, p *process, url string, timeout time.Duration) error {
	client := &http.Client{
		Timeout:   time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		if healthy(ctx, client, url) {
			return nil
		}
		select {
		case <-tick.C:
		case <-p.done:
			return fmt.Errorf("exited before it was healthy (%w):\n%s", p.err, p.logs.String())
		case <-deadline.C:
			return fmt.Errorf("not healthy after %s", timeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// healthy reports whether one GET of url answered 200.
func healthy(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// freePort returns a loopback port nothing listens on right now.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// readRSS returns the process's resident set in bytes, from VmRSS in /proc/PID/status.
func readRSS(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("reading RSS: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parsing VmRSS %q: %w", rest, err)
		}
		return kb * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading RSS: %w", err)
	}
	return 0, errors.New("reading RSS: no VmRSS line in /proc status")
}
