//go:build dashboard

package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/platform/platformtest"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// The web the stand-in Gemini searches: one announcement, one rumour.
var web = []geminitest.Page{
	{URL: "https://www.apple.com/newsroom/2026/11/iphone-18/", Title: "apple.com",
		Text: "OFFICIAL: Apple announced that iPhone 18 ships on 18 September 2026."},
	{URL: "https://rumours.example.com/iphone-18", Title: "rumours.example.com",
		Text: "RUMOUR: Leakers claim iPhone 18 could ship in late September."},
}

// receiver is a webhook endpoint on loopback that keeps what it is sent.
type receiver struct {
	mu       sync.Mutex
	requests []http.Header
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.requests = append(rc.requests, r.Header.Clone())
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) signed() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, h := range rc.requests {
		if h.Get("Webhook-Signature") != "" && h.Get("Webhook-Id") != "" {
			n++
		}
	}
	return n
}

func TestDashboardInChromium(t *testing.T) {
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		t.Fatalf("the dashboard's browser test needs Chromium at %s (Debian: apt-get install --no-install-recommends chromium): %v", browser, err)
	}
	node, err := exec.LookPath("node")
	require.NoError(t, err, "the dashboard's browser test needs Node.js 20.19+")
	webDir, err := filepath.Abs("..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(webDir, "node_modules", "playwright-core"))
	require.NoError(t, err, "run npm ci in web/ first (make test does)")

	model := &geminitest.Model{Web: web}
	gemini := geminitest.New(t, model.Handle)
	hooks := &receiver{}
	hookServer := httptest.NewServer(hooks)
	t.Cleanup(hookServer.Close)

	env := map[string]string{
		"DATABASE_URL":           storetest.URL(t),
		"GEMINI_API_KEY":         "AIzaSyFAKE-e2e-key-000000",
		"GOOGLE_GEMINI_BASE_URL": gemini.URL,
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	base := platformtest.RunLocal(t, platform.Local{Config: cfg, Tick: 200 * time.Millisecond})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e/run.mjs")
	cmd.Dir = webDir
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "WEBHOOK_URL="+hookServer.URL+"/hook", "CHROMIUM="+browser)
	out, err := cmd.CombinedOutput()
	t.Logf("browser run:\n%s", out)
	require.NoError(t, err, "the browser flow failed; screenshots are in web/screenshots/")
	for _, size := range []string{"desktop", "phone"} {
		require.Contains(t, string(out), "e2e "+size+": passed")
	}
	// Each size sent a test and its task notified: four signed webhook requests at least.
	require.GreaterOrEqual(t, hooks.signed(), 4, "signed webhook requests received")
	shots, err := filepath.Glob(filepath.Join(webDir, "screenshots", "*-phone.png"))
	require.NoError(t, err)
	require.NotEmpty(t, shots)
	t.Logf("screenshots: %s", strings.Join(shots, " "))
}
