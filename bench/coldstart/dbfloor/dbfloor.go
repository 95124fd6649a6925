// Package dbfloor is the cold-start benchmark's floors of a function with a database: the
// framework's hello-world function plus what every function with a database does before and
// while it serves. It links the store, opens its pool, makes the schema check before listening
// (the first connection and its one round trip) and makes it again for every request, as the
// health check does. With COLDSTART_NO_QUERY=1 it links and initialises the same but never
// connects. Two programs run it: database, which also links the Cloud SQL connector as every
// database function's binary does, and storeonly, which does not; so the database's share of a
// start splits into the store's link, the connector's and the connection's.
package dbfloor

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/torale-ai/torale/shared/store"
)

// Main runs the floor and exits on failure. dial, when set, is the Cloud SQL dialer the
// binary links; it is called only with TORALE_CLOUDSQL_INSTANCE, which the benchmark never
// sets.
func Main(name string, dial func(ctx context.Context, instance string) (store.DialFunc, error)) {
	if err := run(dial); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

func run(dial func(ctx context.Context, instance string) (store.DialFunc, error)) error {
	ctx := context.Background()
	opts := store.Options{NoPing: true}
	if instance := os.Getenv("TORALE_CLOUDSQL_INSTANCE"); instance != "" && dial != nil {
		d, err := dial(ctx, instance)
		if err != nil {
			return err
		}
		opts.Dial = d
	}
	st, err := store.Open(ctx, os.Getenv("DATABASE_URL"), opts)
	if err != nil {
		return err
	}
	query := os.Getenv("COLDSTART_NO_QUERY") != "1"
	if query {
		if _, err := st.Health(ctx); err != nil {
			return err
		}
	}
	functions.HTTP("hello", func(w http.ResponseWriter, r *http.Request) {
		if query {
			if _, err := st.Health(r.Context()); err != nil {
				http.Error(w, "not ready", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "hello")
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	// FUNCTION_TARGET=hello (the benchmark sets it) serves the function at every path.
	return funcframework.StartHostPort(os.Getenv("HOST"), port)
}
