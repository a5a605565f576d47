//! Result rows pivoted into chart series: one x value per category or
//! period, one series per measure (and per value of a splitting dimension),
//! values aligned on the x values.

use std::collections::HashMap;

use serde_json::Value;

use crate::table::{ColumnRole, ResultColumn, ResultTable};

/// Most series drawn for a split; smaller splits are left out (with a note).
pub const MAX_SPLIT_SERIES: usize = 10;

/// One series of a frame.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FrameSeries<'a> {
    /// Legend name: the measure title, the split value, or both.
    pub name: String,
    /// The measure.
    pub measure: &'a ResultColumn,
    /// The split value, when split by a dimension.
    pub split: Option<String>,
    /// One value per x value (`None` where the result has no row).
    pub values: Vec<Option<f64>>,
}

/// Rows pivoted on an x column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Frame<'a> {
    /// The x column (`None` for measures side by side).
    pub x: Option<&'a ResultColumn>,
    /// Raw x values (the first row's value for each label).
    pub x_raw: Vec<Value>,
    /// X values as labels.
    pub x_labels: Vec<String>,
    /// The series.
    pub series: Vec<FrameSeries<'a>>,
    /// Split values left out by the cap.
    pub dropped: usize,
}

/// How to pivot.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PivotOptions {
    /// Align each split's rows by position (period 1, 2...) instead of by x
    /// value: the ranges of a `compareDateRange` query.
    pub by_position: bool,
    /// Order x values by the first series, largest first (top-N bars) unless
    /// they are already monotonic.
    pub sort_desc: bool,
}

/// Pivots `table` on `x`, one series per measure and split value.
pub(crate) fn pivot<'a>(
    table: &ResultTable,
    x: &'a ResultColumn,
    split: Option<&'a ResultColumn>,
    measures: &[&'a ResultColumn],
    opts: PivotOptions,
) -> Frame<'a> {
    // Split values, largest first by the first measure, capped.
    let mut splits: Vec<(String, f64)> = Vec::new();
    if let Some(s) = split {
        let mut index: HashMap<String, usize> = HashMap::new();
        for r in 0..table.rows.len() {
            let label = s.label(table.value(r, &s.member));
            let v = measures
                .first()
                .and_then(|m| table.number(r, &m.member))
                .unwrap_or(0.0)
                .abs();
            let i = *index.entry(label.clone()).or_insert_with(|| {
                splits.push((label, 0.0));
                splits.len() - 1
            });
            splits[i].1 += v;
        }
    }
    let total_splits = splits.len();
    if !opts.by_position {
        splits.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    splits.truncate(MAX_SPLIT_SERIES);
    let split_keys: Vec<Option<String>> = if split.is_some() {
        splits.iter().map(|(k, _)| Some(k.clone())).collect()
    } else {
        vec![None]
    };

    // X values: sorted periods for time, first appearance for categories.
    let mut order: Vec<usize> = (0..table.rows.len()).collect();
    if x.role == ColumnRole::Time || x.data_type == "time" {
        order.sort_by(|&a, &b| {
            time_key(table.value(a, &x.member)).cmp(&time_key(table.value(b, &x.member)))
        });
    }
    let mut x_index: HashMap<String, usize> = HashMap::new();
    let mut x_raw = Vec::new();
    let mut x_labels = Vec::new();
    let mut positions: HashMap<Option<String>, usize> = HashMap::new();
    let mut cells: Vec<(usize, Option<String>, usize)> = Vec::new(); // (x, split, row)
    for &r in &order {
        let skey = split.map(|s| s.label(table.value(r, &s.member)));
        if split.is_some() && !split_keys.contains(&skey) {
            continue;
        }
        let xi = if opts.by_position {
            let p = positions.entry(skey.clone()).or_insert(0);
            let xi = *p;
            *p += 1;
            if xi == x_labels.len() {
                x_raw.push(table.value(r, &x.member).clone());
                x_labels.push(x.label(table.value(r, &x.member)));
            }
            xi
        } else {
            let label = x.label(table.value(r, &x.member));
            *x_index.entry(label.clone()).or_insert_with(|| {
                x_raw.push(table.value(r, &x.member).clone());
                x_labels.push(label);
                x_labels.len() - 1
            })
        };
        cells.push((xi, skey, r));
    }

    let mut series = Vec::new();
    for skey in &split_keys {
        for m in measures {
            let mut values = vec![None; x_labels.len()];
            for (xi, s, r) in &cells {
                if s != skey {
                    continue;
                }
                if let Some(v) = table.number(*r, &m.member) {
                    let slot: &mut Option<f64> = &mut values[*xi];
                    *slot = Some(slot.unwrap_or(0.0) + v);
                }
            }
            let name = match skey {
                Some(k) if measures.len() > 1 => format!("{k} · {}", m.title),
                Some(k) => k.clone(),
                None => m.title.clone(),
            };
            series.push(FrameSeries {
                name,
                measure: m,
                split: skey.clone(),
                values,
            });
        }
    }
    let mut frame = Frame {
        x: Some(x),
        x_raw,
        x_labels,
        series,
        dropped: total_splits.saturating_sub(split_keys.len()),
    };
    if opts.sort_desc {
        sort_desc(&mut frame);
    }
    frame
}

/// Measures of a single row side by side: x values are the measure titles.
pub(crate) fn measures_side_by_side<'a>(
    table: &ResultTable,
    measures: &[&'a ResultColumn],
) -> Frame<'a> {
    let values = measures
        .iter()
        .map(|m| table.number(0, &m.member))
        .collect();
    Frame {
        x: None,
        x_raw: measures
            .iter()
            .map(|m| Value::String(m.member.clone()))
            .collect(),
        x_labels: measures.iter().map(|m| m.title.clone()).collect(),
        series: measures
            .first()
            .map(|m| FrameSeries {
                name: "Value".to_owned(),
                measure: m,
                split: None,
                values,
            })
            .into_iter()
            .collect(),
        dropped: 0,
    }
}

fn time_key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn sort_desc(frame: &mut Frame<'_>) {
    let Some(first) = frame.series.first() else {
        return;
    };
    let vals: Vec<f64> = first
        .values
        .iter()
        .map(|v| v.unwrap_or(f64::NEG_INFINITY))
        .collect();
    let monotonic = vals.windows(2).all(|w| w[0] >= w[1]) || vals.windows(2).all(|w| w[0] <= w[1]);
    if monotonic {
        return;
    }
    let mut idx: Vec<usize> = (0..vals.len()).collect();
    idx.sort_by(|&a, &b| vals[b].total_cmp(&vals[a]));
    frame.x_raw = idx.iter().map(|&i| frame.x_raw[i].clone()).collect();
    frame.x_labels = idx.iter().map(|&i| frame.x_labels[i].clone()).collect();
    for s in &mut frame.series {
        s.values = idx.iter().map(|&i| s.values[i]).collect();
    }
}
