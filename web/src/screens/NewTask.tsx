// New task: the template gallery and the form, prefilled from ?q= (the task list's examples link
// here with one) or from the template picked, which the person then edits like any task.
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Gallery } from "../sharing/Gallery";
import type { Template } from "../sharing/api";
import { TaskForm } from "../tasks/TaskForm";
import "../tasks/tasks.css";

export default function NewTask() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [picked, setPicked] = useState<Template>();
  return (
    <section>
      <p>
        <Link to="/">← Tasks</Link>
      </p>
      <h1>New task</h1>
      <p className="muted">
        Describe what you are waiting for, or start from a template. Preview runs the agent once so you can see what it finds before you save.
      </p>
      {picked && (
        <p role="status">
          Filled in from the template “{picked.name}”. Change anything before you save.
        </p>
      )}
      <TaskForm
        key={picked?.id ?? "blank"}
        mode="create"
        initialQuery={params.get("q") ?? ""}
        initial={picked}
        onSaved={(task) => navigate(`/tasks/${task.id}`)}
      />
      <Gallery
        onPick={(t) => {
          setPicked(t);
          window.scrollTo?.(0, 0);
        }}
      />
    </section>
  );
}
