package task

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// Limits on notification targets, in bytes.
const (
	maxEmailLen = 254
	maxURLLen   = 2048
	// MaxChannelNotifications bounds the channel notifications of one task.
	MaxChannelNotifications = 10
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
	channels := map[string]bool{}
	for i, n := range in {
		path := fmt.Sprintf("notifications[%d]", i)
		n.Address = strings.TrimSpace(n.Address)
		n.URL = strings.TrimSpace(n.URL)
		n.ChannelID = strings.TrimSpace(n.ChannelID)
		switch n.Type {
		case "":
			errs.add(path+".type", "is required")
		case ChannelEmail, ChannelWebhook:
			if seen[n.Type] {
				errs.add(path+".type", fmt.Sprintf("duplicate %s notification; only one of each type is allowed", n.Type))
			}
			seen[n.Type] = true
		case ChannelChat:
			if len(channels) == MaxChannelNotifications {
				errs.add(path, fmt.Sprintf("a task names at most %d channels", MaxChannelNotifications))
			}
		default:
			errs.add(path+".type", `must be "email", "webhook" or "channel"`)
		}
		if (n.Type == ChannelEmail || n.Type == ChannelWebhook) && n.ChannelID != "" {
			errs.add(path+".channel_id", fmt.Sprintf("must be empty for a%s %s notification", article(n.Type), n.Type))
		}
		switch n.Type {
		case ChannelChat:
			n = normalizeChannel(n, path, channels, errs)
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

// normalizeChannel checks a channel notification: no address or URL (the channel holds its
// own), and an id in canonical form named once; "" (every default channel) counts as one name.
func normalizeChannel(n Notification, path string, seen map[string]bool, errs *problems) Notification {
	if n.Address != "" {
		errs.add(path+".address", "must be empty for a channel notification")
	}
	if n.URL != "" {
		errs.add(path+".url", "must be empty for a channel notification; save the URL in a channel and name it by channel_id")
	}
	if n.ChannelID != "" {
		id, err := uuid.Parse(n.ChannelID)
		if err != nil {
			errs.add(path+".channel_id", "must be a channel's id (GET /api/v1/channels lists them)")
			return n
		}
		n.ChannelID = id.String()
	}
	if seen[n.ChannelID] {
		what := "channel " + n.ChannelID
		if n.ChannelID == "" {
			what = "default channels"
		}
		errs.add(path+".channel_id", "names the "+what+" twice")
	}
	seen[n.ChannelID] = true
	return n
}

// article is "n" before a type read with a vowel sound ("an email"), "" otherwise.
func article(t ChannelType) string {
	if t == ChannelEmail {
		return "n"
	}
	return ""
}
