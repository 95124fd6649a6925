import { lazy, Suspense } from "react";
import { NavLink, Route, Routes } from "react-router";
import { useMe } from "./api/hooks";
import { useSession } from "./auth";
import { Loading } from "./ui/State";

// Each screen is its own chunk, so the first page loads only what it shows.
const Tasks = lazy(() => import("./screens/Tasks"));
const NewTask = lazy(() => import("./screens/NewTask"));
const TaskDetail = lazy(() => import("./screens/TaskDetail"));
const Notifications = lazy(() => import("./screens/Notifications"));
const Settings = lazy(() => import("./screens/Settings"));
const Admin = lazy(() => import("./screens/Admin"));
const NotFound = lazy(() => import("./screens/NotFound"));
const Explore = lazy(() => import("./sharing/Explore"));
const PublicTaskPage = lazy(() => import("./sharing/PublicTaskPage"));
const Fork = lazy(() => import("./sharing/Fork"));

export function App() {
  const session = useSession();
  const me = useMe();
  const admin = me.data?.role === "admin";
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Torale home">
          <span className="logo" aria-hidden="true" /> Torale
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Tasks
          </NavLink>
          <NavLink to="/notifications">Notifications</NavLink>
          <NavLink to="/explore">Explore</NavLink>
          <NavLink to="/settings">Settings</NavLink>
          {admin && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        <div className="account">
          {session.mode === "dev" ? (
            <span className="badge" title="torale dev: requests act as the local dev user">
              dev user
            </span>
          ) : (
            session.account
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Tasks />} />
            <Route path="/tasks/new" element={<NewTask />} />
            <Route path="/tasks/:id" element={<TaskDetail />} />
            <Route path="/notifications" element={<Notifications />} />
            <Route path="/settings" element={<Settings />} />
            <Route path="/admin" element={<Admin />} />
            <Route path="/explore" element={<Explore />} />
            <Route path="/p/:slug" element={<PublicTaskPage />} />
            <Route path="/fork/:slug" element={<Fork />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}
