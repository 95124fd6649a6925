// The pages anyone may read without an account (a public watch, Explore), with a plain header
// of their own: no session, so nothing here asks who the visitor is.
import { Link, Route, Routes } from "react-router";
import Explore from "./Explore";
import PublicTaskPage from "./PublicTaskPage";

export default function PublicSite() {
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/explore" className="brand" aria-label="Torale: explore public watches">
          <span className="logo" aria-hidden="true" /> Torale
        </Link>
        <nav aria-label="Main">
          <Link to="/explore">Explore</Link>
          <a href="/">My watches</a>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/explore" element={<Explore />} />
          <Route path="/p/:slug" element={<PublicTaskPage />} />
        </Routes>
      </main>
    </div>
  );
}
