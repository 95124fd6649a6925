package platform_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSharedImportsNothingAbove keeps the arrows pointing down: no package under shared/, nor
// anything it depends on, nor its tests, may import a function adapter, the CLI, the benchmarks
// or this composition root, which all sit above it.
func TestSharedImportsNothingAbove(t *testing.T) {
	const module = "github.com/torale-ai/torale/"
	out, err := exec.Command("go", "list", "-deps", "-test", "-f",
		`{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../shared/...").CombinedOutput()
	require.NoError(t, err, string(out))
	var bad []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		// Test variants are listed as "pkg [pkg.test]"; the first field names the package.
		if len(fields) == 0 || !strings.HasPrefix(fields[0], module+"shared/") {
			continue
		}
		for _, imp := range fields[1:] {
			for _, above := range []string{"functions", "cli", "platform", "bench"} {
				if imp == module+above || strings.HasPrefix(imp, module+above+"/") {
					bad = append(bad, fields[0]+" imports "+imp)
				}
			}
		}
	}
	require.Empty(t, bad, "shared/ must not import the layers above it")
}
