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

/// The table style: no borders, ` | ` between columns and a `-+-` rule under
/// the header row (comfy-table's components, in its order: the header line
/// `-`, its crossings `+`, the column lines `|`; a space draws nothing).
const STYLE: &str = "     -+ |          ";

/// Renders rows (JSON objects keyed by column name) under `headers`, columns
/// padded to their widest cell and separated by ` | `, with a `-+-` rule under
/// the header row. Widths are display widths (a CJK character takes two
/// columns) and a cell with line breaks spans several lines.
pub fn render(headers: &[String], rows: &[Value]) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(STYLE).set_header(headers);
    for row in rows {
        table.add_row(
            headers
                .iter()
                .map(|h| row.get(h).map_or_else(String::new, cell_text)),
        );
    }
    // One space each side of a column line, none at the table's edges.
    let last = headers.len().saturating_sub(1);
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((u16::from(i > 0), u16::from(i < last)));
    }
    let mut out = table.trim_fmt();
    out.push('\n');
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
        assert_eq!(lines.len(), 4);
        assert!(t.ends_with('\n'));
    }

    #[test]
    fn aligns_wide_text_and_line_breaks() {
        let h: Vec<String> = ["A.x", "A.y", "A.z"].map(String::from).into();
        let rows = vec![
            json!({"A.x": "日本", "A.y": "a\nbc", "A.z": 1.5}),
            json!({"A.x": "x", "A.y": true}),
        ];
        assert_eq!(
            render(&h, &rows),
            "A.x  | A.y  | A.z\n\
             -----+------+----\n\
             日本 | a    | 1.5\n\
             \x20    | bc   |\n\
             x    | true |\n"
        );
    }

    #[test]
    fn headers_from_columns() {
        let cols = json!([{"member": "A.b"}, {"member": "A.c"}]);
        assert_eq!(headers(&cols, &[]), vec!["A.b", "A.c"]);
    }
}
