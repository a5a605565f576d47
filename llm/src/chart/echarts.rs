//! ECharts `option` objects (and the chart-ready columns beside them) for
//! each chart type.

use serde_json::{json, Map, Value};

use super::format::{axis_formatter, format_value};
use super::frame::{measures_side_by_side, pivot, Frame, PivotOptions};
use super::recommend::{distinct, Shape, HORIZONTAL_CATEGORIES, HORIZONTAL_LABEL_CHARS};
use crate::intent::{ChartType, Intent};
use crate::table::{ColumnRole, ResultColumn, ResultTable};

/// An option, its columns and anything worth telling about what was left out.
pub(crate) struct Built {
    pub option: Value,
    pub columns: Value,
    pub note: Option<String>,
}

/// Builds the option of `chart`, which [`super::recommend::check`] accepted.
pub(crate) fn build(
    chart: ChartType,
    intent: Intent,
    shape: &Shape<'_>,
    table: &ResultTable,
) -> Built {
    let mut title = chart_title(shape);
    if table.smallest_first && table.limited && !shape.axes().is_empty() {
        title = format!("Smallest {} — {title}", table.rows.len());
    }
    match chart {
        ChartType::Line | ChartType::Area | ChartType::Bar => {
            series_chart(chart, intent, shape, table, &title)
        }
        ChartType::Pie => pie(shape, table, &title),
        ChartType::Scatter => scatter(shape, table),
        ChartType::Heatmap => heatmap(shape, table, &title),
        ChartType::Number | ChartType::Gauge => single_value(chart, shape, table),
        ChartType::Table => plain_table(table, &title),
    }
}

fn chart_title(shape: &Shape<'_>) -> String {
    let measures: Vec<&str> = shape.measures.iter().map(|m| m.title.as_str()).collect();
    let axes: Vec<&str> = shape.axes().iter().map(|c| c.title.as_str()).collect();
    let mut t = measures.join(", ");
    if t.is_empty() {
        t = "Result".to_owned();
    }
    if !axes.is_empty() {
        t = format!("{t} by {}", axes.join(" and "));
    }
    if shape.compare.is_some() {
        t.push_str(" across date ranges");
    }
    t
}

fn base(title: &str, trigger: &str) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("title".into(), json!({"text": title, "left": "center"}));
    o.insert("tooltip".into(), json!({"trigger": trigger}));
    o
}

fn legend(o: &mut Map<String, Value>, names: Vec<String>) {
    let many = names.len() > 1;
    if many {
        o.insert(
            "legend".into(),
            json!({"type": "scroll", "bottom": 0, "data": names}),
        );
    }
    o.insert(
        "grid".into(),
        json!({"left": "3%", "right": "4%", "top": 48, "bottom": if many { 40 } else { 16 }, "containLabel": true}),
    );
}

fn value_axis(name: Option<&str>, format: Option<&str>) -> Value {
    let mut a = json!({"type": "value"});
    if let Some(n) = name {
        a["name"] = n.into();
    }
    if let Some(f) = axis_formatter(format) {
        a["axisLabel"] = json!({"formatter": f});
    }
    a
}

/// The unit a measure's values are in: its display format (`currency`,
/// `percent`), else plain numbers.
fn unit(m: &ResultColumn) -> Option<&str> {
    match m.format.as_deref() {
        Some(f @ ("currency" | "percent")) => Some(f),
        _ => None,
    }
}

/// The measures grouped by unit, in order of first appearance: `(format,
/// members)`.
fn measure_units<'a>(measures: &[&'a ResultColumn]) -> Vec<(Option<&'a str>, Vec<&'a str>)> {
    let mut units: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    for m in measures {
        let u = unit(m);
        match units.iter_mut().find(|(f, _)| *f == u) {
            Some((_, list)) => list.push(&m.member),
            None => units.push((u, vec![&m.member])),
        }
    }
    units
}

fn num(v: Option<f64>) -> Value {
    v.and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn is_time(c: &ResultColumn) -> bool {
    c.role == ColumnRole::Time || c.data_type == "time"
}

fn series_columns(frame: &Frame<'_>, axis_type: &str, y: Option<Value>) -> Value {
    let x = frame.x.map(|c| {
        let values = if axis_type == "time" {
            Value::Array(frame.x_raw.clone())
        } else {
            json!(frame.x_labels)
        };
        json!({"member": c.member, "title": c.title, "type": axis_type, "values": values})
    });
    let x = x.unwrap_or_else(|| json!({"member": null, "title": "Measure", "type": "category", "values": frame.x_labels}));
    let series: Vec<Value> = frame
        .series
        .iter()
        .map(|s| {
            json!({"name": s.name, "member": s.measure.member, "split": s.split,
                   "format": s.measure.format, "data": s.values.iter().map(|v| num(*v)).collect::<Vec<_>>()})
        })
        .collect();
    json!({"x": x, "y": y, "series": series})
}

fn series_chart(
    chart: ChartType,
    intent: Intent,
    shape: &Shape<'_>,
    table: &ResultTable,
    title: &str,
) -> Built {
    let (x, split) = match (shape.time, shape.dims.as_slice()) {
        (Some(t), dims) => (Some(t), shape.compare.or(dims.first().copied())),
        (None, [d, rest @ ..]) => (Some(*d), rest.first().copied()),
        // Compared date ranges without a granularity: one bar per range.
        (None, []) => (shape.compare, None),
    };
    let by_position = shape.compare.is_some() && x.is_some_and(is_time);
    let frame = match x {
        Some(x) => {
            let opts = PivotOptions {
                by_position,
                sort_desc: intent == Intent::TopN && split.is_none() && !is_time(x),
            };
            pivot(table, x, split, &shape.measures, opts)
        }
        None => measures_side_by_side(table, &shape.measures),
    };
    let time_axis = chart != ChartType::Bar && !by_position && x.is_some_and(is_time);
    let axis_type = if time_axis { "time" } else { "category" };
    let horizontal = chart == ChartType::Bar
        && (frame.x_labels.len() > HORIZONTAL_CATEGORIES
            || frame
                .x_labels
                .iter()
                .any(|l| l.chars().count() > HORIZONTAL_LABEL_CHARS));
    // Measures of different units (money, counts, percentages) never share
    // a value axis: each unit gets its own.
    let units = measure_units(&shape.measures);
    let unit_of = |member: &str| {
        units
            .iter()
            .position(|(_, members)| members.contains(&member))
            .unwrap_or(0)
    };
    let dual = units.len() > 1 && x.is_some();

    let mut o = base(title, "axis");
    let kind = if chart == ChartType::Bar {
        "bar"
    } else {
        "line"
    };
    let series: Vec<Value> = frame
        .series
        .iter()
        .map(|s| {
            let data: Vec<Value> = if time_axis {
                frame
                    .x_raw
                    .iter()
                    .zip(&s.values)
                    .map(|(t, v)| json!([t, num(*v)]))
                    .collect()
            } else {
                s.values.iter().map(|v| num(*v)).collect()
            };
            let mut v = json!({"type": kind, "name": s.name, "data": data});
            if chart == ChartType::Area {
                v["areaStyle"] = json!({});
            }
            if kind == "line" {
                v["showSymbol"] = (frame.x_labels.len() <= 60).into();
            }
            let axis = unit_of(&s.measure.member);
            if dual && axis > 0 {
                let key = if horizontal {
                    "xAxisIndex"
                } else {
                    "yAxisIndex"
                };
                v[key] = axis.into();
            }
            v
        })
        .collect();
    legend(
        &mut o,
        frame.series.iter().map(|s| s.name.clone()).collect(),
    );
    let x_title = x.map(|c| c.title.as_str()).unwrap_or("Measure");
    let mut cat_axis = json!({"type": axis_type, "name": x_title});
    if !time_axis {
        cat_axis["data"] = json!(frame.x_labels);
    }
    if chart != ChartType::Bar {
        cat_axis["boundaryGap"] = false.into();
    }
    let val_axis = if dual {
        let axes: Vec<Value> = units
            .iter()
            .enumerate()
            .map(|(i, (format, members))| {
                let titles: Vec<&str> = shape
                    .measures
                    .iter()
                    .filter(|m| members.contains(&m.member.as_str()))
                    .map(|m| m.title.as_str())
                    .collect();
                let mut a = value_axis(Some(&titles.join(", ")), *format);
                if i >= 2 {
                    a["offset"] = json!(60 * (i - 1));
                }
                a
            })
            .collect();
        Value::Array(axes)
    } else {
        let single_name = (shape.measures.len() == 1)
            .then(|| shape.measures.first().map(|m| m.title.as_str()))
            .flatten();
        value_axis(single_name, units.first().and_then(|(f, _)| *f))
    };
    if horizontal {
        cat_axis["inverse"] = true.into();
        o.insert("xAxis".into(), val_axis);
        o.insert("yAxis".into(), cat_axis);
    } else {
        o.insert("xAxis".into(), cat_axis);
        o.insert("yAxis".into(), val_axis);
    }
    o.insert("series".into(), Value::Array(series));
    let note = (frame.dropped > 0).then(|| {
        format!(
            "Showing the {} largest of {} {} values.",
            frame.series.len() / shape.measures.len().max(1),
            frame.series.len() / shape.measures.len().max(1) + frame.dropped,
            split.map(|s| s.title.as_str()).unwrap_or("split")
        )
    });
    let columns = series_columns(&frame, axis_type, None);
    Built {
        option: Value::Object(o),
        columns,
        note,
    }
}

fn pie(shape: &Shape<'_>, table: &ResultTable, title: &str) -> Built {
    let (Some(axis), Some(measure)) = (shape.single_axis(), shape.measures.first()) else {
        return plain_table(table, title);
    };
    let frame = pivot(table, axis, None, &[*measure], PivotOptions::default());
    let values = frame
        .series
        .first()
        .map(|s| s.values.clone())
        .unwrap_or_default();
    let data: Vec<Value> = frame
        .x_labels
        .iter()
        .zip(&values)
        .map(|(l, v)| json!({"name": l, "value": num(*v)}))
        .collect();
    let mut o = base(title, "item");
    legend(&mut o, frame.x_labels.clone());
    o.remove("grid");
    o.insert(
        "series".into(),
        json!([{"type": "pie", "name": measure.title, "radius": ["35%", "65%"], "data": data,
                "label": {"formatter": "{b}: {d}%"}}]),
    );
    let columns = series_columns(&frame, "category", None);
    Built {
        option: Value::Object(o),
        columns,
        note: None,
    }
}

fn scatter(shape: &Shape<'_>, table: &ResultTable) -> Built {
    let (mx, my) = (shape.measures[0], shape.measures[1]);
    let label = shape.single_axis();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let mut labels = Vec::new();
    let mut data = Vec::new();
    for r in 0..table.rows.len() {
        let (Some(x), Some(y)) = (table.number(r, &mx.member), table.number(r, &my.member)) else {
            continue;
        };
        xs.push(num(Some(x)));
        ys.push(num(Some(y)));
        match label {
            Some(l) => {
                let name = l.label(table.value(r, &l.member));
                data.push(json!({"name": name, "value": [num(Some(x)), num(Some(y))]}));
                labels.push(Value::String(name));
            }
            None => data.push(json!([num(Some(x)), num(Some(y))])),
        }
    }
    let mut o = base(&format!("{} vs {}", my.title, mx.title), "item");
    legend(&mut o, vec![my.title.clone()]);
    let mut xa = value_axis(Some(&mx.title), mx.format.as_deref());
    xa["scale"] = true.into();
    let mut ya = value_axis(Some(&my.title), my.format.as_deref());
    ya["scale"] = true.into();
    o.insert("xAxis".into(), xa);
    o.insert("yAxis".into(), ya);
    o.insert(
        "series".into(),
        json!([{"type": "scatter", "name": my.title, "data": data}]),
    );
    let columns = json!({
        "x": {"member": mx.member, "title": mx.title, "type": "value", "values": xs},
        "y": null,
        "series": [{"name": my.title, "member": my.member, "split": null, "format": my.format, "data": ys}],
        "labels": if label.is_some() { Value::Array(labels) } else { Value::Null },
    });
    let note = (shape.measures.len() > 2)
        .then(|| "The scatter plot shows the first two measures.".to_owned());
    Built {
        option: Value::Object(o),
        columns,
        note,
    }
}

fn sorted_distinct(table: &ResultTable, c: &ResultColumn) -> Vec<String> {
    let mut v = distinct(table, c);
    if is_time(c) {
        v.sort();
    }
    v
}

fn heatmap(shape: &Shape<'_>, table: &ResultTable, title: &str) -> Built {
    let axes = shape.axes();
    let (Some(xc), Some(yc), Some(m)) = (axes.first(), axes.get(1), shape.measures.first()) else {
        return plain_table(table, title);
    };
    let xl = sorted_distinct(table, xc);
    let yl = sorted_distinct(table, yc);
    let mut data = Vec::new();
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for r in 0..table.rows.len() {
        let xv = xc.label(table.value(r, &xc.member));
        let yv = yc.label(table.value(r, &yc.member));
        let (Some(xi), Some(yi)) = (
            xl.iter().position(|l| *l == xv),
            yl.iter().position(|l| *l == yv),
        ) else {
            continue;
        };
        let v = table.number(r, &m.member);
        if let Some(v) = v {
            min = min.min(v);
            max = max.max(v);
        }
        data.push(json!([xi, yi, num(v)]));
    }
    if !min.is_finite() {
        (min, max) = (0.0, 0.0);
    }
    let mut o = base(
        &format!("{} by {} and {}", m.title, xc.title, yc.title),
        "item",
    );
    legend(&mut o, vec![m.title.clone()]);
    o.insert(
        "xAxis".into(),
        json!({"type": "category", "name": xc.title, "data": xl, "splitArea": {"show": true}}),
    );
    o.insert(
        "yAxis".into(),
        json!({"type": "category", "name": yc.title, "data": yl, "splitArea": {"show": true}}),
    );
    o.insert(
        "visualMap".into(),
        json!({"min": num(Some(min)), "max": num(Some(max)), "calculable": true, "orient": "horizontal", "left": "center", "bottom": 0}),
    );
    let cells = data.len();
    o.insert(
        "series".into(),
        json!([{"type": "heatmap", "name": m.title, "data": data, "label": {"show": cells <= 100}}]),
    );
    let columns = json!({
        "x": {"member": xc.member, "title": xc.title, "type": "category", "values": xl},
        "y": {"member": yc.member, "title": yc.title, "type": "category", "values": yl},
        "series": [{"name": m.title, "member": m.member, "split": null, "format": m.format, "data": o["series"][0]["data"].clone()}],
    });
    let note = (shape.measures.len() > 1).then(|| format!("The heatmap shows {} only.", m.title));
    Built {
        option: Value::Object(o),
        columns,
        note,
    }
}

fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    (v / magnitude).ceil() * magnitude
}

fn single_value(chart: ChartType, shape: &Shape<'_>, table: &ResultTable) -> Built {
    let Some(m) = shape.measures.first() else {
        return plain_table(table, "Result");
    };
    let v = table.number(0, &m.member);
    let text = v
        .map(|v| format_value(v, m.format.as_deref()))
        .unwrap_or_else(|| "n/a".to_owned());
    let columns = json!({"x": null, "y": null,
        "series": [{"name": m.title, "member": m.member, "split": null, "format": m.format, "data": [num(v)]}]});
    let option = if chart == ChartType::Gauge {
        let value = v.unwrap_or(0.0);
        let max = if m.is_percent() && value <= 100.0 {
            100.0
        } else {
            nice_ceiling(value.abs())
        };
        let mut o = base(&m.title, "item");
        let detail = axis_formatter(m.format.as_deref()).unwrap_or("{value}");
        o.insert(
            "series".into(),
            json!([{"type": "gauge", "name": m.title, "min": 0, "max": max, "progress": {"show": true},
                    "detail": {"formatter": detail}, "data": [{"name": m.title, "value": num(v)}]}]),
        );
        Value::Object(o)
    } else {
        json!({
            "title": {"text": text, "subtext": m.title, "left": "center", "top": "middle",
                      "textStyle": {"fontSize": 48}},
            "tooltip": {"show": false},
            "series": []
        })
    };
    Built {
        option,
        columns,
        note: None,
    }
}

fn plain_table(table: &ResultTable, title: &str) -> Built {
    let cols: Vec<Value> = table
        .columns
        .iter()
        .map(|c| {
            let values: Vec<Value> = (0..table.rows.len()).map(|r| table.value(r, &c.member).clone()).collect();
            json!({"member": c.member, "title": c.title, "role": c.role, "format": c.format, "values": values})
        })
        .collect();
    Built {
        option: json!({"title": {"text": title, "left": "center"}, "tooltip": {"show": false}, "series": []}),
        columns: json!({"x": null, "y": null, "series": [], "table": cols}),
        note: None,
    }
}
