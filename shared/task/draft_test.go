package task

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// validDraft returns a draft that passes validation, for tests to break one
// field at a time.
func validDraft() Draft {
	return Draft{SearchQuery: "next iPhone release date"}
}

func TestNormalizeFillsDefaults(t *testing.T) {
	t.Parallel()
	got, err := Draft{SearchQuery: "  when is the next iPhone released?\r\n  "}.Normalize(Rules{})
	require.NoError(t, err)
	runNow := true
	require.Equal(t, Draft{
		Name:                 "When is the next iPhone released?",
		SearchQuery:          "when is the next iPhone released?",
		ConditionDescription: "when is the next iPhone released?",
		Timezone:             "UTC",
		NotifyBehavior:       NotifyOnce,
		Depth:                DepthRoutine,
		Mode:                 ModeAgent,
		RunImmediately:       &runNow,
	}, got)
	require.True(t, got.NameIsDefault())
}

func TestNormalizeKeepsAndCleansGivenValues(t *testing.T) {
	t.Parallel()
	runLater := false
	in := Draft{
		Name:                 "  iPhone watch ",
		SearchQuery:          "iPhone 18 release date\r\nofficial Apple announcement",
		ConditionDescription: " Apple has announced a date ",
		Schedule:             "  0   9 * * MON-FRI ",
		Timezone:             " Europe/London ",
		NotifyBehavior:       NotifyAlways,
		Depth:                " deep ",
		Notifications: []Notification{
			{Type: ChannelEmail, Address: " Me.Myself@Example.COM "},
			{Type: ChannelWebhook},
		},
		RunImmediately: &runLater,
	}
	got, err := in.Normalize(Rules{})
	require.NoError(t, err)
	require.Equal(t, Draft{
		Name:                 "iPhone watch",
		SearchQuery:          "iPhone 18 release date\nofficial Apple announcement",
		ConditionDescription: "Apple has announced a date",
		Schedule:             "0 9 * * MON-FRI",
		Timezone:             "Europe/London",
		NotifyBehavior:       NotifyAlways,
		Depth:                DepthDeep,
		Mode:                 ModeAgent,
		Notifications: []Notification{
			{Type: ChannelEmail, Address: "Me.Myself@example.com"},
			{Type: ChannelWebhook},
		},
		RunImmediately: &runLater,
	}, got)
	require.False(t, got.NameIsDefault())

	// The input is not changed and the output shares nothing with it.
	require.Equal(t, " Me.Myself@Example.COM ", in.Notifications[0].Address)
	runLater = true
	require.False(t, *got.RunImmediately)

	again, err := got.Normalize(Rules{})
	require.NoError(t, err)
	require.Equal(t, got, again)
}

func TestNormalizeFieldErrors(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("a", n) }
	email := func(addr string) []Notification { return []Notification{{Type: ChannelEmail, Address: addr}} }
	webhook := func(url string) []Notification { return []Notification{{Type: ChannelWebhook, URL: url}} }
	tests := []struct {
		name   string
		change func(*Draft)
		rules  Rules
		field  string
		msg    string
	}{
		{"name too long", func(d *Draft) { d.Name = long(201) }, Rules{}, "name", "must be at most 200 characters"},
		{"name with a newline", func(d *Draft) { d.Name = "a\nb" }, Rules{}, "name", "must not contain control characters"},
		{"name with a bell", func(d *Draft) { d.Name = "a\ab" }, Rules{}, "name", "must not contain control characters"},
		{"name not UTF-8", func(d *Draft) { d.Name = "a\xffb" }, Rules{}, "name", "must be valid UTF-8 text"},
		{"name with a right-to-left override", func(d *Draft) { d.Name = "invoice\u202egpj.exe" }, Rules{}, "name",
			"must not contain U+202E, an invisible or direction-changing character"},
		{"name with a first-strong isolate", func(d *Draft) { d.Name = "a\u2068b" }, Rules{}, "name",
			"must not contain U+2068, an invisible or direction-changing character"},
		{"name with a zero-width space", func(d *Draft) { d.Name = "pay\u200bpal" }, Rules{}, "name",
			"must not contain U+200B, an invisible or direction-changing character"},
		{"name with a word joiner", func(d *Draft) { d.Name = "a\u2060b" }, Rules{}, "name",
			"must not contain U+2060, an invisible or direction-changing character"},
		{"name with a byte order mark", func(d *Draft) { d.Name = "\ufeffname" }, Rules{}, "name",
			"must not contain U+FEFF, an invisible or direction-changing character"},
		{"query missing", func(d *Draft) { d.SearchQuery = "" }, Rules{}, "search_query", "is required"},
		{"query only space", func(d *Draft) { d.SearchQuery = " \n\t " }, Rules{}, "search_query", "is required"},
		{"query too short", func(d *Draft) { d.SearchQuery = " ab " }, Rules{}, "search_query", "must be 3 to 2000 characters"},
		{"query too long", func(d *Draft) { d.SearchQuery = long(2001) }, Rules{}, "search_query", "must be 3 to 2000 characters"},
		{"query with NUL", func(d *Draft) { d.SearchQuery = "abc\x00def" }, Rules{}, "search_query",
			"must not contain control characters other than newline and tab"},
		{"query not UTF-8", func(d *Draft) { d.SearchQuery = "abc\xfe" }, Rules{}, "search_query", "must be valid UTF-8 text"},
		{"condition too long", func(d *Draft) { d.ConditionDescription = long(2001) }, Rules{}, "condition_description",
			"must be at most 2000 characters"},
		{"condition with escape", func(d *Draft) { d.ConditionDescription = "price \x1b[31m" }, Rules{}, "condition_description",
			"must not contain control characters other than newline and tab"},
		{"schedule with seconds", func(d *Draft) { d.Schedule = "0 0 9 * * *" }, Rules{}, "schedule",
			"must have 5 fields (minute hour day-of-month month day-of-week), found 6; a seconds field is not supported"},
		{"schedule @every", func(d *Draft) { d.Schedule = "@every 1h" }, Rules{}, "schedule",
			"@every is not supported; use a 5-field cron expression"},
		{"schedule bad hour", func(d *Draft) { d.Schedule = "0 25 * * *" }, Rules{}, "schedule", `hour: "25" is out of range 0-23`},
		{"schedule too long", func(d *Draft) { d.Schedule = "0 0 * * " + strings.Repeat("1,", 50) + "1" }, Rules{}, "schedule",
			"must be at most 100 characters"},
		{"schedule every 5 minutes", func(d *Draft) { d.Schedule = "*/5 * * * *" }, Rules{}, "schedule",
			"runs more often than every 15 minutes, the minimum interval"},
		{"schedule with two close times", func(d *Draft) { d.Schedule = "0,10 9 * * *" }, Rules{}, "schedule",
			"runs more often than every 15 minutes, the minimum interval"},
		{"schedule close across midnight", func(d *Draft) { d.Schedule = "5,55 0,23 * * *" }, Rules{}, "schedule",
			"runs more often than every 15 minutes, the minimum interval"},
		{"schedule close across a month end", func(d *Draft) { d.Schedule = "5,55 0,23 1,31 * *" }, Rules{}, "schedule",
			"runs more often than every 15 minutes, the minimum interval"},
		{"schedule under a custom minimum", func(d *Draft) { d.Schedule = "*/30 * * * *" }, Rules{MinInterval: time.Hour}, "schedule",
			"runs more often than every 1 hour, the minimum interval"},
		{"zone unknown", func(d *Draft) { d.Timezone = "Mars/Base" }, Rules{}, "timezone", `unknown time zone "Mars/Base"`},
		{"zone Local", func(d *Draft) { d.Timezone = "Local" }, Rules{}, "timezone",
			`time zone "Local" is not allowed; use an IANA name such as "Europe/London"`},
		{"zone too long", func(d *Draft) { d.Timezone = long(65) }, Rules{}, "timezone", "must be at most 64 characters"},
		{"notify behaviour unknown", func(d *Draft) { d.NotifyBehavior = "sometimes" }, Rules{}, "notify_behavior",
			`must be "once" or "always"`},
		{"notification without type", func(d *Draft) { d.Notifications = []Notification{{Address: "a@b.co"}} }, Rules{},
			"notifications[0].type", "is required"},
		{"notification of unknown type", func(d *Draft) { d.Notifications = []Notification{{Type: "sms"}} }, Rules{},
			"notifications[0].type", `must be "email", "webhook" or "channel"`},
		{"duplicate email", func(d *Draft) { d.Notifications = append(email("a@b.co"), email("c@d.co")...) }, Rules{},
			"notifications[1].type", "duplicate email notification; only one of each type is allowed"},
		{"email without address", func(d *Draft) { d.Notifications = email(" ") }, Rules{},
			"notifications[0].address", "is required for an email notification"},
		{"email with a display name", func(d *Draft) { d.Notifications = email("Bob <bob@example.com>") }, Rules{},
			"notifications[0].address", "must be a plain email address such as name@example.com"},
		{"email in angle brackets", func(d *Draft) { d.Notifications = email("<bob@example.com>") }, Rules{},
			"notifications[0].address", "must be a plain email address such as name@example.com"},
		{"email without domain", func(d *Draft) { d.Notifications = email("bob@") }, Rules{},
			"notifications[0].address", "must be a plain email address such as name@example.com"},
		{"email without dot in domain", func(d *Draft) { d.Notifications = email("bob@localhost") }, Rules{},
			"notifications[0].address", "must be a plain email address such as name@example.com"},
		{"email without at", func(d *Draft) { d.Notifications = email("bob.example.com") }, Rules{},
			"notifications[0].address", "must be a plain email address such as name@example.com"},
		{"email too long", func(d *Draft) { d.Notifications = email(long(64) + "@" + long(186) + ".com") }, Rules{},
			"notifications[0].address", "must be at most 254 characters"},
		{"email with a URL", func(d *Draft) {
			d.Notifications = []Notification{{Type: ChannelEmail, Address: "a@b.co", URL: "https://x.co"}}
		}, Rules{}, "notifications[0].url", "must be empty for an email notification"},
		{"webhook with an address", func(d *Draft) { d.Notifications = []Notification{{Type: ChannelWebhook, Address: "a@b.co"}} },
			Rules{}, "notifications[0].address", "must be empty for a webhook notification"},
		{"webhook ftp", func(d *Draft) { d.Notifications = webhook("ftp://example.com/hook") }, Rules{},
			"notifications[0].url", "must be an absolute http or https URL"},
		{"webhook relative", func(d *Draft) { d.Notifications = webhook("/hook") }, Rules{},
			"notifications[0].url", "must be an absolute http or https URL"},
		{"webhook opaque", func(d *Draft) { d.Notifications = webhook("https:example.com") }, Rules{},
			"notifications[0].url", "must be an absolute http or https URL"},
		{"webhook unparsable", func(d *Draft) { d.Notifications = webhook("https://exa mple.com/") }, Rules{},
			"notifications[0].url", "must be an absolute http or https URL"},
		{"webhook with credentials", func(d *Draft) { d.Notifications = webhook("https://user:pw@example.com/hook") }, Rules{},
			"notifications[0].url", "must not contain a user name or password"},
		{"webhook without host", func(d *Draft) { d.Notifications = webhook("https:///hook") }, Rules{},
			"notifications[0].url", "must include a host"},
		{"webhook with only a port", func(d *Draft) { d.Notifications = webhook("http://:8080/hook") }, Rules{},
			"notifications[0].url", "must include a host"},
		{"webhook too long", func(d *Draft) { d.Notifications = webhook("https://example.com/" + long(2029)) }, Rules{},
			"notifications[0].url", "must be at most 2048 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := validDraft()
			tc.change(&d)
			got, err := d.Normalize(tc.rules)
			require.Equal(t, Draft{}, got)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, []FieldError{{Field: tc.field, Message: tc.msg}}, ve.Fields)
		})
	}
}

func TestNormalizeAcceptsEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Draft)
	}{
		{"query of 3 characters", func(d *Draft) { d.SearchQuery = "abc" }},
		{"query of 2000 two-byte characters", func(d *Draft) { d.SearchQuery = strings.Repeat("é", 2000) }},
		{"query with tab and newline", func(d *Draft) { d.SearchQuery = "a\tb\nc" }},
		{"name of 200 characters", func(d *Draft) { d.Name = strings.Repeat("n", 200) }},
		{"name with ZWJ, ZWNJ and a soft hyphen", func(d *Draft) { d.Name = "👩\u200d💻 می\u200cخواهم co\u00adop" }},
		{"query with an override, name derived without it", func(d *Draft) { d.Name, d.SearchQuery = "", "abc\u202edef" }},
		{"schedule every 15 minutes", func(d *Draft) { d.Schedule = "*/15 * * * *" }},
		{"close times on days that never touch", func(d *Draft) { d.Schedule = "5,55 0,23 1 * *" }},
		{"descriptor", func(d *Draft) { d.Schedule = "@hourly" }},
		{"zone with spaces", func(d *Draft) { d.Timezone = " Australia/Lord_Howe " }},
		{"webhook to the default", func(d *Draft) { d.Notifications = []Notification{{Type: ChannelWebhook}} }},
		{"webhook with port and query", func(d *Draft) {
			d.Notifications = []Notification{{Type: ChannelWebhook, URL: "HTTPS://hooks.example.com:8443/t?id=1"}}
		}},
		{"one of each channel", func(d *Draft) {
			d.Notifications = []Notification{{Type: ChannelWebhook, URL: "http://x.example"}, {Type: ChannelEmail, Address: "a@b.co"}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := validDraft()
			tc.change(&d)
			got, err := d.Normalize(Rules{})
			require.NoError(t, err)
			again, err := got.Normalize(Rules{})
			require.NoError(t, err)
			require.Equal(t, got, again)
		})
	}
}

func TestNormalizeReportsEveryErrorInFieldOrder(t *testing.T) {
	t.Parallel()
	d := Draft{
		Name:                 strings.Repeat("n", 201),
		SearchQuery:          "ab",
		ConditionDescription: "\x00",
		Schedule:             "* * * *",
		Timezone:             "Mars/Base",
		NotifyBehavior:       "never",
		Depth:                "shallow",
		Notifications: []Notification{
			{Type: ChannelEmail, Address: "nope"},
			{Type: ChannelEmail, Address: "a@b.co", URL: "https://x.co"},
			{Type: ChannelWebhook, URL: "gopher://x"},
		},
	}
	_, err := d.Normalize(Rules{})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []FieldError{
		{"name", "must be at most 200 characters"},
		{"search_query", "must be 3 to 2000 characters"},
		{"condition_description", "must not contain control characters other than newline and tab"},
		{"schedule", "must have 5 fields (minute hour day-of-month month day-of-week), found 4"},
		{"timezone", `unknown time zone "Mars/Base"`},
		{"notify_behavior", `must be "once" or "always"`},
		{"depth", `must be "routine" or "deep"`},
		{"notifications[0].address", "must be a plain email address such as name@example.com"},
		{"notifications[1].type", "duplicate email notification; only one of each type is allowed"},
		{"notifications[1].url", "must be empty for an email notification"},
		{"notifications[2].url", "must be an absolute http or https URL"},
	}, ve.Fields)
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := Draft{SearchQuery: "ab", Timezone: "Mars/Base"}.Normalize(Rules{})
	require.EqualError(t, err, `invalid task: search_query: must be 3 to 2000 characters; timezone: unknown time zone "Mars/Base"`)
}

func TestDefaultName(t *testing.T) {
	t.Parallel()
	sixty := strings.Repeat("abcde ", 9) + "abcde " // 60 runes with the trailing space trimmed away below
	tests := []struct {
		query, want string
	}{
		{"when is the next iphone released?", "When is the next iphone released?"},
		{"  multiple   spaces\tand tabs ", "Multiple spaces and tabs"},
		{"first line\nsecond line", "First line"},
		{"first line\r\nsecond line", "First line"},
		{"the quick brown fox jumps over the lazy dog and keeps running far away from here",
			"The quick brown fox jumps over the lazy dog and keeps…"},
		{strings.Repeat("a", 80), strings.Repeat("A", 1) + strings.Repeat("a", 58) + "…"},
		{"élections municipales", "Élections municipales"},
		{"ǆungla", "ǅungla"},
		{"123 numbers first", "123 numbers first"},
		{"\u202eevil\u200b query", "Evil query"},
		{strings.TrimSpace(sixty) + "x", "A" + strings.TrimSpace(sixty)[1:] + "x"},
		{strings.TrimSpace(sixty) + "xy", "Abcde abcde abcde abcde abcde abcde abcde abcde abcde…"},
	}
	for _, tc := range tests {
		got := DefaultName(tc.query)
		require.Equal(t, tc.want, got, tc.query)
		require.LessOrEqual(t, len([]rune(got)), 60)
	}
}

func TestNameIsDefault(t *testing.T) {
	t.Parallel()
	derived, err := validDraft().Normalize(Rules{})
	require.NoError(t, err)
	require.True(t, derived.NameIsDefault())

	named := validDraft()
	named.Name = "My watch"
	chosen, err := named.Normalize(Rules{})
	require.NoError(t, err)
	require.False(t, chosen.NameIsDefault())

	named.Name = "Next iPhone release date"
	same, err := named.Normalize(Rules{})
	require.NoError(t, err)
	require.True(t, same.NameIsDefault(), "typing the derived name counts as the default")
}

func TestRareSchedulesPassTheMinimumInterval(t *testing.T) {
	for _, expr := range []string{"0 9 * * 1", "0 0 1 * *", "30 6 * * 1-5", "@weekly", "@yearly", "0 12 29 2 *"} {
		_, err := Draft{SearchQuery: "a rare watch", Schedule: expr}.Normalize(DefaultRules())
		require.NoError(t, err, expr)
	}
}
