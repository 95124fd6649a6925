// The page an email's footer links to. It needs no sign-in (the token names the task and the
// address) and asks before it acts: mail scanners open every link, and only the POST stops
// the emails.
import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { ErrorState } from "../ui/State";

export default function Unsubscribe({ token }: { token: string | null }) {
  const stop = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/unsubscribe", { params: { query: { token: token ?? "" } } })),
  });
  return (
    <main id="main" className="boot">
      <h1>Unsubscribe</h1>
      {!token ? (
        <p>This link is missing its token. Use the unsubscribe link from the email, or edit the task's notifications in Torale.</p>
      ) : stop.isSuccess ? (
        <p role="status">Done: this task will no longer email this address. You can add it back in the task's settings.</p>
      ) : (
        <>
          <p>Stop this task's emails to the address this message was sent to? Other tasks and channels are not affected.</p>
          <button type="button" className="button primary" disabled={stop.isPending} onClick={() => stop.mutate()}>
            {stop.isPending ? "Stopping…" : "Stop these emails"}
          </button>
          {stop.isError && <ErrorState error={stop.error} />}
        </>
      )}
    </main>
  );
}
