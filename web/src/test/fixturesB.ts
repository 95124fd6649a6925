// API objects for webB's screen tests, complete per the OpenAPI schemas, with overrides.
import type { Schemas } from "../api/client";
import type { DeliveryWithAttempts } from "../api/views";

const t0 = "2026-11-30T10:00:00Z";

export function delivery(o: Partial<DeliveryWithAttempts> = {}): DeliveryWithAttempts {
  return {
    id: "d0000000-0000-4000-8000-000000000001",
    execution_id: "e0000000-0000-4000-8000-000000000001",
    task_id: "t0000000-0000-4000-8000-000000000001",
    channel: "email",
    target: "me@example.com",
    status: "delivered",
    attempts: 1,
    next_attempt_at: t0,
    created_at: t0,
    delivered_at: t0,
    attempt_log: [{ attempted_at: t0, ok: true, response_code: 250, latency_ms: 120 }],
    ...o,
  };
}

export function notified(o: Partial<Schemas["Notified"]> = {}): Schemas["Notified"] {
  return {
    id: "e0000000-0000-4000-8000-000000000001",
    task_id: "t0000000-0000-4000-8000-000000000001",
    scheduled_for: t0,
    trigger: "schedule",
    status: "success",
    attempt: 1,
    created_at: t0,
    started_at: t0,
    finished_at: t0,
    result: {
      evidence: "The store page lists the console as in stock.",
      sources: [{ url: "https://shop.example/console", title: "Console – Shop" }],
      confidence: 90,
      notification: "The console is back in stock.",
      next_run: null,
      topic: "Console stock",
    },
    usage: { model: "gemini", prompt_tokens: 10, output_tokens: 5, search_queries: 1, cost_usd: 0.002 },
    silence_reason: null,
    task_name: "Console restock",
    deliveries: [delivery()],
    ...o,
  };
}

export function webhookSettings(o: Partial<Schemas["WebhookSettings"]> = {}): Schemas["WebhookSettings"] {
  return {
    url: "https://hooks.example.com/torale",
    enabled: true,
    secret: "whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw==",
    previous_secret_expires_at: null,
    rotated_at: null,
    updated_at: t0,
    disabled_endpoints: [],
    headers: [],
    ...o,
  };
}

export function apiKey(o: Partial<Schemas["APIKey"]> = {}): Schemas["APIKey"] {
  return {
    id: "k0000000-0000-4000-8000-000000000001",
    name: "laptop",
    prefix: "tor_abcd1234",
    created_at: t0,
    last_used_at: null,
    revoked_at: null,
    ...o,
  };
}

export function user(o: Partial<Schemas["User"]> = {}): Schemas["User"] {
  return {
    id: "u0000000-0000-4000-8000-000000000001",
    email: "dev@example.com",
    display_name: "dev",
    role: "user",
    is_admin: o.role === "admin",
    created_at: t0,
    ...o,
  };
}

export const page = <T>(data: T[], next_cursor: string | null = null) => ({ data, next_cursor });
