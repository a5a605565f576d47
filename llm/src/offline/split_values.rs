//! Values listed to explain a split: "count of orders by order size
//! (small / medium / large)", "orders by channel (web, mobile,
//! marketplace)". The values in brackets after "by" or "per" say what the
//! rows will be; they restrict nothing, so the brackets are cut before the
//! question is read. Brackets that restrict ("(web and mobile only)",
//! "(excluding marketplace)") or hold anything but values stay.

use std::borrow::Cow;

use super::correction::{NameOf, Named};

/// Words that make a bracketed list a restriction.
const RESTRICTING: &[&str] = &[
    "only",
    "just",
    "excluding",
    "except",
    "without",
    "not",
    "no",
    "exclude",
    "ignore",
    "minus",
];

/// Words that separate the values of a list.
const SEPARATORS: &[&str] = &["and", "or", "vs", "versus"];

/// How many words before the bracket the "by" or "per" may stand ("by
/// order size bucket (…)").
const SPLIT_REACH: usize = 4;

/// `text` without the bracketed value lists that explain a split; `text`
/// itself when it has none.
pub(super) fn without_listed_values<'t>(text: &'t str, name_of: NameOf<'_>) -> Cow<'t, str> {
    let mut out = String::new();
    let mut rest = text;
    let mut cut = false;
    while let Some(open) = rest.find('(') {
        let Some(len) = rest[open..].find(')') else {
            break;
        };
        let (before, inner) = (&rest[..open], &rest[open + 1..open + len]);
        if after_split(before) && lists_values(inner, name_of) {
            out.push_str(before.trim_end());
            cut = true;
        } else {
            out.push_str(&rest[..=open + len]);
        }
        rest = &rest[open + len + 1..];
    }
    if !cut {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether "by" or "per" stands among the last few words of `before`.
fn after_split(before: &str) -> bool {
    before
        .split_whitespace()
        .rev()
        .take(SPLIT_REACH)
        .any(|w| w.eq_ignore_ascii_case("by") || w.eq_ignore_ascii_case("per"))
}

/// Whether `inner` is two or more values of one dimension, separated by
/// commas, slashes or "and"/"or", and no word restricting them.
fn lists_values(inner: &str, name_of: NameOf<'_>) -> bool {
    let words: Vec<String> = inner
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '/' | ';'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.iter().any(|w| RESTRICTING.contains(&w.as_str())) {
        return false;
    }
    let items: Vec<String> = inner
        .split([',', '/', ';'])
        .flat_map(|part| split_words(part, SEPARATORS))
        .filter(|item| !item.is_empty())
        .collect();
    if items.len() < 2 {
        return false;
    }
    let mut common: Option<Vec<usize>> = None;
    for item in &items {
        let Some((Named::Value(members), len)) = name_of(item) else {
            return false;
        };
        if len != item.split_whitespace().count() {
            return false;
        }
        let shared: Vec<usize> = match common {
            None => members,
            Some(c) => c.into_iter().filter(|m| members.contains(m)).collect(),
        };
        if shared.is_empty() {
            return false;
        }
        common = Some(shared);
    }
    true
}

/// `part` split at the words `separators`, each piece trimmed.
fn split_words(part: &str, separators: &[&str]) -> Vec<String> {
    let mut items = vec![String::new()];
    for w in part.split_whitespace() {
        if separators.contains(&w.to_lowercase().as_str()) {
            items.push(String::new());
        } else if let Some(last) = items.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(w);
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "small", "medium", "large", "web", "mobile" are values of member 1;
    /// "north america" of members 1 and 2; "may" is a period.
    fn name_of(text: &str) -> Option<(Named, usize)> {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        match words.as_slice() {
            ["north", "america", ..] => Some((Named::Value(vec![1, 2]), 2)),
            [w, ..] if ["small", "medium", "large", "web", "mobile"].contains(w) => {
                Some((Named::Value(vec![1]), 1))
            }
            ["may", ..] => Some((Named::Period, 1)),
            _ => None,
        }
    }

    fn cut(text: &str) -> String {
        without_listed_values(text, &name_of).into_owned()
    }

    #[test]
    fn values_listed_after_a_split_are_cut() {
        assert_eq!(
            cut("count of orders by order_size bucket (small / medium / large) for 2025"),
            "count of orders by order_size bucket for 2025"
        );
        assert_eq!(cut("orders by channel (web, mobile)"), "orders by channel");
        assert_eq!(
            cut("orders per region (North America and web)"),
            "orders per region"
        );
    }

    #[test]
    fn restricting_or_other_brackets_stay() {
        for text in [
            "orders by channel (web and mobile only)",
            "orders by channel (excluding web)",
            "orders by channel (web)",
            "orders by channel (web, May)",
            "orders (web, mobile) last week",
            "orders by size (small, huge)",
            "orders by size (small, medium",
        ] {
            assert_eq!(cut(text), text);
        }
    }
}
