// The runtime settings the API serves to the page (GET /api/v1/config): the same build runs
// under `torale dev` (no sign-in) and in the cloud (Clerk, with a key that is never baked in).
import type { Schemas } from "./api/client";

export type RuntimeConfig = Schemas["RuntimeConfig"];

export async function loadConfig(fetcher: typeof fetch = fetch): Promise<RuntimeConfig> {
  const res = await fetcher("/api/v1/config", { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`The dashboard could not load its settings (HTTP ${res.status}).`);
  const cfg = (await res.json()) as RuntimeConfig;
  if (cfg.auth !== "clerk" && cfg.auth !== "dev") throw new Error("The dashboard's settings are not valid.");
  return cfg;
}
