//! The Cube driver-test model shared with the conformance suite.

use super::{all_templates, column_of, line_of};
use crate::*;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/cube-drivers/model"
);

fn conformance() -> SemanticModel {
    match load_dir(DIR) {
        Ok(m) => m,
        Err(e) => panic!("the conformance model should load:\n{e}"),
    }
}

fn path(c: &str, m: &str) -> MemberPath {
    MemberPath::new(c, m)
}

#[test]
fn loads_four_cubes_with_every_reference_resolved() {
    let m = conformance();
    let names: Vec<&str> = m.cubes.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["Products", "Customers", "ECommerce", "BigECommerce"]
    );
    assert!(m.views.is_empty());
    for cube in m.cubes.values() {
        assert!(cube.public);
        assert_eq!(cube.title, None);
        for t in all_templates(cube) {
            assert!(
                !t.parts
                    .iter()
                    .any(|p| matches!(p, TemplatePart::Unresolved(_))),
                "unresolved part in {}: {t:?}",
                cube.name
            );
        }
    }
    let products = &m.cubes["Products"];
    let CubeSource::Sql(sql) = &products.source else {
        panic!("Products has sql");
    };
    assert_eq!(sql.raw, "select * from products");
}

#[test]
fn ecommerce_extends_products() {
    let m = conformance();
    let e = &m.cubes["ECommerce"];
    let CubeSource::Sql(sql) = &e.source else {
        panic!("ECommerce has sql");
    };
    assert_eq!(sql.raw, "select * from ecommerce");
    let dims: Vec<&str> = e.dimensions.keys().map(String::as_str).collect();
    assert_eq!(
        &dims[..4],
        ["category", "subCategory", "productName", "rowId"]
    );
    for (name, col) in [
        ("category", "category"),
        ("subCategory", "sub_category"),
        ("productName", "product_name"),
    ] {
        let d = &e.dimensions[name];
        let DimensionSql::Sql(t) = &d.sql else {
            panic!("{name} is plain sql");
        };
        assert_eq!(t.parts, column_of("ECommerce", col), "{name}");
        assert!(d.primary_key);
        // Inherited members keep the place they were written.
        assert_eq!(d.location, m.cubes["Products"].dimensions[name].location);
    }
    let pks: Vec<&str> = e.primary_keys().map(|d| d.name.as_str()).collect();
    assert_eq!(pks, ["category", "subCategory", "productName", "rowId"]);
    // Products itself still resolves to Products.
    let DimensionSql::Sql(t) = &m.cubes["Products"].dimensions["category"].sql else {
        panic!("plain sql");
    };
    assert_eq!(t.parts, column_of("Products", "category"));
}

#[test]
fn cross_cube_references_and_joins() {
    let m = conformance();
    for cube in ["ECommerce", "BigECommerce"] {
        let d = &m.cubes[cube].dimensions["customerName"];
        let DimensionSql::Sql(t) = &d.sql else {
            panic!("plain sql");
        };
        assert_eq!(
            t.parts,
            vec![TemplatePart::Ref(SqlRef::Member {
                cube: "Customers".into(),
                member: "customerName".into()
            })]
        );
        let j = &m.cubes[cube].joins["Customers"];
        assert_eq!(j.relationship, Relationship::ManyToOne);
        let refs: Vec<&str> = j.sql.cube_refs().collect();
        assert_eq!(refs, [cube, "Customers"]);
    }
}

#[test]
fn multi_stage_measures() {
    let m = conformance();
    let big = &m.cubes["BigECommerce"];
    let ya = &big.measures["totalProfitYearAgo"];
    assert!(ya.multi_stage);
    assert_eq!(ya.kind, MeasureType::Number);
    assert_eq!(
        ya.time_shift,
        vec![TimeShift {
            time_dimension: Some(path("BigECommerce", "orderDate")),
            interval: Interval {
                amount: 366,
                unit: IntervalUnit::Day
            },
            direction: TimeShiftDirection::Prior,
        }]
    );
    let refs: Vec<(&str, &str)> = ya.sql.iter().flat_map(|t| t.member_refs()).collect();
    assert_eq!(refs, [("BigECommerce", "totalProfit")]);
    let fs = &big.measures["totalProfitForStatus"];
    assert!(fs.multi_stage);
    assert_eq!(fs.reduce_by, vec![path("BigECommerce", "category")]);
    let pct = &big.measures["percentageOfTotalForStatus"];
    let refs: Vec<(&str, &str)> = pct.sql.iter().flat_map(|t| t.member_refs()).collect();
    assert_eq!(
        refs,
        [
            ("BigECommerce", "totalProfit"),
            ("BigECommerce", "totalProfitForStatus")
        ]
    );
    assert!(!big.measures["totalProfit"].multi_stage);
}

#[test]
fn rolling_windows_and_visibility() {
    let m = conformance();
    let rt = &m.cubes["Customers"].measures["runningTotal"];
    assert_eq!(rt.kind, MeasureType::Count);
    assert!(rt.sql.is_none());
    assert_eq!(
        rt.rolling_window,
        Some(RollingWindow {
            trailing: Some(WindowBound::Unbounded),
            leading: None,
            offset: WindowOffset::End
        })
    );
    let big = &m.cubes["BigECommerce"];
    for (name, amount, unit) in [
        ("rollingCountBy2Day", 2, IntervalUnit::Day),
        ("rollingCountBy2Week", 2, IntervalUnit::Week),
        ("rollingCountApproxBy2Month", 2, IntervalUnit::Month),
    ] {
        let w = big.measures[name].rolling_window.expect("rolling window");
        assert_eq!(
            w.trailing,
            Some(WindowBound::Interval(Interval { amount, unit }))
        );
        assert!(big.measures[name].is_cumulative());
    }
    assert!(!big.measures["totalSales"].is_cumulative());
    assert_eq!(
        big.measures["rollingCountApproxBy2Day"].kind,
        MeasureType::CountDistinctApprox
    );
    for cube in ["ECommerce", "BigECommerce"] {
        assert!(!m.cubes[cube].measures["hiddenSum"].public, "{cube}");
        assert!(m.cubes[cube].measures["totalProfit"].public, "{cube}");
    }
    assert!(m.cubes["Customers"].dimensions["customerId"].primary_key);
    assert_eq!(big.dimensions["returning"].kind, DimensionType::Boolean);
}

#[test]
fn pre_aggregations() {
    let m = conformance();
    let counts: Vec<usize> = m.cubes.values().map(|c| c.pre_aggregations.len()).collect();
    assert_eq!(counts, [0, 2, 8, 6]);
    for cube in m.cubes.values() {
        for name in cube.pre_aggregations.keys() {
            if let Some(stem) = name.strip_suffix("External") {
                let internal = &cube.pre_aggregations[&format!("{stem}Internal")];
                let external = &cube.pre_aggregations[name];
                assert_eq!(external.external, Some(true));
                assert_eq!(internal.external, Some(false));
                assert_eq!(internal.measures, external.measures);
                assert_eq!(internal.time_dimensions, external.time_dimensions);
            }
        }
        for p in cube.pre_aggregations.values() {
            assert_eq!(p.kind, PreAggregationType::Rollup);
            assert_eq!(p.scheduled_refresh, Some(false));
            assert!(p.measures.iter().all(|x| x.cube == cube.name));
        }
    }
    let c = &m.cubes["Customers"].pre_aggregations["RAExternal"];
    assert_eq!(
        c.measures,
        [
            path("Customers", "count"),
            path("Customers", "runningTotal")
        ]
    );
    let e = &m.cubes["ECommerce"];
    let ta = &e.pre_aggregations["TAExternal"];
    assert_eq!(ta.dimensions, [path("ECommerce", "productName")]);
    assert_eq!(
        ta.time_dimensions,
        [PreAggregationTimeDimension {
            dimension: path("ECommerce", "orderDate"),
            granularity: IntervalUnit::Month
        }]
    );
    assert_eq!(ta.partition_granularity, Some(IntervalUnit::Month));
    let multi = &e.pre_aggregations["MultiTimeDimForCountInternal"];
    let tds: Vec<(String, Granularity)> = multi
        .time_dimensions
        .iter()
        .map(|t| (t.dimension.to_string(), t.granularity))
        .collect();
    assert_eq!(
        tds,
        [
            ("ECommerce.completedDate".into(), IntervalUnit::Day),
            ("ECommerce.orderDate".into(), IntervalUnit::Day)
        ]
    );
    let big = &m.cubes["BigECommerce"].pre_aggregations["TAInternal"];
    assert_eq!(big.partition_granularity, Some(IntervalUnit::Year));
    assert_eq!(big.dimensions.len(), 2);
}

#[test]
fn locations_point_at_name_lines() {
    let m = conformance();
    let file = std::path::Path::new(DIR).join("ecommerce.yml");
    let text = std::fs::read_to_string(&file).expect("conformance file");
    let e = &m.cubes["ECommerce"];
    assert_eq!(e.location.file, file);
    assert_eq!(e.location.line, Some(line_of(&text, "name: ECommerce")));
    let row_id = &e.dimensions["rowId"].location;
    assert_eq!(row_id.line, Some(line_of(&text, "name: rowId")));
    // `customerId` of Customers is written with `name:` as its third key.
    let cid = &m.cubes["Customers"].dimensions["customerId"].location;
    assert_eq!(cid.line, Some(line_of(&text, "name: customerId")));
    let ra = &m.cubes["Customers"].pre_aggregations["RAInternal"].location;
    assert_eq!(ra.line, Some(line_of(&text, "name: RAInternal")));
    let join = &m.cubes["ECommerce"].joins["Customers"].location;
    let first_join = line_of(&text, "joins:") + 1;
    assert_eq!(join.line, Some(first_join));
}
