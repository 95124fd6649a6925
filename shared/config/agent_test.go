package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
)

func TestAgentDefaults(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	require.NoError(t, err)
	a := c.Agent
	require.Equal(t, "gemini-3.5-flash-lite", a.Model)
	require.Equal(t, "gemini-3.5-flash", a.FallbackModel)
	require.Equal(t, config.SearchGemini, a.Search)
	require.Equal(t, 60, a.MinConfidence)
	require.Equal(t, "https://api.perplexity.ai", a.PerplexityBaseURL)
	require.Equal(t, "https://api.mem0.ai", a.Mem0BaseURL)
	require.Empty(t, a.URL)
	require.Empty(t, a.GeminiBaseURL)
}

func TestAgentSettings(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{"GEMINI_API_KEY": "g", "GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:9/",
		"TORALE_MODEL": "gemini-x", "TORALE_FALLBACK_MODEL": "none", "TORALE_SEARCH": "Perplexity",
		"PERPLEXITY_API_KEY": "p", "MEM0_API_KEY": "m", "MEM0_BASE_URL": "http://127.0.0.1:8/", "TORALE_MIN_CONFIDENCE": "0",
		"TORALE_AGENT_URL": "https://agent-abc.a.run.app"}))
	require.NoError(t, err)
	a := c.Agent
	require.Equal(t, "gemini-x", a.Model)
	require.Empty(t, a.FallbackModel, "none turns the fallback off")
	require.Equal(t, config.SearchPerplexity, a.Search)
	require.Equal(t, 0, a.MinConfidence)
	require.Equal(t, "http://127.0.0.1:8", a.Mem0BaseURL)
	require.Equal(t, "http://127.0.0.1:9/", a.GeminiBaseURL)

	_, err = config.FromEnv(env(map[string]string{"TORALE_SEARCH": "perplexity", "TORALE_MIN_CONFIDENCE": "101",
		"MEM0_BASE_URL": "not a url", "TORALE_AGENT_URL": "ftp://x"}))
	for _, key := range []string{"PERPLEXITY_API_KEY", "TORALE_MIN_CONFIDENCE", "MEM0_BASE_URL", "TORALE_AGENT_URL"} {
		require.ErrorContains(t, err, key)
	}
	_, err = config.FromEnv(env(map[string]string{"TORALE_SEARCH": "bing"}))
	require.ErrorContains(t, err, "TORALE_SEARCH")
}

func TestPrices(t *testing.T) {
	p := config.DefaultPrices()
	require.InDelta(t, 0.25*1.2+1.5*0.1, p.Tokens("gemini-3.5-flash-lite", 1_200_000, 100_000), 1e-9)
	require.InDelta(t, p.Tokens("gemini-3.5-flash-lite", 1000, 100), p.Tokens("models/gemini-3.5-flash-lite-001", 1000, 100), 1e-12,
		"versioned names take their family's price")
	require.Greater(t, p.Tokens("gemini-3.5-flash", 1000, 100), p.Tokens("gemini-3.5-flash-lite", 1000, 100),
		"flash is not priced as flash-lite")
	require.Zero(t, p.Tokens("some-other-model", 1000, 100))
	require.InDelta(t, 0.028, p.Searches(config.SearchGemini, 2), 1e-12)
	require.InDelta(t, 0.005, p.Searches(config.SearchPerplexity, 1), 1e-12)
}
