//! Finding a value at question time. The catalog keeps the complete value
//! lists of low-cardinality dimensions only; a customer's or a product's
//! name is not among them. When the offline translator sends a question back
//! because a value-like word is unknown, the words around it are looked up in
//! the data: the string dimensions the caller may see that have no complete
//! list, case-insensitively, through the caller's own scope (claims, grant
//! and row filters, so a tenant only ever finds its own values), a few rows
//! per dimension, concurrently, within a deadline. A value found in exactly
//! one dimension is added to a copy of the catalog and the question is read
//! again; otherwise the clarification stands.

use std::time::Duration;

use strata_engine::query::{Filter, FilterOperator};
use strata_engine::{CacheMode, Query};
use strata_llm::offline::sample_candidates;
use strata_llm::Catalog;
use tokio::task::JoinSet;

use crate::scope::AnalystScope;

/// Most dimensions searched for one phrase.
const MAX_DIMENSIONS: usize = 12;
/// Rows read per dimension.
const MAX_ROWS: u64 = 5;
/// Time allowed for the whole search.
const DEADLINE: Duration = Duration::from_secs(2);
/// Longest phrase searched (characters).
const MAX_PHRASE_CHARS: usize = 80;

/// The phrases around `word` in `question` that may be a value, most likely
/// first: the run of capitalized words or numbers containing it ("Customer
/// 7", "Emma Schmidt"), then the word with its next or previous word (a name
/// typed in lower case), then the word alone.
pub(crate) fn phrases_around(question: &str, word: &str) -> Vec<String> {
    let words: Vec<&str> = question
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '?' | '!' | ';' | ':' | '"'))
        .map(|w| w.trim_end_matches(['.', '\'']))
        .filter(|w| !w.is_empty())
        .collect();
    let Some(at) = words.iter().position(|w| w.eq_ignore_ascii_case(word)) else {
        return vec![word.to_owned()];
    };
    let part = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase) || w.chars().all(|c| c.is_ascii_digit())
    };
    let mut start = at;
    while start > 1 && part(words[start - 1]) {
        start -= 1;
    }
    let mut end = at + 1;
    while end < words.len() && part(words[end]) {
        end += 1;
    }
    let mut phrases = vec![words[start..end].join(" ")];
    if let Some(next) = words.get(at + 1) {
        phrases.push(format!("{} {next}", words[at]));
    }
    if at > 1 {
        phrases.push(format!("{} {}", words[at - 1], words[at]));
    }
    phrases.push(words[at].to_owned());
    let mut seen = Vec::new();
    phrases.retain(|p| {
        let new = !seen.contains(p);
        seen.push(p.clone());
        new
    });
    phrases
}

/// The first of `phrases` found as a whole value of exactly one dimension:
/// the dimension and the value as stored.
pub(crate) async fn find_one(
    scope: &AnalystScope,
    catalog: &Catalog,
    phrases: &[String],
) -> Option<(String, String)> {
    let lookups = async {
        for phrase in phrases {
            if let [one] = search(scope, catalog, phrase).await.as_slice() {
                return Some(one.clone());
            }
        }
        None
    };
    tokio::time::timeout(DEADLINE, lookups).await.ok().flatten()
}

/// The dimensions `phrase` is a whole value of, with the value as stored.
async fn search(scope: &AnalystScope, catalog: &Catalog, phrase: &str) -> Vec<(String, String)> {
    if phrase.is_empty() || phrase.chars().count() > MAX_PHRASE_CHARS {
        return Vec::new();
    }
    let dimensions: Vec<String> = sample_candidates(catalog)
        .into_iter()
        .filter(|d| {
            catalog
                .get(d)
                .is_some_and(|m| m.sample_values.is_empty() && !m.in_view)
        })
        .take(MAX_DIMENSIONS)
        .collect();
    let mut tasks = JoinSet::new();
    for dimension in dimensions {
        let scope = scope.clone();
        let phrase = phrase.to_owned();
        tasks.spawn(async move {
            let query = Query {
                dimensions: vec![dimension.clone()],
                filters: vec![Filter::Member {
                    member: dimension.clone(),
                    operator: FilterOperator::Contains,
                    values: vec![Some(phrase.clone())],
                }],
                limit: Some(MAX_ROWS),
                ..Query::default()
            };
            let options = scope.load_options(CacheMode::default());
            let loaded = match scope.engine().load_with(&query, &options).await {
                Ok(loaded) => loaded,
                Err(e) => {
                    tracing::debug!("value search in {dimension} failed: {e}");
                    return None;
                }
            };
            let rows = loaded.result.rows_json();
            let value = rows.iter().find_map(|row| {
                row.get(&dimension)
                    .and_then(serde_json::Value::as_str)
                    .filter(|v| v.eq_ignore_ascii_case(&phrase))
                    .map(str::to_owned)
            })?;
            Some((dimension, value))
        });
    }
    let mut found = Vec::new();
    let collect = async {
        while let Some(done) = tasks.join_next().await {
            if let Ok(Some(hit)) = done {
                found.push(hit);
            }
        }
    };
    if tokio::time::timeout(DEADLINE, collect).await.is_err() {
        tracing::debug!("value search for {phrase:?} ran out of time");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::phrases_around;

    #[test]
    fn phrases_start_with_the_run_of_capitalized_words_and_numbers() {
        assert_eq!(
            phrases_around("sales for Customer 7", "Customer")[0],
            "Customer 7"
        );
        assert_eq!(
            phrases_around("revenue from Emma Schmidt last year", "Schmidt")[0],
            "Emma Schmidt"
        );
        assert_eq!(
            phrases_around("orders of emma schmidt", "emma"),
            ["emma", "emma schmidt", "of emma"]
        );
        // The question's first word is not part of a name.
        assert_eq!(phrases_around("Show Acme orders", "Acme")[0], "Acme");
    }
}
