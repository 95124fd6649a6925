package page

import (
	"errors"
	"net"
	"syscall"

	"github.com/torale-ai/torale/shared/netguard"
)

// Reason says in plain words why a read failed, for the run's trail and the user: the
// package's own errors as they are, a guard refusal with its reason, and network failures
// without the Go client's wrapping ("Get \"...\": dial tcp ...").
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var (
		refused *netguard.RefusedError
		dnsErr  *net.DNSError
		kind    *kindError
		robots  *RobotsError
		status  *StatusError
	)
	switch {
	case errors.As(err, &robots):
		return robots.Error()
	case errors.As(err, &kind):
		return kind.Error()
	case errors.As(err, &status):
		return status.Error()
	case errors.As(err, &refused):
		return "Torale does not read this address: " + refused.Reason
	case errors.As(err, &dnsErr):
		return "the site's name " + dnsErr.Name + " does not resolve"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the site refused the connection"
	case errors.Is(err, syscall.ECONNRESET):
		return "the site closed the connection"
	}
	return "the page could not be read"
}
