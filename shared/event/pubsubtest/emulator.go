// Package pubsubtest runs the real Pub/Sub emulator from the Google Cloud SDK for tests and
// benchmarks: started on a free loopback port, stopped by its pid. Tests that need it fail when
// it cannot start; they never skip, so a machine without the SDK is noticed.
package pubsubtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// DefaultBinary is where the SDK's Debian package installs the emulator's launcher. It execs
// java, so the process it starts is the emulator itself.
const DefaultBinary = "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator"

// Emulator is one running emulator.
type Emulator struct {
	// Host is host:port, the value of PUBSUB_EMULATOR_HOST.
	Host string
	// Pid is the emulator's process id.
	Pid int

	cmd  *exec.Cmd
	log  *lockedWriter
	once sync.Once
	done chan struct{}
}

// Start launches the emulator ($TORALE_PUBSUB_EMULATOR, else DefaultBinary) and waits until it
// answers, at most a minute.
func Start(ctx context.Context) (*Emulator, error) {
	bin := os.Getenv("TORALE_PUBSUB_EMULATOR")
	if bin == "" {
		bin = DefaultBinary
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("pubsub emulator not found at %s (install google-cloud-cli-pubsub-emulator, or set TORALE_PUBSUB_EMULATOR): %w", bin, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	e := &Emulator{Host: "127.0.0.1:" + strconv.Itoa(port), log: &lockedWriter{}, done: make(chan struct{})}
	e.cmd = exec.Command(bin, "--host=127.0.0.1", "--port="+strconv.Itoa(port))
	e.cmd.Stdout, e.cmd.Stderr = e.log, e.log
	e.cmd.SysProcAttr = sysProcAttr()
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting pubsub emulator: %w", err)
	}
	e.Pid = e.cmd.Process.Pid
	go func() { _ = e.cmd.Wait(); close(e.done) }()
	if err := e.waitReady(ctx, time.Minute); err != nil {
		_ = e.Stop()
		return nil, err
	}
	return e, nil
}

func (e *Emulator) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-e.done:
			return fmt.Errorf("pubsub emulator exited at start: %s", e.Output())
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if res, err := c.Get("http://" + e.Host + "/"); err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK && bytes.HasPrefix(body, []byte("Ok")) {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("pubsub emulator did not answer on %s within %s: %s", e.Host, limit, e.Output())
}

// Output is what the emulator has printed, for failure messages.
func (e *Emulator) Output() string {
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	return e.log.buf.String()
}

// Stop ends the emulator by its pid: SIGTERM, then SIGKILL after five seconds.
func (e *Emulator) Stop() error {
	var err error
	e.once.Do(func() {
		_ = syscall.Kill(e.Pid, syscall.SIGTERM)
		select {
		case <-e.done:
		case <-time.After(5 * time.Second):
			err = syscall.Kill(e.Pid, syscall.SIGKILL)
			<-e.done
		}
	})
	return err
}

// Run is a TestMain body: it starts an emulator, points PUBSUB_EMULATOR_HOST at it, runs
// each setup, runs the tests and stops the emulator. When the emulator cannot start, the test
// binary fails.
func Run(m *testing.M, into **Emulator, setup ...func() error) int {
	e, err := Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: the Pub/Sub emulator is needed by these tests:", err)
		return 1
	}
	defer func() { _ = e.Stop() }() // the tests have run; how the emulator exits changes nothing
	os.Setenv("PUBSUB_EMULATOR_HOST", e.Host)
	*into = e
	for _, s := range setup {
		if err := s(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: setting up:", err)
			return 1
		}
	}
	return m.Run()
}

// ClientOptions connect a Pub/Sub client to the emulator without credentials.
func (e *Emulator) ClientOptions() ([]option.ClientOption, error) {
	conn, err := grpc.NewClient(e.Host, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	return []option.ClientOption{option.WithGRPCConn(conn), option.WithoutAuthentication()}, nil
}

// Client returns a client of project on the emulator, closed when the test ends.
func (e *Emulator) Client(t testing.TB, project string) *pubsub.Client {
	t.Helper()
	opts, err := e.ClientOptions()
	if err != nil {
		t.Fatal(err)
	}
	c, err := pubsub.NewClient(context.Background(), project, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Push is a push subscription to create.
type Push struct {
	Project, Topic, Subscription string
	// Endpoint receives the messages, such as http://127.0.0.1:PORT/projects/P/topics/run-task.
	Endpoint string
	// MinBackoff and MaxBackoff set a retry policy. Leave them zero: without one the emulator
	// pushes a failed message again about every second, while with one (emulator 0.8.20) it
	// stops redelivering a message after about three failed pushes.
	MinBackoff, MaxBackoff time.Duration
	// AckDeadline is how long a push may take before it counts as failed (default 60s).
	AckDeadline time.Duration
}

// CreateTopic creates project's topic; one that exists already is fine.
func CreateTopic(ctx context.Context, c *pubsub.Client, project, topic string) error {
	_, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: "projects/" + project + "/topics/" + topic})
	if err != nil && !alreadyExists(err) {
		return fmt.Errorf("creating topic %s: %w", topic, err)
	}
	return nil
}

// CreatePush creates the topic (if needed) and a push subscription to it.
func CreatePush(ctx context.Context, c *pubsub.Client, p Push) error {
	if err := CreateTopic(ctx, c, p.Project, p.Topic); err != nil {
		return err
	}
	if p.AckDeadline <= 0 {
		p.AckDeadline = time.Minute
	}
	sub := &pubsubpb.Subscription{
		Name:               "projects/" + p.Project + "/subscriptions/" + p.Subscription,
		Topic:              "projects/" + p.Project + "/topics/" + p.Topic,
		PushConfig:         &pubsubpb.PushConfig{PushEndpoint: p.Endpoint},
		AckDeadlineSeconds: int32(p.AckDeadline / time.Second),
	}
	if p.MinBackoff > 0 || p.MaxBackoff > 0 {
		sub.RetryPolicy = &pubsubpb.RetryPolicy{MinimumBackoff: durationpb.New(p.MinBackoff),
			MaximumBackoff: durationpb.New(p.MaxBackoff)}
	}
	_, err := c.SubscriptionAdminClient.CreateSubscription(ctx, sub)
	if err != nil {
		return fmt.Errorf("creating push subscription %s: %w", p.Subscription, err)
	}
	return nil
}

func alreadyExists(err error) bool { return status.Code(err) == codes.AlreadyExists }

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// lockedWriter collects the emulator's stdout and stderr, written from two goroutines.
type lockedWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}
