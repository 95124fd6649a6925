package netguard_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/torale-ai/torale/shared/netguard"
)

// FuzzCheckURL holds CheckURL to its promise: whatever it accepts under the production policy
// is https to a DNS name or a public address, never a numeric host in disguise.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://example.com/", "https://2130706433/", "https://0x7f.1/", "https://[::ffff:127.0.0.1]/",
		"https://127.0.0.1:443/", "http://example.com/", "https://a@b/", "https://[fe80::1%25eth0]/", "https://metadata./",
		"https://1.2.3.4.5/", "https://xn--e1afmkfd.xn--p1ai/", "https:///x", "https://:443/", "https://example.com:0/"} {
		f.Add(s)
	}
	g := netguard.New(netguard.Options{})
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := g.CheckURL(raw)
		if err != nil {
			return
		}
		if u.Scheme != "https" || u.User != nil {
			t.Fatalf("accepted %q: scheme %q, user %v", raw, u.Scheme, u.User)
		}
		host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		if ip, err := netip.ParseAddr(host); err == nil {
			if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.Is4In6() {
				t.Fatalf("accepted %q with address %s", raw, ip)
			}
			return
		}
		if _, ok := netguard.LegacyIPv4(host); ok {
			t.Fatalf("accepted %q, whose host %q is an IPv4 address in disguise", raw, host)
		}
		if host == "" || host == "localhost" || !strings.Contains(host, ".") {
			t.Fatalf("accepted %q with host %q", raw, host)
		}
	})
}

// FuzzLegacyIPv4 checks the parser never panics and only accepts digits, dots and hex marks.
func FuzzLegacyIPv4(f *testing.F) {
	for _, s := range []string{"127.1", "0x7f000001", "0177.0.0.1", "4294967295", "1.2.3.4", "0x", "08.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, ok := netguard.LegacyIPv4(s); ok && strings.Trim(strings.ToLower(s), "0123456789abcdefx.") != "" {
			t.Fatalf("%q parsed as an address", s)
		}
	})
}
