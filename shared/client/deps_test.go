package client_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestClientLinksOnlyTheContract holds the typed client to what a Go program calling the API
// should link: the standard library, uuid and the contract (with task's enums). Anything else
// (pgx, golang-migrate, gRPC, go-mail, genai) means a server package leaked into the wire types.
func TestClientLinksOnlyTheContract(t *testing.T) {
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command runs this test; it must be on PATH")
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)

	allowed := []string{
		"github.com/google/uuid",
		"github.com/torale-ai/torale/shared/task",
		// task checks the pages a watch lists with it; it links only the standard library.
		"github.com/torale-ai/torale/shared/pageurl",
		"github.com/torale-ai/torale/shared/contract",
		"github.com/torale-ai/torale/shared/client",
	}
	var extra []string
	for _, pkg := range strings.Fields(string(out)) {
		if !slices.Contains(allowed, pkg) {
			extra = append(extra, pkg)
		}
	}
	require.Empty(t, extra, "shared/client links packages beyond the contract; the wire types must not import server code")
}
