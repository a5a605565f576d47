//! A text as whitespace-separated chunks with their plain words, for the
//! rewrites that cut phrases out of a question before it is read (hedges in
//! [`super::courtesy`], spoken self-corrections in [`super::correction`]),
//! and the phrase patterns they and the letter reader match.
//! Cutting whole chunks keeps every other character of the text as typed.

/// One whitespace-separated piece of a text.
#[derive(Debug, Clone)]
pub(super) struct Chunk<'t> {
    /// The piece as typed, without the whitespace around it.
    pub text: &'t str,
    /// Its letters and digits, lowercase ("It's," → "its"); empty for a
    /// lone dash or ellipsis.
    pub word: String,
}

impl Chunk<'_> {
    /// Whether the chunk closes a clause: it ends in a comma, a colon, a
    /// semicolon, a dash or an ellipsis, or is such a mark on its own
    /// ("France," "May..." "—").
    pub fn ends_clause(&self) -> bool {
        self.text.ends_with([',', ';', ':', '—', '–', '-']) || self.text.ends_with("...")
    }

    /// Whether the chunk closes a clause or a sentence ("France," "May.").
    pub fn closes(&self) -> bool {
        self.ends_clause() || self.text.ends_with(['.', '?', '!'])
    }

    /// Whether the chunk is punctuation only (a dash or an ellipsis).
    pub fn is_mark(&self) -> bool {
        self.word.is_empty()
    }
}

/// Whether chunk `i` opens a clause: it is the first, or the one before
/// it closes a clause or a sentence.
pub(super) fn opens_clause(c: &[Chunk<'_>], i: usize) -> bool {
    i == 0 || c[i - 1].closes()
}

/// The chunks of `text`.
pub(super) fn chunks(text: &str) -> Vec<Chunk<'_>> {
    text.split_whitespace()
        .map(|piece| Chunk {
            text: piece,
            word: piece
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect(),
        })
        .collect()
}

/// Whether the plain words of `phrase` (separated by spaces; `a|b` are
/// alternatives, a trailing `?` makes a word optional) stand at chunk `i`;
/// the number of chunks they take.
pub(super) fn phrase_at(chunks: &[Chunk<'_>], i: usize, phrase: &str) -> Option<usize> {
    words_match(&|k| chunks.get(k).map(|c| c.word.as_str()), i, phrase)
}

/// The words a pattern (as [`words_match`] reads it) may open with: its
/// first word's alternatives, and the second's when the first is optional
/// ("the? ramp" opens with "the" or "ramp"). A text holding none of them
/// cannot match the pattern.
pub(super) fn opening_words(pattern: &str) -> Vec<&str> {
    let mut words = pattern.split(' ');
    let first = words.next().unwrap_or_default();
    let mut opening: Vec<&str> = first.trim_end_matches('?').split('|').collect();
    if first.ends_with('?') {
        let second = words.next().unwrap_or_default();
        opening.extend(second.trim_end_matches('?').split('|'));
    }
    opening
}

/// Like [`phrase_at`], over any sequence of plain words: `word(k)` is the
/// `k`-th one.
pub(super) fn words_match<'w>(
    word: &dyn Fn(usize) -> Option<&'w str>,
    i: usize,
    phrase: &str,
) -> Option<usize> {
    // Read without allocating: every question is matched against every
    // pattern at every word.
    match_from(word, i, phrase.split(' ')).map(|end| end - i)
}

fn match_from<'w>(
    word: &dyn Fn(usize) -> Option<&'w str>,
    i: usize,
    mut pattern: std::str::Split<'_, char>,
) -> Option<usize> {
    let Some(first) = pattern.next() else {
        return Some(i);
    };
    let rest = pattern;
    let (alternatives, optional) = match first.strip_suffix('?') {
        Some(p) => (p, true),
        None => (first, false),
    };
    let here = word(i).is_some_and(|w| alternatives.split('|').any(|a| a == w));
    if here {
        if let Some(end) = match_from(word, i + 1, rest.clone()) {
            return Some(end);
        }
    }
    if optional {
        return match_from(word, i, rest);
    }
    None
}

/// The chunks joined by single spaces.
pub(super) fn join<'a, 't: 'a>(chunks: impl IntoIterator<Item = &'a Chunk<'t>>) -> String {
    let mut out = String::new();
    for c in chunks {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(c.text);
    }
    out
}

/// `text` without the phrases `at` finds (`at(chunks, i)` is the length of
/// the phrase standing at chunk `i`, if one does); `text` itself when there
/// are none.
pub(super) fn without_phrases<'t>(
    text: &'t str,
    at: &dyn Fn(&[Chunk<'_>], usize) -> Option<usize>,
) -> std::borrow::Cow<'t, str> {
    let c = chunks(text);
    let mut keep = vec![true; c.len()];
    let mut i = 0;
    while i < c.len() {
        match at(&c, i) {
            Some(len) if len > 0 => {
                keep[i..(i + len).min(c.len())]
                    .iter_mut()
                    .for_each(|k| *k = false);
                i += len;
            }
            _ => i += 1,
        }
    }
    if keep.iter().all(|k| *k) {
        return std::borrow::Cow::Borrowed(text);
    }
    let kept = c.iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c);
    std::borrow::Cow::Owned(join(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_plain_and_marks_are_empty() {
        let c = chunks("It's France, — May...");
        let words: Vec<&str> = c.iter().map(|c| c.word.as_str()).collect();
        assert_eq!(words, ["its", "france", "", "may"]);
        assert!(c[1].ends_clause() && c[2].ends_clause() && c[3].ends_clause());
        assert!(!c[0].ends_clause() && c[2].is_mark());
    }

    #[test]
    fn phrases_with_alternatives_and_optional_words() {
        let c = chunks("if it's not too much trouble, show");
        assert_eq!(
            phrase_at(&c, 0, "if its|it is? not too much trouble"),
            Some(6)
        );
        assert_eq!(phrase_at(&c, 0, "if its no trouble"), None);
        let c = chunks("I'm not sure this is right");
        assert_eq!(
            phrase_at(&c, 0, "im|i am? not totally|quite? sure"),
            Some(3)
        );
        assert_eq!(join(&c[1..3]), "not sure");
    }
}
