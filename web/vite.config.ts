import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The dashboard is served by the API's own origin (go:embed), so in development Vite forwards
// the API to a running `torale dev` rather than the page calling another origin.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Hashed file names under assets/ are what the Go server caches for a year.
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080", "/healthz": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
