package alert

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/torale-ai/torale/shared/task"
)

// words are an alert's two sentences: what is wrong, and what to do.
type words struct{ message, advice string }

func failingWords(t task.Task, n int, errText string) words {
	m := fmt.Sprintf("Your watch %q failed its last %d runs.", t.Name, n)
	if errText = strings.TrimSpace(errText); errText != "" {
		m += " The last error: " + errText
	}
	return words{message: m, advice: "Open the watch to read each run's error. If the question, its pages or its schedule " +
		"need fixing, edit the watch; if the trouble is on Torale's side or a site's, it keeps trying on its schedule. " +
		"You will hear again when it works."}
}

func overdueWords(t task.Task, gap time.Duration) words {
	since := "it was created"
	if t.LastRunAt != nil {
		since = "its last run, at " + t.LastRunAt.UTC().Format("2 Jan 15:04 MST")
	}
	due := t.NextRunAt.UTC().Format("2 Jan 15:04 MST")
	return words{
		message: fmt.Sprintf("Your watch %q has not finished a run since %s: the run due at %s has not happened, "+
			"and the watch expects to run about every %s.", t.Name, since, due, plainDuration(gap)),
		advice: "Nothing is needed if it catches up on its own; you will hear when it runs again. If it stays late, " +
			"run it now from its page, or pause and resume it to plan its next run afresh.",
	}
}

func spendWords(reason string, now time.Time) words {
	u := now.UTC()
	next := time.Date(u.Year(), u.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format("2 January")
	return words{message: reason, advice: fmt.Sprintf("Its runs start again on %s (UTC), when the month's spend starts "+
		"from zero, or sooner if the watch's monthly budget is raised or removed (edit the watch) or your cap is raised "+
		"(ask your administrator). You will hear when it runs again.", next)}
}

func goneWords(t task.Task, endpoint string) words {
	return words{
		message: fmt.Sprintf("The webhook endpoint at %s, used by your watch %q, answered 410 Gone, so Torale stopped "+
			"posting to it: the watch's webhook notifications are not being delivered.", hostOf(endpoint), t.Name),
		advice: "If the endpoint is still in use, fix it and turn it on again in your webhook settings; otherwise " +
			"set another endpoint or remove the webhook from the watch.",
	}
}

func webhookFailingWords(t task.Task, endpoint, lastErr string) words {
	m := fmt.Sprintf("Webhook deliveries from your watch %q to %s have failed for more than 24 hours.", t.Name, hostOf(endpoint))
	if lastErr = strings.TrimSpace(lastErr); lastErr != "" {
		m += " The last error: " + lastErr
	}
	return words{message: m, advice: "Check that the endpoint is up and answers with a 2xx status. Torale keeps " +
		"retrying and has not turned the endpoint off; the delivery log in your webhook settings shows each attempt."}
}

// hostOf names an endpoint by its host alone, since its path or query may hold a key.
func hostOf(endpoint string) string {
	if endpoint == "" {
		return "your default webhook"
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "your webhook endpoint"
	}
	return u.Scheme + "://" + u.Host
}

// plainDuration says a gap as a person would: "hour", "6 hours", "2 days".
func plainDuration(d time.Duration) string {
	switch h := d.Hours(); {
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case h == 1:
		return "hour"
	case h < 48 && h == float64(int(h)):
		return fmt.Sprintf("%d hours", int(h))
	case h >= 48 && int(h)%24 == 0:
		return fmt.Sprintf("%d days", int(h)/24)
	}
	return d.Round(time.Minute).String()
}
