package page

import (
	"bytes"
	"net/url"
	"strings"
	"unicode/utf8"

	"codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
)

// extracted is a page's title and readable text.
type extracted struct {
	title string
	text  string
}

// extract turns a page body into text. HTML goes through Readability (the main article, its
// title kept) unless sel picks the part to read; plain text is only decoded.
func extract(body []byte, contentType, mediaType string, base *url.URL, sel cascadia.SelectorGroup) (extracted, error) {
	src := decode(body, contentType)
	if mediaType == "text/plain" {
		return extracted{text: strings.TrimSpace(src)}, nil
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return extracted{}, errorf(ErrContentType, "the page's HTML cannot be parsed: %v", err)
	}
	title := documentTitle(doc)
	if sel != nil {
		text, err := selected(doc, sel)
		return extracted{title: title, text: text}, err
	}
	parser := readability.NewParser()
	article, err := parser.ParseAndMutate(doc, base)
	if err == nil && article.Node != nil {
		if t := strings.TrimSpace(article.Title()); t != "" {
			title = t
		}
		if text := strings.TrimSpace(render.InnerText(article.Node)); text != "" {
			return extracted{title: title, text: text}, nil
		}
	}
	// Readability found no article (a short page, a listing): the visible text of the whole
	// page is the best there is. The document was changed by the attempt, so parse it again.
	doc, err = html.Parse(strings.NewReader(src))
	if err != nil {
		return extracted{}, errorf(ErrContentType, "the page's HTML cannot be parsed: %v", err)
	}
	return extracted{title: title, text: strings.TrimSpace(render.InnerText(doc))}, nil
}

// decode converts body to UTF-8 from the charset its Content-Type, byte order mark or <meta>
// declares, or that its bytes suggest, the way browsers decide.
func decode(body []byte, contentType string) string {
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" {
		return strings.ToValidUTF8(string(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))), "\uFFFD")
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// selected is the text of the elements sel matches, outermost first: an element inside
// another match is part of that match's text already.
func selected(doc *html.Node, sel cascadia.SelectorGroup) (string, error) {
	nodes := cascadia.QueryAll(doc, sel)
	matched := make(map[*html.Node]bool, len(nodes))
	var parts []string
	for _, n := range nodes {
		matched[n] = true
		if insideMatch(n, matched) {
			continue
		}
		if t := strings.TrimSpace(render.InnerText(n)); t != "" {
			parts = append(parts, t)
		}
	}
	if len(nodes) == 0 {
		return "", errorf(ErrSelectorNoMatch, "the CSS selector matched nothing on the page")
	}
	return strings.Join(parts, "\n\n"), nil
}

// insideMatch reports whether an ancestor of n was matched. QueryAll returns nodes in document
// order, so every ancestor of n that matched is already in matched.
func insideMatch(n *html.Node, matched map[*html.Node]bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if matched[p] {
			return true
		}
	}
	return false
}

// documentTitle is the text of the document's first <title>.
func documentTitle(doc *html.Node) string {
	var find func(*html.Node) *html.Node
	find = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.DataAtom == atom.Title {
			return n
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			return nil
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if t := find(c); t != nil {
				return t
			}
		}
		return nil
	}
	t := find(doc)
	if t == nil {
		return ""
	}
	var b strings.Builder
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}
