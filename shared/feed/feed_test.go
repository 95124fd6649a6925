package feed_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/feed"
	"github.com/torale-ai/torale/shared/notifykey"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample() feed.Feed {
	task := uuid.MustParse("11111111-1111-4111-8111-111111111111")
	at := time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
	return feed.Feed{ID: uuid.MustParse("22222222-2222-4222-8222-222222222222"), Title: "Torale: <Launch> & \"dates\"",
		SelfURL: "https://app.torale.example/api/v1/feeds/TOKEN.atom", HomeURL: "https://app.torale.example/tasks",
		Updated: at, Entries: []feed.Entry{
			{ID: uuid.MustParse("33333333-3333-4333-8333-333333333333"), TaskID: task, TaskName: "iPhone <script>alert(1)</script>",
				URL: "https://app.torale.example/tasks/" + task.String(), Notification: "Apple announced the date: Sept 9.\nPre-orders & more",
				Evidence: "The press release says \"September 9\" ]]> <b>bold</b>",
				Sources: []feed.Source{{URL: "https://apple.example/news?a=1&b=2", Title: "Apple <Newsroom>"},
					{URL: "javascript:alert(1)", Title: "hostile"}},
				Published: at},
			{ID: uuid.MustParse("44444444-4444-4444-8444-444444444444"), TaskID: task, TaskName: "iPhone",
				URL: "https://app.torale.example/tasks/" + task.String(), Notification: "Control \x00\x1b chars and bad \xff utf-8",
				Published: at.Add(-24 * time.Hour)},
		}}
}

func TestGolden(t *testing.T) {
	for name, render := range map[string]func(feed.Feed) []byte{"sample.atom": feed.Atom, "sample.json": feed.JSON} {
		got := render(sample())
		path := filepath.Join("testdata", name)
		if *update {
			require.NoError(t, os.WriteFile(path, got, 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%s differs; go test ./shared/feed -update rewrites it", name)
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	atom := string(feed.Atom(sample()))
	require.NotContains(t, atom, "<script>")
	require.NotContains(t, atom, `href="javascript:`)
	require.NotContains(t, atom, "\x00")
	wellFormed(t, feed.Atom(sample()))
	js := feed.JSON(sample())
	require.NotContains(t, string(js), "&lt;a href=&#34;javascript:")
	var doc struct {
		Items []struct {
			ContentHTML string `json:"content_html"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal(js, &doc))
	require.NotContains(t, doc.Items[0].ContentHTML, "<script>")
	require.NotContains(t, doc.Items[0].ContentHTML, `href="javascript:`)
	require.Contains(t, doc.Items[0].ContentHTML, `<a href="https://apple.example/news?a=1&amp;b=2">Apple &lt;Newsroom&gt;</a>`)
}

func TestEmptyFeed(t *testing.T) {
	f := sample()
	f.Entries = nil
	wellFormed(t, feed.Atom(f))
	require.Contains(t, string(feed.JSON(f)), `"items": []`)
}

func TestToken(t *testing.T) {
	keys, err := notifykey.New(strings.Repeat("k", 32))
	require.NoError(t, err)
	user := uuid.New()
	a := feed.Token(keys, user, []byte("salt-1"))
	require.True(t, feed.WellFormed(a))
	require.Equal(t, a, feed.Token(keys, user, []byte("salt-1")), "the same salt gives the same token")
	require.NotEqual(t, a, feed.Token(keys, user, []byte("salt-2")), "a new salt gives a new token")
	require.NotEqual(t, a, feed.Token(keys, uuid.New(), []byte("salt-1")))
	require.False(t, feed.WellFormed(a[1:]))
	require.False(t, feed.WellFormed(strings.Repeat("!", 43)))
}

func FuzzRender(f *testing.F) {
	f.Add("name", "note", "evidence", "https://x.example/?a=1&b=2", "title")
	f.Add("<a>&]]>", "\x00\x1b\xff\ufffe", "\"'", "javascript:alert(1)", "<script>")
	f.Fuzz(func(t *testing.T, name, note, evidence, url, title string) {
		fd := sample()
		fd.Title = name
		fd.Entries[0].TaskName, fd.Entries[0].Notification, fd.Entries[0].Evidence = name, note, evidence
		fd.Entries[0].Sources = []feed.Source{{URL: url, Title: title}}
		fd.Entries[0].URL = url
		wellFormed(t, feed.Atom(fd))
		var v map[string]any
		if err := json.Unmarshal(feed.JSON(fd), &v); err != nil {
			t.Fatalf("JSON Feed does not parse: %v", err)
		}
	})
}

// wellFormed decodes every token of doc with encoding/xml.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("Atom is not well-formed: %v\n%s", err, doc)
		}
	}
}
