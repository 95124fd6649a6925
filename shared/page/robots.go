package page

import (
	"bytes"
	"fmt"
	"strings"
)

// maxRobotsBytes is how much of a robots.txt is read: RFC 9309 asks crawlers to parse at least
// 500 KiB, and a file longer than that is cut there.
const maxRobotsBytes = 500 << 10

// robotsRule is one allow or disallow line of the group that applies to the agent.
type robotsRule struct {
	allow   bool
	pattern string // normalised: see normalizeRobotsPath
	text    string // the line as written ("Disallow: /private/"), for the refusal's message
}

// robotsRules are the rules of a site's robots.txt that apply to one agent: those of the groups
// naming it, or else those of the "*" groups (RFC 9309 section 2.2.1).
type robotsRules struct {
	group string // the user-agent the rules were written for ("ToraleBot" or "*"); "" when none applies
	rules []robotsRule
}

// parseRobots reads a robots.txt and keeps the rules that apply to agent, a product token such as
// "ToraleBot". Lines it does not understand are skipped, as the RFC asks: a broken file
// restricts nothing it does not clearly say.
func parseRobots(body []byte, agent string) robotsRules {
	if len(body) > maxRobotsBytes {
		body = body[:maxRobotsBytes]
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	var (
		named, star   []robotsRule
		sawNamed      bool
		sawStar       bool
		forNamed      bool // the current group names the agent
		forStar       bool // the current group is for "*"
		inAgentHeader bool // the previous meaningful line was a user-agent line
	)
	for _, line := range splitLines(string(body)) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent", "useragent", "user agent":
			if !inAgentHeader {
				forNamed, forStar = false, false
			}
			inAgentHeader = true
			switch {
			case value == "*":
				forStar, sawStar = true, true
			case strings.EqualFold(productToken(value), agent):
				forNamed, sawNamed = true, true
			}
		case "allow", "disallow":
			inAgentHeader = false
			if value == "" || (!forNamed && !forStar) {
				continue // an empty rule says nothing; a rule outside any group is ignored
			}
			r := robotsRule{allow: key == "allow", pattern: normalizeRobotsPath(value), text: ruleText(key, value)}
			if forNamed {
				named = append(named, r)
			}
			if forStar {
				star = append(star, r)
			}
		default:
			// Sitemap, crawl-delay and the rest neither start nor end a group.
		}
	}
	switch {
	case sawNamed:
		return robotsRules{group: agent, rules: named}
	case sawStar:
		return robotsRules{group: "*", rules: star}
	default:
		return robotsRules{}
	}
}

func ruleText(key, value string) string {
	if key == "allow" {
		return "Allow: " + value
	}
	return "Disallow: " + value
}

// splitLines splits on LF, CR and CRLF, the line ends the RFC allows.
func splitLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
}

// productToken is the leading run of characters a product token may hold ("ToraleBot/1.0" is
// "ToraleBot").
func productToken(s string) string {
	for i, c := range s {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '_' && c != '-' {
			return s[:i]
		}
	}
	return s
}

// check decides whether path (escaped path and query of the URL) may be read: the matching rule
// with the longest pattern wins, and allow wins a tie. It returns the deciding rule, if any.
func (rs robotsRules) check(path string) (bool, *robotsRule) {
	if path == "/robots.txt" {
		return true, nil
	}
	path = normalizeRobotsPath(path)
	var best *robotsRule
	for i := range rs.rules {
		r := &rs.rules[i]
		if !matchRobots(r.pattern, path) {
			continue
		}
		if best == nil || len(r.pattern) > len(best.pattern) || (len(r.pattern) == len(best.pattern) && r.allow && !best.allow) {
			best = r
		}
	}
	if best == nil {
		return true, nil
	}
	return best.allow, best
}

// matchRobots reports whether pattern matches a prefix of path, where "*" matches any run of
// characters and a final "$" anchors the end. It tracks every position the pattern could have
// reached in path, so it takes len(pattern)*len(path) steps at worst, never backtracking.
func matchRobots(pattern, path string) bool {
	pos := make([]int, 1, len(path)+1)
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '$' && i == len(pattern)-1:
			return pos[len(pos)-1] == len(path)
		case c == '*':
			first := pos[0]
			pos = pos[:0]
			for p := first; p <= len(path); p++ {
				pos = append(pos, p)
			}
		default:
			next := pos[:0]
			for _, p := range pos {
				if p < len(path) && path[p] == c {
					next = append(next, p+1)
				}
			}
			if len(next) == 0 {
				return false
			}
			pos = next
		}
	}
	return true
}

// normalizeRobotsPath writes a path or pattern the one way both are compared: bytes outside
// printable ASCII percent-encoded and percent escapes in upper case, so "/caf%c3%a9", "/café"
// and "/caf%C3%A9" are the same path.
func normalizeRobotsPath(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
			i += 2
		case c <= ' ' || c >= 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
