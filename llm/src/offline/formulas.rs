//! Spreadsheet formulas as words: "SUMIFS of revenue where region is
//! Europe", "COUNTIFS orders by status", "MAXIFS of order total", "XLOOKUP
//! the customer with id 2045", "SORTBY countries on number of orders". A
//! function name says which aggregate is asked (or, for a lookup, none), so
//! it is read as the words a question would use; "of" or "on" after it
//! belongs to it.

use std::borrow::Cow;

use super::chunks::{chunks, Chunk};

/// Function names and the words they stand for.
const FUNCTIONS: &[(&str, &str)] = &[
    ("sumifs", "total"),
    ("sumif", "total"),
    ("sumproduct", "total"),
    ("countifs", "count of"),
    ("countif", "count of"),
    ("counta", "count of"),
    ("countunique", "count distinct"),
    ("countuniqueifs", "count distinct"),
    ("averageifs", "average"),
    ("averageif", "average"),
    ("maxifs", "highest"),
    ("minifs", "lowest"),
    ("xlookup", ""),
    ("vlookup", ""),
    ("hlookup", ""),
    ("index/match", ""),
    ("sortby", "sort by"),
];

/// `text` with its spreadsheet function names read as words; `text`
/// itself when it has none.
pub(super) fn as_words(text: &str) -> Cow<'_, str> {
    let c = chunks(text);
    let function = |chunk: &Chunk<'_>| {
        let name = chunk
            .text
            .trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '/')
            .to_lowercase();
        FUNCTIONS
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, words)| *words)
    };
    if !c.iter().any(|chunk| function(chunk).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out: Vec<&str> = Vec::with_capacity(c.len());
    let mut i = 0;
    while i < c.len() {
        match function(&c[i]) {
            Some(words) => {
                if !words.is_empty() {
                    out.push(words);
                }
                i += 1;
                if c.get(i)
                    .is_some_and(|n| matches!(n.word.as_str(), "of" | "on"))
                {
                    i += 1;
                }
            }
            None => {
                out.push(c[i].text);
                i += 1;
            }
        }
    }
    Cow::Owned(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::as_words;

    #[test]
    fn function_names_read_as_the_aggregate_they_ask_for() {
        let cases = [
            (
                "SUMIFS of revenue where region is Europe, for 2025",
                "total revenue where region is Europe, for 2025",
            ),
            ("COUNTIFS orders by status", "count of orders by status"),
            (
                "XLOOKUP the customer with id 2045",
                "the customer with id 2045",
            ),
            (
                "SORTBY countries on number of orders",
                "sort by countries on number of orders",
            ),
        ];
        for (formula, words) in cases {
            assert_eq!(as_words(formula), words, "{formula}");
        }
    }

    #[test]
    fn plain_words_stay() {
        for q in ["sum of revenue by month", "count orders by status"] {
            assert_eq!(as_words(q), q);
        }
    }
}
