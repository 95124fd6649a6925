// /fork/{slug}, inside the signed-in app: copies a public watch into the person's own tasks
// (paused, with no channels) and opens it, so they can look it over and resume it.
import { useEffect, useRef } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ErrorState, Loading } from "../ui/State";
import { useFork } from "./api";

export default function Fork() {
  const { slug = "" } = useParams();
  const navigate = useNavigate();
  const fork = useFork();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    fork.mutate(slug, { onSuccess: (t) => navigate(`/tasks/${t.id}`, { replace: true }) });
  }, [slug, fork, navigate]);
  if (fork.isError)
    return (
      <section>
        <ErrorState error={fork.error} />
        <p>
          <Link to="/explore">Explore public watches</Link>
        </p>
      </section>
    );
  return <Loading label="Copying the watch…" />;
}
