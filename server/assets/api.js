// Calls to the Strata API with the person's token; errors come back as text.
import { token } from "./auth.js";

/** An API failure with the server's own message. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/**
 * `path` with `body` (JSON unless a Blob/File/string with a content type is
 * given). Resolves to the JSON body; rejects with an ApiError naming the
 * problem (the server's `error` field, else the status).
 */
export async function api(path, { method = "GET", body, contentType } = {}) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = t;
  let payload;
  if (body !== undefined) {
    if (contentType) {
      headers["Content-Type"] = contentType;
      payload = body;
    } else {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch (e) {
    throw new ApiError(0, `The server cannot be reached: ${e.message}`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    let message = (json && json.error) || text || res.statusText || "request failed";
    if (res.status === 401 || res.status === 403) {
      message += " — set an API token under Token.";
    }
    throw new ApiError(res.status, `${res.status}: ${message}`, json);
  }
  return json;
}

/** True for the answers of an endpoint this server does not have yet. */
export function missing(e) {
  return e instanceof ApiError && (e.status === 404 || e.status === 405);
}
