// The dashboard end to end in a real Chromium: every screen a user touches, driven by
// accessible names, at desktop and at phone width, with an axe-core check and a screenshot of
// each screen. The Go test web/e2e starts `torale dev` (in-process, with a stand-in Gemini and
// a webhook receiver on loopback) and runs this script against it:
//
//   BASE_URL=http://127.0.0.1:PORT WEBHOOK_URL=http://127.0.0.1:PORT/hook node e2e/run.mjs
//
// It exits non-zero on the first failed step, naming it.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, rmSync } from "node:fs";
import { flow } from "./flow.mjs";

const require = createRequire(import.meta.url);
const base = process.env.BASE_URL;
const webhook = process.env.WEBHOOK_URL;
if (!base || !webhook) {
  console.error("BASE_URL and WEBHOOK_URL are required");
  process.exit(2);
}
const shots = process.env.SCREENSHOT_DIR || new URL("../screenshots/", import.meta.url).pathname;
// A fresh folder each run, so no screenshot is left from an earlier one.
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

const sizes = [
  // The desktop flow is torale dev's default user, whom torale dev makes an admin; the phone
  // flow is another user, who is not.
  { name: "desktop", viewport: { width: 1280, height: 860 }, admin: true },
  // The phone flow runs in dark mode, so axe checks the dark scheme's contrast too.
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, user: "e2e-phone", colorScheme: "dark" },
];

let failed = false;
try {
  for (const size of sizes) {
    // Each size is its own dev user, so each flow starts from an empty account.
    const context = await browser.newContext({
      viewport: size.viewport,
      isMobile: size.isMobile,
      hasTouch: size.hasTouch,
      colorScheme: size.colorScheme ?? "light",
      extraHTTPHeaders: size.user ? { "X-Torale-Dev-User": size.user } : {},
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    try {
      await flow(page, { base, webhook, size: size.name, admin: !!size.admin, shots, axePath: require.resolve("axe-core/axe.min.js") });
      if (errors.length) throw new Error(`uncaught errors in the page: ${errors.join("; ")}`);
      console.log(`e2e ${size.name}: passed`);
    } catch (e) {
      failed = true;
      const file = `${shots}/FAILED-${size.name}.png`;
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.error(`e2e ${size.name}: FAILED: ${e.stack || e}\n  screenshot: ${file}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
