package page

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestMatchRobotsPatterns(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/", "/anything", true},
		{"/fish", "/fish.html", true},
		{"/fish", "/Fish", false},
		{"/fish*", "/fishheads/yummy", true},
		{"/*.php", "/folder/index.php?x=1", true},
		{"/*.php$", "/folder/index.php?x=1", false},
		{"/*.php$", "/index.php", true},
		{"/fish*.php", "/fish/and/chips.php", true},
		{"/a*b*c$", "/aXbYc", true},
		{"/a*b*c$", "/aXbYcZ", false},
		{"/a$b", "/a$b", true}, // "$" anchors only at the end
		{"*", "/", true},
	} {
		require.Equal(t, c.want, matchRobots(normalizeRobotsPath(c.pattern), normalizeRobotsPath(c.path)), "%s vs %s", c.pattern, c.path)
	}
}

func TestLongestRuleWinsAndAllowWinsTies(t *testing.T) {
	t.Parallel()
	rs := parseRobots([]byte("user-agent: *\ndisallow: /page\nallow: /page\ndisallow: /café/\nallow: /x/\ndisallow: /x/y\n"), "ToraleBot")
	ok, _ := rs.check("/page")
	require.True(t, ok, "allow wins a tie")
	ok, rule := rs.check("/caf%c3%a9/menu")
	require.False(t, ok, "percent escapes and raw UTF-8 are the same path")
	require.Equal(t, "Disallow: /café/", rule.text)
	ok, _ = rs.check("/x/y/z")
	require.False(t, ok, "the longer disallow beats the shorter allow")
	ok, _ = rs.check("/robots.txt")
	require.True(t, ok, "robots.txt itself is always readable")
}

func TestUnparseableRobotsRestrictsNothing(t *testing.T) {
	t.Parallel()
	rs := parseRobots([]byte("<html>not a robots file</html>\nDisallow: /before-any-group\n"), "ToraleBot")
	ok, _ := rs.check("/before-any-group")
	require.True(t, ok)
}

// FuzzRobots holds the parser and matcher to their promises on any file and path: no panic,
// robots.txt always readable, a refusal always names a disallow rule that matches the path.
func FuzzRobots(f *testing.F) {
	f.Add([]byte(siteRobotsSeed), "/private/x")
	f.Add([]byte("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*b$\n"), "/"+strings.Repeat("a", 200))
	f.Add([]byte("\xef\xbb\xbfuser-agent:toralebot\rdisallow:/%7e\r\n"), "/~")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		rs := parseRobots(body, "ToraleBot")
		if ok, _ := rs.check("/robots.txt"); !ok {
			t.Fatal("robots.txt refused")
		}
		ok, rule := rs.check(path)
		if ok {
			return
		}
		if rule == nil || rule.allow || !strings.HasPrefix(rule.text, "Disallow: ") {
			t.Fatalf("refused %q without a disallow rule: %+v", path, rule)
		}
		if !matchRobots(rule.pattern, normalizeRobotsPath(path)) {
			t.Fatalf("rule %q does not match %q", rule.text, path)
		}
		if !utf8.ValidString(normalizeRobotsPath(path)) {
			t.Fatalf("normalised %q is not UTF-8", path)
		}
	})
}

const siteRobotsSeed = "User-agent: *\nDisallow: /private/\nAllow: /private/press/\n"
