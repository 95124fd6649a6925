package platform

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"google.golang.org/api/idtoken"

	"github.com/torale-ai/torale/platform/agentservice"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/memory"
	"github.com/torale-ai/torale/shared/agent/remote"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/runner"
)

// newAgents returns the agent that decides in this process (served by the agent function) and
// the one runs and previews call: the same agent, or the agent function at TORALE_AGENT_URL.
// Either is nil when need has no use for it, so no model client is made for nothing.
// Deps.Agent, when set, is both.
func newAgents(d Deps, need parts, pages func() *page.Reader) (local, calls agent.Agent, err error) {
	if d.Agent != nil {
		return d.Agent, d.Agent, nil
	}
	if d.Config.Agent.PageAllowPrivate && !d.DevAuth { // torale dev says so itself
		d.Log.Warn("TORALE_PAGE_ALLOW_PRIVATE=true: the pages watches list may be read from loopback, private and metadata addresses")
	}
	remoteCalls := need.caller && d.Config.Agent.URL != ""
	if need.decider || (need.caller && !remoteCalls) {
		if local, err = agentservice.Configured(d.Config, d.Grounding, pages(), d.Log); err != nil {
			return nil, nil, err
		}
	}
	if !need.caller {
		return local, nil, nil
	}
	if !remoteCalls {
		return local, local, nil
	}
	client, err := agentClient(d.Config.Agent.URL)
	if err != nil {
		return nil, nil, err
	}
	d.Log.Info("runs call the agent function", slog.String("url", d.Config.Agent.URL))
	return local, remote.New(d.Config.Agent.URL, client), nil
}

// agentClient carries calls to the agent function: with a Google ID token for the service when
// the URL is https (Cloud Run with authentication required), plain otherwise (a cluster-internal
// address, or a local one).
func agentClient(raw string) (*http.Client, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("TORALE_AGENT_URL: %w", err)
	}
	if u.Scheme != "https" {
		return &http.Client{}, nil
	}
	audience := u.Scheme + "://" + u.Host
	c, err := idtoken.NewClient(context.Background(), audience)
	if err != nil {
		return nil, fmt.Errorf("TORALE_AGENT_URL is https, so calls carry a Google ID token for %s, but none can be made here: %w", audience, err)
	}
	return c, nil
}

// newMemory keeps task memory in Mem0 when MEM0_API_KEY is set, in PostgreSQL otherwise.
func newMemory(d Deps) runner.Memory {
	if d.Config.Agent.Mem0APIKey != "" {
		return memory.NewMem0(d.Config.Agent.Mem0APIKey, d.Config.Agent.Mem0BaseURL, nil)
	}
	return memory.NewPostgres(d.Store, d.Now)
}
