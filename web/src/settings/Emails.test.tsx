import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, reply, stubApi } from "../test/fetchStub-b";
import { page } from "../test/fixturesB";
import { Emails } from "./Emails";

afterEach(() => vi.unstubAllGlobals());

const mail = (subject: string, sent_at: string) => ({
  to: "me@example.com",
  subject,
  text: `${subject}\n`,
  html: "",
  headers: {},
  sent_at,
});

test("send code, read it in the dev mailbox, verify", async () => {
  let addresses: unknown[] = [];
  let mailbox: unknown[] = [];
  const api = stubApi({
    "GET /api/v1/emails": () => ({ body: page(addresses) }),
    "GET /api/v1/dev/mailbox": () => ({ body: page(mailbox) }),
    "POST /api/v1/emails": () => {
      const a = { email: "me@example.com", verified: false, verified_at: null, code_expires_at: "2099-01-01T00:00:00Z", account: false };
      addresses = [a];
      mailbox = [mail("Your Torale verification code: 123456", "2026-11-30T10:05:00Z"), mail("Older message", "2026-11-30T09:00:00Z")];
      return reply(202, a);
    },
    "POST /api/v1/emails/verify": (c) => {
      const body = c.body as { code: string };
      if (body.code !== "123456") return problem(422, "Some fields are not valid; see errors.", [{ field: "code", message: "is not the code we sent; 4 tries left" }]);
      addresses = [{ email: "me@example.com", verified: true, verified_at: "2026-11-30T10:06:00Z", code_expires_at: null, account: false }];
      return reply(200, addresses[0]);
    },
  });
  const user = userEvent.setup();
  renderB(<Emails />, { mode: "dev" });
  expect(await screen.findByText("No addresses yet")).toBeInTheDocument();
  expect(await screen.findByText(/No mail yet/)).toBeInTheDocument();

  await user.type(screen.getByLabelText("Email address"), "me@example.com");
  await user.click(screen.getByRole("button", { name: "Send code" }));
  expect(api.called("POST", "/api/v1/emails")[0]!.body).toEqual({ email: "me@example.com" });

  // The mailbox is fetched again after the send, newest message first, so the code is on the page.
  const subjects = await screen.findAllByText(/Your Torale verification code: 123456|Older message/, { selector: "strong" });
  expect(subjects.map((s) => s.textContent)).toEqual(["Your Torale verification code: 123456", "Older message"]);
  expect(await screen.findByText("unverified")).toBeInTheDocument();

  const code = screen.getByLabelText("Verification code");
  await user.type(code, "000000");
  await user.click(screen.getByRole("button", { name: "Verify" }));
  expect(await screen.findByText("is not the code we sent; 4 tries left")).toBeInTheDocument();
  expect(code).toHaveAttribute("aria-invalid", "true");

  await user.clear(code);
  await user.type(code, "123456");
  await user.click(screen.getByRole("button", { name: "Verify" }));
  expect(await screen.findByText(/me@example.com is verified/)).toBeInTheDocument();
  expect(api.called("POST", "/api/v1/emails/verify").at(-1)!.body).toEqual({ email: "me@example.com", code: "123456" });
  expect(await screen.findByText("verified")).toHaveClass("badge", "ok");
  expect(screen.queryByLabelText("Verification code")).not.toBeInTheDocument();
  expect(api.unmatched).toEqual([]);
});

test("an address already verified is said so, without asking for a code", async () => {
  stubApi({
    "GET /api/v1/emails": page([]),
    "POST /api/v1/emails": { email: "ok@example.com", verified: true, verified_at: null, code_expires_at: null, account: false },
  });
  const user = userEvent.setup();
  renderB(<Emails />, { mode: "clerk" });
  await user.type(await screen.findByLabelText("Email address"), "ok@example.com");
  await user.click(screen.getByRole("button", { name: "Send code" }));
  expect(await screen.findByText("ok@example.com is already verified.")).toBeInTheDocument();
  expect(screen.queryByLabelText("Verification code")).not.toBeInTheDocument();
});

test("outside torale dev there is no dev mailbox", async () => {
  const api = stubApi({ "GET /api/v1/emails": page([]) });
  renderB(<Emails />, { mode: "clerk" });
  await screen.findByText("No addresses yet");
  expect(screen.queryByRole("heading", { name: "Dev mailbox" })).not.toBeInTheDocument();
  expect(api.called("GET", "/api/v1/dev/mailbox")).toHaveLength(0);
});

test("Remove names its address and deletes it; the sign-in address has no Remove", async () => {
  let addresses = [
    { email: "me@example.com", verified: true, verified_at: null, code_expires_at: null, account: true },
    { email: "a+b@example.com", verified: true, verified_at: "2026-11-30T10:00:00Z", code_expires_at: null, account: false },
  ];
  const api = stubApi({
    "GET /api/v1/emails": () => ({ body: page(addresses) }),
    "DELETE /api/v1/emails/a%2Bb%40example.com": () => {
      addresses = addresses.slice(0, 1);
      return reply(204);
    },
  });
  const user = userEvent.setup();
  renderB(<Emails />, { mode: "clerk" });
  expect(await screen.findByText("sign-in address")).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Remove me@example.com" })).not.toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Remove a+b@example.com" }));
  expect(await screen.findByText("a+b@example.com was removed.")).toBeInTheDocument();
  await waitFor(() => expect(screen.queryByRole("button", { name: "Remove a+b@example.com" })).not.toBeInTheDocument());
  expect(api.unmatched).toEqual([]);
});
