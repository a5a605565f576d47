//! How the figures should look, not which figures: "in thousands", "in
//! millions", "rounded to whole numbers", "to one decimal place". The
//! chart formats its numbers whatever the question says, so these phrases
//! change nothing of the query; they are cut before the question is read,
//! or their words ("thousands", "rounded") would be reported as not
//! understood and the question refused.

use std::borrow::Cow;

use super::chunks::{phrase_at, without_phrases, Chunk};

/// Display phrases, in the pattern form of [`phrase_at`]. Longer phrases
/// come first where one holds another.
const DISPLAY: &[&str] = &[
    "rounded|round to the? nearest? one|two|three|1|2|3|zero|0|no? decimal|decimals|dp place|places?",
    "rounded|round to the? nearest? whole|full? number|numbers|thousand|thousands|hundred|hundreds|million|millions|unit|units|dollar|dollars|euro|euros|percent|k",
    "rounded|round up|down?",
    "to|with one|two|three|1|2|3|zero|0|no decimal|decimals|dp place|places?",
    "in whole|full numbers",
    "in|into thousands|millions|billions",
];

/// `text` without its display phrases; `text` itself when it has none.
pub(super) fn without_display_words(text: &str) -> Cow<'_, str> {
    without_phrases(text, &display_at)
}

fn display_at(c: &[Chunk<'_>], i: usize) -> Option<usize> {
    DISPLAY.iter().find_map(|p| phrase_at(c, i, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_phrases_are_cut_and_the_ask_kept() {
        let cases = [
            (
                "Gross profit for last quarter, in thousands please",
                "Gross profit for last quarter, please",
            ),
            (
                "Gross order value for Q1 2026 in millions",
                "Gross order value for Q1 2026",
            ),
            (
                "AOV by month this year, rounded to whole numbers",
                "AOV by month this year,",
            ),
            (
                "Return rate last month as a percentage, rounded to one decimal",
                "Return rate last month as a percentage,",
            ),
            (
                "revenue by region rounded to the nearest thousand",
                "revenue by region",
            ),
            ("average discount to two decimal places", "average discount"),
        ];
        for (asked, plain) in cases {
            assert_eq!(without_display_words(asked), plain, "{asked}");
        }
    }

    #[test]
    fn figures_in_their_own_words_stay() {
        for q in [
            "orders over 2 thousand",
            "revenue in Q1 by region",
            "which products sold in the thousands",
            "units sold in May",
        ] {
            assert!(matches!(without_display_words(q), Cow::Borrowed(_)), "{q}");
        }
    }
}
