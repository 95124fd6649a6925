// Account settings: where notifications may go (verified emails, the default webhook, feed URLs) and the
// API keys scripts use. Each section loads on its own, so one failing leaves the others usable.
import "../settings/webB.css";
import { APIKeys } from "../settings/APIKeys";
import { Channels } from "../settings/Channels";
import { Emails } from "../settings/Emails";
import { Feeds } from "../settings/Feeds";
import { Spend } from "../settings/Spend";
import { Webhook } from "../settings/Webhook";
import { YourData } from "../settings/YourData";

const sections = [
  { id: "emails", title: "Notification emails", body: <Emails /> },
  { id: "webhook", title: "Webhook", body: <Webhook /> },
  { id: "channels", title: "Chat and push channels", body: <Channels /> },
  { id: "feeds", title: "Feeds", body: <Feeds /> },
  { id: "spend", title: "Spend", body: <Spend /> },
  { id: "api-keys", title: "API keys", body: <APIKeys /> },
  { id: "your-data", title: "Your data", body: <YourData /> },
];

export default function Settings() {
  return (
    <div className="settings">
      <h1>Settings</h1>
      <nav aria-label="Settings sections" className="page-nav">
        {sections.map((s) => (
          <a key={s.id} href={`#${s.id}`}>
            {s.title}
          </a>
        ))}
      </nav>
      {sections.map((s) => (
        <section key={s.id} id={s.id} aria-labelledby={`${s.id}-h`} className="card settings-section">
          <h2 id={`${s.id}-h`}>{s.title}</h2>
          {s.body}
        </section>
      ))}
    </div>
  );
}
