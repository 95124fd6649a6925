// Package prompt writes what the models are asked, from the templates in templates/. Rules go
// in the system instruction; every piece of text a user, a web page or an earlier model answer
// wrote goes in the user message inside an <untrusted_data> fence whose id is random per
// prompt, and any fence marker inside that text is defused, so data cannot close its fence and
// pass for instructions.
package prompt

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/task"
)

//go:embed templates/*.tmpl
var templates embed.FS

// Limits on the untrusted text one prompt carries, in characters, so a huge page or a long
// history cannot crowd out the rules or run up the bill.
const (
	maxQuery    = 2000
	maxSummary  = 12000
	maxSnippet  = 1500
	maxPages    = 30 // the search's (Gemini cites up to about 20) and the watch's own (10)
	maxContext  = 4000
	maxEvidence = 1200
	maxRecent   = 5
	maxFacts    = 50
	maxFact     = 300
)

// Prompt is one model request's text.
type Prompt struct {
	System string
	User   string
}

// Renderer renders prompts. It is safe for concurrent use.
type Renderer struct {
	tmpl  *template.Template
	nonce io.Reader
}

// New returns a renderer drawing fence ids from nonce (crypto/rand when nil; tests pass a fixed
// reader so golden files are stable).
func New(nonce io.Reader) *Renderer {
	if nonce == nil {
		nonce = rand.Reader
	}
	r := &Renderer{nonce: nonce}
	r.tmpl = template.Must(template.New("prompt").Funcs(template.FuncMap{
		"fence":  Fence,
		"render": r.render,
	}).ParseFS(templates, "templates/*.tmpl"))
	return r
}

// Search renders the research step's prompt.
func (r *Renderer) Search(in agent.Input) (Prompt, error) {
	d, err := r.base(in)
	if err != nil {
		return Prompt{}, err
	}
	return r.pair("search", d)
}

// Decide renders the decision step's prompt over what the search found. retryReason, when
// set, says why the previous answer was refused; it is Torale's own text, never the model's.
func (r *Renderer) Decide(in agent.Input, f search.Findings, retryReason string) (Prompt, error) {
	d, err := r.base(in)
	if err != nil {
		return Prompt{}, err
	}
	d.RetryReason = retryReason
	d.Summary = truncate(f.Summary, maxSummary)
	for i, p := range f.Pages {
		if i == maxPages {
			break
		}
		d.Pages = append(d.Pages, page{ID: i + 1, Title: oneLine(p.Title, 200), Host: host(p.URL, p.Title),
			Date: oneLine(p.Date, 40), Snippet: truncate(p.Snippet, maxSnippet), Read: p.Read})
	}
	for i, res := range in.Recent {
		if i == maxRecent {
			break
		}
		run := recentRun{N: i + 1, Confidence: res.Confidence, Evidence: truncate(res.Evidence, maxEvidence)}
		if res.Notifies() {
			run.Notification = oneLine(*res.Notification, maxEvidence)
		}
		d.Recent = append(d.Recent, run)
	}
	for i, fact := range in.Memory {
		if i == maxFacts {
			break
		}
		if fact = oneLine(fact, maxFact); fact != "" {
			d.Memory = append(d.Memory, fact)
		}
	}
	return r.pair("decide", d)
}

type data struct {
	Fence            string
	Now, Local       string
	Timezone         string
	NotifyOnce       bool
	Query            string
	Condition        string
	ConditionDiffers bool
	Context          string
	RetryReason      string
	Summary          string
	Pages            []page
	Recent           []recentRun
	Memory           []string
}

type page struct {
	ID                         int
	Title, Host, Date, Snippet string
	Read                       bool
}

type recentRun struct {
	N            int
	Confidence   int
	Notification string
	Evidence     string
}

func (r *Renderer) base(in agent.Input) (data, error) {
	var id [8]byte
	if _, err := io.ReadFull(r.nonce, id[:]); err != nil {
		return data{}, fmt.Errorf("drawing a fence id: %w", err)
	}
	loc, zone, err := task.CanonicalZone(in.Timezone)
	if err != nil {
		zone, loc = "UTC", time.UTC
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	cond := strings.TrimSpace(in.ConditionDescription)
	query := strings.TrimSpace(in.SearchQuery)
	return data{
		Fence: hex.EncodeToString(id[:]), Timezone: zone,
		Now:        now.UTC().Format(time.RFC3339),
		Local:      now.In(loc).Format("Monday 2 January 2006, 15:04 MST"),
		NotifyOnce: in.NotifyBehavior != task.NotifyAlways,
		Query:      truncate(query, maxQuery), Condition: truncate(cond, maxQuery),
		ConditionDiffers: cond != "" && cond != query,
		Context:          truncate(strings.TrimSpace(in.Context), maxContext),
	}, nil
}

func (r *Renderer) pair(step string, d data) (Prompt, error) {
	system, err := r.render(step+"_system", d)
	if err != nil {
		return Prompt{}, err
	}
	user, err := r.render(step+"_user", d)
	if err != nil {
		return Prompt{}, err
	}
	return Prompt{System: system, User: user}, nil
}

func (r *Renderer) render(name string, d any) (string, error) {
	var b strings.Builder
	if err := r.tmpl.ExecuteTemplate(&b, name, d); err != nil {
		return "", fmt.Errorf("rendering prompt %s: %w", name, err)
	}
	return b.String(), nil
}

// fenceMarker matches anything that could read as a fence tag, whatever its case or spacing.
var fenceMarker = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)untrusted[\s_\-]*data`) })

// Fence wraps untrusted text in an <untrusted_data> block labelled for the model. Inside the
// text, fence markers are defused and control characters dropped, so the text can neither
// close the block (it does not know id, and cannot write the tag) nor hide from a reader.
func Fence(id, label, text string) string {
	text = fenceMarker().ReplaceAllString(clean(text), "untrusted-text")
	return fmt.Sprintf("<untrusted_data id=%q label=%q>\n%s\n</untrusted_data id=%q>", id, label, strings.TrimSpace(text), id)
}

// clean makes text valid UTF-8 without control characters other than newlines and tabs.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n])) + " … [truncated]"
}

// oneLine folds s onto one line and truncates it.
func oneLine(s string, n int) string {
	return truncate(strings.Join(strings.Fields(s), " "), n)
}

// groundingRedirectHost serves the redirect links Google Search grounding returns; the page's
// own site is in its title instead.
const groundingRedirectHost = "vertexaisearch.cloud.google.com"

// host names the site of a page for the model, unless the title already does.
func host(raw, title string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	h := strings.TrimPrefix(u.Hostname(), "www.")
	if h == groundingRedirectHost || strings.Contains(strings.ToLower(title), strings.ToLower(h)) {
		return ""
	}
	return h
}
