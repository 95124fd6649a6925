// Package pageurl checks the address of a page a watch reads. It is a leaf package, imported by
// task (validation, which the API client links) and page (reading), so that checking an
// address does not link the page reader, its HTML parser and its network guard into the CLI.
package pageurl

import (
	"fmt"
	"net/url"
	"strings"
)

// MaxPages is how many pages one task lists and one run reads.
const MaxPages = 10

// Parse checks that raw can name a page to read: an absolute http or https URL, returned
// without its fragment. Whether its host may be reached is the SSRF guard's to decide, at read
// time and at every redirect.
func Parse(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("only http and https pages can be read, not %q", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", raw)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}
