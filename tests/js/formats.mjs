// Drives the real @cubejs-client/core (from npm) against a running Strata server to check the
// response shapes the client decodes: `responseFormat: "compact"` and `compareDateRange` rows.
//
//   node tests/js/formats.mjs <apiUrl> <token> <casesJsonFile>
//
// <casesJsonFile> holds a JSON array of cases `{"query": <Cube query>, "responseFormat":
// "default" | "compact", "method": "GET" | "POST"}` (format and method optional). Each case runs
// `cube(token, {apiUrl, method}).load(query, {}, undefined, responseFormat)`, the way an app asks
// the client for the compact wire format. One element is printed per case (as a JSON array on
// stdout):
//   {"method": "GET" | "POST", "wire": <the /load answer as sent>, "queryType": <loadResponse>,
//    "rawData": [...], "tablePivot": [...], "seriesKeys": [...], "decomposed": [[rows]...]}
//   (a ResultSet method that throws gives {"error": "<message>"} in its place)
//   {"error": "<message>", "status": <http status|null>, "wire": <answer|null>} when load() rejects
// `wire` is the HTTP body the client received (read through a wrapped `fetch`), so a test can
// check the format on the wire and what the client made of it. The process exits 0 when it could
// run every case (errors included) and 1 on a usage or unexpected failure. Used by
// tests/it/cube_client.rs.
import { readFileSync } from 'node:fs';
import cube from '@cubejs-client/core';

// The last /load answer the client fetched, and how it was requested.
let lastWire = null;
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  const response = await realFetch(url, init);
  if (String(url).includes('/load')) {
    const text = await response.clone().text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    lastWire = { method: init?.method ?? 'GET', body };
  }
  return response;
};

// `f()`, or `{"error": <message>}` when it throws.
function attempt(f) {
  try {
    return f();
  } catch (e) {
    return { error: String(e?.message ?? e) };
  }
}

async function main() {
  const [apiUrlArg, token, casesFile] = process.argv.slice(2);
  if (!apiUrlArg || !token || !casesFile) {
    throw new Error('usage: node formats.mjs <apiUrl> <token> <casesJsonFile>');
  }
  const base = apiUrlArg.replace(/\/+$/, '');
  const apiUrl = base.endsWith('/cubejs-api/v1') ? base : `${base}/cubejs-api/v1`;
  const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
  if (!Array.isArray(cases)) {
    throw new Error(`${casesFile}: expected a JSON array of cases`);
  }

  const out = [];
  for (const { query, responseFormat = 'default', method = 'GET' } of cases) {
    const cubeApi = cube(token, { apiUrl, method });
    lastWire = null;
    try {
      const resultSet = await cubeApi.load(query, {}, undefined, responseFormat);
      out.push({
        method: lastWire?.method ?? null,
        wire: lastWire?.body ?? null,
        queryType: resultSet.loadResponse.queryType ?? null,
        // rawData() refuses compare-date-range answers ("Please use decompose").
        rawData: attempt(() => resultSet.rawData()),
        tablePivot: attempt(() => resultSet.tablePivot()),
        seriesKeys: attempt(() => resultSet.seriesNames().map((s) => s.key)),
        decomposed: attempt(() => resultSet.decompose().map((part) => part.rawData())),
      });
    } catch (e) {
      out.push({
        error: String(e?.message ?? e),
        status: e?.status ?? null,
        wire: lastWire?.body ?? null,
      });
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`formats.mjs: ${e?.stack ?? e}\n`);
  process.exit(1);
});
