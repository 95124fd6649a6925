package main

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// The image's entry point, as unpacked from the built image, serves every function
// FUNCTION_TARGET can name (the platform's list, so a function added there, such as the
// deep-run worker, is started here too) and answers its health check with 200; a function with
// a binary of its own (platform.OwnBinaries) is started from that binary, as its service is.
func TestTheEntryPointServesEveryFunction(t *testing.T) {
	img := image(t)
	cf, err := img.ConfigFile()
	require.NoError(t, err)
	rootfs := unpack(t, img)
	entry := filepath.Join(rootfs, cf.Config.Entrypoint[0])
	db := storetest.URL(t) // migrated; every function but agent checks its schema

	for _, fn := range platform.AllFunctions() {
		t.Run(string(fn), func(t *testing.T) {
			env := slices.Concat(cf.Config.Env, []string{"FUNCTION_TARGET=" + string(fn), "HOST=127.0.0.1", "PORT=0",
				"TORALE_LOG_FORMAT=json", "DATABASE_URL=" + db,
				// Push auth configured as on Cloud Run: runtask, notify and tick refuse to start
				// without it; the token validator needs no network until a request comes.
				"TORALE_PUSH_AUDIENCE=https://" + string(fn) + ".example.run.app",
				"TORALE_PUSH_SERVICE_ACCOUNT=pubsub-push@project.iam.gserviceaccount.com"})
			bin := entry
			if own, ok := platform.OwnBinaries()[fn]; ok {
				// Its service runs its own binary (terraform: command), which must be in the
				// image and serve the same.
				bin = filepath.Join(rootfs, own)
			}
			addr := start(t, bin, env)
			for _, route := range []string{"/healthz", "/health"} {
				res, err := http.Get("http://" + addr + route)
				require.NoError(t, err)
				var body contract.Health
				require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
				res.Body.Close()
				require.Equal(t, http.StatusOK, res.StatusCode, route)
				require.Equal(t, "ok", body.Status, route)
				if fn == platform.FunctionAgent {
					require.Nil(t, body.Schema, "the agent has no database")
				} else {
					require.NotNil(t, body.Schema, route)
					require.Equal(t, int(store.LatestVersion()), body.Schema.Database)
					require.Equal(t, body.Schema.Database, body.Schema.Build)
				}
			}
		})
	}
}

// unpack writes the image's filesystem (every layer, flattened) into a directory.
func unpack(t *testing.T, img v1.Image) string {
	t.Helper()
	dir := t.TempDir()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return dir
		}
		require.NoError(t, err)
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		require.True(t, strings.HasPrefix(p, dir+string(filepath.Separator)), h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			require.NoError(t, os.MkdirAll(p, 0o755))
		case tar.TypeReg:
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode).Perm())
			require.NoError(t, err)
			_, err = io.Copy(f, tr)
			require.NoError(t, err)
			require.NoError(t, f.Close())
		default:
			t.Fatalf("unexpected entry %s (type %c) in the image", h.Name, h.Typeflag)
		}
	}
}

// start runs the binary with only env (nothing of the test's environment) and returns the
// address from its "serving functions" log line; it fails with the log if the process exits
// first. The process is killed when the test ends.
func start(t *testing.T, bin string, env []string) string {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var (
		mu   sync.Mutex
		logs strings.Builder
	)
	addr := make(chan string, 1)
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Message, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "serving functions" {
				addr <- line.Addr
			}
			mu.Lock()
			logs.Write(append(sc.Bytes(), '\n'))
			mu.Unlock()
		}
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			mu.Lock()
			t.Log("server log:\n" + logs.String())
			mu.Unlock()
		}
	})
	select {
	case a := <-addr:
		return a
	case <-exited:
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("%s exited before serving: %v\n%s", bin, cmd.ProcessState, logs.String())
		return ""
	}
}
