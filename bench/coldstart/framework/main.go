// Command framework is the cold-start benchmark's second floor: a hello-world HTTP function on
// functions-framework-go alone, which answers 200 on every path (so on /healthz). Between it
// and the bare net/http server lies what the framework itself costs (the CloudEvents SDK and
// json-iterator it links and initialises); above it lies what Torale adds.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
)

func main() {
	functions.HTTP("hello", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "hello")
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	// FUNCTION_TARGET=hello (the benchmark sets it) serves the function at every path.
	if err := funcframework.StartHostPort(os.Getenv("HOST"), port); err != nil {
		fmt.Fprintln(os.Stderr, "framework:", err)
		os.Exit(1)
	}
}
