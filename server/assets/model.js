// What the page knows of the model: the caller's schema (/ai-analytics/schema)
// for starter and follow-up questions, and /cubejs-api/v1/meta for the
// schema browser. Nothing here is written for one model.
import { api } from "./api.js";

const GRANULARITIES = ["day", "week", "month", "quarter", "year"];

/** The words a person would use for a member: a synonym, else its title less its cube's. */
function words(member, owner) {
  if (member.synonyms?.length) return member.synonyms[0];
  let t = member.title || member.name.split(".").pop();
  const prefix = owner.title || "";
  if (prefix && t.toLowerCase().startsWith(prefix.toLowerCase() + " ")) t = t.slice(prefix.length + 1);
  return t.toLowerCase().replace(/_/g, " ");
}

export class Model {
  constructor(schema, meta) {
    this.schema = schema || { cubes: [] };
    this.meta = meta || { cubes: [] };
  }

  static async load() {
    const [schema, meta] = await Promise.allSettled([api("/ai-analytics/schema"), api("/cubejs-api/v1/meta")]);
    const model = new Model(schema.value, meta.value);
    model.errors = [schema, meta].filter((r) => r.status === "rejected").map((r) => r.reason.message);
    return model;
  }

  /** Owners (views first: they are what the model's authors curated). */
  owners() {
    const all = this.schema.cubes || [];
    return [...all.filter((c) => c.type === "view"), ...all.filter((c) => c.type !== "view")];
  }

  usable(owner) {
    const measures = (owner.measures || []).filter((m) => !m.primaryKey);
    const dims = (owner.dimensions || []).filter((d) => !d.primaryKey && d.format !== "id");
    return {
      measures,
      times: dims.filter((d) => d.type === "time"),
      categories: dims.filter((d) => d.type === "string" && (d.sampleValues?.length || 0) > 0),
    };
  }

  /** A few questions the model can answer, from its members. */
  starters(max = 6) {
    const out = [];
    for (const owner of this.owners()) {
      const { measures, times, categories } = this.usable(owner);
      const m = measures[0];
      if (!m) continue;
      const mw = words(m, owner);
      if (times.length) out.push(`${mw} by month`);
      if (categories.length) out.push(`${mw} by ${words(categories[0], owner)}`);
      if (categories.length > 1 && measures.length > 1) out.push(`top 5 ${words(categories[1], owner)} by ${words(measures[1], owner)}`);
      if (measures.length > 1 && times.length) out.push(`${words(measures[1], owner)} this year`);
      if (out.length >= max) break;
    }
    return [...new Set(out)].slice(0, max);
  }

  /** Follow-ups of an answer: another granularity or another breakdown. */
  followUps(answer) {
    const q = answer.generatedQuery || {};
    const used = new Set([...(q.dimensions || []), ...(q.timeDimensions || []).map((t) => t.dimension)]);
    const owner = this.owners().find((o) => (o.measures || []).some((m) => (q.measures || []).includes(m.name)));
    if (!owner) return [];
    const { categories, times } = this.usable(owner);
    const out = [];
    const td = (q.timeDimensions || []).find((t) => t.granularity);
    if (td) {
      for (const g of GRANULARITIES) if (g !== td.granularity && out.length < 2) out.push(`by ${g}`);
    } else if (times.length) {
      out.push("by month");
    }
    for (const c of categories) if (!used.has(c.name) && out.length < 4) out.push(`by ${words(c, owner)}`);
    return out;
  }

  /** Cubes and views of /meta for the schema browser. */
  metaCubes() {
    return this.meta.cubes || [];
  }
}

/** The schema browser: pick members, run them without natural language. */
export function schemaBrowser(model, run) {
  const root = document.createElement("div");
  root.className = "browser";
  const cubes = model.metaCubes();
  if (!cubes.length) {
    root.textContent = model.errors?.length ? model.errors.join("\n") : "The model has no cubes you may see.";
    root.className = "error";
    return root;
  }
  for (const cube of cubes) {
    const d = document.createElement("details");
    d.className = "cube";
    d.dataset.cube = cube.name;
    const s = document.createElement("summary");
    s.textContent = `${cube.title || cube.name} (${cube.type || "cube"})`;
    d.append(s);
    if (cube.description) d.append(Object.assign(document.createElement("p"), { className: "muted", textContent: cube.description }));
    const form = document.createElement("form");
    form.className = "panel-body";
    const section = (title, members, kind) => {
      if (!members?.length) return;
      const fs = document.createElement("fieldset");
      fs.append(Object.assign(document.createElement("legend"), { textContent: title }));
      for (const m of members) {
        if (m.isVisible === false || m.public === false) continue;
        const row = document.createElement("label");
        row.className = "member";
        const box = Object.assign(document.createElement("input"), { type: "checkbox", value: m.name, name: kind });
        row.append(box, document.createTextNode(m.shortTitle || m.title || m.name));
        if (m.description) row.append(Object.assign(document.createElement("small"), { textContent: ` — ${m.description}` }));
        if (kind === "dimension" && m.type === "time") {
          const g = document.createElement("select");
          g.name = `granularity:${m.name}`;
          g.setAttribute("aria-label", `Granularity of ${m.title || m.name}`);
          g.append(new Option("no grouping", ""), ...GRANULARITIES.map((x) => new Option(x, x, x === "month", x === "month")));
          row.append(g);
        }
        fs.append(row);
      }
      form.append(fs);
    };
    section("Measures", cube.measures, "measure");
    section("Dimensions", cube.dimensions, "dimension");
    const go = Object.assign(document.createElement("button"), { type: "submit", textContent: "Run", className: "primary" });
    const err = Object.assign(document.createElement("p"), { className: "error" });
    form.append(go, err);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const query = { measures: [], dimensions: [], timeDimensions: [], limit: 1000 };
      for (const box of form.querySelectorAll("input[type=checkbox]:checked")) {
        if (box.name === "measure") query.measures.push(box.value);
        else {
          const g = form.querySelector(`select[name="granularity:${CSS.escape(box.value)}"]`);
          if (g && g.value) query.timeDimensions.push({ dimension: box.value, granularity: g.value });
          else query.dimensions.push(box.value);
        }
      }
      if (!query.measures.length && !query.dimensions.length && !query.timeDimensions.length) {
        err.textContent = "Pick at least one measure or dimension.";
        return;
      }
      err.textContent = "";
      run(query);
    });
    d.append(form);
    root.append(d);
  }
  return root;
}
