package page_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/page"
)

const siteRobots = `# a comment
User-agent: Googlebot
Disallow: /

User-agent: *
Disallow: /private/
Allow: /private/press/
Disallow: /*.json$
Disallow: /search?

User-agent: otherbot
Sitemap: https://example.com/sitemap.xml
Disallow: /other
`

func TestRobotsRulesDecideAndNameTheRule(t *testing.T) {
	t.Parallel()
	s := newSite(t, siteRobots)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("text of " + r.URL.RequestURI()))
	})
	r := newReader(t, page.Options{}, s)
	cases := map[string]string{ // path -> the rule that refuses it ("" when it is read)
		"/private/plan":         "Disallow: /private/",
		"/private/press/launch": "",
		"/data.json":            "Disallow: /*.json$",
		"/data.json?x=1":        "",
		"/search?q=a":           "Disallow: /search?",
		"/search":               "",
		"/other":                "", // otherbot's group is not ToraleBot's
		"/open":                 "",
	}
	for path, rule := range cases {
		p, err := r.Read(t.Context(), page.Request{URL: s.URL + path})
		if rule == "" {
			require.NoError(t, err, path)
			require.Equal(t, "text of "+path, p.Text)
			continue
		}
		require.ErrorIs(t, err, page.ErrRobots, path)
		var re *page.RobotsError
		require.ErrorAs(t, err, &re)
		require.Equal(t, rule, re.Rule)
		require.Equal(t, "*", re.Group)
		require.Equal(t, "ToraleBot", re.Agent)
		require.Contains(t, err.Error(), `does not let ToraleBot read `+path+` (rule "`+rule+`" for user-agent "*")`)
	}
}

func TestRobotsGroupForToraleBotReplacesTheStarGroup(t *testing.T) {
	t.Parallel()
	s := newSite(t, "User-agent: *\nDisallow: /\n\nUser-agent: ToraleBot/2\nUser-agent: other\nDisallow: /drafts\n")
	s.page("/news", "text/plain", "news")
	s.page("/drafts/1", "text/plain", "draft")
	r := newReader(t, page.Options{}, s)
	_, err := r.Read(t.Context(), page.Request{URL: s.URL + "/news"})
	require.NoError(t, err, "the star group's Disallow: / does not apply to a bot with its own group")
	_, err = r.Read(t.Context(), page.Request{URL: s.URL + "/drafts/1"})
	var re *page.RobotsError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "ToraleBot", re.Group)
}

func TestRobotsStatusesFollowRFC9309(t *testing.T) {
	t.Parallel()
	for code, readable := range map[int]bool{http.StatusNotFound: true, http.StatusForbidden: true,
		http.StatusServiceUnavailable: false, http.StatusTooManyRequests: false} {
		s := newSite(t, "")
		s.robotsCode.Store(int64(code))
		s.page("/p", "text/plain", "p")
		_, err := newReader(t, page.Options{}, s).Read(t.Context(), page.Request{URL: s.URL + "/p"})
		if readable {
			require.NoError(t, err, code)
			continue
		}
		require.ErrorIs(t, err, page.ErrRobots, code)
		require.Contains(t, err.Error(), "robots.txt on 127.0.0.1 answered HTTP")
	}
}
