package chat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/torale-ai/torale/shared/outbox"
)

// telegramService sends through a Telegram bot (sendMessage) in MarkdownV2, with every
// character of the agent's text escaped and link previews off. The API URL is a setting
// because self-hosted Bot API servers exist (and tests point it at a local one).
type telegramService struct{}

func init() { register(telegramService{}) }

// telegramMax is sendMessage's limit: 4096 characters of text. It counts the text after
// entities are parsed, so measuring the escaped text (longer) keeps well inside it.
const (
	telegramMax     = 4096
	telegramSources = 10
	telegramAPI     = "https://api.telegram.org"
)

// The settings' patterns (here and beside each chat service) compile on first use: counted
// repetitions compile to long programs, and every service's cold start links this package.
var (
	telegramToken = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{3,20}:[A-Za-z0-9_-]{20,}$`) })
	telegramChat  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$`) })
)

func (telegramService) Kind() Kind { return Telegram }

func (telegramService) Fields() []Field {
	return []Field{
		{Name: "bot_token", Label: "Bot token", Required: true, Secret: true,
			Hint: "Telegram: talk to @BotFather, /newbot, and copy the token it gives (123456:ABC…)"},
		{Name: "chat_id", Label: "Chat ID", Required: true,
			Hint: "A chat's number (negative for groups), or @channelname for a public channel; add the bot to the chat first"},
		{Name: "api_url", Label: "Bot API server", URL: true, Default: telegramAPI,
			Hint: "Leave as is unless you run your own Bot API server"},
	}
}

func (s telegramService) Validate(in Settings) (Settings, error) {
	out, err := normalize(in, s.Fields())
	if err != nil {
		return nil, err
	}
	if err := match(out, "bot_token", telegramToken(), "does not look like a bot token (digits, a colon, then letters)"); err != nil {
		return nil, err
	}
	if err := match(out, "chat_id", telegramChat(), "must be a chat's number or @channelname"); err != nil {
		return nil, err
	}
	return out, nil
}

type telegramPayload struct {
	ChatID      string `json:"chat_id"`
	Text        string `json:"text"`
	ParseMode   string `json:"parse_mode"`
	LinkPreview struct {
		IsDisabled bool `json:"is_disabled"`
	} `json:"link_preview_options"`
}

func (s telegramService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	token := set["bot_token"]
	api := set["api_url"]
	if api == "" {
		api = telegramAPI
	}
	body := telegramPayload{ChatID: set["chat_id"], Text: telegramText(p), ParseMode: "MarkdownV2"}
	body.LinkPreview.IsDisabled = true
	url := strings.TrimRight(api, "/") + "/bot" + token + "/sendMessage"
	r, answer, err := call{service: "Telegram", method: http.MethodPost, url: url, body: body,
		secrets: append(urlSecrets(url), token), retryAfter: bodyWait(1, "parameters", "retry_after")}.do(ctx, client)
	if err == nil {
		// The Bot API says ok:false with an error status; a 2xx saying it too is refused all the same.
		var res struct {
			OK          *bool  `json:"ok"`
			Description string `json:"description"`
		}
		if json.Unmarshal(answer, &res) == nil && res.OK != nil && !*res.OK {
			return r, outbox.Permanent(errors.New("Telegram refused the message: " + redact(fit(oneLine(res.Description), maxReason, nil, runes), []string{token})))
		}
	}
	return r, err
}

// telegramSpecial are the characters MarkdownV2 reserves; outside code and links each must
// be escaped with a backslash (as must the backslash).
const telegramSpecial = "_*[]()~`>#+-=|{}.!\\"

// escapeTelegram makes s literal in MarkdownV2 text.
func escapeTelegram(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for _, r := range s {
		if r < 128 && strings.ContainsRune(telegramSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeTelegramCode makes s literal inside a pre block, where only ` and \ are escaped.
func escapeTelegramCode(s string) string {
	return strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(s)
}

// escapeTelegramURL makes a URL literal inside a link's (...), where ) and \ are escaped;
// escapeURL has already percent-encoded both, this is the belt to its braces.
func escapeTelegramURL(s string) string {
	return strings.NewReplacer(`\`, `\\`, ")", `\)`).Replace(escapeURL(s))
}

// telegramText writes the message: the heading in bold, the news (a diff in a pre block),
// the evidence under an italic label, the sources as links and a link to the task, within
// sendMessage's 4096 characters.
func telegramText(p Post) string {
	head := "*" + fit(p.heading(), 256, escapeTelegram, units) + "*"
	tail := ""
	if links := p.links(); len(links) > 0 {
		tail += "\n\n*Sources*"
		for i, s := range links {
			if i == telegramSources {
				break
			}
			tail += "\n• [" + fit(s.Title, 150, escapeTelegram, units) + "](" + escapeTelegramURL(s.URL) + ")"
		}
	}
	if link := p.safeLink(); link != "" {
		tail += "\n\n[Open in Torale](" + escapeTelegramURL(link) + ")"
	}
	label := ""
	if p.Evidence != "" {
		label = "\n\n_" + escapeTelegram(p.evidenceLabel()) + "_\n"
	}
	open, close, esc := "\n\n", "", escapeTelegram
	if p.Diff {
		open, close, esc = "\n\n```\n", "\n```", escapeTelegramCode
	}
	room := telegramMax - units(head) - units(tail) - units(label) - units(open+close)
	textN, evN := share(room, units(esc(p.Text)), units(escapeTelegram(p.Evidence)))
	out := head
	if p.Text != "" {
		out += open + fit(p.Text, textN, esc, units) + close
	}
	if p.Evidence != "" {
		out += label + fit(p.Evidence, evN, escapeTelegram, units)
	}
	return out + tail
}
