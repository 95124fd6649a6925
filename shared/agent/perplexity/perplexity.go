// Package perplexity is a search step backed by Perplexity's Search API: one POST /search with
// the watch's query returns ranked pages (title, url, snippet, date), which become the Findings
// the decision judges. Perplexity only searches; a model still decides.
//
// Wire format (docs.perplexity.ai, Search API):
//
//	POST {base}/search
//	Authorization: Bearer <PERPLEXITY_API_KEY>
//	{"query": "...", "max_results": 10, "max_tokens_per_page": 512}
//
//	200 {"id": "...", "results": [{"title": "...", "url": "https://...", "snippet": "...",
//	      "date": "2026-11-20", "last_updated": "2026-11-21"}]}
//
// Errors are HTTP statuses: 401/403 for a bad key, 429 when rate-limited, 5xx when the service
// is in trouble.
package perplexity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/search"
	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// Config is what a Client needs; zero fields take the defaults.
type Config struct {
	APIKey string
	// BaseURL is the API's root (default config.DefaultPerplexityBaseURL).
	BaseURL    string
	HTTPClient *http.Client
	// MaxResults is the pages asked for (default 10); MaxTokensPerPage bounds each snippet
	// (default 512), which bounds the decision's prompt.
	MaxResults       int
	MaxTokensPerPage int
	// Timeout bounds each request within the run's deadline (default 30s).
	Timeout time.Duration
	// Attempts is the tries of a request that is rate-limited or fails on the server (default 2),
	// Backoff the wait between them (default 1s).
	Attempts int
	Backoff  time.Duration
	// Prices estimate each request's cost.
	Prices config.Prices
}

// Client searches with Perplexity. It is safe for concurrent use.
type Client struct{ cfg Config }

// New returns a Client.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = config.DefaultPerplexityBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.MaxResults <= 0 {
		cfg.MaxResults = 10
	}
	if cfg.MaxTokensPerPage <= 0 {
		cfg.MaxTokensPerPage = 512
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 2
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Prices.Models == nil {
		cfg.Prices = config.DefaultPrices()
	}
	return &Client{cfg: cfg}
}

// Request is the Search API's request body.
type Request struct {
	Query            string `json:"query"`
	MaxResults       int    `json:"max_results,omitempty"`
	MaxTokensPerPage int    `json:"max_tokens_per_page,omitempty"`
}

// Result is one page of the Search API's response.
type Result struct {
	Title       string `json:"title"`
	URL         string `json:"url"`
	Snippet     string `json:"snippet"`
	Date        string `json:"date,omitempty"`
	LastUpdated string `json:"last_updated,omitempty"`
}

// Response is the Search API's response body.
type Response struct {
	ID      string   `json:"id"`
	Results []Result `json:"results"`
}

// Search runs the watch's query. Every request made is counted, and costed, in the usage.
func (c *Client) Search(ctx context.Context, in agent.Input) (search.Findings, task.Usage, error) {
	var usage task.Usage
	body, err := json.Marshal(Request{Query: strings.TrimSpace(in.SearchQuery), MaxResults: c.cfg.MaxResults,
		MaxTokensPerPage: c.cfg.MaxTokensPerPage})
	if err != nil {
		return search.Findings{}, usage, err
	}
	var last error
	for attempt := 0; attempt < c.cfg.Attempts; attempt++ {
		if attempt > 0 {
			if d, ok := ctx.Deadline(); ok && time.Until(d) < c.cfg.Backoff {
				break
			}
			select {
			case <-time.After(c.cfg.Backoff):
			case <-ctx.Done():
				return search.Findings{}, usage, ctx.Err()
			}
		}
		start := time.Now()
		resp, err := c.post(ctx, body)
		fee := c.cfg.Prices.Searches(config.SearchPerplexity, 1)
		usage.SearchQueries++
		usage.CostUSD += fee
		// Every attempt is billed, so every attempt is a step: the trail adds up to the usage.
		step := task.Step{Kind: task.StepSearch, At: start, Duration: time.Since(start), Queries: []string{strings.TrimSpace(in.SearchQuery)},
			CostUSD: fee}
		if err == nil {
			f := findings(resp)
			step.Results = len(f.Pages)
			agent.Record(ctx, step)
			return f, usage, nil
		}
		step.Failure = agent.AsError(err).Message
		agent.Record(ctx, step)
		if ctx.Err() != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return search.Findings{}, usage, &agent.Error{Category: task.CategoryTimeout, Retryable: true,
					Message: "the search took too long", Err: err}
			}
			return search.Findings{}, usage, ctx.Err()
		}
		last = err
		if ae := agent.AsError(err); !ae.Retryable {
			return search.Findings{}, usage, ae
		}
	}
	return search.Findings{}, usage, last
}

func (c *Client) post(ctx context.Context, body []byte) (Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/search", bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Response{}, &agent.Error{Category: task.CategoryTimeout, Retryable: true,
				Message: "the search took too long", Err: err}
		}
		return Response{}, &agent.Error{Category: task.CategoryNetwork, Retryable: true,
			Message: "the search provider could not be reached", Err: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return Response{}, &agent.Error{Category: task.CategoryNetwork, Retryable: true,
			Message: "the search provider's answer was cut off", Err: err}
	}
	if res.StatusCode != http.StatusOK {
		return Response{}, statusError(res.StatusCode, data)
	}
	var out Response
	if err := json.Unmarshal(data, &out); err != nil {
		return Response{}, &agent.Error{Category: task.CategoryNetwork, Retryable: true,
			Message: "the search provider's answer could not be read", Err: err}
	}
	return out, nil
}

func statusError(code int, body []byte) error {
	err := fmt.Errorf("perplexity search: HTTP %d: %.200s", code, body)
	switch {
	case code == http.StatusTooManyRequests:
		return &agent.Error{Category: task.CategoryRateLimit, Retryable: true, Err: err,
			Message: "the search provider is rate-limiting requests"}
	case code >= 500:
		return &agent.Error{Category: task.CategoryNetwork, Retryable: true, Err: err,
			Message: "the search provider had an internal error"}
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return &agent.Error{Category: task.CategorySystem, Err: err,
			Message: "the Perplexity API key was refused; check PERPLEXITY_API_KEY"}
	}
	return &agent.Error{Category: task.CategoryAgent, Err: err, Message: "the search provider refused the query"}
}

// findings keeps the results with a usable http(s) URL, once each.
func findings(resp Response) search.Findings {
	f := search.Findings{Provider: config.SearchPerplexity, Queries: 1}
	for _, r := range resp.Results {
		u, err := url.Parse(strings.TrimSpace(r.URL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		date := r.Date
		if date == "" {
			date = r.LastUpdated
		}
		f.AddPage(search.Page{URL: u.String(), Title: strings.TrimSpace(r.Title), Snippet: r.Snippet, Date: date})
	}
	return f
}
