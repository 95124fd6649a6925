package runtask_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/event/pubsubtest"
	"github.com/torale-ai/torale/shared/logging"
)

// One Pub/Sub emulator and one functions server serve the whole test binary: the emulator takes
// a JVM start. The server (the platform's, as on Cloud Run) serves one handler at every path;
// each test registers handlers for topics of its own Pub/Sub project, and pushes to
// /projects/<project>/topics/<topic> reach them.
var (
	emulator *pubsubtest.Emulator
	baseURL  string
	handlers sync.Map // "project/topic" → http.Handler
)

func TestMain(m *testing.M) {
	os.Exit(pubsubtest.Run(m, &emulator, func() error { return startServer() }))
}

func startServer() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// The server lives as long as the test binary.
	go func() {
		_ = serve.Server{Handler: http.HandlerFunc(route), Log: logging.Discard()}.Serve(context.Background(), ln)
	}()
	baseURL = "http://" + ln.Addr().String()
	return nil
}

// route sends a push to its project's and topic's handler.
func route(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) == 4 && parts[0] == "projects" && parts[2] == "topics" {
		if h, ok := handlers.Load(parts[1] + "/" + parts[3]); ok {
			h.(http.Handler).ServeHTTP(w, r)
			return
		}
	}
	http.NotFound(w, r)
}

// handle registers h for pushes of project's topic until the test ends, and returns the push
// endpoint.
func handle(t *testing.T, project, topic string, h http.Handler) string {
	t.Helper()
	key := project + "/" + topic
	handlers.Store(key, h)
	t.Cleanup(func() { handlers.Delete(key) })
	return baseURL + "/projects/" + project + "/topics/" + topic
}
