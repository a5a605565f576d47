//! How alike two questions are: the words of each, lower-cased, without
//! punctuation, de-duplicated and sorted, compared by normalized Levenshtein
//! similarity (1.0 for the same words in any order; a plural or a typo
//! costs a little).

use crate::feedback::ApprovedPair;

/// Similarity from which a question is a near-duplicate of an approved one.
pub const NEAR_DUPLICATE: f64 = 0.9;

/// Approved pairs sent to an LLM as examples.
pub const MAX_EXAMPLES: usize = 3;

/// The question's words, normalized: `"Revenue, by channel?"` → `"by channel revenue"`.
pub fn normalized_words(question: &str) -> String {
    let mut words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words.join(" ")
}

/// How alike `a` and `b` are, from 0.0 to 1.0.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (normalized_words(a), normalized_words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    strsim::normalized_levenshtein(&a, &b)
}

/// The pairs closest to `question`, most alike first (ties: the newer pair,
/// as `pairs` come newest first), at most `n`, each at least `min` alike.
pub fn closest<'a>(
    question: &str,
    pairs: &'a [ApprovedPair],
    n: usize,
    min: f64,
) -> Vec<(&'a ApprovedPair, f64)> {
    let words = normalized_words(question);
    let mut scored: Vec<(usize, &ApprovedPair, f64)> = pairs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let other = normalized_words(&p.question);
            if words.is_empty() || other.is_empty() {
                return None;
            }
            let score = strsim::normalized_levenshtein(&words, &other);
            (score >= min).then_some((i, p, score))
        })
        .collect();
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    scored.into_iter().take(n).map(|(_, p, s)| (p, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_llm::Intent;

    fn pair(question: &str) -> ApprovedPair {
        ApprovedPair {
            question: question.into(),
            query: strata_engine::Query::default(),
            intent: Intent::Metric,
        }
    }

    #[test]
    fn near_duplicates_differ_in_order_case_punctuation_and_a_letter() {
        for (a, b) in [
            ("Revenue by channel", "revenue, by channel?"),
            ("revenue by channel", "by channel: revenue"),
            ("revenue by channel", "revenue by channels"),
            (
                "orders by status last month",
                "Orders by status, last month!",
            ),
        ] {
            assert!(
                similarity(a, b) >= NEAR_DUPLICATE,
                "{a} / {b}: {}",
                similarity(a, b)
            );
        }
        for (a, b) in [
            ("revenue by channel", "revenue by country"),
            ("revenue by channel", "orders by channel"),
            (
                "revenue by channel",
                "what is the revenue by channel last year",
            ),
            ("", ""),
        ] {
            assert!(
                similarity(a, b) < NEAR_DUPLICATE,
                "{a} / {b}: {}",
                similarity(a, b)
            );
        }
    }

    #[test]
    fn closest_pairs_come_most_alike_first() {
        let pairs = [
            pair("orders by channel"),
            pair("revenue by country"),
            pair("revenue by channel"),
            pair("???"),
        ];
        let got: Vec<&str> = closest("Revenue by channels", &pairs, 2, 0.0)
            .into_iter()
            .map(|(p, _)| p.question.as_str())
            .collect();
        assert_eq!(got, ["revenue by channel", "revenue by country"]);
        assert!(closest("revenue by channels", &pairs, 3, NEAR_DUPLICATE).len() == 1);
    }
}
