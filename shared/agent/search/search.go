// Package search holds what a search step hands to the decision: the pages it found, what it
// read in them, and how many queries it ran. Gemini's Google Search grounding and Perplexity's
// Search API both produce Findings, so the decision does not care which one searched.
package search

// Page is one web page the search returned. Only pages listed here may become a result's
// sources; the decision refers to them by their position (ID 1 is Pages[0]).
type Page struct {
	URL     string
	Title   string
	Snippet string // text from the page, when the provider returns it
	Date    string // publication or update date, when the provider knows it
	// Read says the page is one the watch lists, read directly on this run rather than found
	// by the search.
	Read bool
}

// Findings is the outcome of one search step.
type Findings struct {
	// Summary is a report written from the pages (Gemini's grounded answer); empty when the
	// provider returns only pages.
	Summary string
	// Pages are the sources, deduplicated, in the order the decision cites them.
	Pages []Page
	// Queries is how many billable search queries ran.
	Queries int
	// Asked are the queries as the search ran them, when the provider says; the run's trail
	// shows them.
	Asked []string
	// Provider names the search (config.SearchGemini or config.SearchPerplexity), for pricing.
	Provider string
}

// AddPage appends p unless a page with its URL is already listed, and returns its 1-based ID.
func (f *Findings) AddPage(p Page) int {
	for i, q := range f.Pages {
		if q.URL == p.URL {
			return i + 1
		}
	}
	f.Pages = append(f.Pages, p)
	return len(f.Pages)
}
