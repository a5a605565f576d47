//! Checks of an answer's shape against the question: asks back instead of
//! answering when the shape cannot be what was asked.

use super::{dropped, parse, OfflineParser};
use crate::error::LlmError;
use crate::translation::Translation;

impl OfflineParser<'_> {
    /// Asks back when the answer's shape cannot be what was asked: a ranking
    /// with nothing to rank ("the toy we sold the most of" sorting one
    /// total), a split by every value of an amount ("top products by
    /// quantity" grouped by quantity), or a split whose rows each hold one
    /// value (a grouping filtered to one value, a count split by what names
    /// each row), a quoted name read in parts, a count of the one record
    /// a key names, or one figure read from two words.
    pub(crate) fn check_shape(
        &self,
        question: &str,
        analysis: &parse::Analysis,
        translation: &Translation,
        follow_up: bool,
    ) -> Result<(), LlmError> {
        // "how many different customers returned an order": two words read
        // as one figure, so one of them meant something else.
        let measures = &translation.query.measures;
        let repeated = measures
            .iter()
            .enumerate()
            .find(|(i, m)| measures[..*i].contains(m));
        if let Some((_, name)) = repeated {
            let title = self.catalog.get(name).map_or(name.as_str(), |m| &m.title);
            return Err(self.ask_about(
                question,
                title,
                "is what two words of the question were read as, so one of them means something else",
            ));
        }
        if let Some(word) = dropped::ranks_nothing(analysis, translation) {
            return Err(self.ask_about(
                question,
                &word,
                "ranks, but the answer found has nothing to rank",
            ));
        }
        if let Some(title) = dropped::groups_by_an_amount(self.catalog, analysis, translation) {
            return Err(self.ask_about(
                question,
                &title,
                "is an amount the answer found would split by",
            ));
        }
        if let Some(word) = dropped::amount_without_measure(analysis, translation) {
            return Err(self.ask_about(
                question,
                &word,
                "asks for an amount, but the answer found has none",
            ));
        }
        if let Some(word) = dropped::list_without_rows(analysis, translation) {
            return Err(self.ask_about(
                question,
                &word,
                "asks for rows, but the answer found is one total",
            ));
        }
        if let Some(title) = dropped::trivial_grouping(self.catalog, translation, follow_up) {
            return Err(self.ask_about(
                question,
                &title,
                "would be split so that each row holds one value",
            ));
        }
        if let Some(words) = dropped::both_ways(analysis, translation) {
            return Err(self.ask_about(
                question,
                &words,
                "asks for both sides, but the answer found shows one",
            ));
        }
        if let Some(name) = dropped::quoted_name_split(question, translation) {
            return Err(self.ask_about(
                question,
                &name,
                "is quoted as one name, but the answer found reads it in parts",
            ));
        }
        if let Some(title) = dropped::counts_one_record(self.catalog, translation) {
            return Err(self.ask_about(
                question,
                &title,
                "names one record, and the answer found only counts it",
            ));
        }
        Ok(())
    }
}
