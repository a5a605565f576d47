//! Count nouns that only say what another figure is about: "revenue from
//! mobile orders", "customers who placed an order", "German customers who
//! opted in". Such a noun is absorbed, not asked for as a second count.

use strata_schema::MemberKind;

use super::parse::{Analysis, Mention, Role};
use super::roles::{is_count_noun, is_dimension};
use super::stopwords::is_skippable;
use crate::catalog::Catalog;

/// "revenue from mobile orders", "profit across all orders", "average
/// discount per order line": absorbs a count noun (or a plural noun after a
/// value) that a value, an article or a preposition makes a qualifier of
/// another measure.
pub(super) fn absorb_qualifying_counts(catalog: &Catalog, a: &mut Analysis) {
    let tokens = &a.tokens;
    let text = |k: usize| tokens[k].text.as_str();
    let is_count_noun = |m: &Mention| is_count_noun(catalog, m);
    let other_measure = |mentions: &[Mention], skip: usize| {
        mentions.iter().enumerate().any(|(j, o)| {
            j != skip
                && o.role == Role::Measure
                && !is_count_noun(o)
                && o.candidates
                    .iter()
                    .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
        })
    };
    let is_measure_mention = |o: &Mention| {
        o.role == Role::Measure
            && o.candidates
                .iter()
                .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
    };
    let only_segments = |o: &Mention| {
        !o.candidates.is_empty()
            && o.candidates
                .iter()
                .all(|e| catalog.members()[e.member].kind == MemberKind::Segment)
    };
    for j in 0..a.mentions.len() {
        let m = &a.mentions[j];
        let grouped_count =
            m.role == Role::Group && !m.candidates.iter().any(|e| is_dimension(catalog, e));
        // "avg discount on Kestrel items": a plural noun after a value,
        // whatever it would measure, may only say what the value is.
        let plural_noun = m.end == m.start + 1 && {
            let tok = &a.tokens[m.start];
            tok.text != tok.stem
        };
        let count_noun = is_count_noun(m);
        if !(m.role == Role::Measure || grouped_count) || !(count_noun || plural_noun) {
            continue;
        }
        // The qualifier run before the noun: a value or a segment word
        // ("mobile orders", "premium products", "a Beauty product").
        let mut lead = m.start;
        let mut qualified = false;
        // "discounted sales lines": over words already absorbed.
        while let Some(o) = a.mentions.iter().find(|o| o.end == lead && o.absorbed) {
            lead = o.start;
        }
        if let Some(v) = a.values.iter().find(|v| v.end == lead) {
            lead = v.start;
            qualified = true;
        } else if let Some(o) = a
            .mentions
            .iter()
            .find(|o| o.end == lead && only_segments(o))
        {
            lead = o.start;
            qualified = true;
        }
        let before = |k: usize| (k > 0).then(|| text(k - 1));
        let article = before(lead).filter(|w| QUALIFYING_ARTICLES.contains(w));
        let mut at = if article.is_some() { lead - 1 } else { lead };
        // Over "the" and "our", but not over the preposition "of".
        while before(at).is_some_and(|w| {
            (DETERMINERS.contains(&w) || is_skippable(w)) && !QUALIFYING_PREPOSITIONS.contains(&w)
        }) {
            at -= 1;
        }
        let after_article = before(at);
        // "how many orders did customers in Kenya place": the noun after an
        // auxiliary is the subject of the verb, not a second figure.
        let preposition = after_article
            .filter(|w| QUALIFYING_PREPOSITIONS.contains(w) || AUXILIARIES.contains(w));
        let per = after_article == Some("per");
        let earlier_measure = a.mentions[..j].iter().any(is_measure_mention);
        let averaged = a.mentions.iter().enumerate().any(|(k, o)| {
            k != j
                && is_measure_mention(o)
                && o.candidates
                    .iter()
                    .any(|e| catalog.members()[e.member].agg_type.as_deref() == Some("avg"))
        });
        // "revenue from mobile orders", "profit across all orders",
        // "customers who placed an order", "orders that included a Beauty
        // product", "average discount per order line": the noun says what
        // another measure is about; it is not a second figure. "Revenue per
        // customer" is a ratio and stays as asked.
        if !count_noun {
            // "the average discount granted on sales made in Philadelphia",
            // "only sales made between June and August": the records a
            // participle describes.
            let records = tokens.get(m.end).is_some_and(|t| {
                matches!(
                    t.text.as_str(),
                    "made" | "placed" | "recorded" | "booked" | "processed" | "completed"
                )
            }) && (preposition.is_some() || after_article == Some("only"));
            if (qualified && preposition.is_some() || records) && earlier_measure {
                a.mentions[j].absorbed = true;
            }
            continue;
        }
        // "brands whose products sold more than 1000 units".
        let whose = after_article == Some("whose") && other_measure(&a.mentions, j);
        let absorbed = whose
            || (qualified && other_measure(&a.mentions, j))
            || (article.is_some() && (earlier_measure || other_measure(&a.mentions, j)))
            || (preposition.is_some() && earlier_measure)
            || (per && averaged);
        if absorbed {
            a.mentions[j].absorbed = true;
        }
    }
}

/// "German customers who opted in", "opt-in rate of new signups": the count
/// noun names the population another measure of the same cube already counts
/// or rates (`opted_in_count` is titled "Opted-in Customers"), so it is no
/// second figure. Two measures joined by "and", "vs" or a comma both stay.
pub(super) fn absorb_counts_named_by_measures(catalog: &Catalog, a: &mut Analysis) {
    let best = |m: &Mention| {
        m.candidates
            .iter()
            .filter(|e| catalog.members()[e.member].kind == MemberKind::Measure)
            .max_by_key(|e| (e.score, !catalog.members()[e.member].in_view))
            .map(|e| &catalog.members()[e.member])
    };
    let tokens = &a.tokens;
    let joined = |from: usize, to: usize| {
        (from.min(to)..from.max(to)).any(|k| {
            matches!(
                tokens[k].text.as_str(),
                "and" | "vs" | "versus" | "," | "plus" | "compared" | "against"
            )
        })
    };
    let mut absorbed = Vec::new();
    for (j, m) in a.mentions.iter().enumerate() {
        if m.role != Role::Measure || m.absorbed || !is_count_noun(catalog, m) {
            continue;
        }
        let Some(noun) = best(m) else { continue };
        let words: Vec<&str> = tokens[m.start..m.end]
            .iter()
            .map(|t| t.stem.as_str())
            .collect();
        let named_by_other = a.mentions.iter().enumerate().any(|(k, o)| {
            if k == j || o.role != Role::Measure || o.absorbed {
                return false;
            }
            let Some(other) = best(o) else { return false };
            if other.name == noun.name || other.owner != noun.owner {
                return false;
            }
            let gap = if o.end <= m.start {
                (o.end, m.start)
            } else {
                (m.end, o.start)
            };
            if joined(gap.0, gap.1) {
                return false;
            }
            let described = super::unplaced::described_by(other, true);
            let names_noun = words
                .iter()
                .all(|w| described.iter().any(|d| super::text::same_word(w, d)));
            let rate_of = other.format.as_deref() == Some("percent")
                && o.end <= m.start
                && tokens[o.end..m.start]
                    .iter()
                    .any(|t| matches!(t.text.as_str(), "of" | "among" | "for"));
            (other.is_count() && names_noun) || rate_of
        });
        if named_by_other {
            absorbed.push(j);
        }
    }
    for j in absorbed {
        a.mentions[j].absorbed = true;
    }
}

/// Words before a count noun that make it a qualifier, not a figure asked
/// for ("placed an order", "from a business customer").
const QUALIFYING_ARTICLES: &[&str] = &["a", "an", "any", "single", "each", "every"];

/// Prepositions after which a count noun names what another measure is
/// about ("revenue from customers in Germany", "profit across all orders").
const QUALIFYING_PREPOSITIONS: &[&str] = &[
    "from", "across", "among", "amongst", "to", "for", "with", "over", "on", "of",
];

/// Auxiliary verbs before the subject of a question ("how many orders did
/// customers place").
const AUXILIARIES: &[&str] = &["did", "do", "does", "has", "have", "had"];

/// Words between such a preposition and its noun ("across all orders").
const DETERMINERS: &[&str] = &["all", "our", "their", "its", "his", "her", "these", "those"];
