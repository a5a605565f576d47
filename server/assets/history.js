// Past conversations and ratings. Conversations this page started are also
// remembered in localStorage, so they can be reopened where the server has
// no list of them; ratings stay in localStorage where it cannot store them.
import { api, missing } from "./api.js";

const LOCAL = "strata.conversations";
const RATINGS = "strata.ratings";

function readLocal(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

function writeLocal(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the page works without it.
  }
}

/** Remembers a conversation this page started or continued. */
export function remember(id, title) {
  if (!id) return;
  const list = readLocal(LOCAL, []).filter((c) => c.id !== id);
  const old = readLocal(LOCAL, []).find((c) => c.id === id);
  const now = new Date().toISOString();
  list.unshift({ id, title: old?.title || title, createdAt: old?.createdAt || now, updatedAt: now, turns: (old?.turns || 0) + 1 });
  writeLocal(LOCAL, list.slice(0, 50));
}

/** The caller's conversations, newest first: the server's list, or this browser's. */
export async function conversations() {
  try {
    const res = await api("/ai-analytics/conversations");
    return { source: "server", list: res?.conversations || [] };
  } catch (e) {
    if (missing(e)) return { source: "browser", list: readLocal(LOCAL, []) };
    throw e;
  }
}

/** One conversation with its turns. */
export function conversation(id) {
  return api(`/ai-analytics/conversations/${encodeURIComponent(id)}`);
}

/** A stored rating of a turn. */
export function ratingOf(conversationId, turn) {
  return readLocal(RATINGS, {})[`${conversationId}#${turn}`];
}

/** Rates a turn; says where the rating was kept. */
export async function rate(conversationId, turn, rating) {
  const all = readLocal(RATINGS, {});
  all[`${conversationId}#${turn}`] = rating;
  writeLocal(RATINGS, all);
  try {
    await api("/ai-analytics/feedback", { method: "POST", body: { conversationId, turn, rating } });
    return "Thanks, noted.";
  } catch (e) {
    if (missing(e)) return "Noted in this browser (the server does not take ratings yet).";
    return `Kept in this browser; the server said ${e.message}`;
  }
}
