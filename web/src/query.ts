import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api/client";

/** newQueryClient caches for a short while and never retries a request the server refused. */
export function newQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
