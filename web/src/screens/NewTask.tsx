// New task: the form, prefilled from ?q= (the task list's examples link here with one).
import { Link, useNavigate, useSearchParams } from "react-router";
import { TaskForm } from "../tasks/TaskForm";
import "../tasks/tasks.css";

export default function NewTask() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (
    <section>
      <p>
        <Link to="/">← Tasks</Link>
      </p>
      <h1>New task</h1>
      <p className="muted">
        Describe what you are waiting for. Preview runs the agent once so you can see what it finds before you save.
      </p>
      <TaskForm mode="create" initialQuery={params.get("q") ?? ""} onSaved={(task) => navigate(`/tasks/${task.id}`)} />
    </section>
  );
}
