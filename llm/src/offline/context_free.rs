//! Turns that only make sense after another: "by payment method pls",
//! "What's that as a margin percentage?", "Was it better than the December
//! before?". Asked with nothing before them (a new question, or the turn
//! after one that was refused), a grouping with no figure would be counted
//! and a pronoun would point at nothing, so the answer would be to another
//! question: they are asked about instead.

use super::parse::{Analysis, Role};
use super::resolve::effective;
use super::stopwords::is_skippable;
use crate::catalog::Catalog;

/// First words of a turn that changes what is already on screen.
const OPENERS: &[&str] = &["by", "per", "and", "also", "instead", "same"];

/// Words after "that" or "it" that make it point back ("that as a
/// percentage", "it better than").
const POINTING_ON: &[&str] = &[
    "as", "better", "worse", "compare", "compared", "split", "broken", "instead", "vs", "versus",
];

/// Verbs that change what is shown, when "that" or "it" follows them
/// ("split that by age group", "widen it to the first half").
const EDITING: &[&str] = &[
    "split", "widen", "narrow", "extend", "expand", "shorten", "break", "roll", "drill", "zoom",
    "filter", "limit", "restrict", "sort", "rank",
];

/// The word that leans on an earlier turn, when the question has one.
/// `question` is the text asked, before phrases were rewritten ("payment
/// mix" is read as a split "by" payment method).
pub(crate) fn leaning_word(catalog: &Catalog, question: &str, a: &Analysis) -> Option<String> {
    let first = question
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty() && !is_skippable(&w.to_lowercase()))
        .map(str::to_lowercase);
    let names_figure = a.count_cue
        || a.mentions
            .iter()
            .any(|m| !m.absorbed && effective(catalog, m).0 == Role::Measure);
    if let Some(first) = first.filter(|w| OPENERS.contains(&w.as_str())) {
        if !names_figure {
            return Some(first);
        }
    }
    let edits_what_is_shown = a.tokens.windows(2).find_map(|w| {
        (EDITING.contains(&w[0].text.as_str()) && matches!(w[1].text.as_str(), "that" | "it"))
            .then(|| w[1].orig.clone())
    });
    if edits_what_is_shown.is_some() && !names_figure {
        return edits_what_is_shown;
    }
    // "show it as bars" asks for a chart of this question.
    a.tokens.windows(3).find_map(|w| {
        let shown = matches!(
            w[0].text.as_str(),
            "show" | "put" | "display" | "draw" | "plot" | "make" | "give" | "turn"
        );
        let points = matches!(w[1].text.as_str(), "that" | "it")
            && POINTING_ON.contains(&w[2].text.as_str());
        (points && !shown).then(|| w[1].orig.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{bare, demo, today, translate};
    use super::super::OfflineParser;
    use crate::error::LlmError;

    #[test]
    fn a_turn_leaning_on_nothing_is_asked_about_and_refines_what_is_there() {
        let (catalog, model) = demo();
        let parser = OfflineParser::for_model(&catalog, &model);
        for (question, word) in [
            ("by payment method pls", "by"),
            ("same but Germany only", "same"),
            ("What's that as a margin percentage?", "that"),
            ("Was it better than the December before?", "it"),
            ("Split that by age group.", "that"),
            ("Widen it to the whole first half of the year.", "it"),
        ] {
            let refused = parser.translate(question, today());
            assert!(
                matches!(&refused, Err(LlmError::NeedsClarification { message, .. })
                    if message.contains(&format!("\"{word}\""))),
                "{question}: {refused:?}"
            );
        }
        // Questions of their own, chart words included.
        for question in [
            "payment mix this quarter as a pie",
            "this quarter vs last quarter revenue, show it as bars",
            "revenue by channel last month",
            "split revenue by channel",
        ] {
            assert!(parser.translate(question, today()).is_ok(), "{question}");
        }
        // After a question, the same turn refines it.
        let first = translate(&parser, "revenue last month");
        let t = parser
            .refine(&first, "by payment method pls", today())
            .expect("a grouping added");
        assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);

        let (catalog, model) = bare();
        let parser = OfflineParser::for_model(&catalog, &model);
        assert!(parser.translate("by storeCity", today()).is_err());
        assert!(parser
            .translate("split that by storeCity", today())
            .is_err());
        assert!(parser.translate("totalSales by storeCity", today()).is_ok());
    }
}
