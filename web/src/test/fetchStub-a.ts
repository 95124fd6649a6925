// stubApi replaces fetch with a small router of canned API answers, recording every call, so a
// screen test states the API it expects and asserts what the screen sent.
import { vi } from "vitest";

export type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
export type Call = { method: string; path: string; query: URLSearchParams; body: unknown };
type Handler = (call: Call) => Reply | Promise<Reply>;

export type Route = [method: string, path: string | RegExp, reply: Reply | Handler];

export function stubApi(routes: Route[]) {
  const calls: Call[] = [];
  const table = [...routes];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    const url = new URL(req.url, "http://localhost");
    const text = await req.text();
    const call: Call = { method: req.method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined };
    calls.push(call);
    // The last matching route wins, so a test can override an earlier answer with on().
    const route = [...table].reverse().find(([m, p]) => m === req.method && (typeof p === "string" ? p === url.pathname : p.test(url.pathname)));
    const reply: Reply = route
      ? typeof route[2] === "function"
        ? await route[2](call)
        : route[2]
      : { status: 404, body: { type: "about:blank", title: "Not Found", status: 404, detail: `no stub for ${req.method} ${url.pathname}` } };
    const status = reply.status ?? 200;
    const isProblem = status >= 400;
    return new Response(status === 204 || reply.body === undefined ? null : JSON.stringify(reply.body), {
      status,
      headers: { "Content-Type": isProblem ? "application/problem+json" : "application/json", ...reply.headers },
    });
  });
  vi.stubGlobal("fetch", fetch);
  return {
    calls,
    /** on adds (or overrides) a route after the screen has rendered. */
    on: (...route: Route) => table.push(route),
    called: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
  };
}

export function problem(status: number, detail: string, errors?: { field: string; message: string }[]): Reply {
  return { status, body: { type: "about:blank", title: status === 422 ? "Invalid input" : "Error", status, detail, errors } };
}
