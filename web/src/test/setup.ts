import "@testing-library/jest-dom/vitest";

// Node's Request (which vitest keeps under jsdom) refuses relative URLs, while a browser's
// resolves them against the page. The API client builds Request("/api/v1/...") and captures
// the constructor when its module loads, so the page's behaviour is restored here, before any
// test imports it.
const NodeRequest = globalThis.Request;
globalThis.Request = class extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" && input.startsWith("/") ? new URL(input, window.location.href) : input, init);
  }
} as typeof Request;
