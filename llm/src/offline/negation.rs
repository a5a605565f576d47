//! Negation of a value: before it ("excluding web", "orders not paid by
//! gift card", "all but Electronics") or after it ("Trailhead excluded",
//! "the marketplace left out").

use super::cues;
use super::stopwords::is_skippable;
use super::text::Token;

/// Words that may stand between a negation and the value it negates ("not
/// paid by gift card", "not shipped to Germany").
const NEGATION_BRIDGES: &[&str] = &[
    "paid",
    "made",
    "placed",
    "sold",
    "shipped",
    "bought",
    "ordered",
    "by",
    "with",
    "using",
    "via",
    "through",
    "from",
    "to",
    "in",
    "on",
    "for",
    "counting",
    "including",
    "incl",
    // "orders that didn't come through mobile".
    "come",
    "came",
    "go",
    "went",
    "use",
    "used",
    "get",
    "got",
    "arrive",
    "arrived",
];

/// Words after a value that exclude it: "Trailhead excluded", "the
/// marketplace left out", "returns not included".
/// The number of such words (0 when the value is not excluded after).
pub(super) fn excluded_after(tokens: &[Token], end: usize) -> usize {
    let word = |k: usize| tokens.get(k).map(|t| t.text.as_str());
    match (word(end), word(end + 1)) {
        (Some("excluded" | "omitted" | "aside"), _) => 1,
        (Some("left"), Some("out")) | (Some("not"), Some("included" | "counted")) => 2,
        _ => 0,
    }
}

/// Whether the words before token `i` negate it: "excluding web", "orders
/// not paid by gift card", "everything that isn't premium" (a negation may
/// stand a connecting verb or preposition away).
pub(super) fn negated_at(tokens: &[Token], i: usize) -> bool {
    (0..i.min(tokens.len()))
        .rev()
        .find(|&k| {
            let w = tokens[k].text.as_str();
            !is_skippable(w) && w != "than" && !NEGATION_BRIDGES.contains(&w)
        })
        .is_some_and(|k| negates(tokens, k))
}

/// Whether token `k` is a negation: "but" only after "all", "anything",
/// "everything" ("all but web"); "same but B2B only" is no negation.
pub(super) fn negates(tokens: &[Token], k: usize) -> bool {
    let Some(t) = tokens.get(k) else {
        return false;
    };
    if t.text == "but" {
        return k > 0
            && matches!(
                tokens[k - 1].text.as_str(),
                "all" | "anything" | "everything" | "everywhere" | "everyone"
            );
    }
    cues::is_negation(&t.text)
}

/// Whether a value at `i` continues a list whose value ending at `prev_end`
/// was negated: "excluding cancelled and returned", "excluding the
/// marketplace and anything paid with a gift card"; not after a place or
/// time word ("excluding the marketplace, and in Germany").
pub(super) fn continues_negated_list(tokens: &[Token], prev_end: usize, i: usize) -> bool {
    let Some(between) = tokens.get(prev_end..i).filter(|b| !b.is_empty()) else {
        return false;
    };
    let joins = |w: &str| matches!(w, "and" | "or" | "nor" | "," | "&");
    between.iter().any(|t| joins(&t.text))
        && between.iter().all(|t| {
            let w = t.text.as_str();
            joins(w)
                || is_skippable(w)
                || matches!(
                    w,
                    "anything"
                        | "everything"
                        | "any"
                        | "those"
                        | "paid"
                        | "made"
                        | "placed"
                        | "sold"
                        | "shipped"
                        | "bought"
                        | "ordered"
                        | "with"
                        | "by"
                        | "via"
                        | "through"
                        | "using"
                )
        })
}
