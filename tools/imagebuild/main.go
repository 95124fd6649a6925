// Command imagebuild builds Torale's one container image without Docker: a static build of the
// functions server (and the CLI, for the migration job) on an empty base, with CA certificates
// and a non-root user, assembled with go-containerregistry. The same sources and
// SOURCE_DATE_EPOCH give the same digest. It writes an OCI layout directory and/or a tarball,
// and pushes when -push names a registry (Cloud Build runs the same command).
//
// Every Cloud Run service and the deep-run worker run this image; FUNCTION_TARGET picks the
// function (api, runtask, notify, agent, tick; a later change adds worker to
// platform.AllFunctions, and this image serves it with no change here).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Getenv)
	stop()
	var usage usageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

// usageError is a bad flag or value: exit code 2.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

type options struct {
	layout, tarball, tag, push string
	arch, certs, revision      string
	epoch                      int64
}

func parse(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("imagebuild", flag.ContinueOnError)
	fs.StringVar(&o.layout, "layout", "", "write the image as an OCI image layout in this directory (replaced)")
	fs.StringVar(&o.tarball, "tarball", "", "write the image as a tarball that docker load reads")
	fs.StringVar(&o.tag, "tag", "torale:latest", "the tag recorded in -tarball")
	fs.StringVar(&o.push, "push", "", "push the image to this reference (REGION-docker.pkg.dev/PROJECT/REPO/torale:TAG)")
	fs.StringVar(&o.arch, "arch", "amd64", "GOARCH of the binaries (Cloud Run and GKE run amd64)")
	fs.StringVar(&o.certs, "certs", "/etc/ssl/certs/ca-certificates.crt", "the CA bundle to include")
	fs.StringVar(&o.revision, "revision", "", "the source revision, recorded as the org.opencontainers.image.revision label")
	epoch := fs.String("epoch", getenv("SOURCE_DATE_EPOCH"), "every timestamp in the image, in Unix seconds (default $SOURCE_DATE_EPOCH, else 0)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: imagebuild [-layout DIR] [-tarball FILE] [-push REF] [flags]\n\nBuilds Torale's container image from scratch, reproducibly. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, usageError{err}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if *epoch != "" {
		n, err := strconv.ParseInt(*epoch, 10, 64)
		if err != nil || n < 0 {
			return o, usageError{fmt.Errorf("-epoch (SOURCE_DATE_EPOCH) %q is not a count of seconds since 1970", *epoch)}
		}
		o.epoch = n
	}
	if o.layout == "" && o.tarball == "" && o.push == "" {
		return o, usageError{errors.New("name at least one of -layout, -tarball or -push")}
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	o, err := parse(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	certs, err := os.ReadFile(o.certs)
	if err != nil {
		return fmt.Errorf("reading CA certificates: %w", err)
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	bins, err := compileAll(ctx, root, o.arch)
	if err != nil {
		return err
	}
	labels := map[string]string{"org.opencontainers.image.source": "https://github.com/torale-ai/torale"}
	if o.revision != "" {
		labels["org.opencontainers.image.revision"] = o.revision
	}
	img, err := Build(Spec{Binaries: bins, CACerts: certs, Created: time.Unix(o.epoch, 0), Arch: o.arch, Labels: labels})
	if err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	stored, unpacked, err := sizes(img)
	if err != nil {
		return err
	}
	if o.layout != "" {
		if err := writeLayout(o.layout, img); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "layout   %s\n", o.layout)
	}
	if o.tarball != "" {
		if err := writeTarball(o.tarball, o.tag, img); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "tarball  %s (%s)\n", o.tarball, o.tag)
	}
	if o.push != "" {
		ref, err := push(ctx, o.push, img)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "pushed   %s\n", ref)
	}
	fmt.Fprintf(stdout, "digest   %s\nsize     %s compressed, %s unpacked\n", digest, mib(stored), mib(unpacked))
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n) }

func countBytes(rc io.ReadCloser) (int64, error) {
	defer rc.Close()
	return io.Copy(io.Discard, rc)
}
