//! The last period of a time series that has not ended yet (the current
//! month, a week with two days of data so far) is drawn, but marked: a
//! shaded "incomplete" area over it and a note, so that its low value is
//! not read as a drop. The insights leave such a period out of changes.

use chrono::NaiveDate;
use serde_json::{json, Value};

use super::Chart;
use crate::insights::series::period_end;
use crate::table::ResultTable;

/// Marks the last period of `chart` when it ends after `today`. Only charts
/// on a time axis are marked (their x values are the periods' starts).
pub fn mark_partial_period(chart: &mut Chart, table: &ResultTable, today: NaiveDate) {
    let Some(time) = table.times().first().copied() else {
        return;
    };
    let Some(granularity) = time.granularity.as_deref() else {
        return;
    };
    let Some(last) = table
        .rows
        .iter()
        .filter_map(|r| r.get(&time.member).and_then(Value::as_str))
        .max()
    else {
        return;
    };
    let (Some(end), Some(today)) = (period_end(last, granularity), today.and_hms_opt(0, 0, 0))
    else {
        return;
    };
    if end <= today {
        return;
    }
    let on_time_axis = chart
        .option
        .pointer("/xAxis/type")
        .and_then(Value::as_str)
        .is_some_and(|t| t == "time");
    let Some(first) = chart
        .option
        .get_mut("series")
        .and_then(Value::as_array_mut)
        .and_then(|s| s.first_mut())
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if !on_time_axis {
        return;
    }
    first.insert(
        "markArea".into(),
        json!({
            "silent": true,
            "itemStyle": {"color": "rgba(128, 128, 128, 0.15)"},
            "label": {"show": true, "position": "insideTop", "formatter": "incomplete"},
            "data": [[{"xAxis": last}, {"xAxis": "max"}]]
        }),
    );
    let label = last.get(..10).unwrap_or(last);
    let note = format!(
        "The last period (from {label}) has not ended yet: its value is partial and shaded."
    );
    chart.note = Some(match chart.note.take() {
        Some(n) => format!("{n} {note}"),
        None => note,
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::chart::recommend;
    use crate::table::ResultColumn;
    use crate::Intent;

    fn monthly(last: &str) -> ResultTable {
        let month = ResultColumn::time("Orders.created_at.month", "Created", "month");
        let rows = vec![
            json!({"Orders.created_at.month": "2026-10-01T00:00:00.000", "Orders.count": "10"}),
            json!({"Orders.created_at.month": "2026-11-01T00:00:00.000", "Orders.count": "12"}),
            json!({"Orders.created_at.month": last, "Orders.count": "3"}),
        ];
        ResultTable::new(
            vec![month, ResultColumn::measure("Orders.count", "Orders")],
            rows,
        )
    }

    #[test]
    fn an_unfinished_last_period_is_shaded_and_noted() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        let table = monthly("2026-12-01T00:00:00.000");
        let mut chart = recommend(Intent::Trend, &table, None);
        mark_partial_period(&mut chart, &table, today);
        let area = &chart.option["series"][0]["markArea"];
        assert_eq!(
            area["data"][0][0]["xAxis"], "2026-12-01T00:00:00.000",
            "{}",
            chart.option
        );
        assert!(
            chart
                .note
                .as_deref()
                .is_some_and(|n| n.contains("2026-12-01")),
            "{:?}",
            chart.note
        );

        // A finished last period is left alone.
        let table = monthly("2026-11-15T00:00:00.000");
        let mut chart = recommend(Intent::Trend, &table, None);
        let today = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
        mark_partial_period(&mut chart, &table, today);
        assert!(chart.option["series"][0].get("markArea").is_none());
    }
}
