// Lists the API pages with an opaque next_cursor: one infinite query per list, and a "Load more"
// button that follows the cursor until the last page (next_cursor null).
import { useInfiniteQuery } from "@tanstack/react-query";

export type Page<T> = { data: T[]; next_cursor: string | null };

/** usePaged fetches the first page under key and later pages on loadMore. */
export function usePaged<T>(
  key: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  opts: { refetchInterval?: (items: T[]) => number | false } = {},
) {
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: opts.refetchInterval
      ? (query) => opts.refetchInterval!((query.state.data?.pages ?? []).flatMap((p) => p.data))
      : undefined,
  });
  const items = (q.data?.pages ?? []).flatMap((p) => p.data);
  return { ...q, items };
}

type LoadMoreProps = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  error?: unknown;
};

/** LoadMore follows the cursor; it disappears on the last page. */
export function LoadMore({ hasNextPage, isFetchingNextPage, fetchNextPage }: LoadMoreProps) {
  if (!hasNextPage) return null;
  return (
    <div className="load-more">
      <button type="button" className="button" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
        {isFetchingNextPage ? "Loading…" : "Load more"}
      </button>
    </div>
  );
}
