// Package geminitest is a fake Gemini API for tests: an httptest server that speaks
// generateContent's wire format (candidates, grounding metadata, usage metadata, Google's error
// envelope), records every request, and answers with a Handler. Model is a Handler that
// behaves like a model over a small made-up web.
package geminitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Request is one generateContent call as the fake received it.
type Request struct {
	Model    string
	APIKey   string
	System   string // the system instruction's text
	User     string // the contents' text
	Grounded bool   // the Google Search tool was offered
	MIMEType string
	Schema   json.RawMessage // generationConfig.responseJsonSchema
	Body     []byte
}

// Response is one answer: a status and a JSON body.
type Response struct {
	Status int // default 200
	Body   any // marshalled as JSON; a string is sent as is
}

// Handler answers one request.
type Handler func(Request) Response

// Server is the fake. Point the client's base URL at URL.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	handler  Handler
	requests []Request
}

// New starts a fake answering with h, closed when the test ends.
func New(t testing.TB, h Handler) *Server {
	s := &Server{handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// SetHandler replaces the handler, for tests that change the script midway.
func (s *Server) SetHandler(h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handler = h
}

// Requests returns every request so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

type wireRequest struct {
	Contents []struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"contents"`
	SystemInstruction *struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"systemInstruction"`
	Tools []struct {
		GoogleSearch *struct{} `json:"googleSearch"`
	} `json:"tools"`
	GenerationConfig struct {
		ResponseMIMEType   string          `json:"responseMimeType"`
		ResponseJSONSchema json.RawMessage `json:"responseJsonSchema"`
	} `json:"generationConfig"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// POST /v1beta/models/{model}:generateContent
	path := r.URL.Path
	i := strings.Index(path, "/models/")
	if r.Method != http.MethodPost || i < 0 || !strings.HasSuffix(path, ":generateContent") {
		writeJSON(w, http.StatusNotFound, ErrorBody(http.StatusNotFound, "no such method "+path))
		return
	}
	body, _ := io.ReadAll(r.Body)
	var wr wireRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		writeJSON(w, http.StatusBadRequest, ErrorBody(http.StatusBadRequest, "bad JSON: "+err.Error()))
		return
	}
	req := Request{Model: strings.TrimSuffix(path[i+len("/models/"):], ":generateContent"),
		APIKey: r.Header.Get("x-goog-api-key"), MIMEType: wr.GenerationConfig.ResponseMIMEType,
		Schema: wr.GenerationConfig.ResponseJSONSchema, Body: body}
	if wr.SystemInstruction != nil {
		for _, p := range wr.SystemInstruction.Parts {
			req.System += p.Text
		}
	}
	for _, c := range wr.Contents {
		for _, p := range c.Parts {
			req.User += p.Text
		}
	}
	for _, t := range wr.Tools {
		req.Grounded = req.Grounded || t.GoogleSearch != nil
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	h := s.handler
	s.mu.Unlock()
	resp := h(req)
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	writeJSON(w, resp.Status, resp.Body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	if s, ok := body.(string); ok {
		_, _ = io.WriteString(w, s)
		return
	}
	_ = json.NewEncoder(w).Encode(body)
}

// statusNames are the google.rpc.Code names the API puts in its error envelope.
var statusNames = map[int]string{400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
	404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

// ErrorBody is Google's error envelope for an HTTP status.
func ErrorBody(status int, message string) map[string]any {
	return map[string]any{"error": map[string]any{"code": status, "message": message, "status": statusNames[status]}}
}

// Error answers with status and Google's error envelope, as the API does for 429 and 503.
func Error(status int) Response {
	msg := map[int]string{429: "Resource has been exhausted (e.g. check quota).",
		503: "The model is overloaded. Please try again later."}[status]
	if msg == "" {
		msg = http.StatusText(status)
	}
	return Response{Status: status, Body: ErrorBody(status, msg)}
}

// Usage is a response's usageMetadata.
type Usage struct {
	Prompt, Candidates, Thoughts, ToolUsePrompt int
}

func (u Usage) wire() map[string]any {
	return map[string]any{"promptTokenCount": u.Prompt, "candidatesTokenCount": u.Candidates,
		"thoughtsTokenCount": u.Thoughts, "toolUsePromptTokenCount": u.ToolUsePrompt,
		"totalTokenCount": u.Prompt + u.Candidates + u.Thoughts + u.ToolUsePrompt}
}

// Estimate counts tokens the way a rule of thumb does: about four characters each.
func Estimate(text string) int { return (len(text) + 3) / 4 }

// EstimateUsage estimates the usage of answering req with text.
func EstimateUsage(req Request, text string) Usage {
	return Usage{Prompt: Estimate(req.System) + Estimate(req.User), Candidates: Estimate(text)}
}

// Text answers with one candidate holding text.
func Text(text string, u Usage) Response {
	return Response{Body: map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
			"finishReason": "STOP", "index": 0,
		}},
		"usageMetadata": u.wire(), "modelVersion": "fake",
	}}
}

// JSON answers with v marshalled, as a model does under a response schema.
func JSON(v any, u Usage) Response {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return Text(string(b), u)
}

// Page is a made-up web page a grounded answer cites.
type Page struct {
	URL   string // the page's own address
	Title string // what groundingChunks[].web.title says (the API gives the site's domain)
	Text  string // what the page says
}

// RedirectURI is the address grounding metadata gives for page i: like the real API, a
// grounding redirect, not the page's own URL.
func RedirectURI(i int) string {
	return RedirectAt("https://vertexaisearch.cloud.google.com", i)
}

// RedirectAt is RedirectURI on another redirect service, base (a Redirector's URL).
func RedirectAt(base string, i int) string {
	return fmt.Sprintf("%s/grounding-api-redirect/fake%03d", base, i)
}

// Grounded answers a search call: a report quoting each page, with grounding chunks, supports
// pointing each sentence at its page, and the queries run.
func Grounded(pages []Page, queries []string, u Usage) Response {
	return GroundedAt("", pages, queries, u)
}

// GroundedAt is Grounded with the redirect links on redirects (a Redirector's URL; empty is
// Google's own host, as RedirectURI gives).
func GroundedAt(redirects string, pages []Page, queries []string, u Usage) Response {
	var text strings.Builder
	var chunks, supports []any
	for i, p := range pages {
		start := text.Len()
		fmt.Fprintf(&text, "%s says: %s", p.Title, p.Text)
		uri := RedirectURI(i)
		if redirects != "" {
			uri = RedirectAt(redirects, i)
		}
		chunks = append(chunks, map[string]any{"web": map[string]any{"uri": uri, "title": p.Title, "domain": p.Title}})
		supports = append(supports, map[string]any{
			"segment":               map[string]any{"startIndex": start, "endIndex": text.Len(), "text": text.String()[start:]},
			"groundingChunkIndices": []int{i},
		})
		text.WriteString("\n")
	}
	if len(pages) == 0 {
		text.WriteString("I found no recent information about this.")
	}
	r := Text(text.String(), u)
	cand := r.Body.(map[string]any)["candidates"].([]any)[0].(map[string]any)
	cand["groundingMetadata"] = map[string]any{
		"webSearchQueries": queries, "groundingChunks": chunks, "groundingSupports": supports,
		"searchEntryPoint": map[string]any{"renderedContent": "<div>fake search chips</div>"},
	}
	return r
}

// Empty answers with no candidate at all.
func Empty() Response {
	return Response{Body: map[string]any{"candidates": []any{}, "usageMetadata": Usage{Prompt: 10}.wire()}}
}

// EmptyCandidate answers with a candidate that has no parts.
func EmptyCandidate() Response {
	return Response{Body: map[string]any{"candidates": []any{map[string]any{
		"content": map[string]any{"role": "model"}, "finishReason": "STOP"}}, "usageMetadata": Usage{Prompt: 10}.wire()}}
}

// PromptBlocked answers as the API does when it refuses the prompt itself.
func PromptBlocked() Response {
	return Response{Body: map[string]any{"promptFeedback": map[string]any{"blockReason": "SAFETY",
		"safetyRatings": []any{map[string]any{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}}},
		"usageMetadata": Usage{Prompt: 10}.wire()}}
}

// SafetyStop answers with a candidate stopped for safety, with no text.
func SafetyStop() Response {
	return Response{Body: map[string]any{"candidates": []any{map[string]any{"finishReason": "SAFETY",
		"safetyRatings": []any{map[string]any{"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": true}}}},
		"usageMetadata": Usage{Prompt: 10}.wire()}}
}
