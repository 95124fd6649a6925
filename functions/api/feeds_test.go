package api_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

const feedPublicURL = "https://app.torale.example"

func testFeedKeys(t testing.TB) *notifykey.Keys {
	k, err := notifykey.New(strings.Repeat("feed-test-key-", 3))
	require.NoError(t, err)
	return k
}

// hostile is agent text meant to break out of XML, HTML and JSON.
const (
	hostileName     = `Launch <script>alert("x")</script> & ]]> done`
	hostileEvidence = "Said \"<b>now</b>\" ]]><!-- \x01 & \u2028 </content></entry>"
	hostileNote     = "Out today <img src=x onerror=alert(1)>\nsecond line"
)

// feedRun stores a finished run of the task that notified, with hostile evidence and sources.
func feedRun(t *testing.T, s *store.Store, userID, taskID uuid.UUID, note string, at time.Time) task.Execution {
	t.Helper()
	ctx := context.Background()
	tk, err := s.GetTask(ctx, userID, taskID)
	require.NoError(t, err)
	e, err := s.StartExecution(ctx, store.StartRun{UserID: userID, TaskID: taskID, ScheduledFor: &at, Now: at, Deadline: at.Add(time.Minute)})
	require.NoError(t, err)
	_, err = s.FinishExecution(ctx, store.Outcome{ExecutionID: e.ID, UserID: userID, TaskID: taskID, Attempt: 1, Now: at,
		Status: task.StatusSuccess, Result: &task.Result{Evidence: hostileEvidence, Notification: &note,
			Sources: []task.Source{{URL: "https://news.example/a?x=1&y=<2>", Title: "News <&>"}, {URL: "javascript:alert(1)", Title: "evil"}}},
		Notify: tk.Notifications, TaskVersion: tk.UpdatedAt})
	require.NoError(t, err)
	return e
}

type atomDoc struct {
	Title   string `xml:"title"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Summary string `xml:"summary"`
		Content string `xml:"content"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

type jsonFeedDoc struct {
	Version string `json:"version"`
	Title   string `json:"title"`
	Items   []struct {
		ID          string `json:"id"`
		URL         string `json:"url"`
		ContentHTML string `json:"content_html"`
		Torale      struct {
			TaskName     string `json:"task_name"`
			Notification string `json:"notification"`
			Evidence     string `json:"evidence"`
		} `json:"_torale"`
	} `json:"items"`
}

// fetchFeed GETs a feed URL the API handed out, on the test server, with extra headers.
func fetchFeed(t *testing.T, b testBundle, feedURL string, header map[string]string) (feedAnswer, []byte) {
	t.Helper()
	require.True(t, strings.HasPrefix(feedURL, feedPublicURL+"/api/v1/feeds/"), feedURL)
	req, err := http.NewRequest("GET", b.srv.URL+strings.TrimPrefix(feedURL, feedPublicURL), nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := validatingClient(t).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return feedAnswer{StatusCode: res.StatusCode, Header: res.Header}, body
}

// feedAnswer is what fetchFeed kept of a response, whose body it has read and closed.
type feedAnswer struct {
	StatusCode int
	Header     http.Header
}

func TestFeeds(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	alice := b.client(t, client.WithDevUser("alice"))
	me, err := alice.Me(ctx)
	require.NoError(t, err)
	tk, err := alice.CreateTask(ctx, contract.TaskInput{Name: hostileName, SearchQuery: "launch date"})
	require.NoError(t, err)
	other, err := alice.CreateTask(ctx, contract.TaskInput{Name: "other", SearchQuery: "other"})
	require.NoError(t, err)
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	feedRun(t, b.store, me.ID, other.ID, "other news", base.Add(-time.Minute))
	older := feedRun(t, b.store, me.ID, tk.ID, "the first news", base)
	newer := feedRun(t, b.store, me.ID, tk.ID, hostileNote, base.Add(time.Minute))

	urls, err := alice.Feed(ctx)
	require.NoError(t, err)
	again, err := alice.Feed(ctx)
	require.NoError(t, err)
	require.Equal(t, urls, again, "the token is made once and shown again")
	taskAtom := strings.Replace(urls.TaskAtomURL, "{task_id}", tk.ID.String(), 1)
	taskJSON := strings.Replace(urls.TaskJSONURL, "{task_id}", tk.ID.String(), 1)

	// Every notification of the user, newest first, with the hostile text intact once parsed.
	res, body := fetchFeed(t, b, urls.AtomURL, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	require.Equal(t, "application/atom+xml; charset=utf-8", res.Header.Get("Content-Type"))
	require.NotContains(t, string(body), "<script>")
	require.NotContains(t, string(body), "<img")
	var atom atomDoc
	require.NoError(t, xml.Unmarshal(body, &atom), string(body))
	require.Len(t, atom.Entries, 3)
	require.Equal(t, "urn:uuid:"+newer.ID.String(), atom.Entries[0].ID)
	require.Equal(t, "urn:uuid:"+older.ID.String(), atom.Entries[1].ID)
	require.Equal(t, "Out today <img src=x onerror=alert(1)>", atom.Entries[0].Title)
	require.Equal(t, hostileNote, atom.Entries[0].Summary)
	require.Equal(t, feedPublicURL+"/tasks/"+tk.ID.String(), atom.Entries[0].Link.Href)
	require.Contains(t, atom.Entries[0].Content, `<a href="https://news.example/a?x=1&amp;y=&lt;2&gt;">News &lt;&amp;&gt;</a>`)
	require.NotContains(t, atom.Entries[0].Content, "javascript:", "a source that is not http(s) is no link")
	require.NotContains(t, atom.Entries[0].Content, "<script>")

	res, body = fetchFeed(t, b, urls.JSONURL, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	require.Equal(t, "application/feed+json; charset=utf-8", res.Header.Get("Content-Type"))
	var jf jsonFeedDoc
	require.NoError(t, json.Unmarshal(body, &jf))
	require.Equal(t, "https://jsonfeed.org/version/1.1", jf.Version)
	require.Len(t, jf.Items, 3)
	require.Equal(t, hostileName, jf.Items[0].Torale.TaskName)
	require.Equal(t, hostileNote, jf.Items[0].Torale.Notification)
	require.Equal(t, strings.Replace(hostileEvidence, "\x01", "\uFFFD", 1), jf.Items[0].Torale.Evidence,
		"a control character XML cannot carry becomes U+FFFD in both formats")
	require.NotContains(t, jf.Items[0].ContentHTML, "<img")

	// One task's feed has only its runs, and its name as the title.
	res, body = fetchFeed(t, b, taskAtom, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	atom = atomDoc{}
	require.NoError(t, xml.Unmarshal(body, &atom))
	require.Len(t, atom.Entries, 2)
	require.Equal(t, "Torale: "+hostileName, atom.Title)
	res, body = fetchFeed(t, b, taskJSON, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	jf = jsonFeedDoc{}
	require.NoError(t, json.Unmarshal(body, &jf))
	require.Len(t, jf.Items, 2)

	// Conditional GETs: both validators answer 304; a stale one answers the feed.
	for _, u := range []string{urls.AtomURL, urls.JSONURL, taskAtom} {
		res, _ := fetchFeed(t, b, u, nil)
		etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
		require.NotEmpty(t, etag)
		require.Equal(t, base.Add(time.Minute).UTC().Format(http.TimeFormat), modified, "the newest entry's time")
		res, body := fetchFeed(t, b, u, map[string]string{"If-None-Match": etag})
		require.Equal(t, http.StatusNotModified, res.StatusCode, u)
		require.Empty(t, body)
		require.Equal(t, etag, res.Header.Get("ETag"))
		res, _ = fetchFeed(t, b, u, map[string]string{"If-None-Match": `"other", W/` + etag})
		require.Equal(t, http.StatusNotModified, res.StatusCode, "a weak match in a list")
		res, _ = fetchFeed(t, b, u, map[string]string{"If-Modified-Since": modified})
		require.Equal(t, http.StatusNotModified, res.StatusCode, u)
		res, _ = fetchFeed(t, b, u, map[string]string{"If-None-Match": `"stale"`})
		require.Equal(t, http.StatusOK, res.StatusCode)
		res, _ = fetchFeed(t, b, u, map[string]string{"If-Modified-Since": base.Add(-time.Hour).UTC().Format(http.TimeFormat)})
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	res, _ = fetchFeed(t, b, urls.AtomURL, nil)
	etag := res.Header.Get("ETag")
	feedRun(t, b.store, me.ID, tk.ID, "more news", base.Add(2*time.Minute))
	res, _ = fetchFeed(t, b, urls.AtomURL, map[string]string{"If-None-Match": etag})
	require.Equal(t, http.StatusOK, res.StatusCode, "a new notification changes the ETag")
	require.NotEqual(t, etag, res.Header.Get("ETag"))

	// Bob's token reads none of Alice's tasks, and Alice's feed nothing of Bob's.
	bob := b.client(t, client.WithDevUser("bob"))
	bobURLs, err := bob.Feed(ctx)
	require.NoError(t, err)
	require.NotEqual(t, urls.AtomURL, bobURLs.AtomURL)
	for _, tmpl := range []string{bobURLs.TaskAtomURL, bobURLs.TaskJSONURL} {
		res, body := fetchFeed(t, b, strings.Replace(tmpl, "{task_id}", tk.ID.String(), 1), nil)
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
		require.NotContains(t, string(body), "Launch")
	}
	res, body = fetchFeed(t, b, bobURLs.AtomURL, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	atom = atomDoc{}
	require.NoError(t, xml.Unmarshal(body, &atom))
	require.Empty(t, atom.Entries)

	// Rotating kills the old URLs at once and the new ones work.
	rotated, err := alice.RotateFeed(ctx)
	require.NoError(t, err)
	require.NotEqual(t, urls.AtomURL, rotated.AtomURL)
	for _, u := range []string{urls.AtomURL, urls.JSONURL, taskAtom, taskJSON} {
		res, _ := fetchFeed(t, b, u, nil)
		require.Equal(t, http.StatusNotFound, res.StatusCode, u)
	}
	res, _ = fetchFeed(t, b, rotated.AtomURL, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	shown, err := alice.Feed(ctx)
	require.NoError(t, err)
	require.Equal(t, rotated, shown)

	// Junk names no feed.
	prefix := feedPublicURL + "/api/v1/feeds/"
	token := strings.TrimSuffix(strings.TrimPrefix(rotated.AtomURL, prefix), ".atom")
	for _, u := range []string{prefix + "nope.atom", prefix + token + ".rss", prefix + token, prefix + ".atom",
		prefix + strings.Repeat("A", 43) + ".json", prefix + token + "/tasks/" + tk.ID.String() + ".xml",
		prefix + token + "/tasks/not-a-uuid.atom", prefix + token + "/tasks/" + uuid.NewString() + ".json"} {
		res, _ := fetchFeed(t, b, u, nil)
		require.Equal(t, http.StatusNotFound, res.StatusCode, u)
	}
}

// A feed holds at most 50 entries, the newest.
func TestFeedHoldsFiftyNewest(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("carol"))
	me, err := c.Me(ctx)
	require.NoError(t, err)
	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "many"})
	require.NoError(t, err)
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	var newest task.Execution
	for i := range 51 {
		newest = feedRun(t, b.store, me.ID, tk.ID, "news", base.Add(time.Duration(i)*time.Minute))
	}
	urls, err := c.Feed(ctx)
	require.NoError(t, err)
	res, body := fetchFeed(t, b, urls.JSONURL, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var jf jsonFeedDoc
	require.NoError(t, json.Unmarshal(body, &jf))
	require.Len(t, jf.Items, 50)
	require.Equal(t, "urn:uuid:"+newest.ID.String(), jf.Items[0].ID)
}

// A new notify key makes new feed URLs: the old ones are dead, and GET /feed shows working ones
// rather than URLs the new key derives but nobody stored.
func TestFeedAfterNotifyKeyChange(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("dave"))
	old, err := c.Feed(ctx)
	require.NoError(t, err)
	k, err := notifykey.New(strings.Repeat("another-feed-key-", 2))
	require.NoError(t, err)
	srv := httptest.NewServer(api.New(api.Deps{Keys: b.store, Admin: b.store, Auth: auth.NewDev(b.store), Log: logging.Discard(),
		Feeds: api.Feeds{Store: b.store, Keys: k, PublicURL: feedPublicURL}}))
	defer srv.Close()
	other := client.New(srv.URL, client.WithHTTPClient(validatingClient(t)), client.WithDevUser("dave"))
	fresh, err := other.Feed(ctx)
	require.NoError(t, err)
	require.NotEqual(t, old.AtomURL, fresh.AtomURL)
	res, _ := fetchFeed(t, b, old.AtomURL, nil)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	res, _ = fetchFeed(t, b, fresh.AtomURL, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	again, err := other.Feed(ctx)
	require.NoError(t, err)
	require.Equal(t, fresh, again, "made once under the new key")

	// Without a notify key no token can be shown.
	srv2 := httptest.NewServer(api.New(api.Deps{Keys: b.store, Admin: b.store, Auth: auth.NewDev(b.store), Log: logging.Discard(),
		Feeds: api.Feeds{Store: b.store, PublicURL: feedPublicURL}}))
	defer srv2.Close()
	_, err = client.New(srv2.URL, client.WithHTTPClient(validatingClient(t)), client.WithDevUser("dave")).Feed(ctx)
	requireStatus(t, err, http.StatusServiceUnavailable)
}
