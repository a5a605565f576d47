//! Spelling correction: a word the reader does not know is corrected to the
//! closest known word within its typo budget, with guards for words that
//! look like typos and are not ("tablets" is no "table", "marked" no
//! "market", "five" no "fire").

use std::collections::BTreeSet;

use super::stopwords::is_stopword;
use super::text::{edit_distance, typo_budget, Token};

/// Every word a reader knows: the model's and the values' words, and the
/// keywords the parser reads.
pub(super) fn known_words(
    model_words: &BTreeSet<String>,
    value_words: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut known = model_words.clone();
    known.extend(value_words.iter().cloned());
    known.extend(super::cues::KEYWORDS.iter().map(|w| (*w).to_owned()));
    // "proportion" is no misspelt "promotion".
    known.extend(super::rates::SHARE_WORDS.iter().map(|w| (*w).to_owned()));
    known
}

/// Corrects words within their typo budget to the closest word of
/// `vocabulary` (every word the reader knows: `model_words` from members,
/// `value_words` from sample values, and keywords).
pub(super) fn correct(
    tokens: &mut [Token],
    vocabulary: &BTreeSet<String>,
    model_words: &BTreeSet<String>,
    value_words: &BTreeSet<String>,
) {
    for (i, t) in tokens.iter_mut().enumerate() {
        // A capitalized word inside the question reads as a name: it may
        // be a misspelt value, never a misspelt keyword ("Tablets" is
        // not "table").
        let name_like = i > 0 && t.orig.chars().next().is_some_and(char::is_uppercase);
        let budget = typo_budget(&t.text);
        // "five" is a number, not a misspelt "fire".
        if budget == 0
            || is_stopword(&t.text)
            || super::text::number_word(&t.text).is_some()
            || t.text.chars().any(|c| c.is_ascii_digit())
            || vocabulary.contains(&t.text)
            || vocabulary.contains(&t.stem)
        {
            continue;
        }
        let first = t.text.chars().next();
        let best = vocabulary
            .iter()
            // Month names are names too ("Decmber"; not "Marc").
            .filter(|w| {
                !name_like
                    || value_words.contains(*w)
                    || (t.text.chars().count() >= 6 && super::calendar::month(w).is_some())
            })
            .filter(|w| w.chars().next() == first && w.chars().count() > 3)
            // The stem too: "subcatgories" is one letter from the stem
            // "subcategory", three from the word.
            .map(|w| {
                // A keyword ("table", "last") is reached from the word as
                // typed, never from its stem: "tablets" is not "table".
                let keyword = !model_words.contains(w) && !value_words.contains(w);
                let typed = edit_distance(&t.text, w, budget);
                let d = if keyword {
                    typed
                } else {
                    typed.min(edit_distance(&t.stem, w, budget))
                };
                (d, w)
            })
            .filter(|(d, _)| *d <= budget)
            .min_by_key(|(d, w)| (*d, w.len().abs_diff(t.text.len())));
        // "marked" is a verb, not a typo of "market": an -ed or -ing
        // word is only corrected into another one.
        let inflected = |w: &str| w.ends_with("ed") || w.ends_with("ing");
        if let Some((_, w)) = best.filter(|(_, w)| !inflected(&t.text) || inflected(w)) {
            let w = w.clone();
            t.correct_to(&w);
        }
    }
}
