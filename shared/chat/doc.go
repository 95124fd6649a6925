// Package chat speaks to the chat and push services a user can be told on: one thin Service
// per kind, each formatting a Post the way that service shows messages best and within its
// limits, and posting it through the client it is given (SSRF-guarded, no redirects, the
// attempt's deadline on the context). It holds no state and no secrets of its own; the
// channels a user saves (shared/channel) hold the settings, sealed.
//
// The kinds (secret settings marked *; URL settings must be https, or http to a loopback
// host, and the SSRF guard decides at save and at every send what may be reached):
//
//	kind         settings                                   format                                   limits kept
//	slack        webhook_url*                               Block Kit sections + mrkdwn text          section 3000, header 150
//	discord      webhook_url*                               one embed, a field per source,            title 256, description 4096,
//	                                                        allowed_mentions none                     field 256/1024, 6000 in all
//	teams        workflow_url* (Workflows webhook trigger)  Adaptive Card 1.4, text in TextRuns       ~28 KB message
//	telegram     bot_token*, chat_id, api_url               sendMessage, MarkdownV2, no link preview  4096 characters
//	ntfy         server, topic, token*                      JSON publish, Markdown, click to task     4096 bytes (then an attachment)
//	pushover     app_token*, user_key*, api_url             messages.json form, html=1, url to task   message 1024, title 250, url 512
//	gotify       server, app_token*                         POST /message, Markdown extras            8000 bytes (ours)
//	matrix       homeserver, access_token*, room_id         m.notice, body + HTML formatted_body      64 KiB event
//	google_chat  webhook_url* (with key and token)          cardsV2, HTML paragraphs, button to task  4096 a paragraph, 32,000 bytes
//
// Agent text is untrusted: each format escapes it (mrkdwn's &, < and >; Discord's and
// CommonMark's punctuation; every MarkdownV2 reserved character; HTML), or puts it where no
// markup is read (Teams' text runs), so it can add no link or mention, and no formatting but
// Slack's *bold* and _italic_, which mrkdwn has no escape for. Long text is cut by one helper
// (fit) that measures the escaped text the way the service counts and marks the cut with "…".
//
// Idempotency: only Matrix is idempotent (the delivery id is the transaction id, so a retry
// is the same event). ntfy gets the delivery id as the message's sequence id, so on ntfy 2.16
// and later a retry replaces the first notification rather than adding one. The others take
// no idempotency key: a retry after a timeout (the service got the message but the answer was
// lost) may show the message twice.
//
// Errors are written for the user: the service's own reason when it gives one ("Slack
// answered 403 Forbidden: invalid_token"), never a token or a webhook URL's secret path or
// query. A redirect, a refused destination and a 4xx other than 408 and 429 are permanent
// (outbox.Permanent); 408, 429 and 5xx are retried, after the wait the service asked for.
package chat
