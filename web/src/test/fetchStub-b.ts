// A fake API for screen tests: routes keyed "METHOD /path" answer with JSON (or a function of
// the request), every call is recorded with its parsed body, and a request no route expects is
// kept in `unmatched` so a test can fail on it instead of the screen quietly showing an error.
import { vi } from "vitest";

export type Call = { method: string; path: string; query: URLSearchParams; body: unknown };
export type Reply = { status?: number; body?: unknown };

// Replies made by reply() are told apart from plain JSON bodies by this mark.
const replyMark = Symbol("reply");
type MarkedReply = Reply & { [replyMark]: true };
export type Responder = ((call: Call) => Reply | Promise<Reply>) | object | string | number | boolean | null;

/** reply wraps a status and body, for routes that answer something other than 200 JSON. */
export function reply(status: number, body?: unknown): Reply {
  return { status, body, [replyMark]: true } as MarkedReply;
}

/** problem is an RFC 9457 body like the API's. */
export function problem(status: number, detail: string, errors?: { field: string; message: string }[]) {
  return reply(status, { type: "about:blank", title: "Problem", status, detail, errors });
}

export function stubApi(routes: Record<string, Responder>) {
  const calls: Call[] = [];
  const unmatched: string[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    const url = new URL(req.url, "http://localhost");
    const text = await req.text();
    const call: Call = {
      method: req.method,
      path: url.pathname,
      query: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(call);
    const key = `${call.method} ${call.path}`;
    if (!(key in routes)) {
      unmatched.push(key);
      return new Response(JSON.stringify({ type: "about:blank", title: "Not stubbed", status: 404 }), { status: 404 });
    }
    const route = routes[key];
    const r: Reply =
      typeof route === "function"
        ? await (route as (c: Call) => Reply | Promise<Reply>)(call)
        : typeof route === "object" && route !== null && replyMark in route
          ? (route as Reply)
          : { body: route };
    const status = r.status ?? 200;
    if (r.body === undefined || status === 204) return new Response(null, { status });
    const type = status >= 400 ? "application/problem+json" : "application/json";
    return new Response(JSON.stringify(r.body), { status, headers: { "Content-Type": type } });
  });
  vi.stubGlobal("fetch", fetchStub);
  return {
    calls,
    unmatched,
    /** called lists the calls to METHOD /path. */
    called: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
  };
}
