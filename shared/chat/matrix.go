package chat

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// matrixService sends an m.notice into a Matrix room with a bot account's access token: a
// plain body and an HTML formatted_body, both from escaped text. The delivery id is the
// transaction id, so a retry of the same delivery is the same event, not a second message:
// Matrix is idempotent.
type matrixService struct{}

func init() { register(matrixService{}) }

// A Matrix event is at most 64 KiB of JSON; the body and formatted body share it.
const (
	matrixBody      = 12000 // bytes of plain body
	matrixFormatted = 24000 // bytes of HTML
	matrixSources   = 10
)

// matrixRoom is a room ID: "!" then printable characters (older rooms add ":server").
var matrixRoom = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^![!-~]{1,254}$`) })

func (matrixService) Kind() Kind { return Matrix }

func (matrixService) Fields() []Field {
	return []Field{
		{Name: "homeserver", Label: "Homeserver", Required: true, URL: true,
			Hint: "The bot account's homeserver, such as https://matrix.org"},
		{Name: "access_token", Label: "Access token", Required: true, Secret: true,
			Hint: "The bot account's access token (Element: Settings → Help & About → Access token); invite the bot to the room"},
		{Name: "room_id", Label: "Room ID", Required: true,
			Hint: "The room's internal ID, !…; Element: Room settings → Advanced"},
	}
}

func (s matrixService) Validate(in Settings) (Settings, error) {
	out, err := normalize(in, s.Fields())
	if err != nil {
		return nil, err
	}
	if err := match(out, "room_id", matrixRoom(), "must be a room ID starting with ! (not an #alias)"); err != nil {
		return nil, err
	}
	return out, nil
}

type matrixPayload struct {
	MsgType       string `json:"msgtype"`
	Body          string `json:"body"`
	Format        string `json:"format"`
	FormattedBody string `json:"formatted_body"`
	// Mentions is empty: an event that says whom it mentions is not searched for names or
	// "@room", so the agent's text pings no one.
	Mentions struct{} `json:"m.mentions"`
}

func (s matrixService) Send(ctx context.Context, client *http.Client, set Settings, p Post) (Receipt, error) {
	token := set["access_token"]
	txn := p.ID
	if txn == "" { // a test has no delivery; it is sent once
		txn = uuid.NewString()
	}
	u := strings.TrimRight(set["homeserver"], "/") + "/_matrix/client/v3/rooms/" + url.PathEscape(set["room_id"]) +
		"/send/m.room.message/" + url.PathEscape(txn)
	r, _, err := call{service: "Matrix", method: http.MethodPut, url: u, body: matrixMessage(p),
		header: http.Header{"Authorization": {"Bearer " + token}}, secrets: []string{token},
		retryAfter: bodyWait(1e-3, "retry_after_ms")}.do(ctx, client)
	return r, err
}

func matrixMessage(p Post) matrixPayload {
	head := fit(p.heading(), 256, nil, runes)
	var plain, rich strings.Builder
	plain.WriteString(head)
	rich.WriteString("<h4>" + escapeHTML(head) + "</h4>")
	if p.Text != "" {
		plain.WriteString("\n\n" + fit(p.Text, matrixBody/2, nil, octets))
		if p.Diff {
			rich.WriteString("<pre><code>" + fit(p.Text, matrixFormatted/2, escapeHTML, octets) + "</code></pre>")
		} else {
			rich.WriteString("<p>" + fit(p.Text, matrixFormatted/2, htmlLines, octets) + "</p>")
		}
	}
	if p.Evidence != "" {
		plain.WriteString("\n\n" + p.evidenceLabel() + ":\n" + fit(p.Evidence, matrixBody/4, nil, octets))
		rich.WriteString("<p><b>" + escapeHTML(p.evidenceLabel()) + "</b><br>" + fit(p.Evidence, matrixFormatted/4, htmlLines, octets) + "</p>")
	}
	if links := p.links(); len(links) > 0 {
		plain.WriteString("\n\nSources:")
		rich.WriteString("<p><b>Sources</b></p><ul>")
		for i, s := range links {
			if i == matrixSources {
				break
			}
			title := fit(s.Title, 150, nil, runes)
			plain.WriteString("\n- " + title + ": " + s.URL)
			rich.WriteString(`<li><a href="` + escapeHTML(s.URL) + `">` + escapeHTML(title) + "</a></li>")
		}
		rich.WriteString("</ul>")
	}
	if link := p.safeLink(); link != "" {
		plain.WriteString("\n\nOpen in Torale: " + link)
		rich.WriteString(`<p><a href="` + escapeHTML(link) + `">Open in Torale</a></p>`)
	}
	return matrixPayload{MsgType: "m.notice", Body: plain.String(), Format: "org.matrix.custom.html", FormattedBody: rich.String()}
}
