//! Features of the YAML format: anchors, extends, camelCase keys, member
//! options and views.

use std::path::PathBuf;

use super::{column_of, model};
use crate::*;

#[test]
fn anchors_aliases_and_merge_keys() {
    let m = model(
        r#"
x-shared:
  dims: &dims
    - name: id
      sql: id
      type: number
      primary_key: true
  count: &count
    name: count
    type: count
cubes:
  - &base
    name: A
    sql_table: public.a
    description: base cube
    dimensions: *dims
    measures:
      - *count
  - <<: *base
    name: B
    sql_table: public.b
    measures:
      - <<: *count
        title: Number of B
      - <<: [*count]
        name: total
        type: sum
        sql: amount
"#,
    );
    let a = &m.cubes["A"];
    let b = &m.cubes["B"];
    assert_eq!(b.source, CubeSource::Table("public.b".into()));
    assert_eq!(b.description.as_deref(), Some("base cube"));
    assert!(b.dimensions["id"].primary_key);
    let DimensionSql::Sql(t) = &b.dimensions["id"].sql else {
        panic!("plain sql")
    };
    assert_eq!(t.parts, column_of("B", "id"));
    assert_eq!(a.measures["count"].title, None);
    assert_eq!(b.measures["count"].title.as_deref(), Some("Number of B"));
    assert_eq!(b.measures["total"].kind, MeasureType::Sum);
}

#[test]
fn extends_chains_override_and_resolve_in_the_child() {
    let m = model(
        r#"
cubes:
  - name: C
    extends: B
    sql: "select * from c where {CUBE}.x > 0"
    dimensions:
      - name: status
        sql: "upper({CUBE}.status)"
        type: string
    measures:
      - name: label
        type: string
        sql: "max({status})"
  - name: B
    extends: A
    data_source: warehouse
    measures:
      - name: total
        type: sum
        sql: "{amount}"
    pre_aggregations:
      - name: main
        measures: [CUBE.total]
        dimensions: [status]
  - name: A
    sql_table: public.a
    refresh_key:
      every: 1 hour
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: status
        sql: status
        type: string
      - name: amount
        sql: amount
        type: number
      - name: label
        sql: label
        type: string
    segments:
      - name: big
        sql: "{CUBE.amount} > 100"
"#,
    );
    let c = &m.cubes["C"];
    let CubeSource::Sql(src) = &c.source else {
        panic!("C has its own sql")
    };
    assert_eq!(src.cube_refs().collect::<Vec<_>>(), ["C"]);
    assert_eq!(m.cubes["B"].source, CubeSource::Table("public.a".into()));
    assert_eq!(c.data_source.as_deref(), Some("warehouse"));
    assert_eq!(
        c.refresh_key.as_ref().and_then(|r| r.every.as_deref()),
        Some("1 hour")
    );
    // `label` was a dimension in A and is a measure in C.
    assert!(!c.dimensions.contains_key("label"));
    assert_eq!(c.measures["label"].kind, MeasureType::String);
    let dims: Vec<&str> = c.dimensions.keys().map(String::as_str).collect();
    assert_eq!(dims, ["id", "status", "amount"]);
    let DimensionSql::Sql(status) = &c.dimensions["status"].sql else {
        panic!("plain sql")
    };
    assert_eq!(status.raw, "upper({CUBE}.status)");
    let total = c.measures["total"].sql.as_ref().expect("sql");
    assert_eq!(total.member_refs().collect::<Vec<_>>(), [("C", "amount")]);
    let big = &c.segments["big"].sql;
    assert_eq!(big.member_refs().collect::<Vec<_>>(), [("C", "amount")]);
    // B's pre-aggregation, inherited, names C's members.
    let main = &c.pre_aggregations["main"];
    assert_eq!(main.measures, [MemberPath::new("C", "total")]);
    assert_eq!(main.dimensions, [MemberPath::new("C", "status")]);
    assert_eq!(
        m.cubes["B"].pre_aggregations["main"].measures,
        [MemberPath::new("B", "total")]
    );
    assert!(m.cubes["A"].pre_aggregations.is_empty());
}

#[test]
fn camel_case_keys_and_member_options() {
    let m = model(
        r#"
cubes:
  - name: Orders
    sqlTable: orders
    dataSource: default
    shown: false
    title: All orders
    meta: {owner: sales, tags: [a, 1]}
    refreshKey: {sql: "select max(updated_at) from orders"}
    joins:
      - name: Payments
        relationship: one_to_many
        sql: "{CUBE}.id = {Payments}.order_id"
    dimensions:
      - name: id
        sql: id
        type: number
        primaryKey: true
        shown: false
      - name: createdAt
        sql: created_at
        type: time
      - name: size
        type: string
        case:
          when:
            - sql: "{CUBE}.amount < 10"
              label: small
            - sql: "{CUBE}.amount < 100"
              label: {sql: "{CUBE}.size_label"}
          else:
            label: big
      - name: location
        type: geo
        latitude: {sql: "{CUBE}.lat"}
        longitude: {sql: "{CUBE}.lon"}
      - name: lifetime
        sql: "{Payments.total}"
        type: number
        subQuery: true
        propagate_filters_to_sub_query: true
    measures:
      - name: count
        type: count
        drillMembers: [id, CUBE.createdAt]
      - name: paid
        type: count
        filters:
          - sql: "{CUBE}.status = 'paid'"
      - name: amount
        type: sum
        sql: amount
        format: currency
        rollingWindow: {trailing: 7 days, leading: 1 day, offset: start}
      - name: lastYear
        type: number
        sql: "{amount}"
        multiStage: true
        timeShift: [{timeDimension: CUBE.createdAt, interval: 1 year, type: next}]
      - name: share
        type: number
        sql: "{amount} / {lastYear}"
        post_aggregate: true
        groupBy: [size]
        addGroupBy: [Orders.id]
    segments:
      - name: paidOnly
        sql: "{CUBE}.status = 'paid'"
        public: false
    preAggregations:
      - name: byDay
        type: rollup
        measures: [Orders.count]
        segments: [paidOnly]
        timeDimension: createdAt
        granularity: day
        partitionGranularity: month
        refreshKey: {every: 1 day}
        build_range_start: {sql: "select now()"}
        indexes: {i: {columns: [id]}}
        union_with_source_data: true
      - name: raw
        type: original_sql
  - name: Payments
    sql: select * from payments
    measures:
      - name: total
        type: sum
        sql: amount
"#,
    );
    let o = &m.cubes["Orders"];
    assert!(!o.public);
    assert_eq!(o.title.as_deref(), Some("All orders"));
    assert_eq!(
        o.meta,
        Some(serde_json::json!({"owner": "sales", "tags": ["a", 1]}))
    );
    assert!(o.refresh_key.as_ref().is_some_and(|r| r.sql.is_some()));
    assert!(o.dimensions["id"].primary_key && !o.dimensions["id"].public);
    let DimensionSql::Case(case) = &o.dimensions["size"].sql else {
        panic!("case")
    };
    assert_eq!(case.when.len(), 2);
    assert!(matches!(&case.when[0].label, CaseLabel::Text(t) if t == "small"));
    assert!(matches!(&case.when[1].label, CaseLabel::Sql(t) if t.cube_refs().eq(["Orders"])));
    assert!(matches!(&case.else_label, Some(CaseLabel::Text(t)) if t == "big"));
    assert!(matches!(
        &o.dimensions["location"].sql,
        DimensionSql::Geo { .. }
    ));
    let lifetime = &o.dimensions["lifetime"];
    assert!(lifetime.sub_query && lifetime.propagate_filters_to_sub_query);
    let count = &o.measures["count"];
    assert_eq!(
        count.drill_members,
        [
            MemberPath::new("Orders", "id"),
            MemberPath::new("Orders", "createdAt")
        ]
    );
    assert_eq!(
        o.measures["paid"].filters[0]
            .cube_refs()
            .collect::<Vec<_>>(),
        ["Orders"]
    );
    let amount = &o.measures["amount"];
    assert_eq!(amount.format.as_deref(), Some("currency"));
    let w = amount.rolling_window.expect("window");
    assert_eq!(w.offset, WindowOffset::Start);
    assert_eq!(
        w.leading,
        Some(WindowBound::Interval("1 day".parse().expect("interval")))
    );
    let ly = &o.measures["lastYear"];
    assert!(ly.multi_stage);
    assert_eq!(ly.time_shift[0].direction, TimeShiftDirection::Next);
    assert_eq!(ly.time_shift[0].interval.unit, IntervalUnit::Year);
    let share = &o.measures["share"];
    assert!(share.multi_stage);
    assert_eq!(share.group_by, [MemberPath::new("Orders", "size")]);
    assert_eq!(share.add_group_by, [MemberPath::new("Orders", "id")]);
    assert!(!o.segments["paidOnly"].public);
    let p = &o.pre_aggregations["byDay"];
    assert_eq!(p.segments, [MemberPath::new("Orders", "paidOnly")]);
    assert_eq!(p.time_dimensions[0].granularity, IntervalUnit::Day);
    assert_eq!(p.partition_granularity, Some(IntervalUnit::Month));
    assert_eq!(
        p.refresh_key.as_ref().and_then(|r| r.every.as_deref()),
        Some("1 day")
    );
    assert_eq!(
        o.pre_aggregations["raw"].kind,
        PreAggregationType::OriginalSql
    );
}

const VIEW_MODEL: &str = r#"
cubes:
  - name: Orders
    sql_table: orders
    joins:
      - name: Customers
        relationship: many_to_one
        sql: "{CUBE}.customer_id = {Customers.id}"
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: status, sql: status, type: string}
      - {name: createdAt, sql: created_at, type: time}
    measures:
      - {name: count, type: count}
    segments:
      - {name: open, sql: "{CUBE}.status = 'open'"}
  - name: Customers
    sql_table: customers
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: name, sql: name, type: string}
      - {name: city, sql: city, type: string}
    measures:
      - {name: count, type: count}
  - name: Countries
    sql_table: countries
    joins:
      - {name: Customers, relationship: one_to_many, sql: "{CUBE}.id = {Customers}.country_id"}
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: name, sql: name, type: string}
"#;

const VIEWS: &str = r#"
views:
  - name: OrdersView
    public: false
    description: Orders with their customers
    meta: {team: data}
    cubes:
      - join_path: Orders
        includes: "*"
        excludes: [createdAt, notThere]
      - joinPath: Orders.Customers
        prefix: true
        includes:
          - name
          - {name: city, alias: town, title: Town, description: Where they live}
      - join_path: Orders.Customers.Countries
        alias: Country
        prefix: true
        includes: [name]
"#;

#[test]
fn views_with_prefix_alias_includes_and_excludes() {
    let m = match load_files(&[
        (PathBuf::from("model/cubes/orders.yml"), VIEW_MODEL.into()),
        (PathBuf::from("model/views/orders.yml"), VIEWS.into()),
    ]) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    let v = &m.views["OrdersView"];
    assert!(!v.public);
    assert_eq!(v.meta, Some(serde_json::json!({"team": "data"})));
    assert_eq!(v.location.file, PathBuf::from("model/views/orders.yml"));
    let names: Vec<&str> = v.members.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "id",
            "status",
            "count",
            "open",
            "Customers_name",
            "Customers_town",
            "Country_name"
        ]
    );
    assert_eq!(v.members["open"].kind, MemberKind::Segment);
    assert_eq!(v.members["count"].kind, MemberKind::Measure);
    let town = &v.members["Customers_town"];
    assert_eq!(town.target, MemberPath::new("Customers", "city"));
    assert_eq!(town.title.as_deref(), Some("Town"));
    assert_eq!(town.description.as_deref(), Some("Where they live"));
    assert_eq!(town.join_path, ["Orders", "Customers"]);
    let country = &v.members["Country_name"];
    assert_eq!(country.target, MemberPath::new("Countries", "name"));
    assert_eq!(country.join_path, ["Orders", "Customers", "Countries"]);
    let (target, jp) = m
        .resolve(&MemberPath::new("OrdersView", "Customers_town"))
        .expect("view member");
    assert_eq!(target, MemberPath::new("Customers", "city"));
    assert_eq!(jp, ["Orders", "Customers"]);
    assert_eq!(v.members["id"].join_path, ["Orders"]);
}

#[test]
fn multiple_documents_and_empty_files() {
    let m = match load_files(&[
        (PathBuf::from("empty.yml"), String::new()),
        (PathBuf::from("comments.yml"), "# nothing here\n".into()),
        (
            PathBuf::from("two.yml"),
            "cubes:\n  - name: A\n    sql_table: a\n---\ncubes:\n  - name: B\n    sql_table: b\n"
                .into(),
        ),
    ]) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(m.cubes.len(), 2);
    assert_eq!(m.cubes["B"].location.line, Some(6));
}

#[test]
fn load_dir_walks_sub_directories() {
    let dir = std::env::temp_dir().join(format!("strata-schema-load-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("cubes/nested")).expect("mkdir");
    std::fs::create_dir_all(dir.join("views")).expect("mkdir");
    std::fs::write(dir.join("cubes/orders.yml"), VIEW_MODEL).expect("write");
    std::fs::write(dir.join("views/orders.YAML"), VIEWS).expect("write");
    std::fs::write(
        dir.join("cubes/nested/extra.yaml"),
        "cubes:\n  - name: Extra\n    sql_table: x\n",
    )
    .expect("write");
    std::fs::write(dir.join("cubes/notes.txt"), "not: [yaml").expect("write");
    let loaded = load_dir(&dir);
    std::fs::write(dir.join("views/bad.yml"), [0xff, 0xfe, b'x']).expect("write");
    let bad = load_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let m = loaded.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.cubes.len(), 4);
    assert_eq!(m.views.len(), 1);
    let errs = bad.expect_err("invalid UTF-8").0;
    assert_eq!(errs.len(), 1);
    assert!(errs[0].file.ends_with("views/bad.yml"));
    assert!(errs[0].message.contains("UTF-8"));
    let missing = load_dir(dir.join("does-not-exist"))
        .expect_err("missing dir")
        .0;
    assert_eq!(missing.len(), 1);
}
