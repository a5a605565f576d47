//! Clauses saying nothing is left out: "the gross order value, cancelled and
//! returned orders included, for 2025", "registered customers, all segments
//! included", "1 to 31 May, both dates inclusive". What they name is neither
//! a filter nor a split: everything is counted, as without them. Such a
//! clause (set off by commas, after the ask, ending in "included" or
//! "inclusive") is cut before the question is read.

use std::borrow::Cow;

use super::chunks::{chunks, join, Chunk};

/// The words that end a clause of inclusion.
const INCLUDED: &[&str] = &["included", "inclusive", "counted"];

/// The longest clause of inclusion cut, in chunks: longer clauses say more.
const MAX_CLAUSE: usize = 6;

/// `text` without its clauses of inclusion; `text` itself when it has none.
pub(super) fn without_inclusions(text: &str) -> Cow<'_, str> {
    let c = chunks(text);
    let mut kept: Vec<Chunk<'_>> = Vec::with_capacity(c.len());
    let mut start = 0;
    let mut cut = false;
    for end in 0..c.len() {
        let last = end + 1 == c.len();
        let closes = last || c[end].closes();
        if !closes {
            continue;
        }
        let clause = &c[start..=end];
        let inclusion = start > 0
            && clause.len() <= MAX_CLAUSE
            && INCLUDED.contains(&clause[clause.len() - 1].word.as_str());
        if inclusion {
            cut = true;
            // The clause's closing mark stays on what came before ("…
            // 2025." keeps its full stop).
            if let (Some(prev), Some(mark)) = (kept.last_mut(), closing_mark(c[end].text)) {
                let trimmed = prev.text.trim_end_matches([',', ';']);
                if trimmed.len() < prev.text.len() && mark != ',' {
                    prev.text = trimmed;
                }
            }
        } else {
            kept.extend_from_slice(clause);
        }
        start = end + 1;
    }
    if cut {
        Cow::Owned(join(&kept))
    } else {
        Cow::Borrowed(text)
    }
}

/// The punctuation closing a chunk, if any.
fn closing_mark(text: &str) -> Option<char> {
    text.chars().last().filter(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::without_inclusions;

    #[test]
    fn clauses_saying_everything_counts_are_cut() {
        let cases = [
            (
                "Please confirm the gross order value, cancelled and returned orders included, for calendar year 2025.",
                "Please confirm the gross order value, for calendar year 2025.",
            ),
            (
                "the number of registered customer accounts on file, all segments included.",
                "the number of registered customer accounts on file",
            ),
        ];
        for (asked, plain) in cases {
            assert_eq!(without_inclusions(asked), plain, "{asked}");
        }
    }

    #[test]
    fn a_clause_that_asks_stays() {
        for q in [
            "revenue for 1 to 31 May inclusive",
            "orders that included a Beauty product, by month",
        ] {
            assert_eq!(without_inclusions(q), q);
        }
    }
}
