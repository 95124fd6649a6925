package gemini_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/agent/gemini/geminitest"
	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/task"
)

// A cited grounding redirect becomes the page's own address, with the grounding title kept,
// and a second run asks the redirect service nothing more (the resolver caches).
func TestGroundingLinksBecomeThePagesAddresses(t *testing.T) {
	web := []geminitest.Page{announced, rumour}
	rd := geminitest.NewRedirector(t, web)
	m := model(web...)
	m.Redirects = rd.URL
	links := rd.Resolver()
	f := newAgent(t, m.Handle, func(c *gemini.Config) { c.Links = links })

	for range 2 {
		out, err := f.agent.Run(context.Background(), input())
		require.NoError(t, err)
		require.Equal(t, []task.Source{{URL: announced.URL, Title: "apple.com"}}, out.Result.Sources)
	}
	require.EqualValues(t, 1, rd.Hits(), "only the cited source is resolved, once, then cached")
}

// A redirect that cannot be resolved (here the guard refuses the loopback address) stays as
// the link it was, still titled with the site, and the run succeeds.
func TestUnresolvedGroundingLinkStaysWithItsSite(t *testing.T) {
	rd := geminitest.NewRedirector(t, []geminitest.Page{announced})
	m := model(announced)
	m.Redirects = rd.URL
	refusing := grounding.New(netguard.New(netguard.Options{}), grounding.Options{Hosts: []string{"127.0.0.1"}})
	f := newAgent(t, m.Handle, func(c *gemini.Config) { c.Links = refusing })

	out, err := f.agent.Run(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, []task.Source{{URL: geminitest.RedirectAt(rd.URL, 0), Title: "apple.com"}}, out.Result.Sources)
	require.Zero(t, rd.Hits())
}
