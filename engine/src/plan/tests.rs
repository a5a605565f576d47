use super::*;

#[test]
fn aliases_are_snake_case() {
    assert_eq!(alias_for("ECommerce.orderDate"), "ecommerce__order_date");
    assert_eq!(
        alias_for("Orders.created_at.month"),
        "orders__created_at_month"
    );
    assert_eq!(alias_for("a.b;drop"), "a__b_drop");
}

const SUB_QUERY_MODEL: &str = r#"
cubes:
  - name: Orders
    sql_table: orders
    joins:
      - name: Items
        relationship: one_to_many
        sql: "{CUBE}.id = {Items}.order_id"
    access_policy:
      - group: "*"
        row_level:
          filters:
            - {member: tenant, operator: equals, values: ["{ securityContext.tenant }"]}
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: tenant, sql: tenant, type: string}
      - {name: status, sql: status, type: string}
      - {name: itemsTotal, sql: "{Items.total}", type: number, sub_query: true}
      - name: itemsCount
        sql: "{Items.count}"
        type: number
        sub_query: true
        propagate_filters_to_sub_query: true
    measures:
      - {name: avgItemsTotal, sql: "{itemsTotal}", type: avg}
  - name: Items
    sql_table: items
    access_policy:
      - group: "*"
        row_level:
          filters:
            - {member: tenant, operator: equals, values: ["{ securityContext.tenant }"]}
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: tenant, sql: tenant, type: string}
      - {name: product, sql: product, type: string}
    measures:
      - {name: total, sql: price, type: sum}
      - {name: count, type: count}
"#;

fn sub_query_model() -> SemanticModel {
    strata_schema::load_files(&[("m.yml".into(), SUB_QUERY_MODEL.into())]).expect("model compiles")
}

fn plan_of(
    model: &SemanticModel,
    grant: Option<&AccessGrant>,
    q: serde_json::Value,
) -> LogicalPlan {
    let graph = JoinGraph::new(model);
    let mut planner = Planner::new(model, &graph, chrono::Utc::now());
    if let Some(g) = grant {
        planner = planner.with_access(g);
    }
    planner
        .plan(&Query::from_json(&q).expect("query"))
        .expect("plan")
}

fn tenant_filter(cube: &str) -> PlanFilter {
    PlanFilter::Or(vec![PlanFilter::And(vec![PlanFilter::Member {
        target: MemberPath::new(cube, "tenant"),
        dimension_type: Some(DimensionType::String),
        operator: FilterOperator::Equals,
        values: vec![Some("t1".into())],
    }])])
}

#[test]
fn sub_query_dimension_is_a_grouped_subquery_on_the_primary_key() {
    let model = sub_query_model();
    let grant = crate::access::AccessGrant::evaluate(
        &model,
        crate::access::AccessContext {
            security_context: &serde_json::json!({"tenant": "t1"}),
            groups: &[],
        },
    );
    let plan = plan_of(
        &model,
        Some(&grant),
        serde_json::json!({
            "dimensions": ["Orders.status", "Orders.itemsTotal"],
            "measures": ["Orders.avgItemsTotal"],
            "filters": [{"member": "Orders.itemsTotal", "operator": "gt", "values": ["10"]}]
        }),
    );
    // The query itself only reads Orders: Items rows would repeat orders.
    assert_eq!(plan.join.cubes().collect::<Vec<_>>(), ["Orders"]);
    assert_eq!(
        plan.filters.len(),
        2,
        "the user's filter and the Orders rule"
    );
    assert_eq!(plan.filters[1], tenant_filter("Orders"));
    assert_eq!(plan.all_cubes(), ["Orders", "Items"]);
    let [sq] = plan.sub_queries.as_slice() else {
        panic!("one subquery: {:?}", plan.sub_queries)
    };
    assert_eq!(sq.dimension, MemberPath::new("Orders", "itemsTotal"));
    assert_eq!(sq.alias, "orders__items_total_subquery");
    assert_eq!(sq.value_alias, "orders__items_total");
    assert_eq!(
        sq.keys,
        [(MemberPath::new("Orders", "id"), "orders__id".to_string())]
    );
    assert_eq!(sq.join.cubes().collect::<Vec<_>>(), ["Orders", "Items"]);
    // Row rules of every cube of the subquery apply inside it, the joined
    // cube's in its join condition; the query's own filters are not
    // propagated without the flag.
    assert_eq!(sq.filters, [tenant_filter("Orders")]);
    assert_eq!(
        sq.on_filters,
        [("Items".to_string(), tenant_filter("Items"))]
    );
    assert!(sq.segments.is_empty() && sq.sub_queries.is_empty());
}

#[test]
fn propagated_filters_skip_those_on_sub_query_dimensions() {
    let model = sub_query_model();
    let status = serde_json::json!(
            {"member": "Orders.status", "operator": "equals", "values": ["paid"]});
    let on_itself = serde_json::json!(
            {"member": "Orders.itemsCount", "operator": "gt", "values": ["1"]});
    let product = serde_json::json!(
            {"member": "Items.product", "operator": "equals", "values": ["pen"]});
    let plan = plan_of(
        &model,
        None,
        serde_json::json!({
            "dimensions": ["Orders.itemsCount", "Orders.itemsTotal"],
            "filters": [status, on_itself, product]
        }),
    );
    // The query's filter on Items joins Items into the query, not the subqueries.
    assert_eq!(plan.join.cubes().collect::<Vec<_>>(), ["Orders", "Items"]);
    let by_dim = |m: &str| {
        plan.sub_queries
            .iter()
            .find(|s| s.dimension.member == m)
            .unwrap_or_else(|| panic!("no subquery for {m}"))
    };
    let count = by_dim("itemsCount");
    let targets: Vec<String> = count
        .filters
        .iter()
        .map(|f| {
            let mut v = Vec::new();
            f.members(&mut |p| v.push(p.to_string()));
            v.join(",")
        })
        .collect();
    assert_eq!(targets, ["Orders.status", "Items.product"]);
    assert!(
        by_dim("itemsTotal").filters.is_empty(),
        "no flag, no propagation"
    );
}

#[test]
fn sub_query_renders_as_a_left_joined_grouped_select() {
    let model = std::sync::Arc::new(sub_query_model());
    let plan = plan_of(
        &model,
        None,
        serde_json::json!({"measures": ["Orders.avgItemsTotal"], "dimensions": ["Orders.itemsCount"]}),
    );
    let templates = crate::sql::CompiledTemplates::new(model.clone());
    let sql = crate::sql::SqlRenderer::new(
        &model,
        &templates,
        &crate::dialect::PostgresDialect::default(),
    )
    .render(&plan)
    .expect("render")
    .main
    .sql;
    assert!(
        sql.contains(concat!(
            r#"FROM orders AS "Orders" LEFT JOIN (SELECT "Orders".id AS "orders__id", "#,
            r#"count(DISTINCT "Items".id) AS "orders__items_count" FROM orders AS "Orders" "#,
            r#"LEFT JOIN items AS "Items" ON "Orders".id = "Items".order_id GROUP BY 1) "#,
            r#"AS "orders__items_count_subquery" "#,
            r#"ON "orders__items_count_subquery"."orders__id" = "Orders".id "#,
            r#"LEFT JOIN (SELECT "Orders".id AS "orders__id", "#,
            r#"sum("Items".price) AS "orders__items_total" FROM"#
        )),
        "{sql}"
    );
    assert!(
        sql.starts_with(concat!(
            r#"SELECT "orders__items_count_subquery"."orders__items_count" AS "#,
            r#""orders__items_count", avg("orders__items_total_subquery"."orders__items_total") "#,
            r#"AS "orders__avg_items_total" FROM orders AS "Orders" LEFT JOIN"#
        )),
        "{sql}"
    );
}

#[test]
fn a_query_built_in_code_is_held_to_the_readers_bounds() {
    let model = sub_query_model();
    let graph = JoinGraph::new(&model);
    let planner = Planner::new(&model, &graph, chrono::Utc::now());
    let query = |limit, offset| Query {
        measures: vec!["Items.count".into()],
        timezone: "UTC".into(),
        limit,
        offset,
        ..Query::default()
    };
    assert!(planner
        .plan(&query(Some(crate::query::MAX_LIMIT), None))
        .is_ok());
    let e = planner
        .plan(&query(Some(crate::query::MAX_LIMIT + 1), None))
        .expect_err("limit over the maximum");
    assert!(
        e.to_string().contains("over the maximum of 50000 rows"),
        "{e}"
    );
    let e = planner
        .plan(&query(None, Some(u64::MAX)))
        .expect_err("offset too large");
    assert!(e.to_string().contains("\"offset\""), "{e}");
}

const STAGED_MODEL: &str = r#"
cubes:
  - name: Sales
    sql_table: sales
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: region, sql: region, type: string}
      - {name: city, sql: city, type: string}
    measures:
      - {name: amount, sql: amount, type: sum}
      - {name: count, type: count}
      - name: regionAmount
        sql: "{amount}"
        type: sum
        multi_stage: true
        group_by: [region]
      - name: cityShare
        sql: "{amount} / NULLIF({regionAmount}, 0)"
        type: number
        multi_stage: true
      - name: topCity
        sql: "{amount}"
        type: max
        multi_stage: true
        reduce_by: [city]
"#;

#[test]
fn multi_stage_measures_are_staged_in_the_plan() {
    let model = strata_schema::load_files(&[("m.yml".into(), STAGED_MODEL.into())])
        .expect("model compiles");
    let plan = plan_of(
        &model,
        None,
        serde_json::json!({
            "measures": ["Sales.cityShare", "Sales.topCity", "Sales.count"],
            "dimensions": ["Sales.region", "Sales.city"]
        }),
    );
    let staged = plan.stages(&model).expect("stages").expect("staged");
    // The base computes, hidden, the measure the first stage needs, then the
    // selected plain measure.
    let base: Vec<_> = staged
        .base
        .measures
        .iter()
        .map(|m| (m.name.as_str(), m.alias.as_str()))
        .collect();
    assert_eq!(
        base,
        [
            ("Sales.amount", "__stage_1"),
            ("Sales.count", "sales__count")
        ]
    );
    // A stage comes after the stage it refers to.
    let order: Vec<_> = staged
        .stages
        .iter()
        .map(|s| s.measure.name.as_str())
        .collect();
    assert_eq!(
        order,
        ["Sales.regionAmount", "Sales.cityShare", "Sales.topCity"]
    );
    let region = plan.dimensions[0].alias.clone();
    let city = plan.dimensions[1].alias.clone();
    assert_eq!(
        staged.stages[0].reaggregation,
        Some(Reaggregation {
            function: StageFunction::Sum,
            partition: vec![region.clone()]
        })
    );
    assert_eq!(staged.stages[1].reaggregation, None);
    assert_eq!(
        staged.stages[2].reaggregation,
        Some(Reaggregation {
            function: StageFunction::Max,
            partition: vec![region]
        })
    );
    assert!(!staged.stages[2]
        .reaggregation
        .as_ref()
        .is_some_and(|r| r.partition.contains(&city)));

    // Without multi-stage measures there are no stages.
    let plain = plan_of(
        &model,
        None,
        serde_json::json!({"measures": ["Sales.amount"], "dimensions": ["Sales.city"]}),
    );
    assert_eq!(plain.stages(&model).expect("stages"), None);
}
