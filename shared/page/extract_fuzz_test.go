package page

import (
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzExtract feeds any bytes, declared as any content type, to the decoder and the
// extractors: no panic, and the text and title that come out are valid UTF-8.
func FuzzExtract(f *testing.F) {
	f.Add([]byte("<html><head><title>t</title></head><body><p>hello</p></body></html>"), "text/html", "p")
	f.Add([]byte("<meta charset=shift_jis><p>\x82\xa0</p>"), "text/html", "")
	f.Add([]byte("Caf\xe9"), "text/plain; charset=iso-8859-1", "")
	f.Add([]byte("\xff\xfeh\x00i\x00"), "text/plain", "")
	f.Add([]byte("<div><div class=a>x<div class=a>y</div></div></div>"), "application/xhtml+xml", ".a")
	base, _ := url.Parse("https://example.com/a/b")
	f.Fuzz(func(t *testing.T, body []byte, contentType, selector string) {
		mt, err := readableType(contentType, body)
		if err != nil {
			return
		}
		sel, err := ParseSelector(selector)
		if err != nil || selector == "" {
			sel = nil
		}
		doc, err := extract(body, contentType, mt, base, sel)
		if err != nil {
			return
		}
		if !utf8.ValidString(doc.text) || !utf8.ValidString(doc.title) {
			t.Fatalf("invalid UTF-8 out of %q", body)
		}
		if cut, _ := truncateUTF8(doc.text, 7); !utf8.ValidString(cut) {
			t.Fatalf("truncation split a rune of %q", doc.text)
		}
	})
}
