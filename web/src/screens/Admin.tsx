// Operating the platform: vital signs, every user's tasks and runs, failures, and the
// scheduler's drift. Only admins see it in the nav; anyone else who opens it gets a clear 403.
import "../settings/webB.css";
import { useSearchParams } from "react-router";
import { useMe } from "../api/hooks";
import { ErrorState, Loading } from "../ui/State";
import { Forbidden } from "../admin/Forbidden";
import { AdminLog, Errors, Runs, Tasks, Users } from "../admin/Lists";
import { Overview } from "../admin/Overview";
import { Scheduler } from "../admin/Scheduler";
import { panelId, tabId, Tabs } from "../admin/Tabs";

const tabs = [
  { id: "overview", label: "Overview", body: Overview },
  { id: "users", label: "Users", body: Users },
  { id: "tasks", label: "Tasks", body: Tasks },
  { id: "runs", label: "Runs", body: Runs },
  { id: "errors", label: "Errors", body: Errors },
  { id: "scheduler", label: "Scheduler", body: Scheduler },
  { id: "actions", label: "Actions", body: AdminLog },
];

export default function Admin() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  if (me.data.role !== "admin")
    return (
      <>
        <h1>Admin</h1>
        <Forbidden />
      </>
    );
  const current = tabs.find((t) => t.id === params.get("tab")) ?? tabs[0]!;
  const Body = current.body;
  return (
    <>
      <h1>Admin</h1>
      <Tabs
        label="Admin sections"
        tabs={tabs}
        current={current.id}
        onSelect={(id) => setParams(id === "overview" ? {} : { tab: id }, { replace: true })}
      />
      <div role="tabpanel" id={panelId(current.id)} aria-labelledby={tabId(current.id)} tabIndex={0} className="tabpanel">
        <Body />
      </div>
    </>
  );
}
