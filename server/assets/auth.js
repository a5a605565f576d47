// The API token: kept in sessionStorage only (this tab), sent as Authorization.

const KEY = "strata.token";

export function token() {
  try {
    return sessionStorage.getItem(KEY) || "";
  } catch {
    return "";
  }
}

export function setToken(value) {
  const t = value.trim().replace(/^Bearer\s+/i, "");
  if (t) sessionStorage.setItem(KEY, t);
  else sessionStorage.removeItem(KEY);
}

/** The JWT's payload, decoded for display only (never verified here). */
export function claims(jwt = token()) {
  if (!jwt) return null;
  const parts = jwt.split(".");
  if (parts.length !== 3) return { error: "not a JWT (expected three dot-separated parts)" };
  try {
    const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return { error: `the payload cannot be read: ${e.message}` };
  }
}

/** A one-line description of whose security context the page uses. */
export function whoami() {
  const c = claims();
  if (!c) return "No token: the server decides (dev mode serves without one)";
  if (c.error) return `Token: ${c.error}`;
  const ctx = c.securityContext || c.u || c;
  const who = ctx.user_id || ctx.userId || ctx.sub || c.sub || "unknown user";
  const tenant = ctx.tenant_id || ctx.tenantId || ctx.tenant;
  const exp = c.exp ? `, expires ${new Date(c.exp * 1000).toLocaleString()}` : "";
  return `As ${who}${tenant ? ` (tenant ${tenant})` : ""}${exp}`;
}
