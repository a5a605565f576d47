//! Spoken self-corrections: "revenue for France, sorry, Germany, last
//! month", "units, no wait, revenue by brand", "top three cities — no, make
//! that top five — by profit", "orders by channel for May... actually, make
//! it April". The phrase after the marker replaces the phrase of the same
//! kind before it, so the question is read as the speaker meant it. Where no
//! phrase of that kind stands before the marker, nothing is replaced, and the
//! marker is reported as not understood: a guess would answer a different
//! question.

use std::borrow::Cow;

use super::chunks::{chunks, join, phrase_at, Chunk};

/// What a phrase names, as far as a correction must know to find the phrase
/// it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Named {
    /// A value of one of these dimensions (indexes into the catalog).
    Value(Vec<usize>),
    /// A measure.
    Measure,
    /// A dimension or segment.
    Dimension,
    /// A date or period.
    Period,
}

impl Named {
    /// Whether a phrase naming `self` can be corrected into one naming
    /// `other`: values of a common dimension, or the same kind of member.
    fn replaces(&self, other: &Named) -> bool {
        match (self, other) {
            (Named::Value(a), Named::Value(b)) => a.iter().any(|m| b.contains(m)),
            _ => self == other,
        }
    }
}

/// What the first words of a phrase name, and how many words that takes;
/// `None` when the phrase does not open with a model phrase, a value or a
/// period.
pub(super) type NameOf<'a> = &'a dyn Fn(&str) -> Option<(Named, usize)>;

/// Markers of a correction, in the pattern form of
/// [`super::chunks::phrase_at`]. Each counts only after a clause mark
/// ("France, sorry, Germany"): "no discount" and "actually sold" are no
/// corrections.
const MARKERS: &[&str] = &[
    "sorry i mean|meant",
    "sorry",
    "no wait",
    "no sorry",
    "i mean|meant",
    "scratch that",
    "or rather",
    "rather",
    "wait",
    "actually",
    "no",
];

/// Hesitations that mark a correction only between two values of one
/// dimension ("in Electronics - uh, Clothing -").
const HESITATIONS: &[&str] = &["uh", "um", "er", "erm"];

/// Words that open the corrected phrase without being part of it.
const OPENERS: &[&str] = &["make|change it|that to?", "its|it is?", "that is|was"];

/// Articles: a corrected phrase that opens with one is found by what it
/// names, not by its first word.
const ARTICLES: &[&str] = &["the", "a", "an"];

/// `text` with each self-correction applied; `text` itself when it has
/// none that can be applied.
pub(super) fn corrected<'t>(text: &'t str, name_of: NameOf<'_>) -> Cow<'t, str> {
    let mut c: Vec<Chunk<'_>> = chunks(text);
    let mut changed = false;
    let mut from = 0;
    while let Some(edit) = next_correction(&c, from, name_of) {
        let mut out: Vec<Chunk<'_>> = c[..edit.replace.0].to_vec();
        let mut phrase = c[edit.corrected.0..edit.corrected.1].to_vec();
        // "bottom five, by units" inside "Bottom three brands": the
        // corrected phrase loses the comma that closed it.
        if edit.replace.1 < edit.marker {
            if let Some(last) = phrase.last_mut() {
                last.text = last.text.trim_end_matches([',', ';', '—', '–', '-', '.']);
            }
        }
        out.extend(phrase);
        let resume = out.len();
        out.extend(c[edit.replace.1..edit.marker].iter().cloned());
        out.extend(c[edit.corrected.1..].iter().cloned());
        c = out;
        from = resume;
        changed = true;
    }
    if changed {
        Cow::Owned(join(&c))
    } else {
        Cow::Borrowed(text)
    }
}

/// Words that open a follow-up taking back what was asked before ("sorry, I
/// meant units", "no, I meant consumers", "oops - mobile").
const LEADS: &[&str] = &[
    "sorry",
    "oops",
    "whoops",
    "my bad",
    "nope",
    "no",
    "actually",
    "correction",
];

/// What may follow a lead before the corrected phrase.
const MEANT: &[&str] = &["i meant", "i mean", "i wanted", "make it", "make that"];

/// Marks that set a lead off ("no, …", "sorry - …").
const MARKS: &[char] = &[',', '.', '!', ':', ';', '-', '—', '–'];

/// Whether `text` opens with the words `words` (ASCII case ignored).
fn opens_with(text: &str, words: &str) -> bool {
    text.get(..words.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(words))
        && !text[words.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

/// The rest of a follow-up that opens by taking back what was asked
/// ("sorry, I meant number of orders" → "number of orders"); `None` when
/// it does not. A bare "no" counts only when set off or followed by "I
/// meant": "no cancelled orders" asks for none.
pub(super) fn leading(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    let mut found = false;
    while let Some(lead) = LEADS.iter().find(|l| opens_with(rest, l)) {
        let after = rest[lead.len()..].trim_start();
        let marked = after.starts_with(MARKS);
        let after = after.trim_start_matches(|c: char| MARKS.contains(&c) || c.is_whitespace());
        let meant = MEANT.iter().any(|m| opens_with(after, m));
        // "no sorry, beauty": a bare "no" before another lead.
        let another = LEADS.iter().any(|l| opens_with(after, l));
        if matches!(*lead, "no" | "nope") && !marked && !meant && !another {
            break;
        }
        rest = after;
        found = true;
    }
    let meant = MEANT
        .iter()
        .filter(|m| found || m.starts_with('i'))
        .find(|m| opens_with(rest, m));
    if let Some(m) = meant {
        rest =
            rest[m.len()..].trim_start_matches(|c: char| MARKS.contains(&c) || c.is_whitespace());
        found = true;
    }
    // "units, not revenue": what is taken back needs no saying again.
    if let Some(at) = rest.to_ascii_lowercase().find(", not ") {
        rest = &rest[..at];
    }
    (found && rest.chars().any(char::is_alphanumeric)).then_some(rest)
}

/// One correction: the chunks it replaces, where its marker starts, and the
/// corrected phrase.
struct Edit {
    replace: (usize, usize),
    marker: usize,
    corrected: (usize, usize),
}

/// The first correction at or after chunk `from` that can be applied.
fn next_correction(c: &[Chunk<'_>], from: usize, name_of: NameOf<'_>) -> Option<Edit> {
    for k in from.max(1)..c.len() {
        // "web only? no wait, mobile": after a clause or a sentence.
        if !c[k - 1].closes() {
            continue;
        }
        let hesitation = HESITATIONS.contains(&c[k].word.as_str());
        let marker_len = if hesitation {
            Some(1)
        } else {
            MARKERS.iter().find_map(|m| phrase_at(c, k, m))
        };
        let Some(marker_len) = marker_len else {
            continue;
        };
        // "no" corrects only when set off: "no, by payment method".
        if c[k].word == "no" && marker_len == 1 && !c[k].ends_clause() {
            continue;
        }
        let mut start = k + marker_len;
        while c.get(start).is_some_and(Chunk::is_mark) {
            start += 1;
        }
        if let Some(len) = OPENERS.iter().find_map(|o| phrase_at(c, start, o)) {
            start += len;
        }
        let mut end = start;
        while end < c.len() && !c[end].is_mark() {
            end += 1;
            if c[end - 1].ends_clause() {
                break;
            }
        }
        if end == start {
            continue;
        }
        // The clause before the marker, without its closing marks.
        let mut before = k;
        while before > from && c[before - 1].is_mark() {
            before -= 1;
        }
        let replaced = replaced_span(c, from, before, (start, end), hesitation, name_of);
        if let Some(replace) = replaced {
            return Some(Edit {
                replace,
                marker: before,
                corrected: (start, end),
            });
        }
    }
    None
}

/// The chunks in `from..before` that the phrase `corrected` replaces: from
/// the last chunk with the phrase's first word ("top five" for "top three"),
/// else the last phrase naming what it names ("Germany" for "France").
fn replaced_span(
    c: &[Chunk<'_>],
    from: usize,
    before: usize,
    corrected: (usize, usize),
    value_only: bool,
    name_of: NameOf<'_>,
) -> Option<(usize, usize)> {
    let (start, end) = corrected;
    let first = c[start].word.as_str();
    if !value_only && !ARTICLES.contains(&first) {
        if let Some(j) = (from..before).rev().find(|&j| c[j].word == first) {
            return Some((j, (j + end - start).min(before)));
        }
    }
    let (named, _) = name_of(&join(&c[start..end]))?;
    if value_only && !matches!(named, Named::Value(_)) {
        return None;
    }
    (from..before).rev().find_map(|j| {
        let (there, len) = name_of(&join(&c[j..before]))?;
        there
            .replaces(&named)
            .then_some((j, (j + len.max(1)).min(before)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follow_up_may_open_by_taking_back_what_was_asked() {
        assert_eq!(
            leading("sorry, I meant number of orders"),
            Some("number of orders")
        );
        assert_eq!(leading("Sorry I meant units"), Some("units"));
        assert_eq!(leading("no, I meant consumers"), Some("consumers"));
        assert_eq!(leading("no I meant consumers"), Some("consumers"));
        assert_eq!(leading("oops - mobile, not web"), Some("mobile"));
        assert_eq!(leading("I meant last month"), Some("last month"));
        assert_eq!(leading("Sorry, I meant units, not revenue."), Some("units"));
        assert_eq!(leading("actually, make it weekly"), Some("weekly"));
        // Not a correction: a negation, a request, nothing after the lead.
        assert_eq!(leading("no cancelled orders"), None);
        assert_eq!(leading("make it weekly"), None);
        assert_eq!(leading("sorry!"), None);
        assert_eq!(leading("nobody"), None);
    }

    /// A toy namer: countries and categories are values, "revenue" and
    /// "units" measures, "brand" and "region" dimensions, months periods.
    fn name_of(text: &str) -> Option<(Named, usize)> {
        let first = text.split_whitespace().next()?;
        let word: String = first
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        let named = match word.as_str() {
            "france" | "germany" | "spain" | "italy" => Named::Value(vec![1]),
            "electronics" | "clothing" => Named::Value(vec![2]),
            "revenue" | "units" | "profit" => Named::Measure,
            "brand" | "region" | "country" => Named::Dimension,
            "may" | "april" => Named::Period,
            _ => return None,
        };
        Some((named, 1))
    }

    fn fix(text: &str) -> String {
        corrected(text, &name_of).into_owned()
    }

    #[test]
    fn the_corrected_phrase_replaces_its_kind() {
        assert_eq!(
            fix("Revenue for France, sorry, Germany, last month."),
            "Revenue for Germany, last month."
        );
        assert_eq!(
            fix("Units, no wait, revenue by brand this year"),
            "revenue by brand this year"
        );
        assert_eq!(
            fix("Show me orders by channel for May... actually, make it April."),
            "Show me orders by channel for April."
        );
        assert_eq!(
            fix("How many sign-ups from Italy, I mean Spain, last quarter?"),
            "How many sign-ups from Spain, last quarter?"
        );
        assert_eq!(
            fix("Profit by subcategory in Electronics - uh, Clothing - last year?"),
            "Profit by subcategory in Clothing - last year?"
        );
    }

    #[test]
    fn the_corrected_phrase_replaces_the_one_opening_alike() {
        assert_eq!(
            fix("Bottom three brands, I mean bottom five, by units sold in 2025"),
            "bottom five brands, by units sold in 2025"
        );
        assert_eq!(
            fix("Top three cities — no, make that top five — by profit."),
            "top five cities — by profit."
        );
        assert_eq!(
            fix("Cancellation rate by region... sorry, by country, for Europe only"),
            "Cancellation rate by country, for Europe only"
        );
        assert_eq!(
            fix("Average order value on web - scratch that, on the marketplace - over 30 days"),
            "Average order value on the marketplace - over 30 days"
        );
    }

    #[test]
    fn no_marker_or_nothing_to_replace_leaves_the_text() {
        for q in [
            "orders with no discount last month",
            "what was actually sold in May",
            "Sorry, revenue by region",
            "revenue in France, sorry, by the way",
            "revenue by brand, uh, by region",
        ] {
            assert!(matches!(corrected(q, &name_of), Cow::Borrowed(_)), "{q}");
        }
    }
}
