//! Pivot-table specs written as questions: "rows: country, values: sum of
//! net revenue, filters: region = South America", "measure = # of orders |
//! cols = payment method | period = last quarter". Each label followed by
//! `:` or `=` becomes the words a question would use ("rows" is "by", a
//! filter or a value list says nothing of its own), `|` and `->` separate
//! like commas, and `=` between a member and a value joins them.

use std::borrow::Cow;

/// Labels of a spec and the words they stand for in a question.
const LABELS: &[(&str, &str)] = &[
    ("rows", "by"),
    ("row", "by"),
    ("columns", "by"),
    ("column", "by"),
    ("cols", "by"),
    ("col", "by"),
    ("dimension", "by"),
    ("dimensions", "by"),
    ("group by", "by"),
    ("values", ""),
    ("value", ""),
    ("measure", ""),
    ("measures", ""),
    ("metric", ""),
    ("metrics", ""),
    ("filter", ""),
    ("filters", ""),
    ("period", ""),
    ("dates", ""),
    ("date range", ""),
    ("sort", "sorted by"),
    ("order by", "sorted by"),
    ("pivot", ""),
    ("table widget", "table of"),
    ("table", "table of"),
    // Dashboard tiles and charts named before what they show.
    ("number tile", "just the number"),
    ("kpi tile", "just the number"),
    ("kpi card", "just the number"),
    ("tile title", ""),
    ("widget title", ""),
    ("title", ""),
    ("tile", "just the number"),
    ("card", "just the number"),
    ("number", "just the number"),
    ("kpi", "just the number"),
    ("scorecard row", ""),
    ("scorecard", ""),
    ("map widget", ""),
    ("widget", ""),
    ("treemap replacement", ""),
    // Request tickets: "Req: margin by category / Scope: 2020 / Format:
    // table".
    ("req", ""),
    ("request", ""),
    ("need", ""),
    ("scope", ""),
    ("format", "as a"),
    ("fields", "with"),
    ("field", "with"),
    ("chart", ""),
    ("graph", ""),
];

/// `text` as a question when it is a spec (some label ends in `:` or `=`);
/// `text` itself otherwise.
pub(super) fn as_question(text: &str) -> Cow<'_, str> {
    match placed_fields(text) {
        Some(placed) => Cow::Owned(labelled_fields(&placed).into_owned()),
        None => labelled_fields(text),
    }
}

/// "pivot with region in rows and count of customers in values": fields
/// placed by "in rows" / "in values" after them, read as "by region" and
/// "count of customers"; `None` when the text places none.
fn placed_fields(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let plain = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let place_at = |i: usize| -> Option<(usize, bool)> {
        if !matches!(plain(words.get(i)?).as_str(), "in" | "as" | "on") {
            return None;
        }
        let mut k = i + 1;
        if words.get(k).is_some_and(|w| plain(w) == "the") {
            k += 1;
        }
        match plain(words.get(k)?).as_str() {
            "rows" | "row" | "columns" | "column" | "cols" => Some((k + 1 - i, true)),
            "values" | "value" => Some((k + 1 - i, false)),
            _ => None,
        }
    };
    let mut out: Vec<String> = Vec::new();
    let mut field_start = 0;
    let mut placed = false;
    let mut i = 0;
    while i < words.len() {
        if let Some((len, grouping)) = place_at(i) {
            placed = true;
            if grouping {
                out.insert(field_start, "by".to_owned());
            }
            // The mark ends the field: keep its punctuation ("rows,").
            if let Some(last) = words[i + len - 1]
                .chars()
                .last()
                .filter(|c| matches!(c, ',' | ';'))
            {
                out.push(last.to_string());
            }
            i += len;
            field_start = out.len();
            continue;
        }
        let w = words[i];
        out.push(w.to_owned());
        if matches!(plain(w).as_str(), "with" | "and") || w.ends_with([',', ':', ';']) {
            field_start = out.len();
        }
        i += 1;
    }
    placed.then(|| out.join(" "))
}

/// `text` as a question when it is a spec of labelled fields (some label
/// ends in `:` or `=`); `text` itself otherwise.
fn labelled_fields(text: &str) -> Cow<'_, str> {
    let lower = text.to_lowercase();
    if !LABELS
        .iter()
        .any(|(label, _)| label_at_any(&lower, label).is_some())
    {
        return Cow::Borrowed(text);
    }
    // Lowercasing keeps byte offsets only for ASCII text; a spec with other
    // letters is read as it was typed.
    if lower.len() != text.len() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < text.len() {
        let rest = &lower[i..];
        let label = field_start(&lower[..i])
            .then(|| {
                LABELS
                    .iter()
                    .find_map(|(label, words)| marked(rest, label).map(|len| (len, *words)))
            })
            .flatten();
        if let Some((len, words)) = label {
            out.push(' ');
            out.push_str(words);
            out.push(' ');
            i += len;
            continue;
        }
        // "Scope: Q4 2020 / Format: table": a slash between spaces
        // separates fields.
        if rest.starts_with("/ ") && text[..i].ends_with(' ') {
            out.push(',');
            i += 1;
            continue;
        }
        if rest.starts_with("->") {
            out.push_str(", ");
            i += 2;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '|' => out.push(','),
            // "discount >= 20%": a comparison, read by the tokenizer.
            '=' if text[..i].ends_with(['>', '<', '!']) => out.push('='),
            '=' => out.push(' '),
            '+' => out.push_str(" and "),
            '#' if rest[1..].trim_start().starts_with("of ") => out.push_str("number"),
            _ => out.push_str(&text[i..i + c.len_utf8()]),
        }
        i += c.len_utf8();
    }
    Cow::Owned(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The length of `label` and the `:`, `=`, `->` or dash ("table - top 10
/// products") after it at the start of `rest`.
fn marked(rest: &str, label: &str) -> Option<usize> {
    let after = rest.strip_prefix(label)?;
    let marks = after.trim_start();
    let spaces = after.len() - marks.len();
    let mark = [":", "=", "->", "- ", "\u{2013}", "\u{2014}"]
        .into_iter()
        .find(|m| marks.starts_with(m))?;
    Some(label.len() + spaces + mark.len())
}

/// Whether a field of a spec starts after `before`: at the start of the
/// text or after a separator ("Average order value: Q1" has no field).
fn field_start(before: &str) -> bool {
    let before = before.trim_end();
    // "pivot with rows = region and columns = segment".
    let joined = [" and", " with"]
        .iter()
        .any(|w| before.ends_with(w) || before == &w[1..]);
    joined
        || before
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, ',' | '|' | ';' | '>' | '(' | '/' | '\n'))
        // "pivot: rows = age group": a field after a label's colon.
        || LABELS.iter().any(|(label, _)| {
            before
                .strip_suffix(':')
                .is_some_and(|b| b.trim_end().ends_with(label))
        })
}

/// Where `label` followed by its mark first opens a field.
fn label_at_any(lower: &str, label: &str) -> Option<usize> {
    lower
        .match_indices(label)
        .map(|(i, _)| i)
        .find(|&i| field_start(&lower[..i]) && marked(&lower[i..], label).is_some())
}

#[cfg(test)]
mod tests {
    use super::as_question;

    #[test]
    fn labels_become_question_words() {
        assert_eq!(
            as_question(
                "rows: country, values: sum of net revenue, filters: region = South America"
            ),
            "by country, sum of net revenue, region South America"
        );
        assert_eq!(
            as_question("pivot -> rows = channel, cols = payment method, measure = # of orders"),
            "by channel, by payment method, number of orders"
        );
        assert_eq!(
            as_question(
                "values: units sold + product revenue | rows: category | sort: revenue desc"
            ),
            "units sold and product revenue , by category , sorted by revenue desc"
        );
        assert_eq!(
            as_question("table - top 10 products by profit"),
            "table of top 10 products by profit"
        );
        assert_eq!(
            as_question("number tile: total units sold YTD"),
            "just the number total units sold YTD"
        );
        assert_eq!(
            as_question("chart: units by brand, Q1"),
            "units by brand, Q1"
        );
        assert_eq!(
            as_question("Req: total sales by city / Scope: Oct-Dec 2020 / Format: table"),
            "total sales by city , Oct-Dec 2020 , as a table"
        );
        assert_eq!(
            as_question("KPI card: net revenue, YTD"),
            "just the number net revenue, YTD"
        );
        assert_eq!(
            as_question("pivot with rows = region and columns = segment"),
            "pivot with by region and by segment"
        );
        // A comparison sign keeps its "=".
        assert_eq!(
            as_question("Need: count of lines w/ discount >= 20%"),
            "count of lines w/ discount >= 20%"
        );
    }

    #[test]
    fn text_without_labels_is_kept() {
        for q in [
            "revenue by country in 2025",
            "which values of status exist?",
            "Average order value: Q1 this year vs Q1 last year.",
            "show the rows of order 12",
            "orders where the total is above 100",
            "number of orders by channel",
            "Quick one - which age group buys the most",
        ] {
            assert!(
                matches!(as_question(q), std::borrow::Cow::Borrowed(_)),
                "{q}"
            );
        }
    }
}
