// Drives the chat-to-chart page (GET /) in headless Chromium against a
// running `strata serve --demo`:
//
//   STRATA_URL=http://127.0.0.1:4000 node tests/js/page.mjs
//
// Screenshots go to $STRATA_PAGE_SHOTS (default
// $CARGO_TARGET_DIR/page-shots). Prints what was measured and
// "N passed, N failed"; exits non-zero on any failure.
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const BASE = process.env.STRATA_URL || "http://127.0.0.1:4000";
const SHOTS = process.env.STRATA_PAGE_SHOTS ||
  join(process.env.CARGO_TARGET_DIR || join(process.env.HOME || "/tmp", ".cache/strata-target"), "page-shots");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
mkdirSync(SHOTS, { recursive: true });

let passed = 0;
let failed = 0;
const shots = [];

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function shot(page, file, what, selector = "#thread .card:last-child") {
  // The newest answer from its top: question, chart, insights.
  await page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: "start" }), selector);
  const path = join(SHOTS, file);
  await page.screenshot({ path, fullPage: false });
  shots.push(`${path}: ${what}`);
}

/** Series of the chart in the n-th card (last when n is -1). */
function chartOf(page, n = -1) {
  return page.evaluate((n) => {
    const cards = [...document.querySelectorAll("#thread .card")];
    const card = cards.at(n);
    const el = card?.querySelector(".chart");
    const inst = el && window.echarts && window.echarts.getInstanceByDom(el);
    if (!inst) return null;
    const o = inst.getOption();
    return {
      series: (o.series || []).map((s) => ({ type: s.type, n: (s.data || []).length, data: s.data })),
      x: o.xAxis?.[0]?.data || null,
      y: o.yAxis?.[0]?.data || null,
    };
  }, n);
}

/** Waits for `count` cards, the last with a drawn chart with series. */
async function waitForChart(page, count, timeout = 60_000) {
  await page.waitForFunction((count) => {
    const cards = document.querySelectorAll("#thread .card");
    if (cards.length < count) return false;
    const last = cards[cards.length - 1];
    if (last.querySelector(".error")) return true;
    const el = last.querySelector(".chart");
    const inst = el && window.echarts && window.echarts.getInstanceByDom(el);
    return !!inst && (inst.getOption().series || []).length > 0;
  }, count, { timeout });
  const err = await page.$$eval("#thread .card", (cards) => cards.at(-1).querySelector(".error")?.textContent);
  assert(!err, `the answer is an error: ${err}`);
}

async function ask(page, question) {
  await page.fill("#question", question);
  await page.press("#question", "Enter");
}

async function cardCount(page) {
  return page.$$eval("#thread .card", (c) => c.length);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, colorScheme: "light" });
const page = await context.newPage();
const consoleErrors = [];
page.on("pageerror", (e) => consoleErrors.push(e.message));
page.on("console", (m) => m.type() === "error" && consoleErrors.push(`${m.text()} @ ${m.location().url}`));

// Transferred bytes of the first load: `/` and everything it loads.
const transfers = [];
page.on("requestfinished", async (req) => {
  try {
    const sizes = await req.sizes();
    transfers.push({ url: req.url().replace(BASE, ""), bytes: sizes.responseBodySize + sizes.responseHeadersSize, body: sizes.responseBodySize });
  } catch {
    // The page went away.
  }
});

let firstChartMs = null;
let loadMs = null;
let shellMs = null;
await step("the page loads with starter questions from the model", async () => {
  const started = Date.now();
  const res = await page.goto(`${BASE}/`);
  assert(res.status() === 200, `GET / answered ${res.status()}`);
  await page.waitForSelector("body[data-ready]");
  await page.waitForSelector("#starters button");
  loadMs = Date.now() - started;
  shellMs = await page.evaluate(() => Math.round(performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd));
  const starters = await page.$$eval("#starters button", (b) => b.map((x) => x.textContent));
  assert(starters.length >= 2, `starters: ${starters}`);
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => !!window.echarts, null, { timeout: 30_000 });
});
const firstLoad = [...transfers];

await step("a question gets a chart and insights", async () => {
  const started = Date.now();
  await ask(page, "revenue by month");
  await page.waitForSelector("#thread .card .progress", { timeout: 5_000 }).catch(() => {});
  await waitForChart(page, 1);
  firstChartMs = Date.now() - started;
  const c = await chartOf(page);
  assert(c.series[0].type === "line", `series: ${JSON.stringify(c.series.map((s) => s.type))}`);
  assert(c.series[0].n >= 12, `points: ${c.series[0].n}`);
  const insights = await page.$$eval("#thread .card .insights li", (l) => l.map((x) => x.textContent));
  assert(insights.length > 0, "no insights");
  const suggestions = await page.$$eval("#thread .card .suggestions button", (b) => b.length);
  assert(suggestions > 0, "no suggested next questions");
  await shot(page, "01-answer.png", "'revenue by month' answered: line chart, insights, suggestions");
});

await step("a follow-up in the same conversation changes the chart", async () => {
  const before = await chartOf(page);
  await ask(page, "by week");
  await waitForChart(page, 2);
  const after = await chartOf(page);
  assert(after.series[0].n > before.series[0].n * 3, `weeks ${after.series[0].n} vs months ${before.series[0].n}`);
  await shot(page, "02-followup.png", "follow-up 'by week' in the same conversation: weekly line");
});

await step("the query JSON can be edited and re-run", async () => {
  const n = await cardCount(page);
  const last = page.locator("#thread .card").last();
  await last.locator("details.takeover > summary").click();
  const q = JSON.parse(await last.locator("textarea.query-json").inputValue());
  assert(Array.isArray(q.measures), `query: ${JSON.stringify(q)}`);
  const edited = { measures: ["orders_overview.count"], dimensions: ["orders_overview.status"] };
  await last.locator("textarea.query-json").fill(JSON.stringify(edited, null, 2));
  await last.locator("button.rerun").click();
  await waitForChart(page, n + 1);
  const c = await chartOf(page);
  const labels = JSON.stringify(c.x || c.y || c.series[0].data);
  assert(/completed/i.test(labels), `status categories missing: ${labels}`);
  // The SQL of the query.
  const card = page.locator("#thread .card").last();
  await card.locator("details.takeover > summary").click();
  await card.locator("details:has(> summary:text('SQL')) > summary").click();
  await page.waitForFunction(() => /select/i.test(document.querySelectorAll("#thread .card")[document.querySelectorAll("#thread .card").length - 1].querySelector("pre.sql")?.textContent || ""));
  await shot(page, "03-takeover.png", "Take over: edited query re-run (orders by status), SQL shown");
});

await step("the chart type switch offers fitting types and the funnel plugin", async () => {
  const card = page.locator("#thread .card").last();
  const options = await card.locator("select.chart-type option").evaluateAll((o) => o.map((x) => x.value));
  for (const t of ["bar", "pie", "table", "funnel"]) assert(options.includes(t), `options ${options} lack ${t}`);
  assert(!options.includes("line"), `a category result offers line: ${options}`);
  await card.locator("select.chart-type").selectOption("bar");
  await page.waitForFunction(() => {
    const el = [...document.querySelectorAll("#thread .card")].at(-1).querySelector(".chart");
    return window.echarts.getInstanceByDom(el)?.getOption().series?.[0]?.type === "bar";
  }, null, { timeout: 30_000 });
  await card.locator("select.chart-type").selectOption("funnel");
  await page.waitForFunction(() => {
    const el = [...document.querySelectorAll("#thread .card")].at(-1).querySelector(".chart");
    return window.echarts.getInstanceByDom(el)?.getOption().series?.[0]?.type === "funnel";
  }, null, { timeout: 30_000 });
  const c = await chartOf(page);
  assert(c.series[0].n >= 3, `funnel stages: ${c.series[0].n}`);
  await shot(page, "04-funnel.png", "chart-type switch: the funnel plugin drawing orders by status");
});

await step("CSV download has the rows, with formula cells neutralised", async () => {
  const card = page.locator("#thread .card").last();
  const [download] = await Promise.all([page.waitForEvent("download"), card.locator("button.csv").click()]);
  const text = readFileSync(await download.path(), "utf8");
  const lines = text.trim().split(/\r\n/);
  assert(/status/i.test(lines[0]) && /orders/i.test(lines[0]), `header: ${lines[0]}`);
  assert(lines.length >= 4, `rows: ${lines.length - 1}`);
  assert(lines.some((l) => /^completed,\d+/i.test(l)), `no 'completed' row: ${text}`);
  const csv = await page.evaluate(async () => {
    const m = await import(new URL("./csv.js", document.querySelector("script[type=module]").src).href);
    return m.toCsv([{ member: "a", title: "A" }], [{ a: "=HYPERLINK(1)" }, { a: "+1+cmd" }, { a: "@x" }, { a: "-2+3" }, { a: "\tt" }, { a: "ok, \"q\"" }, { a: "-12.50" }]);
  });
  // Formulas are neutralised; a plain number (a negative amount) stays a number.
  assert(csv === "A\r\n'=HYPERLINK(1)\r\n'+1+cmd\r\n'@x\r\n'-2+3\r\n'\tt\r\n\"ok, \"\"q\"\"\"\r\n-12.50\r\n", `csv: ${JSON.stringify(csv)}`);
});

await step("PNG export of the chart", async () => {
  const card = page.locator("#thread .card").last();
  const [download] = await Promise.all([page.waitForEvent("download"), card.locator("button.png").click()]);
  const bytes = readFileSync(await download.path());
  assert(bytes.subarray(1, 4).toString() === "PNG" && bytes.length > 2000, `not a PNG (${bytes.length} bytes)`);
});

await step("thumbs up is kept (server or browser)", async () => {
  const card = page.locator("#thread .card").first();
  await card.locator("button.rate-up").click();
  await page.waitForFunction(() => document.querySelector("#thread .card .feedback .muted")?.textContent.length > 0);
  const pressed = await card.locator("button.rate-up").getAttribute("aria-pressed");
  assert(pressed === "true", "thumbs up not shown as chosen");
});

await step("a clarification shows its options as buttons that ask again", async () => {
  let asked = null;
  await page.route("**/ai-analytics/query", async (route) => {
    const body = JSON.parse(route.request().postData() || "{}");
    if (body.naturalLanguageQuery === "sales by zone") {
      return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({
        success: false, needsClarification: true, naturalLanguageQuery: "sales by zone", conversationId: body.conversationId,
        error: "\"zone\" was not understood", clarification: { unknown: ["zone"], options: [
          { label: "Revenue by region", naturalLanguageQuery: "revenue by region" },
          { label: "Revenue by country", naturalLanguageQuery: "revenue by country" }] } }) });
    }
    asked = body;
    return route.continue();
  });
  const n = await cardCount(page);
  await ask(page, "sales by zone");
  await page.waitForSelector("#thread .card.clarify button.choice");
  await shot(page, "09-clarification.png", "a clarification: what was not understood, with the options as buttons");
  await page.locator("#thread .card.clarify button.choice").first().click();
  await waitForChart(page, n + 2);
  assert(asked && asked.naturalLanguageQuery === "revenue by region" && asked.conversationId, `asked: ${JSON.stringify(asked)}`);
  await page.unroute("**/ai-analytics/query");
});

await step("a server error is shown as text, never a blank page", async () => {
  await page.route("**/ai-analytics/query", (route) =>
    route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ error: "the database is down" }) }));
  await ask(page, "orders by channel");
  await page.waitForSelector("#thread .card.failed .error");
  const text = await page.locator("#thread .card.failed .error").last().textContent();
  assert(text.includes("the database is down"), text);
  await page.unroute("**/ai-analytics/query");
});

await step("the schema browser runs a query without natural language", async () => {
  await page.click("#new-conversation");
  await page.click("#schema-panel > summary");
  const cube = page.locator("#schema details.cube[data-cube='orders_overview']");
  await cube.locator("summary").click();
  await cube.locator("input[name=measure][value='orders_overview.count']").check();
  await cube.locator("input[name=dimension][value='orders_overview.created_at']").check();
  await cube.locator("select[name='granularity:orders_overview.created_at']").selectOption("quarter");
  await cube.locator("button[type=submit]").click();
  await waitForChart(page, 1);
  const c = await chartOf(page);
  assert(c.series[0].n >= 8 && c.series[0].n <= 10, `quarters: ${c.series[0].n}`);
  await shot(page, "05-schema.png", "schema browser: orders_overview count by quarter, run without a question");
});

{
  await step("a CSV upload becomes a cube that can be asked about", async () => {
    const csv = "region,month,visits\n" + ["north", "south", "east", "west"].flatMap((r, i) =>
      ["2025-01-01", "2025-02-01", "2025-03-01"].map((m, j) => `${r},${m},${100 * (i + 1) + j}`)).join("\n") + "\n";
    await page.click("#upload-panel > summary");
    await page.setInputFiles("#upload-file", { name: "web_visits.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.waitForSelector("#upload-result .upload-summary, #upload-result .error", { timeout: 30_000 });
    const err = await page.locator("#upload-result .error").count();
    if (err) throw new Error(`upload refused: ${await page.locator("#upload-result .error").textContent()}`);
    await page.locator("#upload-result button.ask-upload").last().click();
    await waitForChart(page, 1);
    await shot(page, "07-upload.png", "an uploaded CSV (web_visits) asked about at once");
    // A bad file shows the server's message.
    await page.setInputFiles("#upload-file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("") });
    await page.waitForSelector("#upload-result .error", { timeout: 30_000 });
  });
}

await step("an earlier conversation is listed and reopened", async () => {
  await page.click("#new-conversation");
  await page.click("#history-panel > summary").catch(() => {});
  await page.evaluate(() => document.getElementById("history-panel").open = true);
  const item = page.locator("#history button.open", { hasText: "revenue by month" }).first();
  await item.waitFor();
  await item.click();
  await page.waitForFunction(() => document.querySelectorAll("#thread .card").length >= 2, null, { timeout: 30_000 });
  await page.waitForFunction(() => {
    const el = document.querySelector("#thread .card .chart");
    return el && window.echarts.getInstanceByDom(el)?.getOption().series?.length > 0;
  }, null, { timeout: 30_000 });
  // It continues: a follow-up goes to the same conversation.
  const n = await cardCount(page);
  await ask(page, "by quarter");
  await waitForChart(page, n + 1);
  await shot(page, "06-history.png", "an earlier conversation reopened from History and continued ('by quarter')");
});

await step("the token's security context is shown (decoded for display only)", async () => {
  const payload = Buffer.from(JSON.stringify({ sub: "ana", tenant_id: "acme" })).toString("base64url");
  await page.click("#token-panel > summary");
  await page.fill("#token", `e30.${payload}.sig`);
  await page.click("#token-save");
  await page.waitForFunction(() => document.getElementById("whoami").textContent.includes("ana"));
  const who = await page.textContent("#whoami");
  assert(who.includes("acme"), who);
  const stored = await page.evaluate(() => [sessionStorage.getItem("strata.token"), localStorage.getItem("strata.token")]);
  assert(stored[0] && !stored[1], `token storage: ${stored}`);
  await page.click("#token-clear");
});

await step("dark theme at phone width, keyboard only", async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  await p.goto(`${BASE}/`);
  await p.waitForSelector("body[data-ready]");
  const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg === "rgb(20, 23, 28)", `dark background: ${bg}`);
  // Tab reaches the skip link first; it leads to the question box.
  await p.keyboard.press("Tab");
  const first = await p.evaluate(() => document.activeElement.className);
  assert(first === "skip", `first focus: ${first}`);
  await p.focus("#question");
  await p.keyboard.type("orders by channel");
  await p.keyboard.press("Enter");
  await waitForChart(p, 1);
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `the page scrolls sideways: ${width}px`);
  await shot(p, "08-dark-phone.png", "phone width (390 px), dark theme: 'orders by channel' answered");
  // The theme toggle cycles auto -> light -> dark.
  await p.click("#theme-toggle");
  assert((await p.getAttribute("html", "data-theme")) === "light", "toggle to light");
  await phone.close();
});

await step("no script errors on the page", async () => {
  // Expected: 404/405/500 of the steps that fake or probe them, and the 400
  // of the bad file the upload step sends on purpose.
  const real = consoleErrors.filter((e) => !/status of (404|405|500)/.test(e) &&
    !/status of 400 .*\/strata\/v1\/uploads/.test(e));
  assert(real.length === 0, real.join("\n"));
});

await browser.close();

const total = firstLoad.reduce((a, t) => a + t.bytes, 0);
console.log("\nFirst load (transferred, compressed, headers included):");
for (const t of firstLoad) console.log(`  ${String(t.bytes).padStart(8)}  ${t.url}`);
const shell = firstLoad.filter((t) => !/\/(cubejs-api|ai-analytics|strata\/v1)\/|echarts/.test(t.url)).reduce((a, t) => a + t.bytes, 0);
console.log(`  ${String(total).padStart(8)}  total bytes (${shell} of them the page's own files, the rest ECharts and the API's model documents)`);
console.log(`Page shell interactive (DOMContentLoaded): ${shellMs} ms; starter questions shown: ${loadMs} ms`);
console.log(`Time to first chart (question sent -> chart drawn): ${firstChartMs} ms`);
console.log("\nScreenshots:");
for (const s of shots) console.log(`  ${s}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
