package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The models Torale asks by default, named here and nowhere else. Flash-Lite is the cheapest
// current Gemini model that takes the Google Search tool and a response schema; Flash is its
// larger sibling, used when Flash-Lite is rate-limited, overloaded or retired.
const (
	DefaultModel         = "gemini-3.5-flash-lite"
	DefaultFallbackModel = "gemini-3.5-flash"
)

// The search providers TORALE_SEARCH may name.
const (
	SearchGemini     = "gemini"
	SearchPerplexity = "perplexity"
)

// Default endpoints of the hosted services the agent talks to.
const (
	DefaultPerplexityBaseURL = "https://api.perplexity.ai"
	DefaultMem0BaseURL       = "https://api.mem0.ai"
)

// AgentConfig is how runs are decided. Each field names its variable and default.
type AgentConfig struct {
	// Model (TORALE_MODEL, default DefaultModel) searches and decides.
	Model string
	// FallbackModel (TORALE_FALLBACK_MODEL, default DefaultFallbackModel; "none" turns it off)
	// is asked when Model keeps answering 429/503 or no longer exists.
	FallbackModel string
	// GeminiBaseURL (GOOGLE_GEMINI_BASE_URL, default the SDK's) points the Gemini client at
	// another endpoint: a proxy, or a fake in tests.
	GeminiBaseURL string
	// Search (TORALE_SEARCH, default "gemini") picks the search step: Gemini with Google Search
	// grounding, or Perplexity's Search API (which needs PerplexityAPIKey).
	Search string
	// PerplexityAPIKey (PERPLEXITY_API_KEY) and PerplexityBaseURL (PERPLEXITY_BASE_URL, default
	// DefaultPerplexityBaseURL) reach Perplexity's Search API.
	PerplexityAPIKey  string
	PerplexityBaseURL string
	// Mem0APIKey (MEM0_API_KEY) keeps task memory in Mem0's platform instead of PostgreSQL;
	// Mem0BaseURL (MEM0_BASE_URL, default DefaultMem0BaseURL) is its endpoint.
	Mem0APIKey  string
	Mem0BaseURL string
	// MinConfidence (TORALE_MIN_CONFIDENCE, 0–100, default 60) is the confidence below which a
	// notification is held back.
	MinConfidence int
	// URL (TORALE_AGENT_URL, default none: in-process) is the agent function runs and previews
	// call; an https URL is called with a Google ID token for that audience.
	URL string
	// Prices estimate what each run cost (DefaultPrices).
	Prices Prices
	// PageAllowPrivate (TORALE_PAGE_ALLOW_PRIVATE, default false) lets the pages a watch lists
	// be read from loopback and private addresses. torale dev sets it, so a watch can read a
	// local page; never set it in the cloud. It is separate from the webhooks' setting.
	PageAllowPrivate bool
}

func agentFromEnv(getenv func(string) string, errs *[]error) AgentConfig {
	a := AgentConfig{
		Model:             strings.TrimSpace(or(getenv("TORALE_MODEL"), DefaultModel)),
		FallbackModel:     strings.TrimSpace(or(getenv("TORALE_FALLBACK_MODEL"), DefaultFallbackModel)),
		GeminiBaseURL:     getenv("GOOGLE_GEMINI_BASE_URL"),
		Search:            strings.ToLower(or(getenv("TORALE_SEARCH"), SearchGemini)),
		PerplexityAPIKey:  getenv("PERPLEXITY_API_KEY"),
		PerplexityBaseURL: strings.TrimRight(or(getenv("PERPLEXITY_BASE_URL"), DefaultPerplexityBaseURL), "/"),
		Mem0APIKey:        getenv("MEM0_API_KEY"),
		Mem0BaseURL:       strings.TrimRight(or(getenv("MEM0_BASE_URL"), DefaultMem0BaseURL), "/"),
		URL:               getenv("TORALE_AGENT_URL"),
		MinConfidence:     60,
		Prices:            DefaultPrices(),
	}
	if strings.EqualFold(a.FallbackModel, "none") || a.FallbackModel == a.Model {
		a.FallbackModel = ""
	}
	a.PageAllowPrivate = boolean(getenv, "TORALE_PAGE_ALLOW_PRIVATE", errs)
	if v := getenv("TORALE_MIN_CONFIDENCE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			*errs = append(*errs, fmt.Errorf("TORALE_MIN_CONFIDENCE: %q is not a whole number from 0 to 100", v))
		} else {
			a.MinConfidence = n
		}
	}
	switch a.Search {
	case SearchGemini:
	case SearchPerplexity:
		if a.PerplexityAPIKey == "" {
			*errs = append(*errs, fmt.Errorf("TORALE_SEARCH: %q needs PERPLEXITY_API_KEY", a.Search))
		}
	default:
		*errs = append(*errs, fmt.Errorf("TORALE_SEARCH: %q is not %q or %q", a.Search, SearchGemini, SearchPerplexity))
	}
	for _, kv := range [][2]string{{"GOOGLE_GEMINI_BASE_URL", a.GeminiBaseURL}, {"PERPLEXITY_BASE_URL", a.PerplexityBaseURL},
		{"MEM0_BASE_URL", a.Mem0BaseURL}, {"TORALE_AGENT_URL", a.URL}} {
		key, v := kv[0], kv[1]
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			*errs = append(*errs, fmt.Errorf("%s: %q is not an absolute http or https URL", key, v))
		}
	}
	return a
}

// Price is what a model charges per million tokens, in US dollars.
type Price struct {
	InputPerMillion  float64
	OutputPerMillion float64
}

// Prices is the one table cost estimates come from. Update it when the providers' price pages
// change; a model missing from it is estimated at zero.
type Prices struct {
	// Models maps a model name (or a prefix of versioned names) to its token prices.
	Models map[string]Price
	// GoogleSearchPerThousand is the grounding charge per 1,000 search queries a model runs.
	GoogleSearchPerThousand float64
	// PerplexitySearchPerThousand is the charge per 1,000 Search API requests.
	PerplexitySearchPerThousand float64
}

// DefaultPrices returns the paid-tier list prices, standard (not batch) requests, prompts under
// 200k tokens; output includes thinking tokens. Free tiers and free grounding quotas are
// ignored, so estimates err high. Sources: ai.google.dev/gemini-api/docs/pricing (Gemini 3.x:
// Flash-Lite $0.25/$1.50, Flash $0.50/$3.00, grounding $14 per 1,000 queries) and
// docs.perplexity.ai pricing (Search API $5 per 1,000 requests). The 3.5 rows repeat the 3.1
// prices until Google lists the 3.5 ones; check them before relying on the figures.
func DefaultPrices() Prices {
	return Prices{
		Models: map[string]Price{
			"gemini-3.5-flash-lite": {InputPerMillion: 0.25, OutputPerMillion: 1.50},
			"gemini-3.5-flash":      {InputPerMillion: 0.50, OutputPerMillion: 3.00},
			"gemini-3.1-flash-lite": {InputPerMillion: 0.25, OutputPerMillion: 1.50},
			"gemini-3-flash":        {InputPerMillion: 0.50, OutputPerMillion: 3.00},
			"gemini-2.5-flash-lite": {InputPerMillion: 0.10, OutputPerMillion: 0.40},
			"gemini-2.5-flash":      {InputPerMillion: 0.30, OutputPerMillion: 2.50},
		},
		GoogleSearchPerThousand:     14,
		PerplexitySearchPerThousand: 5,
	}
}

// Model returns the price of model: an exact entry, else the longest entry that prefixes it
// (so "gemini-3.5-flash-lite-001" is priced as "gemini-3.5-flash-lite"). ok is false when
// nothing matches.
func (p Prices) Model(model string) (Price, bool) {
	model = strings.TrimPrefix(model, "models/")
	if pr, ok := p.Models[model]; ok {
		return pr, true
	}
	best, found := "", false
	for name := range p.Models {
		if strings.HasPrefix(model, name) && len(name) > len(best) {
			best, found = name, true
		}
	}
	return p.Models[best], found
}

// Tokens estimates the charge for one model call.
func (p Prices) Tokens(model string, promptTokens, outputTokens int) float64 {
	pr, _ := p.Model(model)
	return (float64(promptTokens)*pr.InputPerMillion + float64(outputTokens)*pr.OutputPerMillion) / 1e6
}

// Searches estimates the charge for n search queries run by provider (SearchGemini or
// SearchPerplexity).
func (p Prices) Searches(provider string, n int) float64 {
	per := p.GoogleSearchPerThousand
	if provider == SearchPerplexity {
		per = p.PerplexitySearchPerThousand
	}
	return float64(n) * per / 1000
}
