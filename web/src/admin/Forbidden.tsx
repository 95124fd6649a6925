// What a person without the admin role sees on /admin (or when an admin call answers 403).
import { Link } from "react-router";
import { ApiError } from "../api/client";
import { ErrorState } from "../ui/State";

export function Forbidden() {
  return (
    <div className="state empty forbidden" role="note">
      <h2>This area is for administrators</h2>
      <p>
        Your account does not have the admin role, so the platform's users, tasks and runs are not shown. If you need
        access, ask a Torale administrator.
      </p>
      <p>
        <Link to="/">Back to your tasks</Link>
      </p>
    </div>
  );
}

/** AdminError shows Forbidden for a 403 and the usual error state otherwise. */
export function AdminError({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error instanceof ApiError && error.status === 403) return <Forbidden />;
  return <ErrorState error={error} retry={retry} />;
}
