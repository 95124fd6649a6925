// This month's model spend against the account's monthly cap. A run that would pass the cap (or
// its task's own budget) is not started, and the owner gets an alert saying so.
import { useQuery } from "@tanstack/react-query";
import { api, ApiError, unwrap } from "../api/client";
import { money } from "../format";
import { ErrorState, Loading } from "../ui/State";

export const spendKey = ["/api/v1/spend"];

const SOURCE: Record<string, string> = { platform: "the platform's cap", user: "set for your account" };

export function Spend() {
  const spend = useQuery({ queryKey: spendKey, queryFn: () => unwrap(api.GET("/api/v1/spend")) });
  if (spend.isPending) return <Loading label="Loading spend…" />;
  if (spend.error instanceof ApiError && spend.error.status === 503) {
    return <p className="muted">Spend is not tracked on this deployment.</p>;
  }
  if (spend.isError) return <ErrorState error={spend.error} retry={() => void spend.refetch()} />;
  const s = spend.data;
  const month = new Date(s.month_start).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  const used = s.cap_usd ? Math.min(1, s.spent_usd / s.cap_usd) : 0;
  return (
    <>
      <p className="muted">
        What your watches cost in model calls in {month} (UTC). A run that would pass your monthly cap, or a watch&rsquo;s
        own budget, is not started: the run says why and you get an alert. Each watch shows its own spend and budget.
      </p>
      <dl className="spend">
        <div>
          <dt>Spent</dt>
          <dd>{money(s.spent_usd)}</dd>
        </div>
        <div>
          <dt>Monthly cap</dt>
          <dd>
            {s.cap_usd == null ? "None" : money(s.cap_usd)}
            {s.cap_usd != null && <span className="muted"> ({SOURCE[s.cap_source] ?? s.cap_source})</span>}
          </dd>
        </div>
        {s.remaining_usd != null && (
          <div>
            <dt>Left this month</dt>
            <dd>{money(s.remaining_usd)}</dd>
          </div>
        )}
      </dl>
      {s.cap_usd != null && (
        <progress max={1} value={used} aria-label={`${Math.round(used * 100)}% of the monthly cap spent`} />
      )}
    </>
  );
}
