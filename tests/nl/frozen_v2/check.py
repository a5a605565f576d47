#!/usr/bin/env python3
"""Check the frozen_v2 NL evaluation set against the model YAML and the data's value lists.

Usage: python3 tests/nl/frozen_v2/check.py   (from the repository root or anywhere)

Checks every `expected` and `alternatives` query of demo.jsonl, conformance.jsonl and
followups.jsonl:
  * every member exists (view members resolved through the views' includes and aliases);
  * measures only in `measures`, non-time dimensions only in `dimensions`, time dimensions
    only in `timeDimensions[].dimension`, segments only in `segments`;
  * hidden members (shown: false) are never used;
  * a query does not mix members of a view with cube members or another view;
  * `order` keys are selected members, directions are asc/desc;
  * `dateRange` / `compareDateRange` are absolute inclusive [start, end] pairs;
  * `limit` is a positive integer, `ungrouped` a boolean;
  * filters use Cube operators, time dimensions never appear in `filters`, and string values
    exist in the value lists where they can be checked (numbers are numeric strings, booleans
    "true"/"false");
  * line structure: ids, fields, chart names, must-refuse lines, counts.
Exit status 1 when there is any error.

Another set in the same format is checked with `--dir DIR` and its own counts, e.g.
`check.py --dir tests/nl/tuning_v3 --demo 200:12 --conformance 80:6 --followups 20 --ids t,u`.
"""
import argparse
import datetime
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DEMO_MODEL = os.path.join(REPO, "demo", "src", "model")
REFERENCE_RS = os.path.join(REPO, "demo", "src", "reference.rs")
ORDERS_RS = os.path.join(REPO, "demo", "src", "orders.rs")
CONF_DIR = "/work/shared/conformance/cube-drivers"
for cand in (os.path.join(REPO, "..", "shared", "conformance", "cube-drivers"), CONF_DIR):
    if os.path.isdir(cand):
        CONF_DIR = os.path.abspath(cand)
        break
CONF_MODEL = os.path.join(CONF_DIR, "model", "ecommerce.yml")
CONF_SQL = os.path.join(CONF_DIR, "dataset", "postgres.sql")

OPERATORS = {"equals", "notEquals", "contains", "notContains", "startsWith", "endsWith", "gt", "gte", "lt",
             "lte", "set", "notSet", "inDateRange", "notInDateRange", "beforeDate", "afterDate"}
DATE_OPERATORS = {"inDateRange", "notInDateRange", "beforeDate", "afterDate"}
GRANULARITIES = {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
CHARTS = {"line", "bar", "pie", "table", "number", "area", "scatter"}
QUERY_KEYS = {"measures", "dimensions", "segments", "timeDimensions", "filters", "order", "limit", "ungrouped"}
LINE_KEYS = {"id", "question", "expected", "alternatives", "chart", "unanswerable", "tags"}

errors = []


def err(where, msg):
    errors.append("%s: %s" % (where, msg))


# ---------------------------------------------------------------- model catalogue
class Catalog:
    def __init__(self):
        self.members = {}  # full name -> dict(kind, type, shown, source)
        self.view_of = {}  # full name -> view name (for view members)

    def add_cube(self, cube, inherited=None):
        name = cube["name"]
        entries = []
        if inherited:
            entries += inherited
        for kind, key in (("dimension", "dimensions"), ("measure", "measures"), ("segment", "segments")):
            for m in cube.get(key, []) or []:
                entries.append((kind, m))
        for kind, m in entries:
            self.members[name + "." + m["name"]] = {
                "kind": kind,
                "type": m.get("type", "segment" if kind == "segment" else None),
                "shown": m.get("shown", True) is not False,
                "source": name + "." + m["name"],
            }
        return entries

    def load_cubes(self, cubes):
        by_name = {c["name"]: c for c in cubes}
        done = {}

        def entries_of(c):
            if c["name"] in done:
                return done[c["name"]]
            inherited = None
            if c.get("extends"):
                parent = by_name.get(c["extends"])
                if parent is None:
                    err("model", "cube %s extends unknown %s" % (c["name"], c["extends"]))
                else:
                    own = {m["name"] for key in ("dimensions", "measures", "segments") for m in (c.get(key) or [])}
                    inherited = [(k, m) for k, m in entries_of(parent) if m["name"] not in own]
            done[c["name"]] = self.add_cube(c, inherited)
            return done[c["name"]]

        for c in cubes:
            entries_of(c)

    def load_views(self, views):
        for v in views:
            for part in v.get("cubes", []):
                cube = part["join_path"].split(".")[-1]
                for inc in part.get("includes", []):
                    if isinstance(inc, str):
                        src, alias = inc, inc
                    else:
                        src, alias = inc["name"], inc.get("alias", inc["name"])
                    full = cube + "." + src
                    if full not in self.members:
                        err("model", "view %s includes unknown %s" % (v["name"], full))
                        continue
                    m = dict(self.members[full])
                    m["source"] = full
                    self.members[v["name"] + "." + alias] = m
                    self.view_of[v["name"] + "." + alias] = v["name"]


def load_yaml_docs(paths):
    cubes, views = [], []
    for p in paths:
        with open(p) as f:
            doc = yaml.safe_load(f) or {}
        cubes += doc.get("cubes", []) or []
        views += doc.get("views", []) or []
    return cubes, views


def case_labels(cube_docs, cube, dim):
    for c in cube_docs:
        if c["name"] != cube:
            continue
        for d in c.get("dimensions", []):
            if d["name"] == dim and "case" in d:
                labels = [w["label"] for w in d["case"].get("when", [])]
                if "else" in d["case"]:
                    labels.append(d["case"]["else"]["label"])
                return set(labels)
    return None


# ---------------------------------------------------------------- value lists
def demo_values(cube_docs):
    ref = open(REFERENCE_RS).read()
    orders = open(ORDERS_RS).read()

    def const_list(src, name):
        m = re.search(r"const %s: \[&str; \d+\] = \[(.*?)\];" % name, src, re.S)
        return set(re.findall(r'"([^"]+)"', m.group(1))) if m else set()

    regions = re.findall(r'\(\d+, "([^"]+)", "([A-Z]{2})"\)', ref)
    countries = re.findall(r'country\("([A-Z]{2})", "([^"]+)"', ref)
    ages = re.findall(r'\("(\d\d-\d\d|\d\d\+)", [\d.]+\)', ref)
    cats_src = ref.split("pub(crate) const CATEGORIES")[1].split("pub(crate) const EDITIONS")[0]
    categories = set(re.findall(r'^\s*name: "([^"]+)",', cats_src, re.M))
    brands = set()
    for b in re.findall(r"brands: &\[(.*?)\]", cats_src, re.S):
        brands |= set(re.findall(r'"([^"]+)"', b))
    subcats = set(re.findall(r'sub\(\s*"([^"]+)"', cats_src))
    segments = set()
    for c in cube_docs:
        if c["name"] == "Users":
            for s in c.get("segments", []):
                segments |= set(re.findall(r"segment = '([^']+)'", s["sql"]))
            for m in c.get("measures", []):
                for f in m.get("filters", []) or []:
                    segments |= set(re.findall(r"segment = '([^']+)'", f["sql"]))
    vals = {
        "Orders.status": const_list(orders, "STATUSES"),
        "Orders.channel": const_list(orders, "CHANNELS"),
        "Orders.payment_method": const_list(orders, "CONSUMER_PAYMENTS") | const_list(orders, "BUSINESS_PAYMENTS"),
        "Orders.order_size": case_labels(cube_docs, "Orders", "order_size"),
        "Products.price_range": case_labels(cube_docs, "Products", "price_range"),
        "Products.category": categories,
        "Products.subcategory": subcats,
        "Products.brand": brands,
        "Users.segment": segments,
        "Users.age_group": set(ages),
        "Countries.name": {n for _, n in countries},
        "Countries.iso_code": {c for c, _ in countries},
        "Regions.name": {n for n, _ in regions},
        "Regions.code": {c for _, c in regions},
    }
    sizes = {"Orders.status": 5, "Orders.channel": 3, "Orders.payment_method": 6, "Products.category": 8,
             "Users.age_group": 6, "Countries.name": 30, "Regions.name": 6, "Users.segment": 2}
    for k, n in sizes.items():
        if len(vals[k] or ()) != n:
            err("values", "%s: parsed %d values, expected %d" % (k, len(vals[k] or ()), n))
    return vals


def conformance_values():
    sql = open(CONF_SQL).read()
    prod = sql.split("CREATE TABLE products")[1].split("CREATE TABLE customers")[0]
    cust = sql.split("CREATE TABLE customers")[1].split("CREATE TABLE ecommerce")[0]
    eco = sql.split("CREATE TABLE ecommerce")[1].split("CREATE TABLE bigecommerce")[0]
    cats = set(re.findall(r"'([^']*)' as category", prod + eco))
    subs = set(re.findall(r"'([^']*)' as sub_category", prod + eco))
    names = set(re.findall(r"'([^']*)' as product_name", prod + eco))
    cids = set(re.findall(r"'([^']*)' as customer_id", cust + eco))
    cnames = set(re.findall(r"'([^']*)' as customer_name", cust))
    cities = set(re.findall(r"'([^']*)' as city", eco))
    oids = set(re.findall(r"'([^']*)' as order_id", eco))
    vals = {"Customers.customerName": cnames, "Customers.customerId": cids}
    for cube in ("Products", "ECommerce", "BigECommerce"):
        vals[cube + ".category"] = cats
        vals[cube + ".subCategory"] = subs
        vals[cube + ".productName"] = names
    for cube in ("ECommerce", "BigECommerce"):
        vals[cube + ".city"] = cities
        vals[cube + ".customerId"] = cids
        vals[cube + ".customerName"] = cnames
        vals[cube + ".orderId"] = oids
    if len(cities) < 20 or len(cnames) != 41:
        err("values", "conformance value lists look wrong: %d cities, %d customers" % (len(cities), len(cnames)))
    return vals


# ---------------------------------------------------------------- query checks
def valid_day(s):
    if not isinstance(s, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return None
    try:
        return datetime.date.fromisoformat(s)
    except ValueError:
        return None


def check_range(where, r):
    if not (isinstance(r, list) and len(r) == 2):
        err(where, "date range is not a [start, end] pair: %r" % (r,))
        return
    a, b = valid_day(r[0]), valid_day(r[1])
    if a is None or b is None:
        err(where, "date range is not absolute YYYY-MM-DD: %r" % (r,))
    elif a > b:
        err(where, "date range start after end: %r" % (r,))


def is_number(s):
    try:
        float(s)
        return True
    except (TypeError, ValueError):
        return False


def check_query(where, q, cat, values):
    if not isinstance(q, dict) or not q:
        err(where, "query is not a non-empty object")
        return
    for k in q:
        if k not in QUERY_KEYS:
            err(where, "unknown query key %r" % k)
    used = []

    def member(name, ctx):
        m = cat.members.get(name)
        if m is None:
            err(where, "%s: unknown member %s" % (ctx, name))
            return None
        if not m["shown"]:
            err(where, "%s: hidden member %s" % (ctx, name))
        used.append(name)
        return m

    for k in ("measures", "dimensions", "segments"):
        if k in q and not (isinstance(q[k], list) and q[k]):
            err(where, "%s must be a non-empty list" % k)
    for name in q.get("measures", []) or []:
        m = member(name, "measures")
        if m and m["kind"] != "measure":
            err(where, "%s in measures is a %s" % (name, m["kind"]))
    for name in q.get("dimensions", []) or []:
        m = member(name, "dimensions")
        if m and m["kind"] != "dimension":
            err(where, "%s in dimensions is a %s" % (name, m["kind"]))
        elif m and m["type"] == "time":
            err(where, "time dimension %s in dimensions" % name)
    for name in q.get("segments", []) or []:
        m = member(name, "segments")
        if m and m["kind"] != "segment":
            err(where, "%s in segments is a %s" % (name, m["kind"]))
    selected = set(q.get("measures", []) or []) | set(q.get("dimensions", []) or [])
    tds = q.get("timeDimensions", [])
    if not isinstance(tds, list):
        err(where, "timeDimensions is not a list")
        tds = []
    for td in tds:
        name = td.get("dimension")
        m = member(name, "timeDimensions")
        if m and (m["kind"] != "dimension" or m["type"] != "time"):
            err(where, "%s in timeDimensions is not a time dimension" % name)
        for k in td:
            if k not in ("dimension", "granularity", "dateRange", "compareDateRange"):
                err(where, "unknown timeDimensions key %r" % k)
        if "granularity" in td and td["granularity"] not in GRANULARITIES:
            err(where, "bad granularity %r" % td["granularity"])
        if "dateRange" in td:
            check_range(where, td["dateRange"])
        if "compareDateRange" in td:
            c = td["compareDateRange"]
            if "dateRange" in td:
                err(where, "both dateRange and compareDateRange")
            if not (isinstance(c, list) and len(c) >= 2):
                err(where, "compareDateRange needs two or more ranges")
            else:
                for r in c:
                    check_range(where, r)
        if not any(k in td for k in ("granularity", "dateRange", "compareDateRange")):
            err(where, "time dimension %s has no granularity or range" % name)
        selected.add(name)
    for f in q.get("filters", []) or []:
        if not isinstance(f, dict) or "member" not in f:
            err(where, "filter without member (and/or groups are not used in this set): %r" % (f,))
            continue
        name, op = f["member"], f.get("operator")
        m = member(name, "filters")
        if op not in OPERATORS:
            err(where, "filter %s: operator %r is not a Cube operator" % (name, op))
        if m is None:
            continue
        if m["kind"] == "segment":
            err(where, "segment %s used as a filter" % name)
            continue
        if m["type"] == "time":
            err(where, "time dimension %s in filters (use timeDimensions dateRange)" % name)
            continue
        if op in DATE_OPERATORS:
            err(where, "date operator %s on non-time member %s" % (op, name))
        vals = f.get("values")
        if op in ("set", "notSet"):
            if vals:
                err(where, "filter %s %s takes no values" % (name, op))
            continue
        if not (isinstance(vals, list) and vals and all(isinstance(v, str) for v in vals)):
            err(where, "filter %s: values must be a non-empty list of strings" % name)
            continue
        typ = m["type"] if m["kind"] == "dimension" else "number"
        if typ == "boolean":
            for v in vals:
                if v not in ("true", "false"):
                    err(where, "boolean filter %s value %r" % (name, v))
        elif typ == "number" or m["kind"] == "measure":
            for v in vals:
                if not is_number(v):
                    err(where, "numeric filter %s value %r is not a number string" % (name, v))
        elif op in ("gt", "gte", "lt", "lte"):
            err(where, "comparison operator %s on string member %s" % (op, name))
        else:
            known = values.get(m["source"])
            if known:
                for v in vals:
                    if op in ("equals", "notEquals") and v not in known:
                        err(where, "filter %s: value %r not in the value list" % (name, v))
                    elif op in ("contains", "notContains") and not any(v.lower() in k.lower() for k in known):
                        err(where, "filter %s: no value contains %r" % (name, v))
                    elif op == "startsWith" and not any(k.startswith(v) for k in known):
                        err(where, "filter %s: no value starts with %r" % (name, v))
                    elif op == "endsWith" and not any(k.endswith(v) for k in known):
                        err(where, "filter %s: no value ends with %r" % (name, v))
    if "order" in q:
        o = q["order"]
        if not isinstance(o, dict) or not o:
            err(where, "order must be a non-empty object")
        else:
            for k, d in o.items():
                if k not in selected:
                    err(where, "order key %s is not a selected member" % k)
                if d not in ("asc", "desc"):
                    err(where, "order direction %r" % d)
    if "limit" in q and not (isinstance(q["limit"], int) and not isinstance(q["limit"], bool) and q["limit"] > 0):
        err(where, "limit must be a positive integer: %r" % (q["limit"],))
    if "ungrouped" in q and not isinstance(q["ungrouped"], bool):
        err(where, "ungrouped must be a boolean")
    if not (q.get("measures") or q.get("dimensions") or any("granularity" in t for t in tds)):
        err(where, "query selects nothing")
    views = {cat.view_of.get(n) for n in used}
    if len(views) > 1:
        err(where, "query mixes members of %s" % sorted(str(v) for v in views))


def check_line(where, line, cat, values, need_id=None):
    keys = set(line)
    allowed = LINE_KEYS if need_id else LINE_KEYS - {"id"}
    for k in keys - allowed:
        err(where, "unknown field %r" % k)
    for k in ("question", "expected", "alternatives", "tags"):
        if k not in line:
            err(where, "missing field %r" % k)
    if need_id and line.get("id") != need_id:
        err(where, "id %r, expected %r" % (line.get("id"), need_id))
    if not (isinstance(line.get("question"), str) and line["question"].strip()):
        err(where, "empty question")
    tags = line.get("tags")
    if not (isinstance(tags, list) and tags and all(isinstance(t, str) for t in tags)) or len(set(tags or [])) != len(tags or []):
        err(where, "tags must be a non-empty list of distinct strings")
    if "chart" in line and line["chart"] not in CHARTS:
        err(where, "unknown chart %r" % line["chart"])
    if line.get("unanswerable"):
        if line["unanswerable"] is not True:
            err(where, "unanswerable must be true when present")
        if line.get("expected") is not None or line.get("alternatives") != []:
            err(where, "must-refuse line needs expected null and no alternatives")
        if "refusal" not in (tags or []):
            err(where, "must-refuse line without the refusal tag")
        return
    if "unanswerable" in line:
        err(where, "unanswerable present but not true")
    if "refusal" in (tags or []):
        err(where, "refusal tag on an answerable line")
    check_query(where + " expected", line.get("expected"), cat, values)
    alts = line.get("alternatives")
    if not isinstance(alts, list):
        err(where, "alternatives must be a list")
        alts = []
    seen = {json.dumps(line.get("expected"), sort_keys=True)}
    for i, a in enumerate(alts):
        check_query("%s alternatives[%d]" % (where, i), a, cat, values)
        k = json.dumps(a, sort_keys=True)
        if k in seen:
            err(where, "alternative %d duplicates another query" % i)
        seen.add(k)
    # chart must be set on date-range comparisons
    exp = line.get("expected") or {}
    if any("compareDateRange" in t for t in exp.get("timeDimensions", [])) and line.get("chart") not in ("line", "bar"):
        err(where, "period comparison without chart line/bar")


def load_jsonl(path):
    rows = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                rows.append(json.loads(raw))
            except json.JSONDecodeError as e:
                err("%s:%d" % (os.path.basename(path), n), "bad JSON: %s" % e)
    return rows


def main():
    global HERE
    ap = argparse.ArgumentParser(description="Check an NL question set against the models.")
    ap.add_argument("--dir", default=HERE, help="the set's directory (default: this one)")
    ap.add_argument("--demo", default="150:10", help="demo lines:must-refuse lines")
    ap.add_argument("--conformance", default="60:5", help="conformance lines:must-refuse lines")
    ap.add_argument("--followups", type=int, default=15, help="follow-up conversations")
    ap.add_argument("--ids", default="v,w", help="id prefixes of demo and conformance lines")
    args = ap.parse_args()
    HERE = os.path.abspath(args.dir)
    demo_n, demo_r = (int(x) for x in args.demo.split(":"))
    conf_n, conf_r = (int(x) for x in args.conformance.split(":"))
    demo_id, conf_id = args.ids.split(",")
    demo_files = sorted(os.path.join(DEMO_MODEL, f) for f in os.listdir(DEMO_MODEL) if f.endswith((".yml", ".yaml")))
    dcubes, dviews = load_yaml_docs(demo_files)
    demo_cat = Catalog()
    demo_cat.load_cubes(dcubes)
    demo_cat.load_views(dviews)
    ccubes, cviews = load_yaml_docs([CONF_MODEL])
    conf_cat = Catalog()
    conf_cat.load_cubes(ccubes)
    conf_cat.load_views(cviews)
    dvals = demo_values(dcubes)
    cvals = conformance_values()

    stats = {}
    demo = load_jsonl(os.path.join(HERE, "demo.jsonl"))
    for i, line in enumerate(demo, 1):
        check_line("demo %s" % line.get("id"), line, demo_cat, dvals, (demo_id + "%03d") % i)
    conf = load_jsonl(os.path.join(HERE, "conformance.jsonl"))
    for i, line in enumerate(conf, 1):
        check_line("conformance %s" % line.get("id"), line, conf_cat, cvals, (conf_id + "%03d") % i)
    fus = load_jsonl(os.path.join(HERE, "followups.jsonl"))
    nturns = 0
    for i, conv in enumerate(fus, 1):
        turns = conv.get("turns")
        if set(conv) != {"turns"} or not isinstance(turns, list) or len(turns) != 3:
            err("followups #%d" % i, "needs exactly {\"turns\": [t1, t2, t3]}")
            continue
        for j, t in enumerate(turns, 1):
            nturns += 1
            check_line("followups #%d turn %d" % (i, j), t, demo_cat, dvals)
            if t.get("unanswerable"):
                err("followups #%d turn %d" % (i, j), "follow-up turns are not must-refuse")

    def refusals(rows):
        return sum(1 for r in rows if r.get("unanswerable"))

    for name, rows, n, r in (("demo", demo, demo_n, demo_r), ("conformance", conf, conf_n, conf_r)):
        if len(rows) != n:
            err(name, "%d lines, expected %d" % (len(rows), n))
        if refusals(rows) != r:
            err(name, "%d must-refuse lines, expected %d" % (refusals(rows), r))
        qs = [x.get("question") for x in rows]
        if len(set(qs)) != len(qs):
            err(name, "duplicate questions")
    if len(fus) != args.followups:
        err("followups", "%d conversations, expected %d" % (len(fus), args.followups))

    nq = 0
    for rows in (demo, conf):
        for r in rows:
            if r.get("expected") is not None:
                nq += 1 + len(r.get("alternatives", []))
    for conv in fus:
        for t in conv.get("turns", []):
            nq += 1 + len(t.get("alternatives", []))
    print("checked %d demo lines, %d conformance lines, %d follow-up turns, %d queries"
          % (len(demo), len(conf), nturns, nq))
    for e in errors:
        print("ERROR " + e)
    print("%d errors" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
