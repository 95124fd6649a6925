package chat

import (
	"context"
	"net/http"
	"strings"
)

// discordService posts to a Discord channel webhook: one embed (the task as a linked title,
// the news and evidence as its description, a field per source), mentioning no one whatever
// the agent wrote.
type discordService struct{}

func init() { register(discordService{}) }

// Discord's embed limits, counted in characters (UTF-16 units): title 256, description 4096,
// field name 256 and value 1024, at most 25 fields, 6000 in all.
const (
	discordTitle       = 256
	discordDescription = 4096
	discordFieldName   = 256
	discordFieldValue  = 1024
	discordTotal       = 6000
	discordSources     = 10
	discordFooter      = "Torale"
)

func (discordService) Kind() Kind { return Discord }

func (discordService) Fields() []Field {
	return []Field{{Name: "webhook_url", Label: "Webhook URL", Required: true, Secret: true, URL: true,
		Hint: "Discord: channel settings → Integrations → Webhooks → New Webhook → Copy Webhook URL"}}
}

func (s discordService) Validate(in Settings) (Settings, error) { return normalize(in, s.Fields()) }

func (s discordService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	url := set["webhook_url"]
	r, _, err := call{service: "Discord", method: http.MethodPost, url: url, body: discordMessage(p),
		secrets: urlSecrets(url), retryAfter: bodyWait(1, "retry_after")}.do(ctx, client)
	return r, err
}

// discordEscaper backslash-escapes Discord's markdown (emphasis, code, spoilers, quotes,
// headings, lists, masked links, mentions' angle brackets): Discord shows any escaped
// punctuation as itself.
var discordEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`",
	"|", `\|`, ">", `\>`, "<", `\<`, "#", `\#`, "-", `\-`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
	".", `\.`, ":", `\:`, "@", `\@`)

func escapeDiscord(s string) string { return discordEscaper.Replace(s) }

type discordField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	URL         string         `json:"url,omitempty"`
	Description string         `json:"description,omitempty"`
	Fields      []discordField `json:"fields,omitempty"`
	Footer      struct {
		Text string `json:"text"`
	} `json:"footer"`
}

type discordPayload struct {
	Content         string         `json:"content"`
	Embeds          []discordEmbed `json:"embeds"`
	AllowedMentions struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

func discordMessage(p Post) discordPayload {
	e := discordEmbed{Title: fit(p.heading(), discordTitle, escapeDiscord, units), URL: p.safeLink()}
	e.Footer.Text = discordFooter
	used := units(e.Title) + units(discordFooter)
	for i, s := range p.links() {
		if i == discordSources {
			break
		}
		f := discordField{Name: fit(s.Title, discordFieldName, escapeDiscord, units), Value: escapeURL(s.URL)}
		if units(f.Value) > discordFieldValue {
			continue
		}
		used += units(f.Name) + units(f.Value)
		e.Fields = append(e.Fields, f)
	}
	e.Description = discordBody(p, min(discordDescription, discordTotal-used))
	out := discordPayload{Embeds: []discordEmbed{e}}
	out.AllowedMentions.Parse = []string{} // no @everyone, @here, role or user pings
	return out
}

// discordBody writes the news and the evidence within n characters, the evidence
// keeping at least a quarter when the news is long.
func discordBody(p Post, n int) string {
	label := ""
	if p.Evidence != "" {
		label = "**" + escapeDiscord(p.evidenceLabel()) + "**\n"
		if p.Text != "" {
			label = "\n\n" + label
		}
	}
	open, close, esc := "", "", escapeDiscord
	if p.Diff {
		open, close, esc = "```diff\n", "\n```", escapeFence
	}
	frame := units(label) + units(open+close)
	textN, evN := share(n-frame, units(esc(p.Text)), units(escapeDiscord(p.Evidence)))
	d := ""
	if p.Text != "" {
		d = open + fit(p.Text, textN, esc, units) + close
	}
	if p.Evidence != "" {
		d += label + fit(p.Evidence, evN, escapeDiscord, units)
	}
	return d
}

// share divides n between a first and a second text that want a and b: each gets what it
// wants when both fit, and otherwise the second keeps at least a quarter of n (or what it
// wants, when less) and the first the rest.
func share(n, a, b int) (int, int) {
	if n < 0 {
		return 0, 0
	}
	if a+b <= n {
		return a, b
	}
	second := min(b, max(n/4, n-a))
	return n - second, second
}
