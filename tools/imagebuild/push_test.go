package main

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/stretchr/testify/require"
)

// Pushing to a registry (Cloud Build pushes to Artifact Registry the same way) stores the
// image under the same digest the build printed.
func TestPushStoresTheSameDigest(t *testing.T) {
	img := image(t)
	want, err := img.Digest()
	require.NoError(t, err)
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	tag := strings.TrimPrefix(reg.URL, "http://") + "/torale/torale:test"

	ref, err := push(context.Background(), tag, img, name.Insecure)
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(ref, "@"+want.String()), ref)

	r, err := name.ParseReference(tag, name.Insecure)
	require.NoError(t, err)
	got, err := remote.Get(r)
	require.NoError(t, err)
	require.Equal(t, want, got.Digest)
}

// The tarball (for `docker load` where a daemon exists) holds the same image: the same config
// and layers (its manifest is Docker's, which `docker load` writes itself).
func TestTarballHoldsTheSameImage(t *testing.T) {
	img := image(t)
	want, err := img.ConfigName()
	require.NoError(t, err)
	wantLayers, err := img.Layers()
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "torale.tar")
	require.NoError(t, writeTarball(file, "torale:test", img))
	tag, err := name.NewTag("torale:test")
	require.NoError(t, err)
	got, err := tarball.ImageFromPath(file, &tag)
	require.NoError(t, err)
	d, err := got.ConfigName()
	require.NoError(t, err)
	require.Equal(t, want, d)
	layers, err := got.Layers()
	require.NoError(t, err)
	require.Len(t, layers, len(wantLayers))
	for i, l := range layers {
		a, err := l.Digest()
		require.NoError(t, err)
		b, err := wantLayers[i].Digest()
		require.NoError(t, err)
		require.Equal(t, b, a)
	}
}
