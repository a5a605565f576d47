//! A question sent back to the person: the words that could not be placed
//! and the questions they may have meant, each ready to be asked as is.

use serde::Serialize;

/// What to ask the person instead of answering a broader question.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Clarification {
    /// The words of the question that could not be placed, as typed.
    pub unknown: Vec<String>,
    /// The nearest readings, best first.
    pub options: Vec<ClarificationOption>,
}

/// One reading the person may choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClarificationOption {
    /// What the option means ("Europe (Region)").
    pub label: String,
    /// The whole question rewritten with this reading, to be asked as is.
    pub natural_language_query: String,
}

impl Clarification {
    /// Options for `unknown` (a word of `question`): each replacement of the
    /// word, with its label, gives a rewritten question.
    pub fn replacing(
        question: &str,
        unknown: &str,
        replacements: impl IntoIterator<Item = (String, String)>,
    ) -> Clarification {
        let options = replacements
            .into_iter()
            .filter_map(|(label, replacement)| {
                Some(ClarificationOption {
                    label,
                    natural_language_query: replace_word(question, unknown, &replacement)?,
                })
            })
            .collect();
        Clarification {
            unknown: vec![unknown.to_owned()],
            options,
        }
    }

    /// Adds, last, the question without `word`: the broader question, as a
    /// choice the person makes rather than one made for them.
    pub fn offer_without(&mut self, question: &str, word: &str) {
        let without = question
            .split_whitespace()
            .filter(|w| {
                !w.trim_matches(|c: char| !c.is_alphanumeric())
                    .eq_ignore_ascii_case(word)
            })
            .collect::<Vec<_>>()
            .join(" ");
        if without != question && !without.trim().is_empty() {
            self.options.push(ClarificationOption {
                label: format!("without \"{word}\""),
                natural_language_query: without,
            });
        }
    }
}

/// `question` with the first whole-word occurrence of `word` (any case)
/// replaced by `replacement`; `None` when the word is not in it.
fn replace_word(question: &str, word: &str, replacement: &str) -> Option<String> {
    let lower = question.to_lowercase();
    let needle = word.to_lowercase();
    if needle.is_empty() || lower.len() != question.len() {
        return None;
    }
    let boundary = |s: &str, at: usize, before: bool| {
        let c = if before {
            s[..at].chars().next_back()
        } else {
            s[at..].chars().next()
        };
        !c.is_some_and(|c| c.is_alphanumeric())
    };
    let mut from = 0;
    while let Some(pos) = lower[from..].find(&needle) {
        let start = from + pos;
        let end = start + needle.len();
        if boundary(&lower, start, true) && boundary(&lower, end, false) {
            return Some(format!(
                "{}{replacement}{}",
                &question[..start],
                &question[end..]
            ));
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_rewrite_the_whole_question() {
        let c = Clarification::replacing(
            "revenue in Eurpoe by month",
            "Eurpoe",
            [("Europe (Region)".to_owned(), "Europe".to_owned())],
        );
        assert_eq!(c.unknown, ["Eurpoe"]);
        assert_eq!(
            c.options[0].natural_language_query,
            "revenue in Europe by month"
        );
        let json = serde_json::to_value(&c).expect("serializes");
        assert_eq!(
            json["options"][0]["naturalLanguageQuery"],
            "revenue in Europe by month"
        );
    }

    #[test]
    fn only_whole_words_are_replaced() {
        assert_eq!(
            replace_word("garden gardens Garden", "Garden", "Toys").as_deref(),
            Some("Toys gardens Garden")
        );
        assert_eq!(replace_word("gardens", "garden", "Toys"), None);
    }
}
