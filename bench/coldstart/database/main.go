// Command database is the cold-start benchmark's third floor: the framework's hello-world
// function plus what every function with a database must do before and while it serves. It
// links the store (pgx and the Cloud SQL connector, as every database function's binary does),
// opens its pool, makes the schema check before listening (the first connection and its one
// round trip) and makes it again for every request, as the health check does. Between it and
// the framework floor lies the database's share of a start; above it lies what Torale adds.
// With COLDSTART_NO_QUERY=1 (the "framework+store" row) it links and initialises the same but
// never connects, so the share splits into the link's and the connection's.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/torale-ai/torale/shared/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "database:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	if instance := os.Getenv("TORALE_CLOUDSQL_INSTANCE"); instance != "" {
		// Never set by the benchmark; it keeps the connector linked as in the functions server.
		if _, err := store.CloudSQLDial(ctx, instance); err != nil {
			return err
		}
	}
	st, err := store.Open(ctx, os.Getenv("DATABASE_URL"), store.Options{NoPing: true})
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
		if !query {
			fmt.Fprintln(w, "hello")
			return
		}
		if _, err := st.Health(r.Context()); err != nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
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
