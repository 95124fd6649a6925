// Package perplexitytest is a fake Perplexity Search API: an httptest server that answers
// POST /search in the API's wire format and records each request.
package perplexitytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/torale-ai/torale/shared/agent/perplexity"
)

// Reply is one answer: a status (default 200) and the results.
type Reply struct {
	Status  int
	Results []perplexity.Result
}

// Seen is one request the fake received.
type Seen struct {
	Auth string
	Body perplexity.Request
}

// Server is the fake.
type Server struct {
	*httptest.Server
	mu     sync.Mutex
	answer func(perplexity.Request) Reply
	seen   []Seen
}

// New starts a fake answering with answer, closed when the test ends.
func New(t testing.TB, answer func(perplexity.Request) Reply) *Server {
	s := &Server{answer: answer}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Requests returns every request so far.
func (s *Server) Requests() []Seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Seen(nil), s.seen...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost || r.URL.Path != "/search" {
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "not found", "code": 404}})
		return
	}
	var body perplexity.Request
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Query == "" {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "query is required", "code": 400}})
		return
	}
	s.mu.Lock()
	s.seen = append(s.seen, Seen{Auth: r.Header.Get("Authorization"), Body: body})
	s.mu.Unlock()
	reply := s.answer(body)
	if reply.Status != 0 && reply.Status != http.StatusOK {
		w.WriteHeader(reply.Status)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": http.StatusText(reply.Status),
			"code": reply.Status}})
		return
	}
	if reply.Results == nil {
		reply.Results = []perplexity.Result{}
	}
	_ = json.NewEncoder(w).Encode(perplexity.Response{ID: "fake-search-1", Results: reply.Results})
}
