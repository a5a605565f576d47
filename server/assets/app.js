// The chat-to-chart page: wires the question box, the thread of answers,
// history, schema browser, uploads, token and theme.
import { api } from "./api.js";
import { setToken, token, claims, whoami } from "./auth.js";
import { errorCard, fillCard, pendingCard } from "./card.js";
import { loadEcharts, plugins } from "./charts.js";
import { conversation, conversations, remember } from "./history.js";
import { Model, schemaBrowser } from "./model.js";
import { setupUpload } from "./upload.js";

const $ = (id) => document.getElementById(id);
const state = { conversationId: null, model: new Model(), busy: false };

function showError(message) {
  const b = $("banner");
  b.textContent = message;
  b.hidden = false;
}
window.addEventListener("error", (e) => showError(`Something went wrong on this page: ${e.message}`));
window.addEventListener("unhandledrejection", (e) => showError(`Something went wrong on this page: ${e.reason?.message || e.reason}`));

const ctx = {
  conversationId: () => state.conversationId,
  ask: (q) => ask(q),
  rerun: (query, chartType) => runQuery(query, chartType, state.conversationId),
  get model() {
    return state.model;
  },
};

function scrollIntoView(card) {
  card.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

function setBusy(busy) {
  state.busy = busy;
  $("ask-button").disabled = busy;
}

async function deliver(card, question, request) {
  setBusy(true);
  try {
    const res = await request();
    if (res.conversationId) {
      state.conversationId = res.conversationId;
      remember(res.conversationId, question);
    }
    await fillCard(card, res, ctx);
    refreshHistory();
  } catch (e) {
    card.stop?.();
    card.replaceWith(errorCard(question, e.message));
  } finally {
    setBusy(false);
  }
}

/** Asks a question in the current conversation. */
async function ask(question) {
  question = question.trim();
  if (!question || state.busy) return;
  $("starters").hidden = true;
  const card = pendingCard(question);
  $("thread").append(card);
  scrollIntoView(card);
  await deliver(card, question, () =>
    api("/ai-analytics/query", { method: "POST", body: { naturalLanguageQuery: question, conversationId: state.conversationId || undefined } }),
  );
}

/** Runs a Cube query directly (edited query, schema browser). */
async function runQuery(query, chartType, conversationId) {
  if (state.busy) return;
  $("starters").hidden = true;
  const label = "Query: " + [...(query.measures || []), ...(query.dimensions || [])].join(", ");
  const card = pendingCard(label);
  $("thread").append(card);
  scrollIntoView(card);
  await deliver(card, label, () =>
    api("/ai-analytics/chart", { method: "POST", body: { query, chartType, conversationId: conversationId || undefined } }),
  );
}

function newConversation() {
  state.conversationId = null;
  $("thread").replaceChildren();
  $("starters").hidden = false;
  $("question").focus();
}

async function openConversation(id) {
  try {
    const c = await conversation(id);
    newConversation();
    state.conversationId = c.conversationId || id;
    $("starters").hidden = true;
    for (const [i, t] of (c.turns || []).entries()) {
      const card = pendingCard(t.question);
      $("thread").append(card);
      await fillCard(card, { ...t, naturalLanguageQuery: t.question, turn: i + 1, success: t.success, data: [], columns: [] }, ctx);
    }
    $("question").focus();
  } catch (e) {
    showError(e.message);
  }
}

async function refreshHistory() {
  const box = $("history");
  try {
    const { source, list } = await conversations();
    box.replaceChildren();
    if (source === "browser") {
      box.append(Object.assign(document.createElement("p"), { className: "muted", textContent: "This server keeps no list of conversations yet; these are the ones started in this browser." }));
    }
    if (!list.length) box.append(Object.assign(document.createElement("p"), { className: "muted", textContent: "No conversations yet." }));
    for (const c of list.slice(0, 30)) {
      const row = document.createElement("div");
      row.className = "history-item";
      const b = Object.assign(document.createElement("button"), { type: "button", className: "open", textContent: c.title || c.id });
      b.title = `${c.turns ?? "?"} turns, ${new Date(c.updatedAt || c.createdAt).toLocaleString()}`;
      b.dataset.id = c.id;
      b.addEventListener("click", () => openConversation(c.id));
      row.append(b);
      box.append(row);
    }
  } catch (e) {
    box.replaceChildren(Object.assign(document.createElement("p"), { className: "error", textContent: e.message }));
  }
}

async function loadModel() {
  state.model = await Model.load();
  if (state.model.errors?.length) showError(state.model.errors.join("\n"));
  const starters = $("starters");
  starters.replaceChildren();
  for (const q of state.model.starters()) {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: q });
    b.addEventListener("click", () => ask(q));
    starters.append(b);
  }
  $("schema").replaceChildren(schemaBrowser(state.model, (query) => runQuery(query, undefined, null)));
}

function showIdentity() {
  $("whoami").textContent = whoami();
  const c = claims();
  $("token-context").textContent = c ? JSON.stringify(c, null, 2) : "";
}

const THEMES = ["auto", "light", "dark"];
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const b = $("theme-toggle");
  b.textContent = `Theme: ${theme}`;
  b.setAttribute("aria-label", `Theme: ${theme === "auto" ? "follows the system" : theme}. Change theme`);
  try {
    localStorage.setItem("strata.theme", theme);
  } catch {
    // Not kept: the page still works.
  }
  // Charts pick their colours when drawn: redraw them in the new theme.
  for (const card of document.querySelectorAll(".card")) {
    if (card.chart && card.answer) {
      const opt = card.chart.getOption();
      import("./charts.js").then(({ draw }) =>
        draw(card.chartEl, card.chartEl.dataset.type || card.answer.chart?.type, opt, card.answer.columns, card.answer.data).then((c) => (card.chart = c)),
      );
    }
  }
}

function init() {
  let theme = "auto";
  try {
    theme = localStorage.getItem("strata.theme") || "auto";
  } catch {
    theme = "auto";
  }
  applyTheme(THEMES.includes(theme) ? theme : "auto");
  $("theme-toggle").addEventListener("click", () => {
    const cur = document.documentElement.dataset.theme;
    applyTheme(THEMES[(THEMES.indexOf(cur) + 1) % THEMES.length]);
  });
  $("menu-toggle").addEventListener("click", () => {
    const open = $("side").classList.toggle("open");
    $("menu-toggle").setAttribute("aria-expanded", String(open));
  });
  $("new-conversation").addEventListener("click", newConversation);
  $("ask").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("question").value;
    $("question").value = "";
    ask(q);
  });
  $("token").value = token();
  $("token-save").addEventListener("click", () => {
    setToken($("token").value);
    showIdentity();
    loadModel();
    refreshHistory();
  });
  $("token-clear").addEventListener("click", () => {
    setToken("");
    $("token").value = "";
    showIdentity();
    loadModel();
    refreshHistory();
  });
  setupUpload($("dropzone"), $("upload-file"), $("upload-result"), async (cube) => {
    await loadModel();
    const box = document.createElement("div");
    box.className = "chips";
    const measures = cube.measures || [];
    const dims = [...(cube.dimensions || []), ...(cube.timeDimensions || [])];
    const short = (m) => m.split(".").pop().replace(/_/g, " ");
    const questions = [`${cube.cube} ${short(measures[0] || "count")}`];
    if (dims[0]) questions.push(`${cube.cube} ${short(measures[0] || "count")} by ${short(dims[0])}`);
    for (const q of questions) {
      const b = Object.assign(document.createElement("button"), { type: "button", textContent: q, className: "ask-upload" });
      b.addEventListener("click", () => {
        newConversation();
        ask(q);
      });
      box.append(b);
    }
    $("upload-result").append(box);
  });
  showIdentity();
  loadModel().catch((e) => showError(e.message));
  refreshHistory();
  plugins();
  // Fetch the chart library while the person types.
  (window.requestIdleCallback || setTimeout)(() => loadEcharts().catch((e) => showError(e.message)));
  document.body.dataset.ready = "1";
}

init();
