package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/stretchr/testify/require"
)

// epoch is the SOURCE_DATE_EPOCH of the test builds.
const epoch = 1700000000

// built is the image the package's tests share: compiled once per test run (a cold build
// cache makes it the slowest step), written as an OCI layout.
var built struct {
	layout string
	out    string // what imagebuild printed
	err    error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "imagebuild-test-")
	if err != nil {
		panic(err)
	}
	built.layout = filepath.Join(dir, "layout")
	var out bytes.Buffer
	built.err = run(context.Background(), []string{"-layout", built.layout, "-revision", "test"}, &out, env{"SOURCE_DATE_EPOCH": "1700000000"}.get)
	built.out = out.String()
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

type env map[string]string

func (e env) get(k string) string { return e[k] }

// image returns the shared build, read back from its layout as a registry would serve it.
func image(t *testing.T) v1.Image {
	t.Helper()
	require.NoError(t, built.err, "building the image")
	p, err := layout.FromPath(built.layout)
	require.NoError(t, err)
	idx, err := p.ImageIndex()
	require.NoError(t, err)
	m, err := idx.IndexManifest()
	require.NoError(t, err)
	require.Len(t, m.Manifests, 1, "the layout holds this build only")
	img, err := idx.Image(m.Manifests[0].Digest)
	require.NoError(t, err)
	return img
}

func TestRebuildingGivesTheSameDigest(t *testing.T) {
	first := image(t)
	want, err := first.Digest()
	require.NoError(t, err)
	require.Contains(t, built.out, "digest   "+want.String())

	// A second build from scratch: the binaries are compiled again, into another layout.
	again := filepath.Join(t.TempDir(), "layout")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-layout", again, "-revision", "test"}, &out, env{"SOURCE_DATE_EPOCH": "1700000000"}.get))
	require.Contains(t, out.String(), "digest   "+want.String())
	for _, f := range []string{"index.json", "oci-layout"} {
		a, err := os.ReadFile(filepath.Join(built.layout, f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(again, f))
		require.NoError(t, err)
		require.Equal(t, string(a), string(b), f)
	}

	// Another SOURCE_DATE_EPOCH is another image: the time is really in it.
	other, err := Build(testSpec(time.Unix(epoch+1, 0)))
	require.NoError(t, err)
	same, err := Build(testSpec(time.Unix(epoch, 0)))
	require.NoError(t, err)
	d1, _ := other.Digest()
	d2, _ := same.Digest()
	require.NotEqual(t, d1, d2)
}

func TestTheImageRunsTheFunctionsServerAsNonRoot(t *testing.T) {
	img := image(t)
	mt, err := img.MediaType()
	require.NoError(t, err)
	require.Equal(t, types.OCIManifestSchema1, mt)
	cf, err := img.ConfigFile()
	require.NoError(t, err)
	require.Equal(t, "65532:65532", cf.Config.User)
	require.Equal(t, []string{"/usr/local/bin/functions"}, cf.Config.Entrypoint)
	require.Empty(t, cf.Config.Cmd)
	require.Contains(t, cf.Config.Env, "PORT=8080")
	require.NotContains(t, strings.Join(cf.Config.Env, " "), "FUNCTION_TARGET", "each service sets its own")
	require.Equal(t, "linux", cf.OS)
	require.Equal(t, "amd64", cf.Architecture)
	require.Equal(t, "test", cf.Config.Labels["org.opencontainers.image.revision"])
	require.True(t, cf.Created.Equal(time.Unix(epoch, 0)))
	for _, h := range cf.History {
		require.True(t, h.Created.Equal(time.Unix(epoch, 0)))
	}

	certs, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	require.NoError(t, err)
	files := map[string]*tar.Header{}
	layers, err := img.Layers()
	require.NoError(t, err)
	require.Len(t, layers, 2)
	for _, l := range layers {
		lmt, err := l.MediaType()
		require.NoError(t, err)
		require.Equal(t, types.OCILayer, lmt)
		rc, err := l.Uncompressed()
		require.NoError(t, err)
		tr := tar.NewReader(rc)
		prev := ""
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			require.Less(t, prev, h.Name, "entries are sorted")
			prev = h.Name
			require.True(t, h.ModTime.Equal(time.Unix(epoch, 0)), h.Name)
			require.Empty(t, h.Uname+h.Gname, "no names of the build machine")
			files["/"+strings.TrimSuffix(h.Name, "/")] = h
			if h.Name == "etc/ssl/certs/ca-certificates.crt" {
				b, err := io.ReadAll(tr)
				require.NoError(t, err)
				require.Equal(t, certs, b)
			}
		}
		rc.Close()
	}
	for bin := range Binaries {
		require.Contains(t, files, bin)
		require.EqualValues(t, 0o755, files[bin].Mode)
		require.Zero(t, files[bin].Uid, "root owns the binaries: the service cannot change them")
	}
	require.EqualValues(t, 0o1777, files["/tmp"].Mode)
	require.Equal(t, NonRoot, files["/home/nonroot"].Uid)
	require.Contains(t, files, "/etc/passwd")
}

func TestRefusesAnImageItCannotRun(t *testing.T) {
	s := testSpec(time.Unix(epoch, 0))
	s.CACerts = nil
	_, err := Build(s)
	require.ErrorContains(t, err, "CA certificates")
	s = testSpec(time.Unix(epoch, 0))
	delete(s.Binaries, Entrypoint)
	_, err = Build(s)
	require.ErrorContains(t, err, "entry point")
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"-layout", "x", "extra"}, {"-nope"}} {
		err := run(context.Background(), args, io.Discard, env{}.get)
		require.ErrorAs(t, err, new(usageError), "%q", args)
	}
	err := run(context.Background(), []string{"-layout", "x"}, io.Discard, env{"SOURCE_DATE_EPOCH": "yesterday"}.get)
	require.ErrorAs(t, err, new(usageError))
	require.ErrorContains(t, err, "SOURCE_DATE_EPOCH")
}

// testSpec is a small image of stand-in binaries, for what needs no real build.
func testSpec(created time.Time) Spec {
	return Spec{Binaries: map[string][]byte{Entrypoint: []byte("#!fake")}, CACerts: []byte("certs"),
		Created: created, Arch: "amd64"}
}
