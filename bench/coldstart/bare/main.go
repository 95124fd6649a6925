// Command bare is the cold-start benchmark's floor: a net/http server with nothing behind it,
// answering 200 on /healthz, so the functions server's start can be read against Go's own.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	if err := run(os.Getenv("HOST"), os.Getenv("PORT")); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}

// run serves /healthz on host:port (port 8080 when empty) until the process is killed.
func run(host, port string) error {
	if port == "" {
		port = "8080"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	return http.ListenAndServe(net.JoinHostPort(host, port), mux)
}
