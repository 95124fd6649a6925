package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/outbox"
)

// post sends one signed request, with the user's custom headers (extra) under Torale's own, and judges the answer: 2xx delivers; 410, a redirect (which
// webhooks never follow, so no retry can succeed until the URL changes) and a refused
// destination fail for good; anything else is retried, after Retry-After when the receiver
// sends one (429, 503). The error text is written for the user and never holds the response body.
func (s *Sender) post(ctx context.Context, url, id string, body []byte, secrets []string, extra http.Header) (outbox.Receipt, error) {
	at := s.now()
	sig, err := Sign(secrets, id, at, body)
	if err != nil {
		return outbox.Receipt{}, outbox.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return outbox.Receipt{}, outbox.Permanent(errors.New("the webhook URL cannot be used"))
	}
	h := req.Header
	for name, vals := range extra {
		h[name] = vals
	}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Torale-Webhooks/1.0")
	h.Set(standardwebhooks.HeaderWebhookID, id)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(standardwebhooks.HeaderWebhookSignature, sig)

	start := time.Now()
	res, err := s.client.Do(req)
	if err != nil {
		return outbox.Receipt{Latency: time.Since(start)}, describeError(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxResponseRead))
	_ = res.Body.Close()
	r := outbox.Receipt{ResponseCode: res.StatusCode, Latency: time.Since(start)}
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return r, nil
	case res.StatusCode == http.StatusGone:
		return r, outbox.Permanent(errors.New("the endpoint answered 410 Gone"))
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return r, outbox.Permanent(fmt.Errorf("the endpoint answered %d, a redirect; webhooks do not follow redirects, so this delivery failed without retries: set the final URL in the task or webhook settings", res.StatusCode))
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
	var refused *netguard.RefusedError
	switch {
	case errors.As(err, &refused):
		return outbox.Permanent(refused)
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
	case errors.Is(err, syscall.ECONNREFUSED): // found under *url.Error, *net.OpError, *os.SyscallError
		return errors.New("the endpoint refused the connection")
	}
	return errors.New("the endpoint could not be reached")
}
