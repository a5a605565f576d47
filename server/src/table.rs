//! Plain-text tables for the `strata query` command.

use serde_json::Value;

/// Text of one JSON value in a table cell: strings unquoted, `null` as `NULL`,
/// anything else as JSON.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Column names of a `/load` result: the `member` of each entry of
/// `columns` (as returned by `LoadResult::columns_json`), else the keys of the
/// first row.
pub fn headers(columns: &Value, rows: &[Value]) -> Vec<String> {
    let from_columns: Vec<String> = columns
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("member").and_then(Value::as_str).map(str::to_string))
        .collect();
    if !from_columns.is_empty() {
        return from_columns;
    }
    rows.first()
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Renders rows (JSON objects keyed by column name) under `headers`, columns
/// padded to their widest cell and separated by ` | `, with a `-+-` rule under
/// the header row.
pub fn render(headers: &[String], rows: &[Value]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            headers
                .iter()
                .map(|h| row.get(h).map_or_else(String::new, cell_text))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(h.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: &[String]| {
        values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_string()
    };
    let mut out = String::new();
    out.push_str(&line(headers));
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-"),
    );
    out.push('\n');
    for row in &cells {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_a_table() {
        let rows = vec![
            json!({"Orders.status": "completed", "Orders.count": "12"}),
            json!({"Orders.status": null, "Orders.count": 3}),
        ];
        let h = headers(&json!([]), &rows);
        assert_eq!(h, vec!["Orders.status", "Orders.count"]);
        let t = render(&h, &rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "Orders.status | Orders.count");
        assert_eq!(lines[1], "--------------+-------------");
        assert_eq!(lines[2], "completed     | 12");
        assert_eq!(lines[3], "NULL          | 3");
    }

    #[test]
    fn headers_from_columns() {
        let cols = json!([{"member": "A.b"}, {"member": "A.c"}]);
        assert_eq!(headers(&cols, &[]), vec!["A.b", "A.c"]);
    }
}
