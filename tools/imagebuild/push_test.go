package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/stretchr/testify/require"
)

// Pushing to a registry (Cloud Build pushes to Artifact Registry the same way) stores the
// image under the same digest the build printed.
func TestPushStoresTheSameDigest(t *testing.T) {
	img := image(t)
	want, err := img.Digest()
	require.NoError(t, err)
	reg := httptest.NewServer(registry.New())
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
