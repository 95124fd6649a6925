import { screen } from "@testing-library/react";
import { Link, useParams } from "react-router";
import { renderScreen } from "./render";

function Probe() {
  const { id } = useParams();
  return (
    <>
      <h1>task {id}</h1>
      <Link to="/elsewhere">go</Link>
    </>
  );
}

test("renderScreen mounts a screen at its route pattern and tracks navigation", async () => {
  const r = renderScreen(<Probe />, { route: "/tasks/abc", path: "/tasks/:id" });
  expect(screen.getByRole("heading", { name: "task abc" })).toBeInTheDocument();
  screen.getByRole("link", { name: "go" }).click();
  expect(await screen.findByTestId("elsewhere")).toBeInTheDocument();
  expect(r.location()).toBe("/elsewhere");
});
