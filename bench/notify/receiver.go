package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// receiver is an https webhook endpoint on loopback that verifies each signature with the
// Standard Webhooks library and counts deliveries by webhook-id.
type receiver struct {
	srv       *httptest.Server
	url       string
	addr      netip.AddrPort
	clientTLS *tls.Config

	mu      sync.Mutex
	secret  *standardwebhooks.Webhook
	seen    map[string]int
	invalid int
}

func startReceiver() (*receiver, error) {
	serverTLS, clientTLS, err := certificate()
	if err != nil {
		return nil, err
	}
	r := &receiver{seen: map[string]int{}, clientTLS: clientTLS}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.TLS = serverTLS
	r.srv.Config.ErrorLog = nil
	r.srv.StartTLS()
	r.url = r.srv.URL + "/hook"
	r.addr = netip.MustParseAddrPort(r.srv.Listener.Addr().String())
	return r, nil
}

func (r *receiver) close() { r.srv.Close() }

// expect sets the secret signatures must verify against ("" verifies none) and forgets
// earlier deliveries.
func (r *receiver) expect(secret string) error {
	var wh *standardwebhooks.Webhook
	if secret != "" {
		var err error
		if wh, err = standardwebhooks.NewWebhook(secret); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.secret, r.seen, r.invalid = wh, map[string]int{}, 0
	r.mu.Unlock()
	return nil
}

// counts returns distinct webhook-ids, requests, and requests whose signature failed.
func (r *receiver) counts() (ids, requests, invalid int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.seen {
		requests += n
	}
	return len(r.seen), requests, r.invalid
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	wh := r.secret
	r.mu.Unlock()
	id := req.Header.Get("webhook-id")
	// Unsigned requests are the plain client's, in the latency comparison.
	ok := wh == nil || req.Header.Get("webhook-signature") == "" || wh.Verify(body, req.Header) == nil
	r.mu.Lock()
	if id != "" {
		r.seen[id]++
	}
	if !ok {
		r.invalid++
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// certificate makes a self-signed certificate for 127.0.0.1 and a client config trusting it.
func certificate() (*tls.Config, *tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "notify bench"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("making a certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}},
		&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}, nil
}
