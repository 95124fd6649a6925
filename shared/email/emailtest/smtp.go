// Package emailtest is the far end of Torale's email for tests: a real SMTP server on loopback
// (STARTTLS or implicit TLS, optional AUTH) that records every message it accepts and refuses
// recipients on demand.
package emailtest

import (
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/torale-ai/torale/shared/tlstest"
)

// SMTPMessage is one message the server accepted.
type SMTPMessage struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool   // the session was encrypted when DATA came
	AuthUser string // who authenticated, if anyone
}

// SMTPOptions shape an SMTPServer.
type SMTPOptions struct {
	// ImplicitTLS speaks TLS from the first byte (smtps); otherwise STARTTLS is offered.
	ImplicitTLS bool
	// User and Password, when set, are required (AUTH PLAIN or LOGIN, after TLS).
	User, Password string
}

// SMTPServer is a small SMTP server on loopback that records every message it accepts.
type SMTPServer struct {
	// Addr is host:port; Host and Port split it.
	Addr string
	Host string
	Port int
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config

	opts   SMTPOptions
	tls    *tls.Config
	ln     net.Listener
	mu     sync.Mutex
	msgs   []SMTPMessage
	reject func(rcpt string) int
	wg     sync.WaitGroup
}

// NewSMTPServer starts a server that stops when the test ends.
func NewSMTPServer(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	serverTLS, clientTLS := tlstest.Certificate(t)
	var ln net.Listener
	var err error
	if opts.ImplicitTLS {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().(*net.TCPAddr)
	s := &SMTPServer{Addr: a.String(), Host: "127.0.0.1", Port: a.Port, ClientTLS: clientTLS, opts: opts, tls: serverTLS, ln: ln}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// URL is the TORALE_SMTP_URL of this server.
func (s *SMTPServer) URL() string {
	scheme := "smtp"
	if s.opts.ImplicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: s.Addr}
	if s.opts.User != "" {
		u.User = url.UserPassword(s.opts.User, s.opts.Password)
	}
	return u.String()
}

// Reject makes RCPT TO answer with the code fn returns for an address (0 accepts it).
func (s *SMTPServer) Reject(fn func(rcpt string) int) {
	s.mu.Lock()
	s.reject = fn
	s.mu.Unlock()
}

// Messages returns what the server accepted, oldest first.
func (s *SMTPServer) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.msgs...)
}

func (s *SMTPServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.session(c)
		}()
	}
}

type smtpSession struct {
	conn     net.Conn
	tp       *textproto.Conn
	tls      bool
	authUser string
	from     string
	to       []string
}

func (s *SMTPServer) session(c net.Conn) {
	ss := &smtpSession{conn: c, tp: textproto.NewConn(c), tls: s.opts.ImplicitTLS}
	reply := func(format string, args ...any) bool { return ss.tp.PrintfLine(format, args...) == nil }
	reply("220 localhost ESMTP torale-test")
	for {
		line, err := ss.tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"localhost", "8BITMIME", "PIPELINING"}
			if !ss.tls {
				lines = append(lines, "STARTTLS")
			}
			if s.opts.User != "" && ss.tls {
				lines = append(lines, "AUTH PLAIN LOGIN")
			}
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				reply("250%s%s", sep, l)
			}
		case "STARTTLS":
			reply("220 2.0.0 ready")
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				return
			}
			ss.conn, ss.tp, ss.tls = tc, textproto.NewConn(tc), true
		case "AUTH":
			if !s.auth(ss, arg) {
				reply("535 5.7.8 authentication failed")
				continue
			}
			reply("235 2.7.0 authenticated")
		case "MAIL":
			if s.opts.User != "" && ss.authUser == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			ss.from, ss.to = address(arg), nil
			reply("250 2.1.0 ok")
		case "RCPT":
			rcpt := address(arg)
			s.mu.Lock()
			reject := s.reject
			s.mu.Unlock()
			if reject != nil {
				if code := reject(rcpt); code != 0 {
					reply("%d rejected for the test", code)
					continue
				}
			}
			ss.to = append(ss.to, rcpt)
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 go ahead")
			data, err := ss.tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, SMTPMessage{From: ss.from, To: ss.to, Data: data, TLS: ss.tls, AuthUser: ss.authUser})
			s.mu.Unlock()
			reply("250 2.0.0 queued")
		case "RSET":
			ss.from, ss.to = "", nil
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 not implemented")
		}
	}
}

// auth handles AUTH PLAIN and AUTH LOGIN, with or without an initial response.
func (s *SMTPServer) auth(ss *smtpSession, arg string) bool {
	if !ss.tls {
		return false
	}
	mech, initial, _ := strings.Cut(arg, " ")
	read := func(prompt string) string {
		if ss.tp.PrintfLine("334 %s", prompt) != nil {
			return ""
		}
		l, _ := ss.tp.ReadLine()
		return l
	}
	decode := func(v string) string {
		b, _ := base64.StdEncoding.DecodeString(v)
		return string(b)
	}
	var user, pass string
	switch strings.ToUpper(mech) {
	case "PLAIN":
		if initial == "" {
			initial = read("")
		}
		parts := strings.Split(decode(initial), "\x00")
		if len(parts) != 3 {
			return false
		}
		user, pass = parts[1], parts[2]
	case "LOGIN":
		if initial == "" {
			initial = read(base64.StdEncoding.EncodeToString([]byte("Username:")))
		}
		user = decode(initial)
		pass = decode(read(base64.StdEncoding.EncodeToString([]byte("Password:"))))
	default:
		return false
	}
	if user != s.opts.User || pass != s.opts.Password {
		return false
	}
	ss.authUser = user
	return true
}

// address takes the mailbox out of "FROM:<a@b> SIZE=1" or "TO:<a@b>".
func address(arg string) string {
	_, v, _ := strings.Cut(arg, ":")
	v = strings.TrimSpace(v)
	if i := strings.Index(v, ">"); strings.HasPrefix(v, "<") && i > 0 {
		return v[1:i]
	}
	return strings.Fields(v + " ")[0]
}
