package feed

import (
	"bytes"
	"encoding/xml"
	"time"
)

// AtomType is the media type of an Atom feed.
const AtomType = "application/atom+xml; charset=utf-8"

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Updated   string      `xml:"updated"`
	Generator string      `xml:"generator"`
	Author    atomPerson  `xml:"author"`
	Links     []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     atomText   `xml:"title"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Links     []atomLink `xml:"link"`
	Summary   atomText   `xml:"summary"`
	Content   atomText   `xml:"content"`
}

// Atom renders f as an Atom document. encoding/xml escapes every text and attribute, and
// clean has already taken out what XML cannot carry, so hostile text stays well-formed.
func Atom(f Feed) []byte {
	a := atomFeed{ID: "urn:uuid:" + f.ID.String(), Title: atomText{Type: "text", Body: clean(f.Title)},
		Updated: stamp(f.Updated), Generator: "Torale", Author: atomPerson{Name: "Torale"},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: clean(f.SelfURL)},
			{Rel: "alternate", Type: "text/html", Href: clean(f.HomeURL)}}}
	for _, e := range f.Entries {
		a.Entries = append(a.Entries, atomEntry{ID: "urn:uuid:" + e.ID.String(),
			Title:     atomText{Type: "text", Body: e.title()},
			Published: stamp(e.Published), Updated: stamp(e.Published),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: clean(e.URL)}},
			Summary: atomText{Type: "text", Body: clean(e.Notification)},
			Content: atomText{Type: "html", Body: e.contentHTML()}})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(a); err != nil {
		// Only a writer's error or an unsupported type fails Encode; neither can happen here.
		panic("feed: encoding Atom: " + err.Error())
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// stamp is an RFC 3339 time in UTC, as both formats want.
func stamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
