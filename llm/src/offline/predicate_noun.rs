//! "Which country was our weakest market?", "which category was our best
//! seller last month?": the noun after the superlative says what role the
//! thing asked about played (a market, a seller), not a second grouping.
//! Read as a split it would rank country-and-region pairs, or
//! category-and-product pairs: an answer to another question.

use strata_schema::MemberKind;

use super::parse::{Analysis, Role};
use crate::catalog::Catalog;

/// Words that link the thing asked about to what it was.
fn is_copula(word: &str) -> bool {
    matches!(word, "was" | "is" | "were" | "are" | "s" | "been")
}

/// Words between the copula and the superlative.
fn is_determiner(word: &str) -> bool {
    matches!(
        word,
        "our" | "the" | "my" | "a" | "an" | "its" | "their" | "your"
    )
}

/// Superlatives and ranking adjectives that open the role noun.
fn is_superlative(word: &str) -> bool {
    matches!(
        word,
        "best"
            | "worst"
            | "strongest"
            | "weakest"
            | "biggest"
            | "largest"
            | "smallest"
            | "leading"
            | "top"
            | "number"
            | "highest"
            | "lowest"
            | "poorest"
            | "greatest"
    )
}

/// Marks the role noun of "which D was our SUPERLATIVE NOUN" absorbed when
/// it is a grouping other than the one asked about.
pub(super) fn absorb_role_noun(catalog: &Catalog, a: &mut Analysis) {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let Some(subject) = a.mentions.iter().position(|m| {
        m.role == Role::Group
            && !m.absorbed
            && m.start > 0
            && matches!(words[m.start - 1], "which" | "what")
    }) else {
        return;
    };
    let mut k = a.mentions[subject].end;
    let mut linked = false;
    // "has been": "has" alone ("which subcategory has the lowest
    // profit") asks for a figure.
    if matches!(words.get(k), Some(&("has" | "have"))) && words.get(k + 1) == Some(&"been") {
        k += 1;
    }
    while k < words.len() && is_copula(words[k]) {
        linked = true;
        k += 1;
    }
    while k < words.len() && is_determiner(words[k]) {
        k += 1;
    }
    if !linked || !words.get(k).is_some_and(|w| is_superlative(w)) {
        return;
    }
    let subject_members: Vec<usize> = a.mentions[subject]
        .candidates
        .iter()
        .map(|e| e.member)
        .collect();
    // "best selling product": a measure verb may stand between. "Market"
    // may also name a count of regions; a noun naming a dimension is what
    // counts, whatever role it was given.
    let members = catalog.members();
    let role_noun = a.mentions.iter().enumerate().position(|(j, m)| {
        // Read as the measure, it may go only when another names one.
        let measure_elsewhere = a
            .mentions
            .iter()
            .enumerate()
            .any(|(i, o)| i != j && o.role == Role::Measure && !o.absorbed);
        (k + 1..=k + 2).contains(&m.start)
            && (m.role != Role::Measure || measure_elsewhere)
            && m.candidates
                .iter()
                .any(|e| members[e.member].kind == MemberKind::Dimension)
            && !m
                .candidates
                .iter()
                .any(|e| subject_members.contains(&e.member))
    });
    if let Some(j) = role_noun {
        a.mentions[j].absorbed = true;
    }
}
