// Shared queries. Screens add their own next to them; keys are arrays starting with the path,
// so a mutation can invalidate everything under a resource.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";

export function useMe() {
  return useQuery({
    queryKey: ["/api/v1/me"],
    queryFn: () => unwrap(api.GET("/api/v1/me")),
    staleTime: 60_000,
  });
}
