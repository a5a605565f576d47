//! Numbers the answer does not use. "Which SKUs had between $100 and $500
//! in total sales" read without its range lists every product: an answer
//! to a broader question. A number that no part of the reading took (a
//! period, a condition, a value, a ranking, a member's own name) and that
//! the query does not carry is asked about instead.

use super::parse::Analysis;
use crate::translation::Translation;

/// The first number of the question that the reading left unused and the
/// query does not carry, as typed.
pub(crate) fn first_unused(a: &Analysis, t: &Translation) -> Option<String> {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    taken.extend(a.times.iter().map(|f| (f.start, f.end)));
    taken.extend(
        a.numeric
            .iter()
            .map(|n| (n.condition.start, n.condition.end)),
    );
    taken.extend(a.values.iter().map(|v| (v.start, v.end)));
    taken.extend(a.mentions.iter().map(|m| (m.start, m.end)));
    taken.extend(a.text_conditions.iter().map(|c| (c.start, c.end)));
    let is_taken = |i: usize| taken.iter().any(|&(s, e)| (s..e).contains(&i));
    // The query as text, written only when a number is left over (most
    // questions have none).
    let mut carried: Option<String> = None;
    a.tokens.iter().enumerate().find_map(|(i, tok)| {
        let number = tok.number()?;
        let ranked =
            a.ranking.used.contains(&i) || a.ranking.limit.is_some_and(|n| f64::from(n) == number);
        if ranked || is_taken(i) {
            return None;
        }
        let carried =
            carried.get_or_insert_with(|| serde_json::to_string(&t.query).unwrap_or_default());
        (!carried.contains(tok.text.as_str())).then(|| tok.orig.clone())
    })
}
