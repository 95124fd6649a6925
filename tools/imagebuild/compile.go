package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Binaries are the programs in the image: the functions server (the entry point, every
// Cloud Run service and the deep-run worker), the functions with a binary of their own
// (platform.OwnBinaries: the agent's, which its service names as its command) and the CLI,
// which the migration job runs as `torale migrate up`.
var Binaries = map[string]string{
	Entrypoint:                       "./functions/cmd/functions",
	"/usr/local/bin/functions-agent": "./functions/cmd/functions-agent",
	"/usr/local/bin/torale":          "./cli/torale",
}

// compile builds pkg (relative to the module root) as a static linux binary for arch and
// returns its bytes. The flags make it reproducible: no cgo, no build paths (-trimpath), no
// build ID, no VCS stamp (a dirty checkout would change it; the revision is an image label).
func compile(ctx context.Context, root, pkg, arch, dir string) ([]byte, error) {
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-tags="+buildTags(root), "-ldflags=-s -w -buildid=", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build %s: %w\n%s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	return os.ReadFile(out)
}

// buildTags embeds the dashboard (-tags dashboard) when `npm run build` has written web/dist,
// as make dev does; without it the server serves the page saying how to build the dashboard.
func buildTags(root string) string {
	if _, err := os.Stat(filepath.Join(root, "web", "dist", "index.html")); err == nil {
		return "dashboard"
	}
	return ""
}

// moduleRoot is the directory of the main module's go.mod, found from the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run imagebuild inside the torale module")
	}
	return filepath.Dir(gomod), nil
}

// compileAll builds every binary of the image into a scratch directory, side by side: linking
// is mostly one core's work, so two links take little longer than one.
func compileAll(ctx context.Context, root, arch string) (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "imagebuild-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	bins := map[string][]byte{}
	for dst, pkg := range Binaries {
		wg.Go(func() {
			b, err := compile(ctx, root, pkg, arch, dir)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			bins[dst] = b
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return bins, nil
}
