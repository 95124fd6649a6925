package channel

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/outbox"
)

// sanitize makes a service's error safe to store, show and log. The services promise errors
// without secrets; this is the second line: a request failure (whose *url.Error text holds the
// full URL, a bot token or a webhook key in it) becomes the kind of failure only, and any
// secret or address value still in the text is cut out. Whether a retry can help is kept.
func sanitize(err error, svc chat.Service, settings chat.Settings) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return keep(err, networkReason(err))
	}
	text := err.Error()
	for _, f := range svc.Fields() {
		v := settings[f.Name]
		if (f.Secret || f.URL) && len(v) >= 4 {
			text = scrub(text, v)
		}
	}
	return keep(err, text)
}

// keep is text as an error, permanent when err was.
func keep(err error, text string) error {
	if outbox.IsPermanent(err) {
		return outbox.Permanent(errors.New(text))
	}
	return errors.New(text)
}

// scrub cuts secret out of text in the forms a URL or a message may carry it.
func scrub(text, secret string) string {
	for _, form := range []string{secret, url.PathEscape(secret), url.QueryEscape(secret)} {
		text = strings.ReplaceAll(text, form, "[redacted]")
	}
	return text
}

// networkReason names the kind of a request failure, never resolver or server text.
func networkReason(err error) string {
	var ne net.Error
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "the service did not answer in time (the message may still have arrived)"
	case errors.As(err, &dnsErr):
		return "the service's host name could not be resolved"
	case errors.As(err, &certErr):
		return "the service's TLS certificate could not be verified"
	case errors.As(err, &recErr):
		return "the service does not speak TLS on that port"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the service refused the connection"
	}
	return "the service could not be reached"
}
