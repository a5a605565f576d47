// Drives the real @cubejs-client/core (from npm) against a running Strata server.
//
//   node tests/js/load.mjs <apiUrl> <token> <queryJsonFile>
//
// <apiUrl> is the server base URL (e.g. http://127.0.0.1:4000); "/cubejs-api/v1" is appended
// unless already present. <queryJsonFile> holds a JSON array of Cube REST queries. For each query
// `cubeApi.load(query)` is awaited and one element is printed (as a JSON array on stdout):
//   {"rawData": [...], "tablePivot": [...], "total": <n|null>}   on success
//   {"error": "<message>", "status": <http status|null>}         when load() rejects
// The process exits 0 when it could run every query (errors included) and 1 on a usage or
// unexpected failure. Used by tests/it/cube_client.rs.
import { readFileSync } from 'node:fs';
import cube from '@cubejs-client/core';

async function main() {
  const [apiUrlArg, token, queryFile] = process.argv.slice(2);
  if (!apiUrlArg || !token || !queryFile) {
    throw new Error('usage: node load.mjs <apiUrl> <token> <queryJsonFile>');
  }
  const base = apiUrlArg.replace(/\/+$/, '');
  const apiUrl = base.endsWith('/cubejs-api/v1') ? base : `${base}/cubejs-api/v1`;
  const queries = JSON.parse(readFileSync(queryFile, 'utf8'));
  if (!Array.isArray(queries)) {
    throw new Error(`${queryFile}: expected a JSON array of queries`);
  }

  const cubeApi = cube(token, { apiUrl });
  const out = [];
  for (const query of queries) {
    try {
      const resultSet = await cubeApi.load(query);
      out.push({
        rawData: resultSet.rawData(),
        tablePivot: resultSet.tablePivot(),
        total: resultSet.totalRows() ?? null,
      });
    } catch (e) {
      out.push({ error: String(e?.message ?? e), status: e?.status ?? null });
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`load.mjs: ${e?.stack ?? e}\n`);
  process.exit(1);
});
