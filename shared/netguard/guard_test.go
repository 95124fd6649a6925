package netguard_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/netguard"
)

// countingListener counts the connections that reached it.
type countingListener struct {
	net.Listener
	accepted atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// sentinel starts a TLS server on 127.0.0.1 that counts every connection made to it.
func sentinel(t *testing.T, tls bool) (*httptest.Server, *countingListener, uint16) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cl := &countingListener{Listener: ln}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Listener = cl
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, cl, uint16(ln.Addr().(*net.TCPAddr).Port)
}

func TestSSRFTargetsNeverConnect(t *testing.T) {
	sent, hits, p := sentinel(t, true)
	port := strconv.Itoa(int(p))
	loop := "127.0.0.1:" + port

	// The receiver is the one address the guard lets through; it answers with redirects to
	// places the client must not go.
	recv := httptest.NewTLSServer(http.NewServeMux())
	t.Cleanup(recv.Close)
	mux := recv.Config.Handler.(*http.ServeMux)
	redirect := func(path, to string, code int) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, code) })
	}
	redirect("/redirect-metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/", http.StatusFound)
	redirect("/redirect-sentinel", "https://"+loop+"/", http.StatusTemporaryRedirect)
	redirect("/redirect-decimal", "https://2130706433:"+port+"/", http.StatusMovedPermanently)
	redirect("/redirect-metadata-name", "http://metadata.google.internal/computeMetadata/v1/", http.StatusSeeOther)
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	recvAddr := netip.MustParseAddrPort(recv.Listener.Addr().String())

	public := netip.MustParseAddr("93.184.216.34")
	dns := newFakeDNS(t, map[string][][]netip.Addr{
		"private.test":        {{netip.MustParseAddr("127.0.0.1")}},
		"127.0.0.1.nip.io":    {{netip.MustParseAddr("127.0.0.1")}},
		"mapped.test":         {{netip.MustParseAddr("::ffff:127.0.0.1")}},
		"six.test":            {{netip.MustParseAddr("::1")}},
		"rebind.test":         {{public}, {netip.MustParseAddr("127.0.0.1")}},
		"mixed.test":          {{public, netip.MustParseAddr("127.0.0.1")}},
		"ten.test":            {{netip.MustParseAddr("10.1.2.3")}},
		"metadata-alias.test": {{netip.MustParseAddr("169.254.169.254")}},
		"cgnat.test":          {{netip.MustParseAddr("100.100.100.200")}},
		"ula.test":            {{netip.MustParseAddr("fd00:ec2::254")}},
		"linklocal6.test":     {{netip.MustParseAddr("fe80::a9fe:a9fe")}},
		"public.test":         {{public}},
	})
	roots := x509.NewCertPool()
	roots.AddCert(recv.Certificate())
	roots.AddCert(sent.Certificate())
	g := netguard.New(netguard.Options{
		Ports:          []uint16{443, 8443, p},
		Allow:          []netip.AddrPort{recvAddr},
		Resolver:       dns.resolver(),
		ConnectTimeout: time.Second,
		Timeout:        3 * time.Second,
		TLSConfig:      tlsConfig(roots),
	})
	client := g.Client()

	// A first lookup of the rebinding name sees a public address, as a check made before
	// connecting would; the connection then resolves it again.
	first, err := dns.resolver().LookupNetIP(t.Context(), "ip4", "rebind.test")
	require.NoError(t, err)
	require.Equal(t, []netip.Addr{public}, first)

	refused := []string{
		// Loopback, in every spelling.
		"https://" + loop + "/",
		"https://127.0.0.2:" + port + "/",
		"https://2130706433:" + port + "/",
		"https://0x7f000001:" + port + "/",
		"https://0177.0.0.1:" + port + "/",
		"https://0x7f.0.0.1:" + port + "/",
		"https://127.1:" + port + "/",
		"https://017700000001:" + port + "/",
		"https://[::ffff:127.0.0.1]:" + port + "/",
		"https://[::ffff:7f00:1]:" + port + "/",
		"https://[0:0:0:0:0:ffff:127.0.0.1]:" + port + "/",
		"https://[::127.0.0.1]:" + port + "/",
		"https://[64:ff9b::7f00:1]:" + port + "/",
		"https://[::1]:" + port + "/",
		"https://0.0.0.0:" + port + "/",
		"https://0:" + port + "/",
		"https://localhost:" + port + "/",
		"https://LOCALHOST.:" + port + "/",
		"https://user:pass@" + loop + "/",
		"https://example.com@" + loop + "/",
		"http://" + loop + "/",
		"gopher://" + loop + "/_GET",
		// Names that resolve to loopback.
		"https://private.test:" + port + "/",
		"https://127.0.0.1.nip.io:" + port + "/",
		"https://mapped.test:" + port + "/",
		"https://six.test:" + port + "/",
		"https://rebind.test:" + port + "/",
		// Private, link-local, CGNAT, multicast, reserved and metadata addresses.
		"https://10.0.0.1/",
		"https://172.16.5.4/",
		"https://172.31.255.255:8443/",
		"https://192.168.1.1/",
		"https://169.254.169.254/",
		"http://169.254.169.254/latest/meta-data/",
		"https://2852039166/",
		"https://0xa9fea9fe/",
		"https://0251.0376.0251.0376/",
		"https://169.254.43518/",
		"https://metadata.google.internal/computeMetadata/v1/",
		"https://metadata/",
		"https://metadata-alias.test/",
		"https://ten.test/",
		"https://100.64.0.1/",
		"https://cgnat.test/",
		"https://224.0.0.1/",
		"https://239.255.255.250/",
		"https://255.255.255.255/",
		"https://240.0.0.1/",
		"https://198.18.0.1/",
		"https://192.0.0.8/",
		"https://192.0.2.1/",
		"https://[fc00::1]/",
		"https://[fd12:3456::1]/",
		"https://ula.test/",
		"https://[fe80::1]/",
		"https://[fe80::1%25eth0]/",
		"https://linklocal6.test/",
		"https://[ff02::1]/",
		"https://[::]/",
		"https://[2001:db8::1]/",
		"https://[::ffff:169.254.169.254]/",
		"https://[::ffff:10.0.0.1]/",
		"https://printer.local/",
		"https://db.internal/",
		// Ports and schemes a webhook may not use.
		"https://public.test:22/",
		"https://public.test:5432/",
		"https://public.test:6379/",
		"https://93.184.216.34:25/",
		"file:///etc/passwd",
		"ftp://public.test/",
	}
	require.GreaterOrEqual(t, len(refused), 40)
	for _, target := range refused {
		t.Run(target, func(t *testing.T) {
			res, err := client.Get(target)
			if res != nil {
				res.Body.Close()
			}
			require.Error(t, err, "%s was requested", target)
			require.ErrorIs(t, err, netguard.ErrRefused)
		})
	}

	// The connect-time check alone, without the URL check in front of it, refuses every target
	// whose host is an address or a name: what is dialled is what is judged.
	bare := &http.Client{Transport: &http.Transport{Proxy: nil, TLSClientConfig: tlsConfig(roots),
		DialContext: (&net.Dialer{Control: g.Control, Resolver: dns.resolver(), Timeout: time.Second}).DialContext}}
	dialChecked := 0
	for _, target := range refused {
		u, err := url.Parse(target)
		if err != nil || u.Scheme != "https" || u.User != nil {
			continue
		}
		host := u.Hostname()
		if _, err := netip.ParseAddr(host); err != nil && !strings.HasSuffix(host, ".test") && !strings.HasSuffix(host, ".nip.io") {
			continue
		}
		res, err := bare.Get(target)
		if res != nil {
			res.Body.Close()
		}
		require.ErrorIs(t, err, netguard.ErrRefused, "%s passed the dial-time check", target)
		dialChecked++
	}
	require.GreaterOrEqual(t, dialChecked, 40)

	// A name with a public and a private address: the private one is refused at connect (the
	// public one cannot be reached from this machine either).
	res, err := client.Get("https://mixed.test:" + port + "/")
	if res != nil {
		res.Body.Close()
	}
	require.Error(t, err)
	require.GreaterOrEqual(t, dns.queries("rebind.test"), 2, "the rebinding name was resolved again at connect time")

	// Redirects from an allowed receiver are returned, never followed.
	for path, code := range map[string]int{"/redirect-metadata": 302, "/redirect-sentinel": 307,
		"/redirect-decimal": 301, "/redirect-metadata-name": 303} {
		res, err := client.Get(recv.URL + path)
		require.NoError(t, err, path)
		res.Body.Close()
		require.Equal(t, code, res.StatusCode, path)
		require.NotEmpty(t, res.Header.Get("Location"))
	}

	// The allowed receiver works, so the refusals above are the policy's and not a broken client.
	res, err = client.Get(recv.URL + "/ok")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNoContent, res.StatusCode)

	require.Zero(t, hits.accepted.Load(), "a refused target reached the sentinel listener")
}

func TestControlChecksTheDialledAddress(t *testing.T) {
	g := netguard.New(netguard.Options{})
	allowed := []string{"93.184.216.34:443", "8.8.8.8:8443", "[2606:4700:4700::1111]:443", "1.1.1.1:443"}
	for _, a := range allowed {
		network := "tcp4"
		if a[0] == '[' {
			network = "tcp6"
		}
		require.NoError(t, g.Control(network, a, nil), a)
	}
	refused := []string{"127.0.0.1:443", "10.0.0.1:443", "169.254.169.254:443", "100.64.0.1:443", "0.0.0.0:443",
		"[::1]:443", "[::ffff:127.0.0.1]:443", "[fe80::1]:443", "[fc00::1]:443", "[ff02::1]:443", "[::]:443",
		"[64:ff9b::a9fe:a9fe]:443", "[2002:7f00:1::]:443", "93.184.216.34:80", "93.184.216.34:22", "8.8.8.8:5432"}
	for _, a := range refused {
		network := "tcp4"
		if a[0] == '[' {
			network = "tcp6"
		}
		require.ErrorIs(t, g.Control(network, a, nil), netguard.ErrRefused, a)
	}
	require.ErrorIs(t, g.Control("udp4", "93.184.216.34:443", nil), netguard.ErrRefused)
}

func TestAllowPrivateReachesLocalReceivers(t *testing.T) {
	srv, hits, _ := sentinel(t, false)
	g := netguard.New(netguard.Options{AllowPrivate: true})
	res, err := g.Client().Get(srv.URL)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNoContent, res.StatusCode)
	require.EqualValues(t, 1, hits.accepted.Load())

	// Numeric hosts in disguise and other schemes stay refused even so.
	for _, target := range []string{"http://2130706433/", "http://0x7f000001/", "file:///etc/passwd"} {
		_, err := g.CheckURL(target)
		require.ErrorIs(t, err, netguard.ErrRefused, target)
	}
	require.True(t, g.AllowsPrivate())
}

func TestCheckURLAcceptsPublicHTTPS(t *testing.T) {
	g := netguard.New(netguard.Options{})
	for _, ok := range []string{"https://example.com/hook", "https://hooks.example.com:8443/a?b=c",
		"https://93.184.216.34/x", "https://[2606:4700::6810:84e5]/", "https://EXAMPLE.com./"} {
		_, err := g.CheckURL(ok)
		require.NoError(t, err, ok)
	}
}

func TestLegacyIPv4(t *testing.T) {
	for in, want := range map[string]string{
		"2130706433": "127.0.0.1", "0x7f000001": "127.0.0.1", "0177.0.0.1": "127.0.0.1", "127.1": "127.0.0.1",
		"0x7f.1": "127.0.0.1", "127.0.1": "127.0.0.1", "017700000001": "127.0.0.1", "0": "0.0.0.0",
		"2852039166": "169.254.169.254", "169.254.43518": "169.254.169.254", "0xA9FEA9FE": "169.254.169.254",
	} {
		got, ok := netguard.LegacyIPv4(in)
		require.True(t, ok, in)
		require.Equal(t, want, got.String(), in)
	}
	for _, bad := range []string{"", "example.com", "256.0.0.1", "1.2.3.4.5", "4294967296", "1.2.3.256", "08", "1..2", "-1", "+1", "1_0", "0x1g"} {
		if _, ok := netguard.LegacyIPv4(bad); ok {
			t.Errorf("%q parsed as an address", bad)
		}
	}
	// Every address, written in each form, reads back as itself.
	for range 2000 {
		v := rand.Uint32()
		want := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		for _, form := range []string{
			fmt.Sprint(v), fmt.Sprintf("0x%x", v), fmt.Sprintf("0%o", v),
			fmt.Sprintf("%d.%d", v>>24, v&0xffffff), fmt.Sprintf("0%o.0x%x.%d", v>>24, (v>>16)&0xff, v&0xffff),
		} {
			got, ok := netguard.LegacyIPv4(form)
			require.True(t, ok, form)
			require.Equal(t, want, got, form)
		}
	}
}

func tlsConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}
