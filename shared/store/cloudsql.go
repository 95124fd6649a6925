package store

import (
	"context"
	"fmt"
	"net"

	"cloud.google.com/go/cloudsqlconn"
)

// CloudSQLDial returns a DialFunc that reaches instance ("project:region:instance") through
// the Cloud SQL connector with IAM database authentication, the way services on Google Cloud
// connect. Pass the database user and name in the URL as usual.
func CloudSQLDial(ctx context.Context, instance string) (DialFunc, error) {
	d, err := cloudsqlconn.NewDialer(ctx, cloudsqlconn.WithIAMAuthN(), cloudsqlconn.WithLazyRefresh())
	if err != nil {
		return nil, fmt.Errorf("creating the Cloud SQL dialer: %w", err)
	}
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		return d.Dial(ctx, instance, cloudsqlconn.WithPrivateIP())
	}, nil
}
