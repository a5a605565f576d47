// One answer in the thread: the chart and insights, suggestions, feedback,
// and "Take over" (the query as JSON to edit and re-run, the SQL, the data
// as a table, CSV and PNG downloads, the chart-type switch).
import { api } from "./api.js";
import { alternatives, draw, pluginOption, plugins, tableOf } from "./charts.js";
import { download, toCsv } from "./csv.js";
import { rate, ratingOf } from "./history.js";

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c != null));
  return e;
}

function button(text, onClick, props = {}) {
  const b = el("button", { type: "button", textContent: text, ...props });
  b.addEventListener("click", onClick);
  return b;
}

/** A card showing that `question` is being answered; returns it. */
export function pendingCard(question) {
  const started = Date.now();
  const status = el("div", { className: "progress", textContent: "Understanding the question…" });
  const card = el("article", { className: "card pending" }, el("h2", { textContent: question }), status);
  const steps = ["Understanding the question…", "Running the query…", "Drawing the chart…"];
  const timer = setInterval(() => {
    const s = Math.floor((Date.now() - started) / 1000);
    status.textContent = `${steps[Math.min(2, Math.floor(s / 2))]} ${s}s`;
  }, 500);
  card.stop = () => clearInterval(timer);
  return card;
}

/** An error shown in place of an answer. */
export function errorCard(question, message) {
  return el("article", { className: "card failed" },
    el("h2", { textContent: question }),
    el("p", { className: "error", textContent: message }));
}

/**
 * Fills `card` with `answer` (a body of /ai-analytics/query or /chart, or a
 * stored turn). `ctx`: {conversationId, ask(question), rerun(query, chartType?, card?), model}.
 */
export async function fillCard(card, answer, ctx) {
  card.stop?.();
  card.className = "card";
  card.dataset.turn = answer.turn ?? "";
  const question = answer.naturalLanguageQuery || answer.question || "";
  card.replaceChildren(el("h2", { textContent: question }));

  if (answer.needsClarification || (answer.clarification && answer.clarification.options)) {
    card.classList.add("clarify");
    card.append(el("p", { className: "error", textContent: answer.error || "Which did you mean?" }));
    const choices = el("div", { className: "chips", role: "group", ariaLabel: "Did you mean" });
    for (const o of answer.clarification?.options || []) {
      choices.append(button(o.label, () => ctx.ask(o.naturalLanguageQuery), { className: "choice" }));
    }
    card.append(choices);
    return;
  }
  if (answer.success === false || answer.error) {
    card.classList.add("failed");
    card.append(el("p", { className: "error", textContent: answer.error || "Not answered." }));
    const avail = answer.availableMembers;
    if (avail && (avail.measures?.length || avail.dimensions?.length)) {
      card.append(el("p", { className: "muted", textContent: `You can ask about: ${[...(avail.measures || []), ...(avail.dimensions || [])].slice(0, 12).join(", ")}` }));
    }
    if (answer.generatedQuery) card.append(takeOver(card, answer, ctx));
    return;
  }

  const chartType = answer.chart?.type || "table";
  const chartEl = el("div", { className: "chart", role: "img", ariaLabel: `${chartType} chart: ${question}` });
  card.append(chartEl);
  if (answer.chart?.note) card.append(el("p", { className: "note muted", textContent: answer.chart.note }));
  const insights = (answer.insights || []).map((i) => (typeof i === "string" ? i : i.text)).filter(Boolean);
  if (insights.length) {
    card.append(el("ul", { className: "insights" }, ...insights.map((t) => el("li", { textContent: t }))));
  }
  card.chartEl = chartEl;
  card.answer = answer;
  try {
    card.chart = await draw(chartEl, chartType, answer.chart?.option, answer.columns || [], answer.data || []);
  } catch (e) {
    chartEl.replaceChildren(el("p", { className: "error", textContent: `The chart cannot be drawn: ${e.message}` }));
  }
  card.append(suggestionChips(answer, ctx));
  card.append(feedback(card, answer, ctx));
  card.append(takeOver(card, answer, ctx));
}

function suggestionChips(answer, ctx) {
  const list = Array.isArray(answer.suggestions) && answer.suggestions.length
    ? answer.suggestions
    : ctx.model?.followUps(answer) || [];
  const box = el("div", { className: "chips suggestions", role: "group", ariaLabel: "Ask next" });
  for (const s of list.slice(0, 5)) box.append(button(s, () => ctx.ask(s)));
  return box;
}

function feedback(card, answer, ctx) {
  const box = el("div", { className: "row feedback", role: "group", ariaLabel: "Was this answer right?" });
  const status = el("span", { className: "muted", ariaLive: "polite" });
  const current = ratingOf(ctx.conversationId(), answer.turn);
  const make = (rating, label) => {
    const b = button(rating === "up" ? "▲ Good" : "▼ Wrong", async () => {
      for (const x of box.querySelectorAll("button")) x.setAttribute("aria-pressed", String(x === b));
      status.textContent = await rate(ctx.conversationId(), Number(card.dataset.turn || answer.turn), rating);
    }, { ariaLabel: label, className: `rate-${rating}` });
    b.setAttribute("aria-pressed", String(current === rating));
    return b;
  };
  box.append(make("up", "Good answer"), make("down", "Wrong answer"), status);
  return box;
}

function takeOver(card, answer, ctx) {
  const details = el("details", { className: "takeover" }, el("summary", { textContent: "Take over" }));
  const body = el("div", { className: "panel-body" });
  details.append(body);
  const query = answer.generatedQuery;
  const columns = answer.columns || [];
  const rows = answer.data || [];

  // The query, editable.
  const area = el("textarea", { className: "query-json", spellcheck: false, ariaLabel: "Cube query (JSON)" });
  area.value = JSON.stringify(query, null, 2);
  const queryError = el("p", { className: "error", ariaLive: "polite" });
  const rerun = button("Run this query", async () => {
    let q;
    try {
      q = JSON.parse(area.value);
    } catch (e) {
      queryError.textContent = `Not valid JSON: ${e.message}`;
      return;
    }
    queryError.textContent = "";
    await ctx.rerun(q);
  }, { className: "primary rerun" });
  body.append(el("label", { textContent: "Query" }), area, el("div", { className: "row" }, rerun), queryError);

  if (!rows.length && !columns.length) return details; // a stored turn: run it for data

  // The chart type switch.
  const select = el("select", { className: "chart-type", ariaLabel: "Chart type" });
  const typeStatus = el("span", { className: "muted", ariaLive: "polite" });
  alternatives(answer).then(async (types) => {
    const names = new Map((await plugins()).map((p) => [p.name, p.title]));
    for (const t of types) {
      select.append(el("option", { value: t, textContent: names.get(t) || t[0].toUpperCase() + t.slice(1), selected: t === answer.chart?.type }));
    }
  });
  select.addEventListener("change", async () => {
    const t = select.value;
    typeStatus.textContent = "Drawing…";
    try {
      const list = await plugins();
      if (list.some((p) => p.name === t)) {
        const option = await pluginOption(t, columns, rows, answer.chart?.option?.title?.text);
        card.chart = await draw(card.chartEl, t, option, columns, rows);
      } else if (t === "table") {
        card.chart = await draw(card.chartEl, "table", null, columns, rows);
      } else {
        const res = await api("/ai-analytics/chart", { method: "POST", body: { query, chartType: t, conversationId: ctx.conversationId() } });
        card.dataset.turn = res.turn ?? card.dataset.turn;
        card.answer = res;
        card.chart = await draw(card.chartEl, res.chart?.type || t, res.chart?.option, res.columns, res.data);
      }
      card.chartEl.dataset.type = t;
      typeStatus.textContent = "";
    } catch (e) {
      typeStatus.textContent = e.message;
    }
  });
  body.append(el("div", { className: "row" }, el("label", { textContent: "Chart" }), select, typeStatus));

  // Downloads.
  const slug = (answer.naturalLanguageQuery || "result").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "result";
  const csv = button("Download CSV", () => download(`${slug}.csv`, toCsv(columns, rows), "text/csv;charset=utf-8"), { className: "csv" });
  const png = button("Download PNG", () => {
    if (!card.chart) return;
    const bg = getComputedStyle(document.body).backgroundColor;
    download(`${slug}.png`, card.chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: bg }), "image/png");
  }, { className: "png" });
  body.append(el("div", { className: "row" }, csv, png));

  // The SQL, fetched when asked for.
  const sqlBox = el("details", {}, el("summary", { textContent: "SQL" }));
  const sqlPre = el("pre", { className: "sql", textContent: "Loading…" });
  sqlBox.append(sqlPre);
  sqlBox.addEventListener("toggle", async () => {
    if (!sqlBox.open || sqlBox.dataset.loaded) return;
    try {
      const res = await api(`/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(query))}`);
      const sql = res?.sql?.sql;
      sqlPre.textContent = Array.isArray(sql) ? `${sql[0]}\n\n-- parameters: ${JSON.stringify(sql[1])}` : JSON.stringify(res, null, 2);
      sqlBox.dataset.loaded = "1";
    } catch (e) {
      sqlPre.textContent = e.message;
    }
  });
  const dataBox = el("details", {}, el("summary", { textContent: `Data (${rows.length} rows)` }));
  dataBox.addEventListener("toggle", () => {
    if (dataBox.open && dataBox.children.length === 1) dataBox.append(tableOf(columns, rows));
  }, { once: false });
  body.append(sqlBox, dataBox);
  return details;
}
