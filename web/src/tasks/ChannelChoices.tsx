// The saved chat and push channels a task can tell, as checkboxes in the new-task form's "Send
// to". A task names each channel by id, so no secret is in the task.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

type Notification = Schemas["Notification"];

export function ChannelChoices({ chosen, onChange }: { chosen: Notification[]; onChange: (v: Notification[]) => void }) {
  const list = useQuery({ queryKey: ["/api/v1/channels"], queryFn: () => unwrap(api.GET("/api/v1/channels")) });
  const channels = list.data?.data ?? [];
  if (channels.length === 0) return null;
  const has = (id: string) => chosen.some((n) => n.type === "channel" && n.channel_id === id);
  const toggle = (id: string, on: boolean) =>
    onChange([...chosen.filter((n) => !(n.type === "channel" && n.channel_id === id)), ...(on ? [{ type: "channel" as const, channel_id: id }] : [])]);
  return (
    <>
      {channels.map((c) => (
        <label className="choice" key={c.id}>
          <input type="checkbox" checked={has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} /> {c.name}{" "}
          <span className="muted small">({c.kind})</span>
        </label>
      ))}
    </>
  );
}
