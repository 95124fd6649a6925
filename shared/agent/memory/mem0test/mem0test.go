// Package mem0test is a fake Mem0 platform API: an httptest server that stores memories from
// POST /v1/memories/ and answers POST /v2/memories/search/ with the memories whose user_id and
// app_id match the request's AND filter, in Mem0's wire format.
package mem0test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/torale-ai/torale/shared/agent/memory"
)

// Server is the fake. Every request must carry "Authorization: Token <Key>".
type Server struct {
	*httptest.Server
	Key string

	mu       sync.Mutex
	memories []memory.Mem0Memory
	adds     []memory.Mem0Add
	searches []memory.Mem0Search
	fail     int // answer the next fail requests with 503
}

// New starts a fake expecting key, closed when the test ends.
func New(t testing.TB, key string) *Server {
	s := &Server{Key: key}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// FailNext makes the next n requests fail with 503.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

// Adds returns every add request so far.
func (s *Server) Adds() []memory.Mem0Add {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]memory.Mem0Add(nil), s.adds...)
}

// Searches returns every search request so far.
func (s *Server) Searches() []memory.Mem0Search {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]memory.Mem0Search(nil), s.searches...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Token "+s.Key {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"detail":"Invalid API key"}`))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"detail":"Service unavailable"}`))
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/memories/":
		var add memory.Mem0Add
		if err := json.NewDecoder(r.Body).Decode(&add); err != nil || len(add.Messages) == 0 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"400 Bad Request","details":{"message":"Invalid input data."}}`))
			return
		}
		s.adds = append(s.adds, add)
		var events []any
		for _, m := range add.Messages {
			id := fmt.Sprintf("mem_%04d", len(s.memories)+1)
			s.memories = append(s.memories, memory.Mem0Memory{ID: id, Memory: m.Content, UserID: add.UserID, AppID: add.AppID})
			events = append(events, map[string]any{"id": id, "event": "ADD", "data": map[string]any{"memory": m.Content}})
		}
		_ = json.NewEncoder(w).Encode(events)
	case r.Method == http.MethodPost && r.URL.Path == "/v2/memories/search/":
		var q memory.Mem0Search
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.searches = append(s.searches, q)
		want := scope(q.Filters)
		results := []memory.Mem0Memory{}
		for i := len(s.memories) - 1; i >= 0 && len(results) < q.TopK; i-- {
			m := s.memories[i]
			if want["user_id"] == m.UserID && want["app_id"] == m.AppID {
				m.Score = 0.5
				results = append(results, m)
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"results": results})
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"Not found."}`))
	}
}

// scope reads {"AND": [{"user_id": ...}, {"app_id": ...}]}.
func scope(filters map[string]any) map[string]string {
	out := map[string]string{}
	and, _ := filters["AND"].([]any)
	for _, c := range and {
		if m, ok := c.(map[string]any); ok {
			for k, v := range m {
				if s, ok := v.(string); ok {
					out[k] = s
				}
			}
		}
	}
	return out
}
