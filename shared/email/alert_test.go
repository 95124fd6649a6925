package email_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/email"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/task"
)

func TestAlertEmailsMatchGoldenFiles(t *testing.T) {
	r := email.NewRenderer("https://app.torale.example", outboxtest.Keys(t))
	opened, err := r.Alert(outboxtest.AlertMessage(task.AlertOpened))
	require.NoError(t, err)
	resolved, err := r.Alert(outboxtest.AlertMessage(task.AlertResolved))
	require.NoError(t, err)
	golden(t, "alert.golden", renderDump(opened)+"\n\n#####\n\n"+renderDump(resolved))
	require.Equal(t, "Torale: Your watch keeps failing: iPhone 18 release <date>", opened.Subject)
	require.Equal(t, "Torale: Your watch has recovered: iPhone 18 release <date>", resolved.Subject)
	require.NotContains(t, opened.HTML, "<script>", "the alert's text is escaped")
	require.Contains(t, opened.Text, "What to do: Open the watch")
	require.NotContains(t, resolved.Text, "What to do", "a recovery asks nothing")
	require.Empty(t, opened.Headers["List-Unsubscribe"], "alerts are the account's own, without an unsubscribe link")
}
