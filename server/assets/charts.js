// Drawing answers: ECharts (loaded once, after the page is up), numbers and
// tables drawn here, and chart plugins (docs/plugins.md).
import { api } from "./api.js";

let echartsLoading = null;

/** ECharts, loaded on first need from the vendored file. */
export function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = new URL("./vendor/echarts.min.js", import.meta.url).href;
      s.onload = () => resolve(window.echarts);
      s.onerror = () => {
        echartsLoading = null;
        reject(new Error("the chart library could not be loaded"));
      };
      document.head.append(s);
    });
  }
  return echartsLoading;
}

export function isDark() {
  const t = document.documentElement.dataset.theme;
  return t === "dark" || (t === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
}

// ---- plugins ----

let pluginList = null;
const pluginModules = new Map();

/** The server's chart plugins (empty when it has none or cannot say). */
export async function plugins() {
  if (!pluginList) {
    pluginList = api("/strata/v1/plugins")
      .then((r) => (r && Array.isArray(r.plugins) ? r.plugins : []))
      .catch(() => []);
  }
  return pluginList;
}

async function pluginModule(p) {
  if (!pluginModules.has(p.name)) {
    pluginModules.set(p.name, import(p.script));
  }
  const mod = await pluginModules.get(p.name);
  if (typeof mod.toOption !== "function") {
    throw new Error(`plugin ${p.name} does not export toOption(columns, rows)`);
  }
  return mod;
}

/** Whether a plugin's `fits` rule matches a result (the server's rule, again). */
export function fits(rule = {}, columns, rows) {
  const count = (role) => columns.filter((c) => c.role === role).length;
  const inRange = (r, n) => !r || ((r.min ?? 0) <= n && (r.max ?? Infinity) >= n);
  return (
    inRange(rule.dimensions, count("dimension")) &&
    inRange(rule.measures, count("measure")) &&
    (rule.timeDimension === undefined || rule.timeDimension === count("time") > 0) &&
    rows.length >= (rule.minRows ?? 1) &&
    rows.length <= (rule.maxRows ?? Infinity)
  );
}

/** The ECharts option a plugin draws for a result. */
export async function pluginOption(name, columns, rows, title) {
  const list = await plugins();
  const p = list.find((x) => x.name === name);
  if (!p) throw new Error(`no chart plugin called ${name}`);
  const mod = await pluginModule(p);
  return mod.toOption(columns, rows, { title, dark: isDark() });
}

/**
 * The chart types the switch offers: the server's `chart.alternatives`, or
 * the page's own rule (time series → line/bar/area/table; one category and
 * measures → bar, pie for one measure and at most 12 rows, table) plus the
 * plugins that fit.
 */
export async function alternatives(answer) {
  const chart = answer.chart || {};
  if (Array.isArray(chart.alternatives) && chart.alternatives.length) return chart.alternatives;
  const columns = answer.columns || [];
  const rows = answer.data || [];
  const dims = columns.filter((c) => c.role === "dimension").length;
  const measures = columns.filter((c) => c.role === "measure").length;
  const time = columns.some((c) => c.role === "time");
  let types = ["table"];
  if (rows.length && measures) {
    if (time && dims <= 1) types = ["line", "bar", "area", "table"];
    else if (dims === 1) types = measures === 1 && rows.length <= 12 ? ["bar", "pie", "table"] : ["bar", "table"];
  }
  if (chart.type && !types.includes(chart.type)) types.unshift(chart.type);
  const extra = (await plugins()).filter((p) => fits(p.fits, columns, rows)).map((p) => p.name);
  return [...types, ...extra];
}

// ---- drawing ----

const NUMBER_FORMAT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function formatCell(value, column) {
  if (value == null) return "";
  if (column && (column.type === "number" || column.role === "measure")) {
    const n = Number(value);
    if (Number.isFinite(n)) return NUMBER_FORMAT.format(n);
  }
  return String(value);
}

/** A table element of the result. */
export function tableOf(columns, rows, max = 500) {
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  wrap.tabIndex = 0;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c.title || c.member;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows.slice(0, max)) {
    const tr = body.insertRow();
    for (const c of columns) {
      const td = tr.insertCell();
      td.textContent = formatCell(r[c.member], c);
      if (c.role === "measure") td.className = "num";
    }
  }
  wrap.append(table);
  if (rows.length > max) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = `First ${max} of ${rows.length} rows (the CSV has them all).`;
    wrap.append(p);
  }
  return wrap;
}

/**
 * Draws `option` of chart `type` into `el` (numbers and tables from
 * columns/rows). Returns the ECharts instance, or null when none is used.
 */
export async function draw(el, type, option, columns = [], rows = []) {
  const existing = window.echarts && window.echarts.getInstanceByDom(el);
  if (existing) existing.dispose();
  el.replaceChildren();
  el.className = "chart";
  if (type === "table") {
    el.className = "";
    el.append(rows.length ? tableOf(columns, rows) : Object.assign(document.createElement("p"), { className: "muted", textContent: "No rows." }));
    return null;
  }
  if ((type === "number" || !option || !option.series) && type !== "gauge") {
    const measure = columns.find((c) => c.role === "measure");
    el.className = "number";
    el.textContent = measure && rows[0] ? formatCell(rows[0][measure.member], measure) : "—";
    if (measure) el.title = measure.title;
    return null;
  }
  const echarts = await loadEcharts();
  const chart = echarts.init(el, isDark() ? "dark" : null, { renderer: "canvas" });
  chart.setOption({ backgroundColor: "transparent", ...option, animation: false });
  return chart;
}

window.addEventListener("resize", () => {
  if (!window.echarts) return;
  for (const el of document.querySelectorAll(".chart")) window.echarts.getInstanceByDom(el)?.resize();
});
