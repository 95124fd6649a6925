package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// NonRoot is the user and group the image runs as: distroless's "nonroot", which owns nothing
// in the image but its home and /tmp.
const NonRoot = 65532

// Entrypoint is the functions server: FUNCTION_TARGET (set per Cloud Run service, or on the
// deep-run worker's Deployment) picks the function it serves, so the image names none.
const Entrypoint = "/usr/local/bin/functions"

// file is one regular file or directory of a layer. A nil Data with Dir set is a directory.
type file struct {
	Path string // absolute, slash-separated
	Data []byte
	Mode int64
	Dir  bool
	UID  int
}

// Spec is everything that goes into the image; equal specs give equal digests.
type Spec struct {
	// Binaries maps a path in the image to the static binary's bytes.
	Binaries map[string][]byte
	// CACerts is the CA bundle Go's crypto/x509 reads at /etc/ssl/certs/ca-certificates.crt.
	CACerts []byte
	// Created is every timestamp in the image (SOURCE_DATE_EPOCH): the config's, the history's
	// and each file's, so a rebuild of the same sources is byte-identical.
	Created time.Time
	// Arch is the Go architecture of the binaries (amd64 on Cloud Run and GKE).
	Arch string
	// Labels go into the image config (org.opencontainers.image.*).
	Labels map[string]string
}

// Build assembles the image from scratch: a base layer (users, CA certificates, /tmp, the
// nonroot home), then one layer of the binaries, which is the only one a code change alters.
// Time zones need no layer: the functions server embeds them (time/tzdata).
func Build(s Spec) (v1.Image, error) {
	if len(s.Binaries) == 0 || s.Binaries[Entrypoint] == nil {
		return nil, fmt.Errorf("the image needs its entry point %s", Entrypoint)
	}
	if len(s.CACerts) == 0 {
		return nil, fmt.Errorf("the image needs CA certificates: outbound HTTPS (Gemini, webhooks, SMTP) verifies against them")
	}
	created := s.Created.UTC()
	base, err := layer(baseFiles(s.CACerts), created)
	if err != nil {
		return nil, err
	}
	var bins []file
	for p, data := range s.Binaries {
		bins = append(bins, file{Path: p, Data: data, Mode: 0o755})
	}
	binaries, err := layer(bins, created)
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img,
		mutate.Addendum{Layer: base, MediaType: types.OCILayer,
			History: v1.History{Created: v1.Time{Time: created}, CreatedBy: "imagebuild: base (passwd, CA certificates, /tmp)"}},
		mutate.Addendum{Layer: binaries, MediaType: types.OCILayer,
			History: v1.History{Created: v1.Time{Time: created}, CreatedBy: "imagebuild: static binaries"}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created = v1.Time{Time: created}
	cf.OS, cf.Architecture = "linux", s.Arch
	cf.Config = v1.Config{
		User:       fmt.Sprintf("%d:%d", NonRoot, NonRoot),
		Entrypoint: []string{Entrypoint},
		Env:        []string{"PATH=/usr/local/bin", "PORT=8080", "HOME=/home/nonroot"},
		WorkingDir: "/home/nonroot",
		Labels:     s.Labels,
	}
	return mutate.ConfigFile(img, cf)
}

// baseFiles is what a static Go server needs of an OS: who it runs as, whom to trust, a
// scratch directory.
func baseFiles(certs []byte) []file {
	return []file{
		{Path: "/etc/passwd", Mode: 0o644, Data: []byte(fmt.Sprintf(
			"root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", NonRoot, NonRoot))},
		{Path: "/etc/group", Mode: 0o644, Data: []byte(fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", NonRoot))},
		{Path: "/etc/ssl/certs/ca-certificates.crt", Mode: 0o644, Data: certs},
		{Path: "/home/nonroot", Dir: true, Mode: 0o700, UID: NonRoot},
		{Path: "/tmp", Dir: true, Mode: 0o1777},
	}
}

// layer writes files as one uncompressed tar in path order, every parent directory listed
// before its children, with fixed owners, modes and times: nothing of the build machine leaks
// in, so the digest depends on the contents alone.
func layer(files []file, mtime time.Time) (v1.Layer, error) {
	all := map[string]file{}
	for _, f := range files {
		p := path.Clean(f.Path)
		if !path.IsAbs(p) || p == "/" {
			return nil, fmt.Errorf("layer path %q is not an absolute file path", f.Path)
		}
		f.Path = p
		all[p] = f
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if _, ok := all[d]; !ok {
				all[d] = file{Path: d, Dir: true, Mode: 0o755}
			}
		}
	}
	names := make([]string, 0, len(all))
	for p := range all {
		names = append(names, p)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range names {
		f := all[p]
		h := &tar.Header{Name: strings.TrimPrefix(p, "/"), Mode: f.Mode, Uid: f.UID, Gid: f.UID,
			ModTime: mtime}
		if f.Dir {
			h.Typeflag, h.Name = tar.TypeDir, h.Name+"/"
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.Data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil },
		tarball.WithMediaType(types.OCILayer))
}
