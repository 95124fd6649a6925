// Prints the built dashboard's JavaScript sizes (gzip) and fails when the JavaScript the first
// page loads (the entry and what index.html preloads) exceeds the budget.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_KB = 250;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
const gz = (f) => gzipSync(readFileSync(join(dist, f))).length / 1024;

let initialKB = 0;
let totalKB = 0;
for (const f of readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js")).sort()) {
  const kb = gz(`assets/${f}`);
  totalKB += kb;
  if (initial.has(`assets/${f}`)) initialKB += kb;
}
console.log(`dashboard bundle: initial JavaScript ${initialKB.toFixed(1)} KB gzip (budget ${BUDGET_KB} KB), all JavaScript ${totalKB.toFixed(1)} KB gzip`);
if (initialKB > BUDGET_KB) {
  console.error(`initial JavaScript is over the ${BUDGET_KB} KB gzip budget`);
  process.exit(1);
}
