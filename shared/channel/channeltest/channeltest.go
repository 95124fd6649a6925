// Package channeltest runs local servers that answer as the chat services' APIs do as far as
// Torale uses them (Slack, Discord, Teams and Google Chat incoming webhooks, Telegram's
// sendMessage, ntfy's JSON publish, Pushover, Gotify, Matrix's send), record what they were
// sent, and fail on request, for tests and the notify benchmark.
package channeltest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
)

// Request is one message a service received.
type Request struct {
	Path string
	// Header is the request's headers (ntfy's Authorization carries its token).
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Request) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Service is one fake service.
type Service struct {
	Kind string
	srv  *httptest.Server

	mu     sync.Mutex
	got    []Request
	fail   []int
	count  int
	record bool
}

// New starts a fake of kind (a chat.Kind: "slack", "telegram", "ntfy", ...) on plain http until
// Close. It records every request unless Counting is asked for.
func New(kind string) *Service {
	s := newService(kind)
	s.srv.Start()
	return s
}

// NewTLS is New serving https with httptest's certificate (Server().Certificate() trusts it).
func NewTLS(kind string) *Service {
	s := newService(kind)
	s.srv.StartTLS()
	return s
}

func newService(kind string) *Service {
	s := &Service{Kind: kind, record: true}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	return s
}

// Counting makes the service count requests without keeping their bodies (benchmarks).
func (s *Service) Counting() *Service {
	s.mu.Lock()
	s.record = false
	s.mu.Unlock()
	return s
}

// Close stops the server.
func (s *Service) Close() { s.srv.Close() }

// Server is the underlying test server.
func (s *Service) Server() *httptest.Server { return s.srv }

// Addr is the server's address, for a guard's Allow list.
func (s *Service) Addr() netip.AddrPort {
	return netip.MustParseAddrPort(s.srv.Listener.Addr().String())
}

// Settings are a channel's settings that post to this server; token is the secret part (a
// webhook key, a bot token, an ntfy access token).
func (s *Service) Settings(token string) map[string]string {
	switch s.Kind {
	case "slack":
		return map[string]string{"webhook_url": s.srv.URL + "/services/T0001/B0001/" + token}
	case "discord":
		return map[string]string{"webhook_url": s.srv.URL + "/api/webhooks/123456789/" + token}
	case "telegram":
		return map[string]string{"bot_token": "123456789:" + token, "chat_id": "-100200300", "api_url": s.srv.URL}
	case "ntfy":
		return map[string]string{"server": s.srv.URL, "topic": "torale-test", "token": "tk_" + token}
	case "teams":
		return map[string]string{"workflow_url": s.srv.URL + "/workflows/abc/triggers/manual/paths/invoke?sig=" + token}
	case "pushover":
		return map[string]string{"app_token": key30(token), "user_key": key30("u" + token), "api_url": s.srv.URL}
	case "gotify":
		return map[string]string{"server": s.srv.URL, "app_token": token}
	case "matrix":
		return map[string]string{"homeserver": s.srv.URL, "access_token": token, "room_id": "!room:example.org"}
	case "google_chat":
		return map[string]string{"webhook_url": s.srv.URL + "/v1/spaces/AAAA/messages?key=k&token=" + token}
	}
	return nil
}

// key30 is token as Pushover's 30 letters and digits.
func key30(token string) string {
	var b strings.Builder
	for _, r := range token {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return (b.String() + strings.Repeat("x", 30))[:30]
}

// FailNext answers the next len(codes) requests with those statuses, in order.
func (s *Service) FailNext(codes ...int) {
	s.mu.Lock()
	s.fail = append(s.fail, codes...)
	s.mu.Unlock()
}

// Requests returns what the service received, oldest first (failed requests included).
func (s *Service) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.got...)
}

// Count is how many requests came.
func (s *Service) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Reset forgets every request.
func (s *Service) Reset() {
	s.mu.Lock()
	s.got, s.count = nil, 0
	s.mu.Unlock()
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.count++
	if s.record {
		s.got = append(s.got, Request{Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	}
	code := 0
	if len(s.fail) > 0 {
		code, s.fail = s.fail[0], s.fail[1:]
	}
	s.mu.Unlock()
	if code != 0 {
		http.Error(w, `{"ok":false,"description":"failing on purpose"}`, code)
		return
	}
	switch s.Kind {
	case "slack":
		_, _ = io.WriteString(w, "ok")
	case "discord":
		w.WriteHeader(http.StatusNoContent)
	case "telegram":
		if !strings.HasSuffix(r.URL.Path, "/sendMessage") {
			http.Error(w, `{"ok":false,"error_code":404,"description":"Not Found"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true,"result":{"message_id":1}}`)
	case "ntfy":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"abc","event":"message"}`)
	case "pushover":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":1,"request":"abc"}`)
	case "matrix":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"event_id":"$abc"}`)
	default: // teams, gotify, google_chat
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}
}
