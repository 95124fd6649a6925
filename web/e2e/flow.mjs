// One user's way through the dashboard. Each step names what it does, so a failure says where.

/** check runs axe-core on the page and fails on any serious or critical violation. */
async function check(page, env, screen) {
  await page.addScriptTag({ path: env.axePath });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  if (violations.length) throw new Error(`accessibility on ${screen} (${env.size}):\n  ${violations.join("\n  ")}`);
  await page.screenshot({ path: `${env.shots}/${screen}-${env.size}.png`, fullPage: true });
}

async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    e.message = `step "${name}": ${e.message}`;
    throw e;
  }
}

async function expectVisible(locator, what) {
  await locator.first().waitFor({ state: "visible" }).catch(() => {
    throw new Error(`expected to see ${what}`);
  });
}

export async function flow(page, env) {
  const email = `${env.size}@example.com`;

  await step("open the dashboard", async () => {
    await page.goto(env.base + "/");
    await expectVisible(page.getByRole("heading", { level: 1, name: "Tasks" }), "the Tasks heading");
    await check(page, env, "tasks-empty");
  });

  await step("add and verify an email through the dev mailbox", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await expectVisible(page.getByRole("heading", { level: 1, name: "Settings" }), "the Settings heading");
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Send code" }).click();
    const mailbox = page.locator("section, div").filter({ has: page.getByRole("heading", { name: "Dev mailbox" }) }).last();
    await expectVisible(mailbox.getByText(email), "the code's email in the dev mailbox");
    const text = await mailbox.innerText();
    const code = text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no 6-digit code in the dev mailbox: ${text.slice(0, 300)}`);
    await page.getByLabel("Verification code").fill(code);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expectVisible(page.getByText(/verified/i), "the address marked verified");
  });

  await step("set a webhook and send a test", async () => {
    // The channels section has webhook URLs of its own (Slack, Discord): stay in this one.
    const hook = page.getByRole("region", { name: "Webhook", exact: true });
    await hook.getByLabel("Webhook URL").fill(env.webhook);
    await hook.getByRole("button", { name: "Save webhook" }).click();
    await hook.getByRole("button", { name: "Send test" }).click();
    await expectVisible(hook.getByRole("status").filter({ hasText: /200/ }), "the test delivery's 200");
  });

  await step("create and revoke an API key", async () => {
    await page.getByLabel("Key name").fill(`ci ${env.size}`);
    await page.getByRole("button", { name: "Create key" }).click();
    await expectVisible(page.getByText(/will not be shown again/i), "the new key, shown once");
    await page.getByRole("button", { name: `Revoke ci ${env.size}` }).click();
    await page.getByRole("button", { name: "Revoke key" }).click();
    await page.getByRole("button", { name: `Revoke ci ${env.size}` }).waitFor({ state: "detached" });
    await check(page, env, "settings");
  });

  await step("refuse an empty task with the API's message at its field", async () => {
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.getByRole("link", { name: "New task" }).first().click();
    await expectVisible(page.getByRole("heading", { level: 1 }), "the new task heading");
    await page.getByRole("button", { name: "Create task" }).click();
    const query = page.getByLabel("What should Torale look for?");
    await page.waitForFunction((el) => el.getAttribute("aria-invalid") === "true", await query.elementHandle());
    await check(page, env, "new-task-error");
  });

  await step("preview the task", async () => {
    await page.getByLabel("What should Torale look for?").fill("When will Apple announce the iPhone 18 release date?");
    await page.getByLabel("Notify me when").fill("Apple officially announces the release date");
    await page.getByLabel("Every time it is met").check();
    await page.getByLabel(email).check();
    await page.getByLabel("My webhook").check();
    await page.getByRole("button", { name: "Preview" }).click();
    await expectVisible(page.getByText(/18 September 2026/), "the preview's evidence");
    await check(page, env, "new-task-preview");
  });

  await step("save it and see its first run notify", async () => {
    await page.getByRole("button", { name: "Create task" }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await expectVisible(page.getByText(/18 September 2026/), "the first run's evidence");
    await expectVisible(page.getByText(/delivered/i), "a delivered notification");
  });

  await step("run it now and see the new run without a reload", async () => {
    const runs = await page.getByRole("listitem").count();
    await page.getByRole("button", { name: "Run now" }).click();
    await page.waitForFunction((n) => document.querySelectorAll("li").length > n, runs, { timeout: 20_000 });
    await check(page, env, "task-detail");
  });

  await step("pause it", async () => {
    await page.getByRole("button", { name: "Pause" }).click();
    await expectVisible(page.getByRole("button", { name: "Resume" }), "the Resume button");
    await expectVisible(page.getByText(/paused/i), "the paused state");
  });

  await step("see the notification in the list", async () => {
    await page.getByRole("link", { name: "Notifications" }).click();
    await expectVisible(page.getByRole("heading", { level: 1, name: "Notifications" }), "the Notifications heading");
    await expectVisible(page.getByText(/delivered/i), "the delivery status");
    await check(page, env, "notifications");
  });

  await step("see the task in the list", async () => {
    await page.getByRole("link", { name: "Tasks" }).click();
    await expectVisible(page.getByText(/will not run until resumed/i), "the paused task");
    await check(page, env, "tasks");
  });

  if (env.admin) {
    await step("open the admin console", async () => {
      await page.getByRole("link", { name: "Admin" }).click();
      await expectVisible(page.getByRole("heading", { level: 1, name: "Admin" }), "the Admin heading");
      await check(page, env, "admin");
    });
  } else {
    await step("see that the admin console is for admins", async () => {
      if (await page.getByRole("link", { name: "Admin" }).count()) throw new Error("a non-admin sees the Admin link");
      await page.goto(env.base + "/admin");
      await expectVisible(page.getByText(/admin/i), "the admins-only message");
      await check(page, env, "admin-forbidden");
    });
  }
}
