//! Grounding: every number a sentence states must come from computed facts.
//!
//! This is the check applied to insight texts, including the ones an LLM
//! rephrases: numbers are compared by value (`12.50` matches `12.5`, `1,234`
//! matches `1234`), ignoring signs and currency symbols, so "fell by 3%"
//! is grounded in a fact formatted `-3%`. Rounded or rescaled numbers
//! (`$1.2K` for `$1,234.00`) are not grounded.

use super::Fact;

/// The numbers written in `text`, as written (without sign or currency):
/// `"$1,234.50"` gives `1,234.50`, `"12.5%"` gives `12.5%`, `"2024-03"`
/// gives `2024` and `03`.
pub fn numbers_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) {
            i += 1;
            continue;
        }
        let start = i;
        while digit(i) {
            i += 1;
        }
        // Thousands groups: a comma followed by exactly three digits.
        while chars.get(i) == Some(&',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) {
            i += 4;
        }
        if chars.get(i) == Some(&'.') && digit(i + 1) {
            i += 1;
            while digit(i) {
                i += 1;
            }
        }
        if chars.get(i) == Some(&'%') {
            i += 1;
        }
        out.push(chars[start..i].iter().collect());
    }
    out
}

fn value_of(number: &str) -> Option<f64> {
    number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect::<String>()
        .parse()
        .ok()
}

fn same(a: &str, b: &str) -> bool {
    match (value_of(a), value_of(b)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

/// True when every number in `text` is one written in a fact's `formatted`.
pub fn grounded(text: &str, facts: &[Fact]) -> bool {
    let known: Vec<String> = facts
        .iter()
        .flat_map(|f| numbers_in(&f.formatted))
        .collect();
    numbers_in(text)
        .iter()
        .all(|n| known.iter().any(|k| same(n, k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fact(formatted: &str) -> Fact {
        Fact {
            name: "f".into(),
            value: json!(null),
            formatted: formatted.into(),
        }
    }

    #[test]
    fn extracts_numbers_as_written() {
        assert_eq!(
            numbers_in("Revenue rose 12.5% to $1,234.50 in 2024-03 (3,4 and 1,2345)."),
            vec!["12.5%", "1,234.50", "2024", "03", "3", "4", "1", "2345"]
        );
        assert!(numbers_in("no digits here").is_empty());
    }

    #[test]
    fn compares_by_value_ignoring_sign() {
        let facts = [fact("-12.50%"), fact("$1,234.00"), fact("2024-03")];
        assert!(grounded("It fell by 12.5% to 1234 in 2024-03.", &facts));
        assert!(!grounded("It fell by 12.6% in 2024-03.", &facts));
        assert!(!grounded("About $1.2K.", &facts));
        assert!(grounded("No numbers at all.", &[]));
    }
}
