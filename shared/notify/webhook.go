package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/store"
)

// maxResponseRead caps how much of a receiver's answer is read (and thrown away): enough to
// keep the connection reusable, never stored or shown.
const maxResponseRead = 64 << 10

// SecretOverlap is how long a rotated-out secret keeps signing beside the new one.
const SecretOverlap = 24 * time.Hour

// WebhookStore is what webhook delivery reads and writes.
type WebhookStore interface {
	GetWebhook(ctx context.Context, userID uuid.UUID) (store.Webhook, error)
	EnsureWebhook(ctx context.Context, userID uuid.UUID, salt []byte) (store.Webhook, error)
	WebhookDisabled(ctx context.Context, userID uuid.UUID, url string) (store.DisabledWebhook, error)
	DisableWebhookURL(ctx context.Context, userID uuid.UUID, url, reason string, now time.Time) error
}

// WebhookDeps build a WebhookSender.
type WebhookDeps struct {
	Store WebhookStore
	// Keys derives the signing secrets; nil makes every send fail with ErrNotConfigured.
	Keys *Keys
	// Guard makes the requests (its client refuses private addresses and redirects).
	Guard *netguard.Guard
	// PublicURL prefixes the task links in payloads.
	PublicURL string
	Now       func() time.Time
	Log       *slog.Logger
}

// WebhookSender posts signed Standard Webhooks events. It is the webhook channel's Sender and
// also sends the test events of the settings page, through the same guarded client.
type WebhookSender struct {
	store  WebhookStore
	keys   *Keys
	client *http.Client
	public string
	now    func() time.Time
	log    *slog.Logger
}

// NewWebhookSender returns the sender.
func NewWebhookSender(d WebhookDeps) *WebhookSender {
	return &WebhookSender{store: d.Store, keys: d.Keys, client: d.Guard.Client(), public: d.PublicURL, now: d.Now, log: d.Log}
}

// Send posts the task.condition_met event of m to the task's webhook, or the user's default.
// A 410 Gone disables the endpoint for the user and fails for good.
func (s *WebhookSender) Send(ctx context.Context, m Message) (Receipt, error) {
	if s.keys == nil {
		return Receipt{}, fmt.Errorf("webhook signing is %w (set TORALE_NOTIFY_SECRET)", ErrNotConfigured)
	}
	hook, err := s.webhook(ctx, m.Delivery.UserID)
	if err != nil {
		return Receipt{}, fmt.Errorf("loading webhook settings: %w", err)
	}
	url := m.Delivery.Target
	if url == "" {
		switch {
		case hook.URL == "":
			return Receipt{}, errors.New("the task uses your default webhook, and none is set; set one in the webhook settings")
		case !hook.Enabled:
			return Receipt{}, fmt.Errorf("the task uses your default webhook, which is turned off: %w", ErrPermanent)
		}
		url = hook.URL
	}
	if d, err := s.store.WebhookDisabled(ctx, m.Delivery.UserID, url); err == nil {
		return Receipt{}, fmt.Errorf("%s (since %s); enable the endpoint again in the webhook settings: %w",
			d.Reason, d.DisabledAt.UTC().Format(time.RFC3339), ErrPermanent)
	} else if !errors.Is(err, store.ErrNotFound) {
		return Receipt{}, fmt.Errorf("checking the endpoint: %w", err)
	}
	body, err := NewEvent(m, s.public).marshal()
	if err != nil {
		return Receipt{}, fmt.Errorf("encoding the event: %w: %w", err, ErrPermanent)
	}
	r, err := s.post(ctx, url, m.Delivery.ID.String(), body, s.signers(hook))
	if r.ResponseCode == http.StatusGone {
		reason := "The endpoint answered 410 Gone, so Torale stopped posting to it"
		if derr := s.store.DisableWebhookURL(ctx, m.Delivery.UserID, url, reason, s.now()); derr != nil {
			return r, fmt.Errorf("disabling the endpoint after 410 Gone: %w", derr)
		}
		s.log.InfoContext(ctx, "webhook endpoint disabled after 410 Gone", "user_id", m.Delivery.UserID.String(), "delivery_id", m.Delivery.ID.String())
	}
	return r, err
}

// webhook reads the user's settings, making their secret on first use.
func (s *WebhookSender) webhook(ctx context.Context, userID uuid.UUID) (store.Webhook, error) {
	h, err := s.store.GetWebhook(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return s.store.EnsureWebhook(ctx, userID, NewSalt())
	}
	return h, err
}

// signers returns the user's current secret and, during a rotation's overlap, the previous one.
func (s *WebhookSender) signers(h store.Webhook) []string {
	secrets := []string{s.keys.WebhookSecret(h.UserID, h.SecretSalt)}
	if h.PreviousSalt != nil && h.PreviousExpiresAt != nil && s.now().Before(*h.PreviousExpiresAt) {
		secrets = append(secrets, s.keys.WebhookSecret(h.UserID, h.PreviousSalt))
	}
	return secrets
}

// Sign returns the webhook-signature header for one message: a v1 signature per secret,
// space-separated, made with the Standard Webhooks library.
func Sign(secrets []string, id string, at time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, secret := range secrets {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			return "", fmt.Errorf("reading signing secret: %w", err)
		}
		sig, err := wh.Sign(id, at, body)
		if err != nil {
			return "", fmt.Errorf("signing: %w", err)
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}

// post sends one signed request and judges the answer: 2xx delivers; 410 and a refused
// destination fail for good; anything else is retried, after Retry-After when the receiver
// sends one. The error text is written for the user and never holds the response body.
func (s *WebhookSender) post(ctx context.Context, url, id string, body []byte, secrets []string) (Receipt, error) {
	at := s.now()
	sig, err := Sign(secrets, id, at, body)
	if err != nil {
		return Receipt{}, fmt.Errorf("%w: %w", err, ErrPermanent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Receipt{}, fmt.Errorf("the webhook URL cannot be used: %w", ErrPermanent)
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Torale-Webhooks/1.0")
	h.Set(standardwebhooks.HeaderWebhookID, id)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(standardwebhooks.HeaderWebhookSignature, sig)

	start := time.Now()
	res, err := s.client.Do(req)
	if err != nil {
		return Receipt{Latency: time.Since(start)}, describeError(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxResponseRead))
	_ = res.Body.Close()
	r := Receipt{ResponseCode: res.StatusCode, Latency: time.Since(start)}
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return r, nil
	case res.StatusCode == http.StatusGone:
		return r, fmt.Errorf("the endpoint answered 410 Gone: %w", ErrPermanent)
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return r, fmt.Errorf("the endpoint answered %d, a redirect; webhooks do not follow redirects, so set the final URL", res.StatusCode)
	}
	r.RetryAfter = retryAfter(res.Header.Get("Retry-After"), at)
	return r, fmt.Errorf("the endpoint answered %d %s", res.StatusCode, http.StatusText(res.StatusCode))
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// describeError turns a request failure into a message safe to store and show: the guard's own
// reason, or the kind of network failure, never resolver or server text.
func describeError(err error) error {
	var ne net.Error
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.Is(err, netguard.ErrRefused):
		msg := err.Error()
		if i := strings.Index(msg, netguard.ErrRefused.Error()); i >= 0 {
			msg = msg[i:]
		}
		return fmt.Errorf("%s: %w", msg, ErrPermanent)
	case errors.Is(err, context.Canceled):
		return errors.New("the request was cancelled")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return errors.New("the endpoint did not answer in time")
	case errors.As(err, &dnsErr):
		return errors.New("the endpoint's host name could not be resolved")
	case errors.As(err, &certErr):
		return errors.New("the endpoint's TLS certificate could not be verified")
	case errors.As(err, &recErr):
		return errors.New("the endpoint does not speak TLS on that port")
	case strings.Contains(err.Error(), "connection refused"):
		return errors.New("the endpoint refused the connection")
	}
	return errors.New("the endpoint could not be reached")
}

// TestResult is how a test delivery went: never the response body.
type TestResult struct {
	OK         bool   `json:"ok"`
	StatusCode *int   `json:"status_code"`
	LatencyMS  int64  `json:"latency_ms"`
	Error      string `json:"error,omitempty"`
	WebhookID  string `json:"webhook_id"`
}

// Test posts a signed webhook.test event to url (the user's default when empty) through the
// same client and checks as real deliveries.
func (s *WebhookSender) Test(ctx context.Context, userID uuid.UUID, url string) (TestResult, error) {
	if s.keys == nil {
		return TestResult{}, fmt.Errorf("webhook signing is %w (set TORALE_NOTIFY_SECRET)", ErrNotConfigured)
	}
	hook, err := s.webhook(ctx, userID)
	if err != nil {
		return TestResult{}, err
	}
	if url == "" {
		url = hook.URL
	}
	id := "test_" + uuid.NewString()
	res := TestResult{WebhookID: id}
	if url == "" {
		res.Error = "no URL given and no default webhook is set"
		return res, nil
	}
	body, err := sampleEvent(s.now(), s.public).marshal()
	if err != nil {
		return TestResult{}, err
	}
	r, err := s.post(ctx, url, id, body, s.signers(hook))
	res.OK, res.LatencyMS = err == nil, r.Latency.Milliseconds()
	if r.ResponseCode != 0 {
		res.StatusCode = &r.ResponseCode
	}
	if err != nil {
		res.Error = strings.TrimSuffix(err.Error(), ": "+ErrPermanent.Error())
	}
	return res, nil
}
