package chat

import (
	"net"
	"net/url"
	"regexp"
	"strings"
)

// normalize checks settings against a service's fields: each value trimmed, empty ones given
// their default, required ones present, URL fields well formed, and no setting the service
// does not take. It checks syntax only: whether an address may be reached is the SSRF guard's
// to decide, when the channel is saved and at every send. Reasons never quote a value.
func normalize(s Settings, fields []Field) (Settings, error) {
	out := Settings{}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
		v := strings.TrimSpace(s[f.Name])
		if v == "" {
			v = f.Default
		}
		switch {
		case v == "" && f.Required:
			return nil, &FieldError{Field: f.Name, Reason: "is required"}
		case v == "":
			continue
		case strings.ContainsAny(v, "\x00\r\n\t"):
			return nil, &FieldError{Field: f.Name, Reason: "must be one line without control characters"}
		case len(v) > 2048:
			return nil, &FieldError{Field: f.Name, Reason: "is too long (at most 2048 characters)"}
		}
		if f.URL {
			u, err := checkURL(v)
			if err != nil {
				return nil, &FieldError{Field: f.Name, Reason: err.Error()}
			}
			v = u
		}
		out[f.Name] = v
	}
	for k := range s {
		if !known[k] {
			return nil, &FieldError{Field: k, Reason: "is not a setting of this kind of channel"}
		}
	}
	return out, nil
}

type reasonError string

func (e reasonError) Error() string { return string(e) }

// checkURL accepts an absolute https URL, or http to a loopback host (a service on the same
// machine, and tests), without user information or a fragment. It returns the URL with a
// trailing slash dropped from a bare base ("https://ntfy.sh/" → "https://ntfy.sh").
func checkURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", reasonError("is not a valid URL")
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "", u.Opaque != "":
		return "", reasonError("must be an absolute https:// URL")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return "", reasonError("must use https://")
	case u.User != nil:
		return "", reasonError("must not carry a user name or password")
	case u.Fragment != "" || strings.HasSuffix(raw, "#"):
		return "", reasonError("must not have a #fragment")
	}
	if u.Path == "/" && u.RawQuery == "" {
		return strings.TrimSuffix(raw, "/"), nil
	}
	return raw, nil
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// match checks a field's value against a pattern; empty values pass (required is normalize's).
func match(s Settings, field string, re *regexp.Regexp, reason string) error {
	if v := s[field]; v != "" && !re.MatchString(v) {
		return &FieldError{Field: field, Reason: reason}
	}
	return nil
}

// urlSecrets are the parts of a secret URL an error must never show: the URL, its query, each
// long path segment and each query value (webhook keys and tokens live in all of these).
func urlSecrets(raw string) []string {
	out := []string{raw}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	out = append(out, u.RawQuery)
	for _, seg := range strings.Split(u.Path, "/") {
		if len(seg) >= 16 {
			out = append(out, seg)
		}
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	return out
}
