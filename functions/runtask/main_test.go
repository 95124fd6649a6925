package runtask_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/torale-ai/torale/shared/event/pubsubtest"
)

// One Pub/Sub emulator and one functions server serve the whole test binary: the framework
// cannot stop a server, and the emulator takes a JVM start. The server serves runtask at every
// path (FUNCTION_TARGET=runtask, as on Cloud Run); each test registers handlers for topics of
// its own Pub/Sub project, and pushes to /projects/<project>/topics/<topic> reach them.
var (
	emulator *pubsubtest.Emulator
	baseURL  string
	handlers sync.Map // "project/topic" → http.Handler
)

func TestMain(m *testing.M) {
	os.Exit(pubsubtest.Run(m, &emulator, func() error { return serve() }))
}

func serve() error {
	os.Setenv("FUNCTION_TARGET", "runtask")
	functions.HTTP("runtask", route)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	go func() { _ = funcframework.StartHostPort("127.0.0.1", port) }()
	baseURL = "http://127.0.0.1:" + port
	for range 500 {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("functions server did not start on port %s", port)
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
