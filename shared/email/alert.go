package email

import (
	"github.com/torale-ai/torale/shared/outbox"
)

type alertView struct {
	Subject, Headline, TaskName, TaskURL, To, Message, Advice string
}

// Alert renders the email telling a watch's owner that it broke (the alert's message and what
// to do) or, for a resolved alert, that it works again. It has no unsubscribe link: alerts are
// about the account's own watches and go only to its sign-in address.
func (r *Renderer) Alert(m outbox.Message) (Message, error) {
	headline, text, advice := m.Alert.Words(m.Delivery.AlertPhase)
	v := alertView{TaskName: oneLine(m.Task.Name), TaskURL: outbox.TaskURL(r.public, m.Task.ID), To: m.Delivery.Target,
		Headline: headline, Message: outbox.Clip(text, maxText), Advice: outbox.Clip(advice, maxText)}
	v.Subject = outbox.Clip("Torale: "+v.Headline+": "+v.TaskName, 150)
	e := Message{To: m.Delivery.Target, Subject: v.Subject, UserID: m.Delivery.UserID}
	return e, r.execute(&e, "alert", v)
}
