//! Answering one question: translate it (LLM or offline parser, refining the
//! conversation's last query for a follow-up, or a question the tenant
//! approved before), check it against the caller's catalog, run it as the
//! caller, and shape data, chart and insights into an [`Outcome`]; then
//! record the turn.

use chrono::NaiveDate;
use strata_engine::Engine;
use strata_llm::offline::{self, OfflineParser};
use strata_llm::prompt::Example;
use strata_llm::{Catalog, Clarification, LlmError, Translation};
use strata_schema::MemberKind;

use crate::conversations::{now, Conversation, ConversationId, StoredChart, Turn};
use crate::error::AnalystError;
use crate::feedback::ApprovedPair;
use crate::forecasting;
use crate::guard::outside_catalog;
use crate::outcome::{Answer, AvailableMembers, Outcome, Refusal, RefusalReason};
use crate::run::{present, run, NotRun, Ran};
use crate::scope::AnalystScope;
use crate::similar::{closest, MAX_EXAMPLES, NEAR_DUPLICATE};
use crate::value_search;
use crate::Analyst;

/// Longest question accepted (characters).
pub const MAX_QUESTION_CHARS: usize = 2_000;

/// Most member names listed in a refusal's `availableMembers`, per kind.
const MAX_LISTED_MEMBERS: usize = 40;

/// A translation, and the approved question it was taken from.
type Translated = (Translation, Option<String>);

/// A refusal before it is recorded.
struct Refused {
    reason: RefusalReason,
    message: String,
    translation: Option<Translation>,
    clarification: Option<Clarification>,
}

impl Analyst {
    /// Answers `question` for the caller of `scope`, continuing
    /// `conversation` (the caller's own) when given, else starting one. The
    /// turn is recorded either way.
    ///
    /// Questions that cannot be answered (not understood, not allowed, not
    /// runnable, the LLM endpoint down) are [`Outcome::Refusal`]s; errors
    /// are a bad question, a conversation that is not the caller's, and
    /// failures of the store, the engine or a data source.
    pub async fn ask(
        &self,
        scope: &AnalystScope,
        question: &str,
        conversation: Option<&ConversationId>,
    ) -> Result<Outcome, AnalystError> {
        let question = question.trim();
        if question.is_empty() {
            return Err(AnalystError::InvalidQuestion(
                "the question is empty".into(),
            ));
        }
        if question.chars().count() > MAX_QUESTION_CHARS {
            return Err(AnalystError::InvalidQuestion(format!(
                "the question is too long (at most {MAX_QUESTION_CHARS} characters)"
            )));
        }
        let existing = match conversation {
            Some(id) => Some(self.owned_conversation(scope, id).await?),
            None => None,
        };
        let entry = self.catalogs().for_caller(scope).await;
        let mut catalog = std::borrow::Cow::Borrowed(&entry.catalog);
        let previous = existing.as_ref().and_then(Conversation::last_translation);
        let pairs = self.usable_pairs(scope, &catalog).await?;
        let today = chrono::Utc::now().date_naive();

        // A question about the future is translated as the history it is
        // forecast from.
        let forecast_ask = forecasting::split_question(question);
        let read_as = forecast_ask
            .as_ref()
            .map_or(question, |(rest, _)| rest.as_str());
        // "forecast it for the next quarter" after "revenue by month": the
        // conversation's last query is the history.
        let continues = forecast_ask
            .as_ref()
            .is_some_and(|(rest, _)| forecasting::refers_back(rest));
        // A value the catalog does not list ("Emma Schmidt") is looked up in
        // the caller's data once, and the question read again with it.
        let mut searched = false;
        let mut translated = loop {
            let translated = match (continues, &previous) {
                (true, Some(p)) => Ok((p.clone(), None)),
                _ => {
                    self.translate(
                        scope.engine(),
                        &OfflineParser::with_index(&catalog, &entry.parser_index),
                        read_as,
                        previous.as_ref(),
                        &pairs,
                        today,
                    )
                    .await
                }
            };
            let unknown = match &translated {
                Err(LlmError::NeedsClarification { clarification, .. }) if !searched => {
                    clarification.unknown.first().cloned()
                }
                _ => None,
            };
            searched = true;
            let Some(word) = unknown else {
                break translated;
            };
            let phrases = value_search::phrases_around(read_as, &word);
            let Some((dimension, value)) = value_search::find_one(scope, &catalog, &phrases).await
            else {
                break translated;
            };
            let mut known = catalog.into_owned();
            let mut values = known
                .get(&dimension)
                .map(|m| m.sample_values.clone())
                .unwrap_or_default();
            values.push(value);
            known.set_sample_values(&dimension, values);
            catalog = std::borrow::Cow::Owned(known);
        };
        let catalog: &Catalog = &catalog;
        if let (Some((_, ask)), Ok((translation, _))) = (&forecast_ask, &mut translated) {
            let shaped = match forecasting::unsupported(&translation.query) {
                Some(why) => Err(why),
                None => forecasting::shape_history(
                    &mut translation.query,
                    scope.engine().model(),
                    *ask,
                    today,
                ),
            };
            if let Err(why) = shaped {
                translated = Err(LlmError::NotUnderstood(format!("no forecast: {why}")));
            }
        }
        let result = match translated {
            Ok((translation, approved)) => match run(scope, catalog, &translation.query).await {
                Ok(ran) => Ok((translation, ran, approved)),
                Err(NotRun::Outside(members)) => Err(outside(catalog, &translation, &members)),
                Err(NotRun::Refused(e)) => Err(not_runnable(&e, translation)),
                Err(NotRun::Failed(e)) => return Err(e),
            },
            Err(e) => Err(refusal(catalog, e)),
        };
        let translator = self.translator_kind();
        match result {
            Ok((translation, ran, approved)) => {
                let mut answer = answer(Some(question), translation, ran);
                if let Some((_, ask)) = forecast_ask {
                    forecasting::attach(&mut answer, ask);
                }
                answer.translator = Some(translator);
                answer.approved_question = approved;
                let (id, turn) = self.record(scope, existing, answered_turn(&answer)).await?;
                answer.conversation_id = Some(id);
                answer.turn = Some(turn);
                Ok(Outcome::Answer(Box::new(answer)))
            }
            Err(r) => {
                let turn = refused_turn(question, &r);
                let (conversation_id, turn) = self.record(scope, existing, turn).await?;
                Ok(Outcome::Refusal(Box::new(Refusal {
                    question: question.to_owned(),
                    reason: r.reason,
                    message: r.message,
                    translation: r.translation,
                    available_members: available_members(catalog),
                    clarification: r.clarification,
                    translator,
                    conversation_id,
                    turn,
                })))
            }
        }
    }

    /// The caller's conversation `id`.
    pub(crate) async fn owned_conversation(
        &self,
        scope: &AnalystScope,
        id: &ConversationId,
    ) -> Result<Conversation, AnalystError> {
        self.store()
            .get(scope.owner(), id.as_str())
            .await?
            .ok_or_else(|| AnalystError::ConversationNotFound(id.to_string()))
    }

    /// Adds `turn` to `existing`, or starts a conversation with it: its id
    /// and the turn's 1-based number.
    pub(crate) async fn record(
        &self,
        scope: &AnalystScope,
        existing: Option<Conversation>,
        turn: Turn,
    ) -> Result<(ConversationId, usize), AnalystError> {
        match existing {
            Some(c) => {
                if !self.store().append(scope.owner(), &c.id, &turn).await? {
                    return Err(AnalystError::ConversationNotFound(c.id));
                }
                Ok((ConversationId::from(c.id), c.turns.len() + 1))
            }
            None => {
                let id = ConversationId::random();
                let c = Conversation::start(id.to_string(), scope.owner(), turn);
                self.store().create(&c).await?;
                Ok((id, 1))
            }
        }
    }

    /// The caller's tenant's approved pairs that keep to its catalog.
    async fn usable_pairs(
        &self,
        scope: &AnalystScope,
        catalog: &Catalog,
    ) -> Result<Vec<ApprovedPair>, AnalystError> {
        let mut pairs = self.store().approved_pairs(&scope.owner().tenant).await?;
        pairs.retain(|p| outside_catalog(catalog, &p.query).is_empty());
        Ok(pairs)
    }

    /// The question (or follow-up) as a query over the parser's catalog.
    async fn translate(
        &self,
        engine: &Engine,
        parser: &OfflineParser<'_>,
        question: &str,
        previous: Option<&Translation>,
        pairs: &[ApprovedPair],
        today: NaiveDate,
    ) -> Result<Translated, LlmError> {
        if let Some(llm) = self.translator() {
            let examples: Vec<Example> = closest(question, pairs, MAX_EXAMPLES, 0.0)
                .into_iter()
                .map(|(p, _)| Example {
                    question: p.question.clone(),
                    query: p.query.clone(),
                })
                .collect();
            return llm
                .translate_with_examples(
                    engine,
                    parser.catalog(),
                    question,
                    previous,
                    &examples,
                    today,
                )
                .await
                .map(|t| (t, None));
        }
        if let Some((pair, score)) = closest(question, pairs, 1, NEAR_DUPLICATE).first() {
            tracing::debug!(approved = %pair.question, score, "answered with an approved query");
            let translation = Translation {
                query: pair.query.clone(),
                intent: pair.intent,
                chart: None,
                unmatched: Vec::new(),
            };
            return Ok((translation, Some(pair.question.clone())));
        }
        match previous {
            Some(p) => parser.refine(p, question, today),
            None => parser.translate(question, today),
        }
        .map(|t| (t, None))
    }
}

/// An answer from a query's data (not yet recorded).
pub(crate) fn answer(question: Option<&str>, translation: Translation, ran: Ran) -> Answer {
    let (chart, insights) = present(translation.intent, &ran.table, translation.chart);
    let chart_alternatives = chart
        .alternatives
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    Answer {
        question: question.map(str::to_owned),
        translation,
        query_type: ran.query_type,
        table: ran.table,
        chart,
        chart_alternatives,
        insights,
        forecast: None,
        metadata: ran.metadata,
        sql: ran.sql,
        translator: None,
        approved_question: None,
        conversation_id: None,
        turn: None,
    }
}

/// The turn an answer records, asked as `question`.
pub(crate) fn answered_turn_as(answer: &Answer, question: String) -> Turn {
    let t = &answer.translation;
    Turn {
        question,
        success: true,
        intent: Some(t.intent),
        generated_query: Some(t.query.clone()),
        requested_chart: t.chart,
        unmatched: t.unmatched.clone(),
        chart: Some(StoredChart {
            chart_type: answer.chart.chart_type,
            option: answer.chart.option.clone(),
        }),
        insights: answer.insights.iter().map(|i| i.text.clone()).collect(),
        error: None,
        created_at: now(),
    }
}

fn answered_turn(answer: &Answer) -> Turn {
    answered_turn_as(answer, answer.question.clone().unwrap_or_default())
}

fn refused_turn(question: &str, r: &Refused) -> Turn {
    let t = r.translation.as_ref();
    Turn {
        question: question.to_owned(),
        success: false,
        intent: t.map(|t| t.intent),
        generated_query: t.map(|t| t.query.clone()),
        requested_chart: t.and_then(|t| t.chart),
        unmatched: t.map(|t| t.unmatched.clone()).unwrap_or_default(),
        chart: None,
        insights: Vec::new(),
        error: Some(r.message.clone()),
        created_at: now(),
    }
}

/// What the caller can ask about, without keys and ids.
fn available_members(catalog: &Catalog) -> AvailableMembers {
    let names = |kind: MemberKind| -> Vec<String> {
        catalog
            .of_kind(kind)
            .filter(|m| !m.primary_key && m.format.as_deref() != Some("id"))
            .take(MAX_LISTED_MEMBERS)
            .map(|m| m.name.clone())
            .collect()
    };
    AvailableMembers {
        measures: names(MemberKind::Measure),
        dimensions: names(MemberKind::Dimension),
    }
}

/// A translation that left the catalog (never run).
fn outside(catalog: &Catalog, translation: &Translation, members: &[String]) -> Refused {
    tracing::warn!(?members, query = ?translation.query, "translation left the catalog");
    Refused {
        reason: RefusalReason::OutsideCatalog,
        message: format!(
            "The question was translated into a query naming members you may not use ({}). {}",
            members.join(", "),
            offline::suggestions(catalog)
        ),
        translation: None,
        clarification: None,
    }
}

fn not_runnable(error: &AnalystError, translation: Translation) -> Refused {
    let error = match error {
        AnalystError::Query(q) => q.to_string(),
        other => other.to_string(),
    };
    Refused {
        reason: RefusalReason::NotRunnable,
        message: format!("The question was understood, but its query could not be run: {error}"),
        translation: Some(translation),
        clarification: None,
    }
}

/// Why a translator gave up, as a refusal that says what exists.
fn refusal(catalog: &Catalog, e: LlmError) -> Refused {
    let suggestions = offline::suggestions(catalog);
    let (reason, message) = match e {
        LlmError::NotUnderstood(m) if m.contains("You can ask about") => {
            (RefusalReason::NotUnderstood, m)
        }
        LlmError::NotUnderstood(m) => (
            RefusalReason::NotUnderstood,
            format!("Not understood: {m}. {suggestions}"),
        ),
        e @ LlmError::InvalidAnswer { .. } => (
            RefusalReason::NotUnderstood,
            format!("The question could not be turned into a valid query: {e}. {suggestions}"),
        ),
        e @ LlmError::Endpoint(_) => (RefusalReason::TranslatorUnavailable, format!("{e}")),
        LlmError::NeedsClarification {
            message,
            clarification,
        } => {
            return Refused {
                reason: RefusalReason::NeedsClarification,
                message,
                translation: None,
                clarification: Some(clarification),
            }
        }
        LlmError::Query(q) => (
            RefusalReason::NotUnderstood,
            format!("The query is not valid: {q}. {suggestions}"),
        ),
        // A failure the analyst does not know yet is its own, not the question's.
        e => (RefusalReason::TranslatorFailed, format!("{e}")),
    };
    Refused {
        reason,
        message,
        translation: None,
        clarification: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_exists() {
        let model = strata_demo::model().expect("demo model");
        let catalog = Catalog::from_model(&model);
        let r = refusal(
            &catalog,
            LlmError::NotUnderstood("the question is empty".into()),
        );
        assert_eq!(r.reason, RefusalReason::NotUnderstood);
        assert!(r.message.contains("You can ask about"), "{}", r.message);
        let timed_out = strata_llm::EndpointError {
            status: None,
            message: "timed out".into(),
            retryable: true,
        };
        let r = refusal(&catalog, LlmError::Endpoint(timed_out));
        assert_eq!(r.reason, RefusalReason::TranslatorUnavailable);
        assert!(r.message.contains("timed out"), "{}", r.message);
        let listed = available_members(&catalog);
        assert!(listed.measures.iter().any(|m| m == "Orders.revenue"));
        assert!(listed.measures.len() <= MAX_LISTED_MEMBERS);
    }
}
