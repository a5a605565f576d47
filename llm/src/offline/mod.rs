//! The offline parser: questions to Cube queries with no language model.
//!
//! It is what a user without an LLM key meets first, so it reads real
//! analyst phrasing on any model, including one whose members have no titles
//! or synonyms:
//!
//! * words meet members through titles, split names (`totalSales` →
//!   "total sales"), `meta.synonyms`, owner names ("customers" →
//!   `Customers.count`) and built-in business words ("revenue", "units",
//!   "orders"), after light stemming and spelling correction
//!   (`lexicon.rs`, `text.rs`);
//! * time phrases become date ranges, comparisons and granularities
//!   (`time.rs`, `periods.rs`, `compared.rs`); known dimension values and
//!   numeric conditions become filters (`filters.rs`), and fragments of a
//!   name `contains`/`startsWith` filters (`text_match.rs`); "top 5",
//!   "sorted by" and analysis words (`cues.rs`) and chart requests
//!   (`chart_cues.rs`) shape the query;
//! * each mention gets its role (`roles.rs`); count nouns and verbs name their
//!   figure (`figures.rs`); records named by their key (`identified.rs`),
//!   record listings (`listing.rs`), the largest records (`largest.rs`),
//!   extremes (`extremes.rs`), rates (`rates.rs`) and qualifiers
//!   (`qualifiers.rs`) rewrite the answer;
//! * the members chosen stay within one view or within cubes that join
//!   (`resolve.rs`), and nothing outside the catalog is ever named; a word
//!   nothing in the answer accounts for is asked back (`unplaced.rs`).
//!
//! Follow-ups ("only Europe", "by week", "as a bar chart") modify the
//! previous query (`followup.rs`). Sample values come from the data with
//! [`load_sample_values`].
//!
//! ```
//! use strata_llm::{offline, Catalog, Intent};
//! let model = strata_demo::model().expect("demo model");
//! let catalog = Catalog::from_model(&model);
//! let parser = offline::OfflineParser::for_model(&catalog, &model);
//! let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 15).expect("date");
//! let t = parser.translate("top 5 products by revenue", today).expect("understood");
//! assert_eq!(t.intent, Intent::TopN);
//! assert_eq!(t.query.limit, Some(5));
//! ```

mod alerts;
mod background;
mod both_ends;
mod build;
mod calendar;
mod change;
mod chart_cues;
mod chat_edits;
mod chunks;
mod claims;
mod compare_words;
mod compared;
mod compose;
mod condition_rows;
mod conditions;
mod context_free;
mod correction;
mod count_nouns;
mod counted;
mod courtesy;
mod cues;
mod dataframes;
mod day_spans;
mod display;
mod distinct;
mod dropped;
mod everyone;
mod extremes;
mod figures;
mod filters;
mod followup;
mod followup_draft;
mod followup_edits;
mod followup_periods;
mod formulas;
pub(crate) mod guard;
mod holidays;
mod identified;
mod identifiers;
mod inclusions;
mod index;
mod instructions;
mod joins;
mod largest;
mod letter;
mod lexicon;
mod listing;
mod named_periods;
mod negation;
mod nesting;
mod normalize;
mod numeric_flags;
mod numeric_targets;
mod parse;
mod periods;
mod phrase_table;
mod phrases;
mod pivot;
mod points;
mod qualified_nouns;
mod qualifiers;
mod ranking;
mod rates;
mod ratio;
mod resolve;
mod restated;
mod roles;
mod rolling;
mod samples;
mod seasons;
mod shape;
mod shared_noun;
mod spelling;
mod split_values;
mod spoken;
mod stopwords;
mod swap_words;
mod text;
mod text_match;
mod time;
mod time_order;
mod unplaced;
mod unused_numbers;
mod value_prefix;
mod view_moves;
mod year_ago;
mod yes_no;

use std::borrow::Cow;

use strata_schema::{MemberKind, SemanticModel};

use crate::catalog::Catalog;
use crate::error::LlmError;
use crate::translation::Translation;

pub use chrono::NaiveDate;
pub use index::ParserIndex;
pub use joins::JoinHints;
pub use samples::{load_sample_values, sample_candidates, sample_query, sample_values};

/// A parser for one catalog (and, optionally, the joins of its model).
#[derive(Debug, Clone)]
pub struct OfflineParser<'a> {
    catalog: &'a Catalog,
    index: Cow<'a, ParserIndex>,
}

impl<'a> OfflineParser<'a> {
    /// A parser that knows only the catalog: it keeps to one cube or view
    /// where it can and assumes cubes join when it must combine them.
    pub fn new(catalog: &'a Catalog) -> OfflineParser<'a> {
        OfflineParser {
            catalog,
            index: Cow::Owned(ParserIndex::new(catalog)),
        }
    }

    /// A parser that also knows which cubes of `model` join, so it never
    /// combines cubes the engine could not plan together.
    pub fn for_model(catalog: &'a Catalog, model: &SemanticModel) -> OfflineParser<'a> {
        OfflineParser {
            catalog,
            index: Cow::Owned(ParserIndex::for_model(catalog, model)),
        }
    }

    /// A parser reading with an index built earlier from this catalog, so
    /// nothing is indexed per question. An index built from other members or
    /// values is not used: the parser then indexes the catalog itself.
    pub fn with_index(catalog: &'a Catalog, index: &'a ParserIndex) -> OfflineParser<'a> {
        if index.fits(catalog) {
            return OfflineParser {
                catalog,
                index: Cow::Borrowed(index),
            };
        }
        tracing::debug!("the catalog changed since its parser index was built");
        let mut owned = ParserIndex::new(catalog);
        owned.joins = index.joins.clone();
        owned.restated = index.restated.clone();
        owned.views = index.views.clone();
        OfflineParser {
            catalog,
            index: Cow::Owned(owned),
        }
    }

    /// Sets the join knowledge.
    pub fn with_joins(mut self, joins: JoinHints) -> OfflineParser<'a> {
        self.index.to_mut().joins = Some(joins);
        self
    }

    /// The catalog.
    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    /// The join knowledge, if any.
    pub fn joins(&self) -> Option<&JoinHints> {
        self.index.joins.as_ref()
    }

    /// Whether each value of the dimension `inner` lies in one value of
    /// `outer` (a country in a region); false without a model.
    pub(crate) fn nested_in(&self, inner: &str, outer: &str) -> bool {
        self.index.nesting.within(&self.index.views, inner, outer)
    }

    /// Full name of a member by catalog index.
    pub fn name(&self, member: usize) -> &'a str {
        self.catalog
            .members()
            .get(member)
            .map(|m| m.name.as_str())
            .unwrap_or_default()
    }

    /// Translates a question; `today` anchors relative dates ("since March").
    ///
    /// Fails with [`LlmError::NotUnderstood`] when the question names nothing
    /// the catalog knows, asks to group by something unknown, or asks for a
    /// forecast.
    pub fn translate(&self, question: &str, today: NaiveDate) -> Result<Translation, LlmError> {
        // "Hi Sam, … I need revenue by channel … Thanks, Maria": the request.
        let asked = self.index.reader.request(self.catalog, question, today);
        if let Some(why) = guard::refusal(question).or_else(|| guard::refusal(&asked)) {
            return Err(LlmError::NotUnderstood(format!(
                "{why} {}",
                self.suggestions()
            )));
        }
        // "ALERT: … 2x higher than usual in the last 7 days. Which brands
        // are driving it?": the claim, then the reaction leaning on it.
        if let Some(answer) = alerts::answer(self, question, today) {
            return answer;
        }
        match self.translate_request(&asked, today) {
            // "We're planning the winter sale. … How did Toys do in
            // December?": the one sentence that asks, the rest background.
            Err(error) => background::ask_alone(self, &asked, today).unwrap_or(Err(error)),
            // "Do older customers cancel more? Cancellation rate by age
            // group": the request answers the question before it.
            Ok(t) => {
                let t = background::request_after_yes_no(self, &asked, today).unwrap_or(t);
                background::unless_compared_across_sentences(self, &asked, t, today)
            }
        }
    }

    /// Translates the request read out of a question (greetings, courtesies
    /// and occasions gone).
    fn translate_request(&self, question: &str, today: NaiveDate) -> Result<Translation, LlmError> {
        let mut analysis = self.index.reader.analyze(self.catalog, question, today);
        // "by payment method pls" with nothing before it.
        if let Some(word) = context_free::leaning_word(self.catalog, question, &analysis) {
            return Err(self.ask_about(
                question,
                &word,
                "refers to an earlier question, and there is none to refine",
            ));
        }
        let mut translation = compose::compose(self, &analysis)?;
        // "how many orders has customer 812 placed": one record by its key.
        identified::apply(self, &analysis, &mut translation);
        // "products with 'Chair' in the name".
        text_match::apply(self, &analysis, &mut translation);
        // "what did Customer 28 buy?".
        listing::what_was_bought(self, &analysis, &mut translation);
        // "which phones do we carry?".
        listing::which_of_a_kind(self, &analysis, &mut translation);
        // "count distinct customers group by city".
        if !distinct::apply(self, &analysis, &mut translation) {
            if let Some(word) = distinct::split_instead(self, &analysis, &translation) {
                return Err(self.ask_about(
                    question,
                    &word,
                    "is counted once each, and the model has no such count",
                ));
            }
        }
        // "what's in order CA-2017-160633?": its lines.
        listing::order_contents(self, &analysis, &mut translation);
        // "what share of orders get returned": the model's return rate.
        rates::apply(self, &analysis, &mut translation);
        rates::drop_own_population(self.catalog, &mut translation);
        rates::drop_population_count(self.catalog, &analysis, &mut translation);
        // "how much do people spend per order": the average order value.
        if !rates::per_record(self, &analysis, &mut translation) {
            // "orders per customer": the figure beside the customer count.
            ratio::per_record_count(self, &analysis, &mut translation);
        }
        // "the profit margin for Technology", with no margin in the model.
        ratio::margin_as_profit_and_sales(self, &analysis, &mut translation);
        // "rolling 2-week order count".
        rolling::apply(self, &analysis, &mut translation);
        // "daily orders, newest first": the series in time order.
        time_order::values_in_name_order(self.catalog, &analysis, &mut translation);
        time_order::apply(&analysis, &mut translation);
        // "when was our first order", "the 20 priciest products".
        extremes::apply(self, &analysis, &mut translation);
        // "lowest and highest list price per subcategory".
        both_ends::apply(self.catalog, &analysis, &mut translation);
        // "orders completed in December", "cities with negative profit".
        qualifiers::apply(self, &analysis, &mut translation);
        // "cancelled and returned orders": two counts side by side.
        counted::apply(self.catalog, question, &mut translation);
        // "how many, and how much revenue?": the count beside the amount.
        counted::asked_how_many(self.catalog, &analysis, &mut translation);
        // "how many of our business accounts have opted in".
        counted::counted_among(self.catalog, &analysis, &mut translation);
        // "excluding cancelled orders": the count without them.
        counted::excluded(self.catalog, &analysis, &mut translation);
        // "orders paid by business customers": whose orders.
        counted::by_whom(self.catalog, &analysis, &mut translation);
        // "which payment method do business customers use the most".
        counted::subject_of_rows(self.catalog, self.joins(), &mut translation);
        // "count rows where discount between 0.1 and 0.3".
        counted::count_of_the_rows_named(self.catalog, &analysis, &mut translation);
        // "how many order lines were sold", "and how many in total".
        counted::records_counted(self.catalog, &analysis, &mut translation);
        counted::total_beside(self.catalog, &analysis, &mut translation);
        // "the total value of the orders that were returned".
        counted::value_of_records(self.catalog, &analysis, &mut translation);
        // "how many sales came from returning customers".
        counted::sales_counted(self.catalog, &analysis, &mut translation);
        // "web vs mobile", "the split of orders across web, mobile and
        // marketplace": each value its own row (before the share check:
        // "what share comes from business versus consumers" is then the
        // distribution). A plain "in Germany and France" stays one total.
        let split = analysis.tokens.iter().any(|t| {
            matches!(
                t.text.as_str(),
                "split" | "across" | "breakdown" | "mix" | "each" | "respectively" | "separately"
            )
        });
        if analysis.compare || split {
            guard::split_compared_values(&mut translation.query);
        }
        // A share or rate the model has no measure for: the plain amount
        // would answer another question. "Share of revenue by channel" is
        // the distribution of revenue, which the answer shows.
        guard::share_as_distribution(self.catalog, &analysis.tokens, &mut translation);
        if let Some(word) = guard::unplaced_share(self.catalog, &analysis.tokens, &translation) {
            return Err(self.not_understood(
                &[word],
                "no percentage, share or rate measure in the model answers it",
            ));
        }
        // "the open rate on the newsletter": a rate the model does not have,
        // named by a word the chosen rate does not hold.
        if let Some(phrase) =
            rates::rate_named_otherwise(self.catalog, &analysis.tokens, &translation)
        {
            return Err(self.not_understood(&[phrase], "the model has no rate of that name"));
        }
        // "how many Google Nexus units": the first words of several values.
        value_prefix::apply(self, &mut analysis, &mut translation);
        // "who bought the Canon copier": the buyers.
        listing::who_bought(self, &analysis, &mut translation);
        // "discounted lines only" with a numeric discount column.
        numeric_flags::apply(self, &analysis, &mut translation);
        // "the profit a year earlier" with a year-ago measure.
        year_ago::apply(self, &analysis, &mut translation);
        // A value the data does not have would otherwise be dropped, and the
        // answer would be for a broader question.
        let unknown = guard::value_like(question, &translation.unmatched);
        if let Some(word) = unknown.first() {
            let clarification = guard::clarify(self.catalog, question, word);
            let near: Vec<&str> = clarification
                .options
                .iter()
                .filter(|o| !o.label.starts_with("without"))
                .map(|o| o.label.as_str())
                .collect();
            let options = if near.is_empty() {
                String::new()
            } else {
                format!(" Closest values in the data: {}.", near.join(", "))
            };
            return Err(LlmError::NeedsClarification {
                message: format!(
                    "\"{word}\" is not a value found in the data, so the question cannot be \
                     answered as asked.{options} {}",
                    self.suggestions()
                ),
                clarification,
            });
        }
        // "sorted by city name".
        unplaced::drop_name_of_column(self.catalog, &analysis, &mut translation);
        // A content word nothing in the answer accounts for: the answer
        // would be to another question, so ask.
        if let Some(word) =
            unplaced::unplaced_words(self.catalog, &translation, analysis.compare).first()
        {
            return Err(self.ask_about(question, word, "is not something the model describes"));
        }
        // "between $100 and $500" read without its range.
        if let Some(number) = unused_numbers::first_unused(&analysis, &translation) {
            return Err(self.ask_about(
                question,
                &number,
                "is a number the answer found does not use",
            ));
        }
        // A grouping or value the question names that the answer would
        // leave out ("in each category", "business customers").
        if let Some(words) = dropped::left_out(self.catalog, &analysis, &translation) {
            return Err(self.ask_about(
                question,
                &words,
                "is named in the question, but the answer found leaves it out",
            ));
        }
        // "how has revenue changed over the last 6 months": a series.
        if let Some(word) = change::over_one_period(&analysis, &mut translation) {
            return Err(self.ask_about(
                question,
                &word,
                "asks how a figure changed, but names one period and nothing to compare it with",
            ));
        }
        normalize::merge_exclusions(&mut translation.query);
        // "Open orders (processing or shipped)", "small orders (under 50)":
        // the segment or band, once.
        self.index
            .restated
            .drop_repeated_filters(&mut translation.query);
        // "days this month with more than 300 orders": a daily series;
        // "our biggest sign-up month": months ranked.
        condition_rows::rows_of_time(self.catalog, &analysis, &mut translation);
        // "customers who placed more than 10 orders": by customer.
        condition_rows::rows_named(self.catalog, &analysis, &mut translation);
        condition_rows::one_ranked_period(&analysis, &mut translation);
        // "the 10 biggest orders from Australia", read on a view with no
        // amount: the records, listed on its cubes.
        largest::records_on_cubes(self, &analysis, &mut translation, false);
        // "state the status, channel and order total": a column too.
        listing::amount_columns_named(self.catalog, &analysis, &mut translation);
        self.check_shape(question, &analysis, &translation, false)?;
        // "orders with more than 5 different products", "customers who spent
        // over 1000": a condition on a total with nothing to group by would
        // test the grand total, not each order or customer.
        if let Some(word) = condition_rows::condition_without_rows(self.catalog, &translation) {
            return Err(self.not_understood(
                &[word],
                "a condition on a total needs the rows it applies to, e.g. \"by customer\"",
            ));
        }
        Ok(translation)
    }

    /// Asks about `word` of `question` instead of answering: `why` says what
    /// is wrong with it; the choices are the members closest to it and the
    /// question without it.
    fn ask_about(&self, question: &str, word: &str, why: &str) -> LlmError {
        let clarification = unplaced::clarify(self.catalog, question, word);
        let options: Vec<&str> = clarification
            .options
            .iter()
            .map(|o| o.label.as_str())
            .collect();
        // No option at all (the word was the whole question): no empty list.
        let choose = if options.is_empty() {
            String::new()
        } else {
            format!(" Choose: {}.", options.join("; "))
        };
        LlmError::NeedsClarification {
            message: format!(
                "\"{word}\" {why}, so an answer would be to a different question.{choose} {}",
                self.suggestions()
            ),
            clarification,
        }
    }

    /// Applies a follow-up ("only Europe", "by week", "top 3", "as a bar
    /// chart") to a previous translation; a follow-up that is a complete new
    /// question is translated as one.
    pub fn refine(
        &self,
        previous: &Translation,
        followup: &str,
        today: NaiveDate,
    ) -> Result<Translation, LlmError> {
        followup::refine(self, previous, followup, today)
    }

    pub(crate) fn reader(&self) -> &parse::Reader {
        &self.index.reader
    }

    /// "You can ask about …"; see [`suggestions`].
    pub fn suggestions(&self) -> String {
        suggestions(self.catalog)
    }

    /// A [`LlmError::NotUnderstood`] naming the words and what exists.
    pub fn not_understood(&self, words: &[String], why: &str) -> LlmError {
        let quoted: Vec<String> = words
            .iter()
            .filter(|w| !w.trim().is_empty())
            .map(|w| format!("\"{w}\""))
            .collect();
        if quoted.is_empty() {
            // "how are we doing?": nothing was left to report.
            return LlmError::NotUnderstood(format!(
                "Not understood: the question names nothing the model describes. {}",
                self.suggestions()
            ));
        }
        LlmError::NotUnderstood(format!(
            "Not understood: {} ({why}). {}",
            quoted.join(", "),
            self.suggestions()
        ))
    }
}

/// "You can ask about …": some measures and dimensions of the catalog,
/// taken in turn from the owners with the most members (money measures
/// first), so that the main facts show up rather than lookup tables.
pub fn suggestions(catalog: &Catalog) -> String {
    let pick = |kind: MemberKind| -> Vec<String> {
        let eligible = |m: &&crate::catalog::CatalogMember| {
            m.kind == kind
                && !m.primary_key
                && m.format.as_deref() != Some("id")
                && (kind == MemberKind::Measure || m.data_type == "string")
        };
        let mut owners: Vec<(&str, Vec<&crate::catalog::CatalogMember>)> = Vec::new();
        for m in catalog.members().iter().filter(eligible) {
            match owners.iter_mut().find(|(o, _)| *o == m.owner) {
                Some((_, list)) => list.push(m),
                None => owners.push((m.owner.as_str(), vec![m])),
            }
        }
        owners.sort_by_key(|(_, list)| std::cmp::Reverse(list.len()));
        for (_, list) in owners.iter_mut() {
            list.sort_by_key(|m| m.format.as_deref() != Some("currency"));
        }
        let mut seen: Vec<String> = Vec::new();
        let longest = owners.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
        'outer: for round in 0..longest {
            for (_, list) in &owners {
                if let Some(m) = list.get(round) {
                    if !seen.contains(&m.title) {
                        seen.push(m.title.clone());
                    }
                    if seen.len() == 8 {
                        break 'outer;
                    }
                }
            }
        }
        seen
    };
    let measures = pick(MemberKind::Measure);
    let dimensions = pick(MemberKind::Dimension);
    if measures.is_empty() && dimensions.is_empty() {
        return "The model has no members you may query.".into();
    }
    format!(
        "You can ask about {} — by {}.",
        measures.join(", "),
        dimensions.join(", ")
    )
}

/// Translates a question with a parser that knows only the catalog; see
/// [`OfflineParser::translate`]. Build an [`OfflineParser`] once (with
/// [`OfflineParser::for_model`] when the model is at hand) to translate many.
pub fn translate(
    catalog: &Catalog,
    question: &str,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    OfflineParser::new(catalog).translate(question, today)
}

/// Applies a follow-up to a previous translation; see
/// [`OfflineParser::refine`].
pub fn refine(
    catalog: &Catalog,
    previous: &Translation,
    followup: &str,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    OfflineParser::new(catalog).refine(previous, followup, today)
}

#[cfg(test)]
mod alert_tests;
#[cfg(test)]
mod asked_figure_tests;
#[cfg(test)]
mod asked_tests;
#[cfg(test)]
mod audit_wording_tests;
#[cfg(test)]
mod busy_words_tests;
#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod chat_edit_tests;
#[cfg(test)]
mod chat_tests;
#[cfg(test)]
mod chat_turn_tests;
#[cfg(test)]
mod context_tests;
#[cfg(test)]
mod event_dates_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod followup_tests;
#[cfg(test)]
mod letter_tests;
#[cfg(test)]
mod month_end_tests;
#[cfg(test)]
mod phrasing_tests;
#[cfg(test)]
mod qualified_nouns_tests;
#[cfg(test)]
mod rates_tests;
#[cfg(test)]
mod shop_words_tests;
#[cfg(test)]
mod spec_tests;
#[cfg(test)]
mod sql_words_tests;
#[cfg(test)]
mod task_wording_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod trust_tests;
#[cfg(test)]
mod voice_tests;
