package feed

import (
	"bytes"
	"encoding/json"
)

// JSONType is the media type of a JSON Feed.
const JSONType = "application/feed+json; charset=utf-8"

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Authors     []jsonAuthor `json:"authors"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string     `json:"id"`
	URL           string     `json:"url"`
	Title         string     `json:"title"`
	Summary       string     `json:"summary"`
	ContentHTML   string     `json:"content_html"`
	ContentText   string     `json:"content_text"`
	DatePublished string     `json:"date_published"`
	Torale        jsonTorale `json:"_torale"`
}

// jsonTorale is the entry's own extension (JSON Feed's keys starting with _): the parts a
// program reading the feed wants apart.
type jsonTorale struct {
	TaskID       string       `json:"task_id"`
	TaskName     string       `json:"task_name"`
	Notification string       `json:"notification"`
	Evidence     string       `json:"evidence"`
	Sources      []jsonSource `json:"sources"`
}

type jsonSource struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// JSON renders f as a JSON Feed 1.1 document.
func JSON(f Feed) []byte {
	j := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: clean(f.Title), HomePageURL: clean(f.HomeURL),
		FeedURL: clean(f.SelfURL), Authors: []jsonAuthor{{Name: "Torale"}}, Items: []jsonItem{}}
	for _, e := range f.Entries {
		t := jsonTorale{TaskID: e.TaskID.String(), TaskName: clean(e.TaskName), Notification: clean(e.Notification),
			Evidence: clean(e.Evidence), Sources: []jsonSource{}}
		for _, s := range e.Sources {
			t.Sources = append(t.Sources, jsonSource{URL: clean(s.URL), Title: clean(s.Title)})
		}
		j.Items = append(j.Items, jsonItem{ID: "urn:uuid:" + e.ID.String(), URL: clean(e.URL), Title: e.title(),
			Summary: clean(e.Notification), ContentHTML: e.contentHTML(), ContentText: e.contentText(),
			DatePublished: stamp(e.Published), Torale: t})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		panic("feed: encoding JSON Feed: " + err.Error())
	}
	return b.Bytes()
}
