// Package webhooktest is the far end of Torale's webhooks for tests: a real receiver on
// loopback that verifies signatures with the Standard Webhooks library, records what reaches it
// and fails on demand.
package webhooktest

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/torale-ai/torale/shared/tlstest"
)

// Hook is one request the receiver got.
type Hook struct {
	ID        string // webhook-id
	Timestamp string // webhook-timestamp
	Signature string // webhook-signature
	Body      []byte
	Header    http.Header // every header as it arrived
	// Verified lists, for each secret the receiver knows, whether a signature made with it
	// checks out under the Standard Webhooks library's verifier.
	Verified []bool
	Attempt  int // how many times this webhook-id had arrived, this one included
}

// Answer is how the receiver responds to one request.
type Answer struct {
	Status     int
	Body       string        // written back; the sender must never store or show it
	Delay      time.Duration // wait before answering (a timeout when longer than the client's)
	RetryAfter string
	Location   string
}

// Receiver is a webhook endpoint that verifies signatures with the Standard Webhooks library,
// records every request and deduplicates by webhook-id, and answers as told.
type Receiver struct {
	// URL is where to post; Addr is its address, for a guard's allow list.
	URL  string
	Addr netip.AddrPort
	// ClientTLS trusts the receiver's certificate (https receivers).
	ClientTLS *tls.Config

	srv      *httptest.Server
	conns    atomic.Int64
	mu       sync.Mutex
	secrets  []string
	hooks    []Hook
	seen     map[string]int
	answer   func(h Hook) Answer
	checkAge bool
}

// ReceiverOptions shape a Receiver.
type ReceiverOptions struct {
	TLS bool
	// ServerTLS and ClientTLS, when set, are the certificate to serve and the client settings
	// that trust it (from tlstest.Certificate), so that several receivers share one.
	ServerTLS, ClientTLS *tls.Config
	// CheckTimestamp enforces the library's ±5 minute tolerance; leave it off under a fake clock.
	CheckTimestamp bool
}

// NewReceiver starts a receiver that answers 204 until told otherwise.
func NewReceiver(t testing.TB, opts ReceiverOptions) *Receiver {
	t.Helper()
	r := &Receiver{seen: map[string]int{}, checkAge: opts.CheckTimestamp,
		answer: func(Hook) Answer { return Answer{Status: http.StatusNoContent} }}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.conns.Add(1)
		}
	}
	if opts.TLS {
		serverTLS, clientTLS := opts.ServerTLS, opts.ClientTLS
		if serverTLS == nil {
			serverTLS, clientTLS = tlstest.Certificate(t)
		}
		r.srv.TLS = serverTLS.Clone()
		r.ClientTLS = clientTLS
		r.srv.StartTLS()
	} else {
		r.srv.Start()
	}
	t.Cleanup(r.srv.Close)
	r.URL = r.srv.URL + "/hook"
	r.Addr = netip.MustParseAddrPort(r.srv.Listener.Addr().String())
	return r
}

// Secrets sets the secrets signatures are checked against.
func (r *Receiver) Secrets(secrets ...string) {
	r.mu.Lock()
	r.secrets = secrets
	r.mu.Unlock()
}

// Answer sets how the receiver responds.
func (r *Receiver) Answer(fn func(h Hook) Answer) {
	r.mu.Lock()
	r.answer = fn
	r.mu.Unlock()
}

// Hooks returns every request received, oldest first.
func (r *Receiver) Hooks() []Hook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Hook(nil), r.hooks...)
}

// Unique returns how many distinct webhook-ids arrived, and how many requests in all.
func (r *Receiver) Unique() (ids, requests int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen), len(r.hooks)
}

// Connections is how many connections were opened to the receiver.
func (r *Receiver) Connections() int64 { return r.conns.Load() }

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	h := Hook{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
		Signature: req.Header.Get("webhook-signature"), Body: body, Header: req.Header.Clone()}
	r.mu.Lock()
	for _, secret := range r.secrets {
		h.Verified = append(h.Verified, verify(secret, body, req.Header, r.checkAge))
	}
	r.seen[h.ID]++
	h.Attempt = r.seen[h.ID]
	r.hooks = append(r.hooks, h)
	answer := r.answer
	r.mu.Unlock()

	a := answer(h)
	if a.Delay > 0 {
		select {
		case <-time.After(a.Delay):
		case <-req.Context().Done():
			return
		}
	}
	if a.RetryAfter != "" {
		w.Header().Set("Retry-After", a.RetryAfter)
	}
	if a.Location != "" {
		w.Header().Set("Location", a.Location)
	}
	if a.Status == 0 {
		a.Status = http.StatusNoContent
	}
	w.WriteHeader(a.Status)
	_, _ = io.WriteString(w, a.Body)
}

// verify checks one secret's signature among those the header carries, as a receiver holding
// only that secret would.
func verify(secret string, body []byte, header http.Header, checkAge bool) bool {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return false
	}
	if checkAge {
		return wh.Verify(body, header) == nil
	}
	return wh.VerifyIgnoringTimestamp(body, header) == nil
}

// Signatures counts the v1 signatures in a webhook-signature header.
func Signatures(header string) int {
	n := 0
	for _, s := range strings.Fields(header) {
		if strings.HasPrefix(s, "v1,") {
			n++
		}
	}
	return n
}

// Unix reads a webhook-timestamp.
func Unix(ts string) time.Time {
	n, _ := strconv.ParseInt(ts, 10, 64)
	return time.Unix(n, 0)
}
