package command_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/cli/command"
	"github.com/torale-ai/torale/shared/config"
)

// getFeed reads a feed URL, which names the configured public URL, from the test server.
func getFeed(t *testing.T, c *cli, u string) (int, string) {
	t.Helper()
	res, err := http.Get(c.url + strings.TrimPrefix(u, "http://localhost:8080"))
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// After a run that notified, the feed the CLI names carries it; --rotate kills the old URL.
func TestFeedCommand(t *testing.T) {
	c := newCLIWith(t, func(cfg *config.Config) { cfg.Notify.Secret = strings.Repeat("cli-feed-key-", 3) })
	created := c.ok("tasks", "create", "--query", "When will Apple announce the iPhone 18?", "--json")
	id := uuidRE.FindString(created)
	require.Contains(t, c.ok("tasks", "run", id), "success")

	var urls struct {
		Atom string `json:"atom_url"`
		JSON string `json:"json_url"`
	}
	require.NoError(t, json.Unmarshal([]byte(c.ok("feed", "--json")), &urls))
	status, body := getFeed(t, c, urls.Atom)
	require.Equal(t, http.StatusOK, status, body)
	var doc struct {
		Entries []struct {
			Summary string `xml:"summary"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &doc))
	require.Len(t, doc.Entries, 1)
	require.Equal(t, "Apple announced the iPhone 18 for September 18.", doc.Entries[0].Summary)
	require.Equal(t, "http://localhost:8080/tasks/"+id, doc.Entries[0].Link.Href)

	plain := c.ok("feed", "--task", id)
	require.Contains(t, plain, "/tasks/"+id+".atom")
	require.Contains(t, plain, "/tasks/"+id+".json")
	status, _ = getFeed(t, c, strings.TrimSpace(strings.TrimPrefix(strings.Split(plain, "\n")[1], "JSON:")))
	require.Equal(t, http.StatusOK, status)

	r := c.run("feed", "--rotate")
	require.Equal(t, command.ExitOK, r.code, r.err)
	require.Contains(t, r.err, "no longer work")
	require.NotContains(t, r.out, urls.Atom)
	status, _ = getFeed(t, c, urls.Atom)
	require.Equal(t, http.StatusNotFound, status)

	r = c.run("feed", "--task", "not-an-id")
	require.Equal(t, command.ExitUsage, r.code, r.err)
}
