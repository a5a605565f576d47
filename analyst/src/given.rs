//! Answering a query given directly (no natural language): what a page
//! sends to re-run an edited query, browse the schema, or switch the chart
//! type. The query is checked and run exactly as a translated one.

use strata_engine::{Query, QueryRequest};
use strata_llm::{ChartType, Translation};

use crate::ask::{answer, answered_turn_as};
use crate::conversations::ConversationId;
use crate::error::AnalystError;
use crate::guard::outside_catalog;
use crate::outcome::Answer;
use crate::run::{intent_of, run, NotRun};
use crate::scope::AnalystScope;
use crate::Analyst;

impl Analyst {
    /// Runs `query` for the caller of `scope` and answers it like a
    /// question: data, columns, a chart (`chart_type` when given and it
    /// fits), insights and the SQL. Nothing is recorded.
    ///
    /// A query naming members outside the caller's catalog, or one the
    /// engine cannot plan, is an error naming the problem.
    pub async fn chart(
        &self,
        scope: &AnalystScope,
        query: &Query,
        chart_type: Option<ChartType>,
    ) -> Result<Answer, AnalystError> {
        let entry = self.catalogs().for_caller(scope).await;
        let ran = match run(scope, &entry.catalog, query).await {
            Ok(ran) => ran,
            Err(NotRun::Outside(members)) => return Err(AnalystError::OutsideCatalog { members }),
            Err(NotRun::Refused(e) | NotRun::Failed(e)) => return Err(e),
        };
        let translation = Translation {
            query: query.clone(),
            intent: intent_of(query),
            chart: chart_type,
            unmatched: Vec::new(),
        };
        Ok(answer(None, translation, ran))
    }

    /// [`Analyst::chart`], recorded as the next turn of the caller's
    /// `conversation` (so that follow-up questions refine this query). The
    /// turn's question is the query as Cube's request JSON.
    pub async fn chart_in_conversation(
        &self,
        scope: &AnalystScope,
        query: &Query,
        chart_type: Option<ChartType>,
        conversation: &ConversationId,
    ) -> Result<Answer, AnalystError> {
        let existing = self.owned_conversation(scope, conversation).await?;
        let mut answer = self.chart(scope, query, chart_type).await?;
        let question = serde_json::to_string(query)
            .map_err(|e| AnalystError::Internal(format!("cannot write the query: {e}")))?;
        let turn = answered_turn_as(&answer, question);
        let (id, n) = self.record(scope, Some(existing), turn).await?;
        answer.conversation_id = Some(id);
        answer.turn = Some(n);
        Ok(answer)
    }

    /// Checks that `query` keeps to the caller's catalog and that the
    /// engine plans it with the caller's grant (without running it).
    pub async fn check_query(
        &self,
        scope: &AnalystScope,
        query: &Query,
    ) -> Result<(), AnalystError> {
        let entry = self.catalogs().for_caller(scope).await;
        let members = outside_catalog(&entry.catalog, query);
        if !members.is_empty() {
            return Err(AnalystError::OutsideCatalog { members });
        }
        let engine = scope.engine();
        let prepared = engine.prepare_request(&QueryRequest::One(query.clone()))?;
        for q in &prepared.queries {
            engine.plan_with(q, scope.grant())?;
        }
        Ok(())
    }
}
