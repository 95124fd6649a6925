package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/webhook"
)

// benchSecret signs the latency requests.
const benchSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// body is a typical task.condition_met event, about 1 KB.
var body = []byte(`{"type":"task.condition_met","timestamp":"2026-11-29T09:30:00Z","data":{"task":{"id":"7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11","name":"iPhone 18 release date","search_query":"When will Apple announce the iPhone 18 release date?","condition_description":"Apple has announced the date","notify_behavior":"once","url":"https://app.torale.example/tasks/7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11"},"execution":{"id":"5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b","trigger":"schedule","scheduled_for":"2026-11-29T09:00:00Z","started_at":"2026-11-29T09:00:01Z","finished_at":"2026-11-29T09:00:19Z"},"notification":"Apple announced the iPhone 18 release date: September 18. Pre-orders open on Friday September 12 at 5 a.m. PT.","evidence":"Apple's newsroom published the announcement this morning and the keynote confirmed the dates.","sources":[{"url":"https://www.apple.com/newsroom/","title":"Apple Newsroom"},{"url":"https://www.apple.com/iphone/","title":"iPhone - Apple"}],"confidence":93}}`)

// latencyFigures compare one request's latency through the two clients, in microseconds.
type latencyFigures struct {
	Mode           string  `json:"mode"`
	Requests       int     `json:"requests_per_client"`
	PlainP50US     float64 `json:"plain_p50_us"`
	PlainP90US     float64 `json:"plain_p90_us"`
	GuardedP50US   float64 `json:"guarded_p50_us"`
	GuardedP90US   float64 `json:"guarded_p90_us"`
	AddedP50US     float64 `json:"added_p50_us"`
	AddedMeanUS    float64 `json:"added_mean_us"`
	PlainMeanUS    float64 `json:"plain_mean_us"`
	GuardedMeanUS  float64 `json:"guarded_mean_us"`
	AddedPctOfMean float64 `json:"added_pct_of_plain_mean"`
}

// latency times the plain and the guarded, signing client against the receiver, in rounds
// that alternate them, with connections kept alive and then with a new one per request.
func latency(ctx context.Context, recv *receiver, opts options) ([]latencyFigures, error) {
	if err := recv.expect(benchSecret); err != nil {
		return nil, err
	}
	var out []latencyFigures
	for _, fresh := range []bool{false, true} {
		plain := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: recv.clientTLS, ForceAttemptHTTP2: true,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}}
		guarded := netguard.New(netguard.Options{Allow: []netip.AddrPort{recv.addr}, TLSConfig: recv.clientTLS}).Client()
		var p, g []time.Duration
		post := func(c *http.Client, sign bool) error {
			d, err := send(ctx, c, recv.url, sign, fresh)
			if err != nil {
				return err
			}
			if sign {
				g = append(g, d)
			} else {
				p = append(p, d)
			}
			return nil
		}
		// Warm up both (TLS session caches, connection pools, code paths).
		for range 20 {
			if err := post(plain, false); err != nil {
				return nil, err
			}
			if err := post(guarded, true); err != nil {
				return nil, err
			}
		}
		if _, _, invalid := recv.counts(); invalid > 0 {
			return nil, fmt.Errorf("the receiver refused %d signatures", invalid)
		}
		// The timed rounds leave verification out: it is the receiver's cost, not the sender's.
		if err := recv.expect(""); err != nil {
			return nil, err
		}
		p, g = p[:0], g[:0]
		for round := range opts.Rounds {
			order := []bool{false, true}
			if round%2 == 1 {
				order = []bool{true, false}
			}
			for _, sign := range order {
				c := plain
				if sign {
					c = guarded
				}
				for range opts.Requests {
					if err := post(c, sign); err != nil {
						return nil, err
					}
				}
			}
		}
		if err := recv.expect(benchSecret); err != nil {
			return nil, err
		}
		mode := "keep-alive"
		if fresh {
			mode = "new connection per request"
		}
		out = append(out, compare(mode, p, g))
	}
	return out, nil
}

// send posts body once; sign adds the Standard Webhooks headers, as the notifier does, and
// fresh closes the connection after the request, so the next one dials (and is checked) anew.
func send(ctx context.Context, c *http.Client, url string, sign, fresh bool) (time.Duration, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Close = fresh
	if sign {
		id, at := "bench_"+strconv.FormatInt(start.UnixNano(), 36), time.Now()
		sig, err := webhook.Sign([]string{benchSecret}, id, at, body)
		if err != nil {
			return 0, err
		}
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
		req.Header.Set("webhook-signature", sig)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		return 0, fmt.Errorf("the receiver answered %d", res.StatusCode)
	}
	return since(start), nil
}

func compare(mode string, plain, guarded []time.Duration) latencyFigures {
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	pct := func(ds []time.Duration, q float64) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return us(s[int(q*float64(len(s)-1))])
	}
	mean := func(ds []time.Duration) float64 {
		var t time.Duration
		for _, d := range ds {
			t += d
		}
		return us(t) / float64(len(ds))
	}
	f := latencyFigures{Mode: mode, Requests: len(plain),
		PlainP50US: pct(plain, 0.5), PlainP90US: pct(plain, 0.9), GuardedP50US: pct(guarded, 0.5), GuardedP90US: pct(guarded, 0.9),
		PlainMeanUS: mean(plain), GuardedMeanUS: mean(guarded)}
	f.AddedP50US = f.GuardedP50US - f.PlainP50US
	f.AddedMeanUS = f.GuardedMeanUS - f.PlainMeanUS
	f.AddedPctOfMean = 100 * f.AddedMeanUS / f.PlainMeanUS
	return f
}

// microFigures are the guard's and the signer's own costs, in nanoseconds per call.
type microFigures struct {
	SignNS     float64 `json:"sign_ns"`
	SignTwoNS  float64 `json:"sign_two_secrets_ns"`
	CheckURLNS float64 `json:"check_url_ns"`
	ControlNS  float64 `json:"control_ns"`
}

func micro(recv *receiver) microFigures {
	g := netguard.New(netguard.Options{Allow: []netip.AddrPort{recv.addr}, TLSConfig: &tls.Config{}})
	at := time.Now()
	ns := func(fn func(b *testing.B)) float64 {
		r := testing.Benchmark(fn)
		return float64(r.T.Nanoseconds()) / float64(r.N)
	}
	return microFigures{
		SignNS: ns(func(b *testing.B) {
			for b.Loop() {
				_, _ = webhook.Sign([]string{benchSecret}, "msg_1", at, body)
			}
		}),
		SignTwoNS: ns(func(b *testing.B) {
			for b.Loop() {
				_, _ = webhook.Sign([]string{benchSecret, benchSecret}, "msg_1", at, body)
			}
		}),
		CheckURLNS: ns(func(b *testing.B) {
			for b.Loop() {
				_, _ = g.CheckURL("https://hooks.example.com/torale?x=1")
			}
		}),
		ControlNS: ns(func(b *testing.B) {
			for b.Loop() {
				_ = g.Control("tcp4", "93.184.216.34:443", nil)
			}
		}),
	}
}
