package main

import (
	"context"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/google"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// writeLayout writes img as an OCI image layout at dir, replacing what was there, so the
// directory holds this build only.
func writeLayout(dir string, img v1.Image) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("writing the OCI layout: %w", err)
	}
	return p.AppendImage(img)
}

// writeTarball writes img as a `docker load`-able tarball tagged tag.
func writeTarball(file, tag string, img v1.Image) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("tag %q: %w", tag, err)
	}
	return tarball.WriteToFile(file, ref, img)
}

// push uploads img to ref and returns the pushed reference by digest. Credentials come from
// the Docker config (docker-credential-gcr) or, on Google Cloud (Cloud Build), the metadata
// server's or gcloud's account, which Artifact Registry accepts.
func push(ctx context.Context, ref string, img v1.Image, opts ...name.Option) (string, error) {
	r, err := name.ParseReference(ref, opts...)
	if err != nil {
		return "", fmt.Errorf("registry reference %q: %w", ref, err)
	}
	kc := authn.NewMultiKeychain(authn.DefaultKeychain, google.Keychain)
	if err := remote.Write(r, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)); err != nil {
		return "", fmt.Errorf("pushing %s: %w", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return r.Context().Digest(d.String()).String(), nil
}

// sizes are the image's bytes as a registry stores them (manifest, config, compressed layers)
// and as they unpack.
func sizes(img v1.Image) (stored, unpacked int64, err error) {
	m, err := img.RawManifest()
	if err != nil {
		return 0, 0, err
	}
	c, err := img.RawConfigFile()
	if err != nil {
		return 0, 0, err
	}
	stored = int64(len(m) + len(c))
	layers, err := img.Layers()
	if err != nil {
		return 0, 0, err
	}
	for _, l := range layers {
		n, err := l.Size()
		if err != nil {
			return 0, 0, err
		}
		stored += n
		rc, err := l.Uncompressed()
		if err != nil {
			return 0, 0, err
		}
		u, err := countBytes(rc)
		if err != nil {
			return 0, 0, err
		}
		unpacked += u
	}
	return stored, unpacked, nil
}
