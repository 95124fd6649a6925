// Package client is the typed Go client of Torale's HTTPS API. The CLI and the tests use it, so
// every endpoint is exercised the way users reach it.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/torale-ai/torale/shared/contract"
)

// Client calls one Torale deployment as one caller.
type Client struct {
	base    string
	http    *http.Client
	token   string
	devUser string
	agent   string
}

// Option configures a Client.
type Option func(*Client)

// WithToken authenticates with an API key (tor_...) or a Clerk session token.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithDevUser acts as a local user of torale dev (X-Torale-Dev-User).
func WithDevUser(name string) Option { return func(c *Client) { c.devUser = name } }

// WithHTTPClient replaces the HTTP client (default: 60 s timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithUserAgent names the program making calls.
func WithUserAgent(ua string) Option { return func(c *Client) { c.agent = ua } }

// New returns a client of the API at baseURL (for example http://127.0.0.1:8080).
func New(baseURL string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), http: &http.Client{Timeout: 60 * time.Second}, agent: "torale-go"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Error is a problem detail the API answered with, and what the response's status line and
// Retry-After header said, so callers can branch on the status and back off as told.
type Error struct {
	StatusCode int `json:"-"`
	contract.Problem
	RetryAfter time.Duration `json:"-"`
}

func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" {
		msg = e.Title
	}
	for _, f := range e.Errors {
		msg += fmt.Sprintf("\n  %s: %s", f.Field, f.Message)
	}
	if e.RequestID != "" {
		msg += " (request id " + e.RequestID + ")"
	}
	return msg
}

// StatusOf returns the HTTP status of an API error, or 0 for other errors (network, decoding).
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// do sends a request with an optional JSON body and decodes a JSON answer into out.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	res, err := c.send(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if out == nil || res.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("reading the answer to %s %s: %w", method, path, err)
	}
	return nil
}

// send makes the request and returns a successful response, whose body the caller closes;
// an error status is decoded into an *Error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.agent)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.devUser != "" {
		req.Header.Set("X-Torale-Dev-User", c.devUser)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", c.base, err)
	}
	if res.StatusCode >= 400 {
		defer res.Body.Close()
		return nil, decodeProblem(res)
	}
	return res, nil
}

func decodeProblem(res *http.Response) error {
	e := &Error{StatusCode: res.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if json.Unmarshal(b, e) != nil || (e.Detail == "" && e.Title == "") {
		e.Title = http.StatusText(res.StatusCode)
	}
	if s := res.Header.Get("Retry-After"); s != "" {
		if n, err := time.ParseDuration(s + "s"); err == nil {
			e.RetryAfter = n
		}
	}
	return e
}

// PageOptions select one page of a list.
type PageOptions struct {
	Limit  int
	Cursor string
}

func (p PageOptions) values() url.Values {
	v := url.Values{}
	if p.Limit > 0 {
		v.Set("limit", fmt.Sprint(p.Limit))
	}
	if p.Cursor != "" {
		v.Set("cursor", p.Cursor)
	}
	return v
}
