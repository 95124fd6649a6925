package memory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/task"
)

// Mem0 is task memory in Mem0's platform API. A task's facts are memories scoped to
// user_id = the Torale user and app_id = the task, so one task can never read another's.
//
// Wire format (docs.mem0.ai, API reference; every request carries
// "Authorization: Token <MEM0_API_KEY>"):
//
//	POST {base}/v1/memories/
//	{"messages": [{"role": "assistant", "content": "<fact>"}], "user_id": "<user>",
//	 "app_id": "<task>", "infer": false, "metadata": {"execution_id": "...", "source": "torale"}}
//	→ 200 [{"id": "...", "event": "ADD", "data": {"memory": "<fact>"}}]
//
//	POST {base}/v2/memories/search/
//	{"query": "<watch query>", "filters": {"AND": [{"user_id": "<user>"}, {"app_id": "<task>"}]},
//	 "top_k": 50}
//	→ 200 {"results": [{"id": "...", "memory": "<fact>", "user_id": "...", "score": 0.8, ...}]}
//
// infer is false so Mem0 stores each fact as written instead of rewriting it with its own
// model. Search answers have come back as a bare list, {"results": [...]} and
// {"memories": [...]} across API versions; all three are read.
type Mem0 struct {
	key     string
	base    string
	client  *http.Client
	timeout time.Duration
}

// NewMem0 returns memory kept in Mem0 at base (default config.DefaultMem0BaseURL).
func NewMem0(apiKey, base string, client *http.Client) *Mem0 {
	if base == "" {
		base = config.DefaultMem0BaseURL
	}
	if client == nil {
		client = &http.Client{}
	}
	return &Mem0{key: apiKey, base: strings.TrimRight(base, "/"), client: client, timeout: 15 * time.Second}
}

// Mem0Message is one conversation turn of an add request; a fact is an assistant turn.
type Mem0Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Mem0Add is the body of an add request.
type Mem0Add struct {
	Messages []Mem0Message  `json:"messages"`
	UserID   string         `json:"user_id"`
	AppID    string         `json:"app_id"`
	Infer    bool           `json:"infer"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// Mem0Search is the body of a search request.
type Mem0Search struct {
	Query   string         `json:"query"`
	Filters map[string]any `json:"filters"`
	TopK    int            `json:"top_k"`
}

// Mem0Memory is one memory in a search answer.
type Mem0Memory struct {
	ID     string  `json:"id"`
	Memory string  `json:"memory"`
	UserID string  `json:"user_id,omitempty"`
	AppID  string  `json:"app_id,omitempty"`
	Score  float64 `json:"score,omitempty"`
}

// Recall searches task t's memories for facts related to its search query.
func (m *Mem0) Recall(ctx context.Context, t task.Task) ([]string, error) {
	userID, taskID, query := t.UserID, t.ID, t.SearchQuery
	if strings.TrimSpace(query) == "" {
		query = "facts already reported"
	}
	body := Mem0Search{Query: query, TopK: task.FactsRecalled, Filters: map[string]any{
		"AND": []any{map[string]any{"user_id": userID.String()}, map[string]any{"app_id": taskID.String()}}}}
	data, err := m.post(ctx, "/v2/memories/search/", body)
	if err != nil {
		return nil, fmt.Errorf("searching Mem0: %w", err)
	}
	list, err := decodeMemories(data)
	if err != nil {
		return nil, fmt.Errorf("reading Mem0's search answer: %w", err)
	}
	var facts []string
	for _, mem := range list {
		// The filter scopes the search; a memory of another scope is never used, whatever the server says.
		if (mem.UserID != "" && mem.UserID != userID.String()) || (mem.AppID != "" && mem.AppID != taskID.String()) {
			continue
		}
		if f := strings.TrimSpace(mem.Memory); f != "" {
			facts = append(facts, f)
		}
	}
	return facts, nil
}

// Remember adds each fact as a memory of the task.
func (m *Mem0) Remember(ctx context.Context, userID, taskID, executionID uuid.UUID, facts []string) error {
	for _, f := range facts {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		body := Mem0Add{Messages: []Mem0Message{{Role: "assistant", Content: f}}, UserID: userID.String(),
			AppID: taskID.String(), Infer: false,
			Metadata: map[string]any{"execution_id": executionID.String(), "source": "torale"}}
		if _, err := m.post(ctx, "/v1/memories/", body); err != nil {
			return fmt.Errorf("adding to Mem0: %w", err)
		}
	}
	return nil
}

func (m *Mem0) post(ctx context.Context, path string, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.base+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Token "+m.key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := m.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode/100 != 2 {
		return nil, fmt.Errorf("HTTP %d: %.200s", res.StatusCode, data)
	}
	return data, nil
}

func decodeMemories(data []byte) ([]Mem0Memory, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var list []Mem0Memory
		err := json.Unmarshal(data, &list)
		return list, err
	}
	var wrapped struct {
		Results  []Mem0Memory `json:"results"`
		Memories []Mem0Memory `json:"memories"`
	}
	if err := json.Unmarshal(data, &wrapped); err != nil {
		return nil, err
	}
	return append(wrapped.Results, wrapped.Memories...), nil
}
