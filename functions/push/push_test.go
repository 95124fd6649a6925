package push_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/push"
	"github.com/torale-ai/torale/shared/logging"
)

// recorder is a handler that records the data it is given and fails when told to.
type recorder struct {
	mu   sync.Mutex
	seen []string
	fail error
}

func (r *recorder) HandleMessage(_ context.Context, data []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, string(data))
	return r.fail
}

func (r *recorder) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

var now = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

const data = `{"version":1,"delivery_id":"7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11"}`

func function(h push.Handler, maxBody int64) http.HandlerFunc {
	return push.New(h, push.Config{Topic: "test", RetryHorizon: 10 * time.Minute, MaxBody: maxBody,
		Now: func() time.Time { return now }, Log: logging.Discard()})
}

// message is the messagePublished data: a raw push's body, and a CloudEvent's data.
func message(published string) string {
	m := `{"message":{"data":"` + base64.StdEncoding.EncodeToString([]byte(data)) + `","messageId":"42"`
	if published != "" {
		m += `,"publishTime":"` + published + `"`
	}
	return m + `},"subscription":"projects/p/subscriptions/s"}`
}

func rawPush(body string) *http.Request {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// binaryEvent is a CloudEvent in binary mode, as Eventarc sends it: attributes in headers.
func binaryEvent(body, eventTime string) *http.Request {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Ce-Specversion", "1.0")
	r.Header.Set("Ce-Type", "google.cloud.pubsub.topic.v1.messagePublished")
	r.Header.Set("Ce-Source", "//pubsub.googleapis.com/projects/p/topics/test")
	r.Header.Set("Ce-Id", "42")
	r.Header.Set("Ce-Time", eventTime)
	return r
}

// structuredEvent is a CloudEvent in structured mode: the whole event in the body.
func structuredEvent(dataJSON, eventTime string) *http.Request {
	body := `{"specversion":"1.0","type":"google.cloud.pubsub.topic.v1.messagePublished",` +
		`"source":"//pubsub.googleapis.com/projects/p/topics/test","id":"42","time":"` + eventTime + `",` +
		`"datacontenttype":"application/json","data":` + dataJSON + `}`
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/cloudevents+json; charset=utf-8")
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestEveryPushShapeReachesTheHandler(t *testing.T) {
	recent := now.Add(-time.Minute).Format(time.RFC3339)
	for name, req := range map[string]*http.Request{
		"raw push":              rawPush(message(recent)),
		"binary CloudEvent":     binaryEvent(message(recent), recent),
		"structured CloudEvent": structuredEvent(message(recent), recent),
	} {
		h := &recorder{}
		rec := serve(function(h, 0), req)
		require.Equal(t, http.StatusNoContent, rec.Code, name)
		require.Equal(t, []string{data}, h.messages(), name)
	}
}

// A message older than the retry horizon is acked without being handled: its work is
// triggered anew by the database's own passes. A CloudEvent without a publish time is aged by
// the event's time.
func TestMessagesPastTheRetryHorizonAreAckedUnhandled(t *testing.T) {
	old := now.Add(-11 * time.Minute).Format(time.RFC3339)
	inside := now.Add(-9 * time.Minute).Format(time.RFC3339)
	for name, c := range map[string]struct {
		req     *http.Request
		handled bool
	}{
		"raw, old":                       {rawPush(message(old)), false},
		"raw, inside":                    {rawPush(message(inside)), true},
		"raw, no publish time":           {rawPush(message("")), true},
		"event, old message":             {binaryEvent(message(old), inside), false},
		"event, old, no publish time":    {binaryEvent(message(""), old), false},
		"event, inside, no publish time": {structuredEvent(message(""), inside), true},
	} {
		h := &recorder{}
		rec := serve(function(h, 0), c.req)
		require.Equal(t, http.StatusNoContent, rec.Code, name)
		require.Equal(t, c.handled, len(h.messages()) == 1, name)
	}
}

// A body that can never be handled is acked (redelivery cannot fix it); a handler's failure is
// answered 500 so Pub/Sub delivers the message again.
func TestMalformedBodiesAreAckedAndFailuresRetried(t *testing.T) {
	recent := now.Add(-time.Minute).Format(time.RFC3339)
	for name, req := range map[string]*http.Request{
		"not JSON":              rawPush(`{"message":`),
		"no data":               rawPush(`{"message":{"messageId":"1"},"subscription":"s"}`),
		"data not base64":       rawPush(`{"message":{"data":"***"}}`),
		"event data not JSON":   binaryEvent(`not json`, recent),
		"event with no message": structuredEvent(`{}`, recent),
		"too large":             rawPush(message(recent) + strings.Repeat(" ", 2048)),
	} {
		h := &recorder{}
		rec := serve(function(h, 1024), req)
		require.Equal(t, http.StatusNoContent, rec.Code, name)
		require.Empty(t, h.messages(), name)
	}

	h := &recorder{fail: errors.New("database unavailable")}
	rec := serve(function(h, 0), rawPush(message(recent)))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.NotContains(t, rec.Body.String(), "database", "no internal text in the answer")
	require.Len(t, h.messages(), 1)
}

func TestOnlyPOSTIsAccepted(t *testing.T) {
	h := &recorder{}
	rec := serve(function(h, 0), httptest.NewRequest("GET", "/", nil))
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, "POST", rec.Header().Get("Allow"))
	require.Empty(t, h.messages())
}
