// Package cloudsql reaches Cloud SQL through the Cloud SQL connector with IAM database
// authentication. It is apart from the store so that only the binaries that may connect to
// Cloud SQL link the connector (with gRPC, the SQL Admin API, OpenCensus and OpenTelemetry
// behind it), the largest part of a database function's start (bench/coldstart).
package cloudsql

import (
	"context"
	"fmt"
	"net"

	"cloud.google.com/go/cloudsqlconn"

	"github.com/torale-ai/torale/shared/store"
)

// Dial returns a store.DialFunc that reaches instance ("project:region:instance") through
// the Cloud SQL connector with IAM database authentication, the way services on Google Cloud
// connect. Pass the database user and name in the URL as usual.
func Dial(ctx context.Context, instance string) (store.DialFunc, error) {
	d, err := cloudsqlconn.NewDialer(ctx, cloudsqlconn.WithIAMAuthN(), cloudsqlconn.WithLazyRefresh())
	if err != nil {
		return nil, fmt.Errorf("creating the Cloud SQL dialer: %w", err)
	}
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		return d.Dial(ctx, instance, cloudsqlconn.WithPrivateIP())
	}, nil
}
