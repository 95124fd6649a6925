package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
)

// The API stores an alias as its canonical zone and refuses names that only a host's zoneinfo
// files define (issue 11, defect 7), on create and on update alike.
func TestTimezonesAreIANANamesStoredCanonical(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	c := b.client(t, client.WithDevUser("alice"))
	tk, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "next iphone release", Schedule: "0 9 * * *",
		Timezone: "US/Eastern", RunImmediately: ptr(false)})
	require.NoError(t, err)
	require.Equal(t, "America/New_York", tk.Timezone)

	for _, zone := range []string{"posixrules", "right/UTC", "Europe//Paris"} {
		_, err := c.CreateTask(ctx, contract.TaskInput{SearchQuery: "next iphone release", Timezone: zone})
		e := requireProblem(t, err, http.StatusUnprocessableEntity)
		require.Len(t, e.Errors, 1)
		_, err = c.UpdateTask(ctx, tk.ID, contract.TaskPatch{Timezone: ptr(zone)})
		requireStatus(t, err, http.StatusUnprocessableEntity)
	}
	up, err := c.UpdateTask(ctx, tk.ID, contract.TaskPatch{Timezone: ptr("Asia/Calcutta")})
	require.NoError(t, err)
	require.Equal(t, "Asia/Kolkata", up.Timezone)
	got, err := c.GetTask(ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, "Asia/Kolkata", got.Timezone)
}
