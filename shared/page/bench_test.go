package page

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// benchPage builds a news page of about 200 KB: navigation, a sidebar, scripts and styles
// around an article of many paragraphs, with comments below, as real pages carry.
func benchPage() []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Phone launch: everything we know | Example News</title>`)
	b.WriteString(`<style>` + strings.Repeat(".c{margin:0 auto;padding:4px}", 200) + `</style>`)
	b.WriteString(`<script>` + strings.Repeat("window.dataLayer=window.dataLayer||[];", 200) + `</script></head><body>`)
	b.WriteString(`<header><nav><ul>`)
	for i := range 250 {
		fmt.Fprintf(&b, `<li class="menu-item"><a href="/section/%d">Section %d</a></li>`, i, i)
	}
	b.WriteString(`</ul></nav></header><div class="layout"><aside class="sidebar">`)
	for i := range 120 {
		fmt.Fprintf(&b, `<div class="promo"><a href="/promo/%d"><img src="/i/%d.jpg" alt="promo"> Offer %d</a></div>`, i, i, i)
	}
	b.WriteString(`</aside><main><article class="post"><h1>The phone ships on Friday</h1><p class="byline">By A. Writer</p>`)
	for i := range 400 {
		fmt.Fprintf(&b, `<p>Paragraph %d. The company said the phone would ship in every market on Friday, and that the price `+
			`of the base model stays at 899 dollars; analysts had expected a later date, and <a href="/ref/%d">suppliers</a> `+
			`said production caught up sooner than planned, with <em>limited</em> stock in the first weeks.</p>`, i, i)
		if i%20 == 0 {
			fmt.Fprintf(&b, `<h2>Part %d</h2><figure><img src="/f/%d.png"><figcaption>Figure %d</figcaption></figure>`, i/20, i, i)
		}
	}
	b.WriteString(`</article><section class="comments">`)
	for i := range 200 {
		fmt.Fprintf(&b, `<div class="comment"><span class="author">user%d</span><p>Comment %d: can't wait.</p></div>`, i, i)
	}
	b.WriteString(`</section></main></div><footer>` + strings.Repeat(`<a href="/legal">Legal</a> `, 50) + `</footer></body></html>`)
	return []byte(b.String())
}

func BenchmarkExtract(b *testing.B) {
	body := benchPage()
	base, _ := url.Parse("https://news.example/launch")
	b.Logf("page: %d bytes", len(body))
	b.Run("readability", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := extract(body, "text/html; charset=utf-8", "text/html", base, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	sel, err := ParseSelector("article p")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("selector", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := extract(body, "text/html; charset=utf-8", "text/html", base, sel); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Baselines from the same run: parsing alone, and the naive text of <body> with goquery
	// (no script removal, no article detection).
	b.Run("baseline-parse", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := html.Parse(bytes.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-goquery-text", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_ = doc.Find("body").Text()
		}
	})
}

// TestBenchPageExtractsTheArticle keeps the benchmark honest: readability must find the
// article and leave the navigation, sidebar and comments out.
func TestBenchPageExtractsTheArticle(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://news.example/launch")
	doc, err := extract(benchPage(), "text/html", "text/html", base, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Paragraph 0.", "Paragraph 399."} {
		if !strings.Contains(doc.text, want) {
			t.Fatalf("text lacks %q", want)
		}
	}
	for _, unwanted := range []string{"Section 7", "Offer 3", "window.dataLayer"} {
		if strings.Contains(doc.text, unwanted) {
			t.Fatalf("text has %q", unwanted)
		}
	}
	if doc.title == "" {
		t.Fatal("no title")
	}
}

func TestBenchPageIsAbout200KB(t *testing.T) {
	t.Parallel()
	if n := len(benchPage()); n < 180<<10 || n > 240<<10 {
		t.Fatalf("bench page is %d bytes", n)
	}
}
