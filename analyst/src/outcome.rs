//! What a question comes to: an [`Answer`] with data, chart and insights, or
//! a [`Refusal`] saying why not. Both serialize to the body of
//! `POST /ai-analytics/query` (`{"success": true, "naturalLanguageQuery",
//! "intent", "generatedQuery", "queryType", "data", "columns", "chart",
//! "insights", "metadata", ...}` or `{"success": false, "error",
//! "availableMembers", ...}`).

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use strata_engine::{Annotation, QueryType};
use strata_llm::{Chart, Insight, ResultColumn, ResultTable, Translation};
pub use strata_llm::{Clarification, ClarificationOption};

use crate::conversations::ConversationId;

/// Which translator read the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TranslatorKind {
    /// The LLM endpoint.
    Llm,
    /// The offline parser (or a question its tenant approved before).
    Offline,
}

/// A question (or a given query) answered with data.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The question as asked; `None` for a query given directly
    /// ([`crate::Analyst::chart`]).
    pub question: Option<String>,
    /// The query and what it asks for.
    pub translation: Translation,
    /// Cube's query type (`regularQuery`, `compareDateRangeQuery`...).
    pub query_type: QueryType,
    /// The rows and their columns.
    pub table: ResultTable,
    /// The chart.
    pub chart: Chart,
    /// Chart types that can show the result (the chart's `alternatives`):
    /// the built-in ones that fit; an embedder may add its own (the server
    /// adds its chart plugins).
    pub chart_alternatives: Vec<String>,
    /// What the data says.
    pub insights: Vec<Insight>,
    /// The forecast, when the question asked about the future.
    pub forecast: Option<crate::forecasting::AnswerForecast>,
    /// Cube's annotation of the members.
    pub metadata: Annotation,
    /// The SQL of the (first) query, as planned for its data source.
    pub sql: Option<String>,
    /// Which translator read the question (`None` for a given query).
    pub translator: Option<TranslatorKind>,
    /// The approved question whose query answered this one, when the
    /// offline translator reused one.
    pub approved_question: Option<String>,
    /// The conversation the answer was recorded in.
    pub conversation_id: Option<ConversationId>,
    /// Its 1-based turn there.
    pub turn: Option<usize>,
}

/// Why a question got no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The translator did not understand it (or refused it).
    NotUnderstood,
    /// It needs the person to choose ([`Refusal::clarification`]).
    NeedsClarification,
    /// Its query named members outside the caller's catalog.
    OutsideCatalog,
    /// Its query could not be planned or run.
    NotRunnable,
    /// The LLM endpoint failed.
    TranslatorUnavailable,
    /// The translator failed in a way that is not the question's fault.
    TranslatorFailed,
}

/// What the caller can ask about (listed in a refusal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AvailableMembers {
    /// Measures.
    pub measures: Vec<String>,
    /// Dimensions.
    pub dimensions: Vec<String>,
}

/// A question that got no data, and why.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The question as asked.
    pub question: String,
    /// Why.
    pub reason: RefusalReason,
    /// What was not understood, not allowed or not runnable, and what can
    /// be asked about.
    pub message: String,
    /// The translation, when there was one (a query that could not run).
    pub translation: Option<Translation>,
    /// What the caller can ask about.
    pub available_members: AvailableMembers,
    /// The choices, when the person must choose.
    pub clarification: Option<Clarification>,
    /// Which translator read the question.
    pub translator: TranslatorKind,
    /// The conversation the refusal was recorded in.
    pub conversation_id: ConversationId,
    /// Its 1-based turn there.
    pub turn: usize,
}

/// What a question came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Answered with data.
    Answer(Box<Answer>),
    /// Not answered.
    Refusal(Box<Refusal>),
}

impl Outcome {
    /// Whether it was answered with data.
    pub fn is_answer(&self) -> bool {
        matches!(self, Outcome::Answer(_))
    }

    /// The conversation it was recorded in.
    pub fn conversation_id(&self) -> Option<&ConversationId> {
        match self {
            Outcome::Answer(a) => a.conversation_id.as_ref(),
            Outcome::Refusal(r) => Some(&r.conversation_id),
        }
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Outcome::Answer(a) => a.serialize(s),
            Outcome::Refusal(r) => r.serialize(s),
        }
    }
}

/// The chart as answers carry it: `{"type", "option", "columns", "note",
/// "alternatives"}`.
struct ChartBody<'a>(&'a Chart, &'a [String]);

impl Serialize for ChartBody<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut o = s.serialize_struct("Chart", 5)?;
        o.serialize_field("type", self.0.chart_type.as_str())?;
        o.serialize_field("option", &self.0.option)?;
        o.serialize_field("columns", &self.0.columns)?;
        o.serialize_field("note", &self.0.note)?;
        o.serialize_field("alternatives", self.1)?;
        o.end()
    }
}

/// A result column: `{"member", "title", "role", "type", "format"?,
/// "granularity"?, "aggType"?}`.
struct ColumnBody<'a>(&'a ResultColumn);

impl Serialize for ColumnBody<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut o = s.serialize_map(None)?;
        o.serialize_entry("member", &c.member)?;
        o.serialize_entry("title", &c.title)?;
        o.serialize_entry("role", &c.role)?;
        o.serialize_entry("type", &c.data_type)?;
        for (key, value) in [
            ("format", &c.format),
            ("granularity", &c.granularity),
            ("aggType", &c.agg_type),
        ] {
            if let Some(v) = value {
                o.serialize_entry(key, v)?;
            }
        }
        o.end()
    }
}

/// Serializes `items` one by one through `wrap`.
struct ListBody<'a, T, W>(&'a [T], fn(&'a T) -> W);

impl<'a, T, W: Serialize> Serialize for ListBody<'a, T, W> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = &self.translation;
        let mut o = s.serialize_map(None)?;
        if let Some(q) = &self.question {
            o.serialize_entry("naturalLanguageQuery", q)?;
        }
        o.serialize_entry("success", &true)?;
        o.serialize_entry("intent", t.intent.as_str())?;
        o.serialize_entry("generatedQuery", &t.query)?;
        o.serialize_entry("queryType", self.query_type.as_str())?;
        o.serialize_entry("data", &self.table.rows)?;
        o.serialize_entry("columns", &ListBody(&self.table.columns, ColumnBody))?;
        o.serialize_entry("chart", &ChartBody(&self.chart, &self.chart_alternatives))?;
        o.serialize_entry("insights", &self.insights)?;
        if let Some(f) = &self.forecast {
            o.serialize_entry("forecast", f)?;
        }
        o.serialize_entry("metadata", &self.metadata)?;
        if let Some(sql) = &self.sql {
            o.serialize_entry("sql", sql)?;
        }
        if !t.unmatched.is_empty() {
            o.serialize_entry("unmatched", &t.unmatched)?;
        }
        if let Some(translator) = &self.translator {
            o.serialize_entry("translator", translator)?;
        }
        if let Some(q) = &self.approved_question {
            o.serialize_entry("approvedQuestion", q)?;
        }
        if let Some(id) = &self.conversation_id {
            o.serialize_entry("conversationId", id)?;
        }
        if let Some(turn) = &self.turn {
            o.serialize_entry("turn", turn)?;
        }
        o.end()
    }
}

impl Serialize for Refusal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut o = s.serialize_map(None)?;
        o.serialize_entry("naturalLanguageQuery", &self.question)?;
        o.serialize_entry("success", &false)?;
        if self.clarification.is_some() {
            o.serialize_entry("needsClarification", &true)?;
        }
        o.serialize_entry("error", &self.message)?;
        if let Some(c) = &self.clarification {
            o.serialize_entry("clarification", c)?;
        }
        o.serialize_entry("availableMembers", &self.available_members)?;
        if let Some(t) = &self.translation {
            o.serialize_entry("intent", t.intent.as_str())?;
            o.serialize_entry("generatedQuery", &t.query)?;
        }
        o.serialize_entry("translator", &self.translator)?;
        o.serialize_entry("conversationId", &self.conversation_id)?;
        o.serialize_entry("turn", &self.turn)?;
        o.end()
    }
}
