package task

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
)

// Limits on notification targets, in bytes.
const (
	maxEmailLen = 254
	maxURLLen   = 2048
)

// normalizeNotifications checks each notification and returns them with
// addresses trimmed and email domains lower-cased. Problems are added to
// errs under paths such as notifications[1].address.
func normalizeNotifications(in []Notification, errs *problems) []Notification {
	if len(in) == 0 {
		return nil
	}
	out := make([]Notification, len(in))
	seen := map[ChannelType]bool{}
	for i, n := range in {
		path := fmt.Sprintf("notifications[%d]", i)
		n.Address = strings.TrimSpace(n.Address)
		n.URL = strings.TrimSpace(n.URL)
		switch n.Type {
		case "":
			errs.add(path+".type", "is required")
		case ChannelEmail, ChannelWebhook:
			if seen[n.Type] {
				errs.add(path+".type", fmt.Sprintf("duplicate %s notification; only one of each type is allowed", n.Type))
			}
			seen[n.Type] = true
		default:
			errs.add(path+".type", `must be "email" or "webhook"`)
		}
		switch n.Type {
		case ChannelEmail:
			var msg string
			if n.Address, msg = normalizeEmail(n.Address); msg != "" {
				errs.add(path+".address", msg)
			}
			if n.URL != "" {
				errs.add(path+".url", "must be empty for an email notification")
			}
		case ChannelWebhook:
			if n.Address != "" {
				errs.add(path+".address", "must be empty for a webhook notification")
			}
			if msg := webhookProblem(n.URL); msg != "" {
				errs.add(path+".url", msg)
			}
		}
		out[i] = n
	}
	return out
}

// normalizeEmail lower-cases the domain of a bare address such as
// name@example.com and checks it with net/mail. The local part keeps its
// case because some mail servers honour it. It returns a message when the
// address is not acceptable.
func normalizeEmail(addr string) (string, string) {
	if addr == "" {
		return addr, "is required for an email notification"
	}
	at := strings.LastIndex(addr, "@")
	if at <= 0 || at == len(addr)-1 {
		return addr, "must be a plain email address such as name@example.com"
	}
	domain := strings.ToLower(addr[at+1:])
	norm := addr[:at+1] + domain
	if len(norm) > maxEmailLen {
		return addr, fmt.Sprintf("must be at most %d characters", maxEmailLen)
	}
	parsed, err := mail.ParseAddress(norm)
	if err != nil || parsed.Name != "" || parsed.Address != norm || !strings.Contains(domain, ".") {
		return addr, "must be a plain email address such as name@example.com"
	}
	return norm, ""
}

// webhookProblem checks a webhook URL; empty means the user's default
// webhook and is fine. Credentials in the URL are refused because URLs end up
// in logs and screens; configure them on the user's default webhook instead.
func webhookProblem(raw string) string {
	if raw == "" {
		return ""
	}
	if len(raw) > maxURLLen {
		return fmt.Sprintf("must be at most %d characters", maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" {
		return "must be an absolute http or https URL"
	}
	if u.User != nil {
		return "must not contain a user name or password"
	}
	if u.Hostname() == "" {
		return "must include a host"
	}
	return ""
}
