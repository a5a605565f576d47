//! The computations behind each kind of insight, and their sentences.

use chrono::NaiveDate;

use super::series::{aggregate, period_end, Point};
use super::stats::{median, robust_z_scores, ANOMALY_THRESHOLD};
use super::{Fact, Insight, InsightKind};
use crate::chart::format::{format_decimals, format_percent, format_value};
use crate::intent::Intent;
use crate::table::{ResultColumn, ResultTable, COMPARE_DATE_RANGE};

/// Measures looked at (the first few of the query).
const MAX_MEASURES: usize = 3;
/// Contributors named in a top or bottom insight.
const CONTRIBUTORS: usize = 3;
/// Anomalies reported per measure.
const MAX_ANOMALIES: usize = 3;
/// Fewest periods a robust z-score is computed on.
const MIN_ANOMALY_POINTS: usize = 5;

/// Every insight the data supports, unordered.
pub(super) fn all(intent: Intent, table: &ResultTable, today: NaiveDate) -> Vec<Insight> {
    let mut out = Vec::new();
    if table.is_empty() {
        return out;
    }
    let time = table.times().first().copied();
    let compare = table.column(COMPARE_DATE_RANGE);
    let dims: Vec<&ResultColumn> = table
        .dimensions()
        .into_iter()
        .filter(|d| d.member != COMPARE_DATE_RANGE)
        .collect();
    for m in table.measures().into_iter().take(MAX_MEASURES) {
        if table.rows.len() == 1 && dims.is_empty() && compare.is_none() {
            out.extend(single_value(table, m));
            continue;
        }
        if let Some(c) = compare {
            // Ranges may overlap: their sum is no total.
            out.extend(comparison(table, c, m));
        } else if let Some(t) = time {
            out.extend(total(table, m, time, &dims));
            if let Some(points) = aggregate(table, t, m) {
                let (complete, partial) = complete_periods(&points, t, today);
                out.extend(change(complete, partial, m));
                out.extend(anomalies(intent, complete, m));
            }
        } else {
            out.extend(total(table, m, None, &dims));
        }
        if let Some(d) = dims.first() {
            out.extend(contributors(table, d, m));
        }
    }
    out
}

fn fmt(m: &ResultColumn, v: f64) -> String {
    format_value(v, m.format.as_deref())
}

fn single_value(table: &ResultTable, m: &ResultColumn) -> Option<Insight> {
    let v = table.number(0, &m.member)?;
    let value = Fact::number("value", v, fmt(m, v));
    Some(Insight {
        kind: InsightKind::Value,
        text: format!("{} is {}.", m.title, value.formatted),
        facts: vec![Fact::label("measure", &m.title), value],
    })
}

fn total(
    table: &ResultTable,
    m: &ResultColumn,
    time: Option<&ResultColumn>,
    dims: &[&ResultColumn],
) -> Option<Insight> {
    if !m.is_additive() {
        return None;
    }
    let values: Vec<f64> = table.numbers(&m.member).into_iter().flatten().collect();
    if values.len() < 2 {
        return None;
    }
    let sum: f64 = values.iter().sum();
    let total = Fact::number("total", sum, fmt(m, sum));
    let mut facts = vec![Fact::label("measure", &m.title), total.clone()];
    // Only some rows came back: their sum is not the whole.
    let of_shown = if table.limited {
        " of the rows shown"
    } else {
        ""
    };
    let text = match (time, dims.first()) {
        (Some(t), None) => {
            let points = aggregate(table, t, m)?;
            let (first, last) = (points.first()?, points.last()?);
            let n = Fact::number("periods", points.len() as f64, points.len().to_string());
            let from = Fact::label("first_period", &first.label);
            let to = Fact::label("last_period", &last.label);
            let text = format!(
                "Total {}{of_shown}: {} over {} periods, {} to {}.",
                m.title, total.formatted, n.formatted, from.formatted, to.formatted
            );
            facts.extend([n, from, to]);
            text
        }
        (_, Some(d)) => {
            let groups = aggregate(table, d, m)?.len();
            let n = Fact::number("groups", groups as f64, groups.to_string());
            let text = format!(
                "Total {}{of_shown}: {} across {} {} values.",
                m.title, total.formatted, n.formatted, d.title
            );
            facts.extend([Fact::label("dimension", &d.title), n]);
            text
        }
        (None, None) => {
            let n = Fact::number("rows", values.len() as f64, values.len().to_string());
            let text = format!(
                "Total {}{of_shown}: {} across {} rows.",
                m.title, total.formatted, n.formatted
            );
            facts.push(n);
            text
        }
    };
    Some(Insight {
        kind: InsightKind::Total,
        text,
        facts,
    })
}

/// Change from `prev` to `cur`, with the periods or ranges named.
fn change_insight(m: &ResultColumn, prev: &Point, cur: &Point, extra: Option<String>) -> Insight {
    let pp = Fact::label("previous_period", &prev.label);
    let cp = Fact::label("current_period", &cur.label);
    let pv = Fact::number("previous_value", prev.value, fmt(m, prev.value));
    let cv = Fact::number("current_value", cur.value, fmt(m, cur.value));
    let mut text = if prev.value == 0.0 {
        format!(
            "{} went from {} in {} to {} in {}.",
            m.title, pv.formatted, pp.formatted, cv.formatted, cp.formatted
        )
    } else {
        String::new()
    };
    let mut facts = vec![
        Fact::label("measure", &m.title),
        pp.clone(),
        cp.clone(),
        pv.clone(),
        cv.clone(),
    ];
    if prev.value != 0.0 {
        let pct = (cur.value - prev.value) / prev.value.abs() * 100.0;
        let change = Fact::number("change_pct", pct, format_percent(pct, true));
        let magnitude = format_percent(pct.abs(), false);
        text = if magnitude == "0%" {
            format!(
                "{} was unchanged from {} to {} ({}).",
                m.title, pp.formatted, cp.formatted, cv.formatted
            )
        } else {
            let verb = if pct > 0.0 { "rose" } else { "fell" };
            format!(
                "{} {verb} by {magnitude} from {} to {} ({} to {}).",
                m.title, pp.formatted, cp.formatted, pv.formatted, cv.formatted
            )
        };
        facts.push(change);
    }
    if let Some(partial) = extra {
        let p = Fact::label("partial_period", &partial);
        text.push_str(&format!(
            " {} is not complete yet and is left out.",
            p.formatted
        ));
        facts.push(p);
    }
    Insight {
        kind: InsightKind::Change,
        text,
        facts,
    }
}

/// The periods that have ended by `today`, and the label of the last one
/// when it has not.
fn complete_periods<'a>(
    points: &'a [Point],
    t: &ResultColumn,
    today: NaiveDate,
) -> (&'a [Point], Option<String>) {
    let (Some(last), Some(g), Some(today)) = (
        points.last(),
        t.granularity.as_deref(),
        today.and_hms_opt(0, 0, 0),
    ) else {
        return (points, None);
    };
    if period_end(&last.raw, g).is_some_and(|end| end > today) {
        (&points[..points.len() - 1], Some(last.label.clone()))
    } else {
        (points, None)
    }
}

fn change(points: &[Point], partial: Option<String>, m: &ResultColumn) -> Option<Insight> {
    let [.., prev, cur] = points else {
        return None;
    };
    Some(change_insight(m, prev, cur, partial))
}

fn comparison(table: &ResultTable, compare: &ResultColumn, m: &ResultColumn) -> Option<Insight> {
    let mut ranges = aggregate(table, compare, m)?;
    ranges.sort_by(|a, b| a.label.cmp(&b.label));
    let [.., prev, cur] = ranges.as_slice() else {
        return None;
    };
    Some(change_insight(m, prev, cur, None))
}

fn anomalies(intent: Intent, points: &[Point], m: &ResultColumn) -> Vec<Insight> {
    if points.len() < MIN_ANOMALY_POINTS {
        return Vec::new();
    }
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let z = robust_z_scores(&values);
    let med = median(&values).unwrap_or(0.0);
    let mut found: Vec<(usize, f64)> = z
        .iter()
        .enumerate()
        .filter(|(_, z)| z.abs() > ANOMALY_THRESHOLD)
        .map(|(i, z)| (i, *z))
        .collect();
    found.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    found.truncate(MAX_ANOMALIES);
    if found.is_empty() {
        if intent != Intent::Anomaly {
            return Vec::new();
        }
        let n = Fact::number("periods", points.len() as f64, points.len().to_string());
        let th = Fact::number(
            "threshold",
            ANOMALY_THRESHOLD,
            format_decimals(ANOMALY_THRESHOLD, 1),
        );
        return vec![Insight {
            kind: InsightKind::Anomaly,
            text: format!(
                "No unusual {} values across {} periods (no robust z-score beyond {}).",
                m.title, n.formatted, th.formatted
            ),
            facts: vec![Fact::label("measure", &m.title), n, th],
        }];
    }
    found
        .into_iter()
        .map(|(i, z)| {
            let p = &points[i];
            let period = Fact::label("period", &p.label);
            let value = Fact::number("value", p.value, fmt(m, p.value));
            let median = Fact::number("median", med, fmt(m, med));
            let score = Fact::number("z_score", z, format_decimals(z, 1));
            let high = if z > 0.0 { "high" } else { "low" };
            Insight {
                kind: InsightKind::Anomaly,
                text: format!(
                    "{} was unusually {high} in {}: {} against a median of {} (robust z-score {}).",
                    m.title, period.formatted, value.formatted, median.formatted, score.formatted
                ),
                facts: vec![
                    Fact::label("measure", &m.title),
                    period,
                    value,
                    median,
                    score,
                ],
            }
        })
        .collect()
}

fn contributors(table: &ResultTable, d: &ResultColumn, m: &ResultColumn) -> Vec<Insight> {
    let Some(mut points) = aggregate(table, d, m) else {
        return Vec::new();
    };
    if points.len() < 2 {
        return Vec::new();
    }
    points.sort_by(|a, b| b.value.total_cmp(&a.value));
    let sum: f64 = points.iter().map(|p| p.value).sum();
    let shares = m.is_additive() && sum > 0.0 && points.iter().all(|p| p.value >= 0.0);
    let whole = if table.limited {
        "of the rows shown"
    } else {
        "of the total"
    };
    let shares = shares.then_some((sum, whole));
    // A bottom-N ("the 5 smallest"): every row shown is among the smallest,
    // so the rows are reported as the smallest, smallest first.
    if table.smallest_first && table.limited {
        points.reverse();
        let n = CONTRIBUTORS.min(points.len());
        return vec![listing(
            InsightKind::Bottom,
            "Smallest",
            &points[..n],
            d,
            m,
            shares,
        )];
    }
    let top_n = CONTRIBUTORS.min(points.len() - 1);
    // Bottom contributors only when they are not just the rest of the top,
    // and only when every row came back (else they are not the smallest).
    let bottom_n = if points.len() > CONTRIBUTORS && !table.limited {
        CONTRIBUTORS.min(points.len() - top_n)
    } else {
        0
    };
    let mut out = vec![listing(
        InsightKind::Top,
        "Largest",
        &points[..top_n],
        d,
        m,
        shares,
    )];
    if bottom_n > 0 {
        let bottom: Vec<Point> = points.iter().rev().take(bottom_n).cloned().collect();
        out.push(listing(
            InsightKind::Bottom,
            "Smallest",
            &bottom,
            d,
            m,
            shares,
        ));
    }
    out
}

fn listing(
    kind: InsightKind,
    word: &str,
    points: &[Point],
    d: &ResultColumn,
    m: &ResultColumn,
    total: Option<(f64, &str)>,
) -> Insight {
    let prefix = if kind == InsightKind::Top {
        "top"
    } else {
        "bottom"
    };
    let mut facts = vec![
        Fact::label("measure", &m.title),
        Fact::label("dimension", &d.title),
    ];
    let mut parts = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let k = i + 1;
        let label = Fact::label(&format!("{prefix}_{k}"), &p.label);
        let value = Fact::number(&format!("{prefix}_{k}_value"), p.value, fmt(m, p.value));
        let mut part = format!("{} ({}", label.formatted, value.formatted);
        facts.extend([label, value]);
        if let Some((t, whole)) = total {
            let share = p.value / t * 100.0;
            let f = Fact::number(
                &format!("{prefix}_{k}_share_pct"),
                share,
                format_percent(share, false),
            );
            part.push_str(&format!(", {} {whole}", f.formatted));
            facts.push(f);
        }
        part.push(')');
        parts.push(part);
    }
    Insight {
        kind,
        text: format!("{word} {} by {}: {}.", d.title, m.title, parts.join(", ")),
        facts,
    }
}
