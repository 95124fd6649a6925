import { vi } from "vitest";
import { api, ApiError, friendly, unwrap } from "./client";
import { loadConfig } from "../config";

afterEach(() => vi.unstubAllGlobals());

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

test("a 422 problem becomes an ApiError with its field errors", async () => {
  vi.stubGlobal("fetch", async () =>
    json(422, { type: "about:blank", title: "Unprocessable Entity", status: 422, detail: "The task is not valid.",
      errors: [{ field: "search_query", message: "search_query is required" }] }, "application/problem+json"),
  );
  const err = await unwrap(api.POST("/api/v1/tasks", { body: { search_query: "" } })).catch((e) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect(err.status).toBe(422);
  expect(err.fieldErrors).toEqual({ search_query: "search_query is required" });
  expect(friendly(err)).toBe("The task is not valid.");
});

test("problems read as sentences a person can act on", () => {
  expect(friendly(new ApiError(401))).toMatch(/sign in again/i);
  expect(friendly(new ApiError(500, { type: "about:blank", title: "Internal Server Error", status: 500, request_id: "req-42" })))
    .toBe("Something went wrong on our side. (Reference req-42) Try again in a moment.");
  expect(friendly(new ApiError(429))).toMatch(/wait a moment/i);
  expect(friendly(new Error("boom"))).toBe("boom");
});

test("a network failure is an ApiError with status 0", async () => {
  vi.stubGlobal("fetch", async () => {
    throw new TypeError("Failed to fetch");
  });
  const err = await unwrap(api.GET("/api/v1/me")).catch((e) => e);
  expect(err.status).toBe(0);
  expect(friendly(err)).toMatch(/could not be reached/);
});

test("the runtime config is loaded and checked", async () => {
  vi.stubGlobal("fetch", async () => json(200, { auth: "clerk", clerk_publishable_key: "pk_live_x" }));
  await expect(loadConfig()).resolves.toEqual({ auth: "clerk", clerk_publishable_key: "pk_live_x" });
  vi.stubGlobal("fetch", async () => json(200, { auth: "magic" }));
  await expect(loadConfig()).rejects.toThrow(/not valid/);
  vi.stubGlobal("fetch", async () => json(503, {}));
  await expect(loadConfig()).rejects.toThrow(/HTTP 503/);
});
