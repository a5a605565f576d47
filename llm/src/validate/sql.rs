//! Telling SQL text from a plain value.

const SQL_STATEMENTS: [&str; 17] = [
    "select", "insert", "update", "delete", "drop", "alter", "create", "truncate", "grant",
    "revoke", "exec", "execute", "union", "with", "copy", "call", "merge",
];

/// True for text that reads as SQL rather than a value: a statement after a
/// `;`, `UNION … SELECT`, a comment marker next to a quote or `;`, or a
/// quoted tautology (`' OR 1=1`). Ordinary text with apostrophes
/// (`O'Reilly`) passes. Values are bound parameters and could not run anyway;
/// refusing these keeps such answers out of queries and logs altogether.
pub fn looks_like_sql(value: &str) -> bool {
    let lower = value.to_lowercase();
    let first_word = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric() && c != '_')
            .find(|w| !w.is_empty())
            .map(str::to_owned)
    };
    let statement_after_semicolon = lower
        .split(';')
        .skip(1)
        .filter_map(first_word)
        .any(|w| SQL_STATEMENTS.contains(&w.as_str()));
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    let union_select = words
        .iter()
        .position(|w| *w == "union")
        .is_some_and(|i| words[i..].contains(&"select"));
    let has_quote = lower.contains('\'') || lower.contains('"');
    let comment =
        (lower.contains("--") || lower.contains("/*")) && (has_quote || lower.contains(';'));
    let tautology =
        has_quote && lower.contains('=') && words.iter().any(|w| *w == "or" || *w == "and");
    statement_after_semicolon || union_select || comment || tautology
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_detector() {
        for sql in [
            "1; DROP TABLE orders",
            "a' OR '1'='1",
            "x UNION ALL SELECT password FROM users",
            "'; --",
        ] {
            assert!(looks_like_sql(sql), "{sql}");
        }
        for plain in [
            "O'Reilly",
            "Rock and Roll",
            "web; mobile",
            "2024-01-01",
            "a = b",
        ] {
            assert!(!looks_like_sql(plain), "{plain}");
        }
    }
}
