package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/torale-ai/torale/shared/outbox"
)

// SMTPConfig is where and how to hand mail over, read from TORALE_SMTP_URL.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	// ImplicitTLS is smtps://: TLS from the first byte (port 465 by default).
	ImplicitTLS bool
	// StartTLS is the STARTTLS policy of smtp://: "required" (default), "optional" or "off".
	StartTLS string
}

// ParseSMTPURL reads smtp://user:pass@host:port (STARTTLS required, port 587 by default) or
// smtps://user:pass@host:port (implicit TLS, port 465). On smtp://, ?starttls=optional uses TLS
// when the server offers it and ?starttls=off never does; a password is never sent without TLS.
// User and password are URL-encoded.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, errors.New("not a URL; use smtp://user:password@host:port or smtps://host:port")
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtp":
		c.Port, c.StartTLS = 587, "required"
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return SMTPConfig{}, fmt.Errorf("scheme %q is not smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return SMTPConfig{}, errors.New("the URL must be scheme://user:password@host:port with nothing after the port but options")
	}
	c.Host = u.Hostname()
	if c.Host == "" || strings.ContainsAny(c.Host, " \t\r\n/") {
		return SMTPConfig{}, errors.New("the URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPConfig{}, fmt.Errorf("port %q is not a port number", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	for k, vs := range u.Query() {
		if k != "starttls" || len(vs) != 1 || c.ImplicitTLS {
			return SMTPConfig{}, fmt.Errorf("option %q is not known (smtp:// takes starttls=required|optional|off)", k)
		}
		switch vs[0] {
		case "required", "optional", "off":
			c.StartTLS = vs[0]
		default:
			return SMTPConfig{}, fmt.Errorf("starttls=%q is not required, optional or off", vs[0])
		}
	}
	if c.Password != "" && c.StartTLS != "" && c.StartTLS != "required" {
		return SMTPConfig{}, errors.New("a password is only sent over TLS: use smtps:// or starttls=required")
	}
	return c, nil
}

// Redacted is the URL without its password, for logs.
func (c SMTPConfig) Redacted() string {
	scheme := "smtp"
	if c.ImplicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	if !c.ImplicitTLS && c.StartTLS != "required" {
		u.RawQuery = "starttls=" + c.StartTLS
	}
	return u.String()
}

// SMTPMailer sends mail through one SMTP server with go-mail, one connection per message.
type SMTPMailer struct {
	cfg     SMTPConfig
	from    string
	timeout time.Duration
	tls     *tls.Config
}

// NewSMTPMailer returns a mailer sending from from ("Torale <alerts@example.com>"). tlsConfig
// may be nil (the system's roots); tests pass their own. timeout bounds each message (default
// 30s).
func NewSMTPMailer(cfg SMTPConfig, from string, timeout time.Duration, tlsConfig *tls.Config) (*SMTPMailer, error) {
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("TORALE_EMAIL_FROM %q is not an address such as \"Torale <alerts@example.com>\"", from)
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if tlsConfig == nil {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tlsConfig = tlsConfig.Clone()
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = cfg.Host
	}
	return &SMTPMailer{cfg: cfg, from: from, timeout: timeout, tls: tlsConfig}, nil
}

// Mail sends e as multipart/alternative (text, then HTML). A recipient the server refuses for
// good (5xx) fails with an *outbox.PermanentError; anything else may be retried.
func (m *SMTPMailer) Mail(ctx context.Context, e Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return outbox.Permanent(fmt.Errorf("sender address: %w", err))
	}
	if err := msg.To(e.To); err != nil {
		return outbox.Permanent(fmt.Errorf("recipient %q is not an address", e.To))
	}
	msg.Subject(e.Subject)
	msg.SetDate()
	if e.MessageID != "" {
		msg.SetMessageIDWithValue(e.MessageID)
	} else {
		msg.SetMessageID()
	}
	msg.SetUserAgent("Torale")
	for k, v := range e.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, e.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, e.HTML)

	client, err := gomail.NewClient(m.cfg.Host, m.options()...)
	if err != nil {
		return outbox.Permanent(fmt.Errorf("configuring SMTP: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return describeSMTPError(err)
	}
	return nil
}

func (m *SMTPMailer) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(m.cfg.Port), gomail.WithTimeout(m.timeout), gomail.WithTLSConfig(m.tls)}
	switch {
	case m.cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case m.cfg.StartTLS == "optional":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case m.cfg.StartTLS == "off":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	return opts
}

// describeSMTPError keeps the SMTP reply code, not the server's text: the message is stored in
// the attempt log users read, so it says what happened in Torale's words.
func describeSMTPError(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		if se.Reason == gomail.ErrSMTPRcptTo && code >= 500 {
			return outbox.Permanent(&ReplyError{Code: code, msg: fmt.Sprintf("the mail server refused the recipient (%d)", code)})
		}
		if code != 0 {
			return &ReplyError{Code: code, msg: fmt.Sprintf("the mail server refused the message (%d, %s)", code, se.Reason)}
		}
		return fmt.Errorf("sending failed (%s)", se.Reason)
	}
	return describeSessionError(err)
}

// describeSessionError names the kind of failure before any message was handed over, never
// resolver, socket or server text, which would show users the relay's address.
func describeSessionError(err error) error {
	var ne net.Error
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return errors.New("the mail server did not answer in time")
	case errors.As(err, &dnsErr):
		return errors.New("the mail server's host name could not be resolved")
	case errors.As(err, &certErr):
		return errors.New("the mail server's TLS certificate could not be verified")
	case errors.As(err, &recErr):
		return errors.New("the mail server does not speak TLS on that port")
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("the mail server refused the connection")
	}
	return errors.New("the mail server could not be reached or refused the session")
}

// ReplyError is a refusal the mail server gave with an SMTP reply code, which the attempt log
// keeps as the attempt's response code, as it keeps a webhook's HTTP status.
type ReplyError struct {
	Code int
	msg  string
}

func (e *ReplyError) Error() string { return e.msg }

// ReplyCode is the SMTP reply code err carries, or 0 when the server gave none.
func ReplyCode(err error) int {
	var re *ReplyError
	if errors.As(err, &re) {
		return re.Code
	}
	return 0
}
