//! Recording feedback on a turn of the caller's own conversation.

use strata_llm::Intent;

use crate::conversations::now;
use crate::error::AnalystError;
use crate::feedback::{Feedback, FeedbackRequest, Rating};
use crate::run::intent_of;
use crate::scope::AnalystScope;
use crate::Analyst;

impl Analyst {
    /// Stores the caller's feedback on a turn of its own conversation: the
    /// rating, and the question→query pair it approves (the corrected query,
    /// else the turn's own for an `up` on an answered turn). A corrected
    /// query must keep to the caller's catalog and plan
    /// ([`Analyst::check_query`]). Returns what was stored.
    pub async fn feedback(
        &self,
        scope: &AnalystScope,
        request: FeedbackRequest,
    ) -> Result<Feedback, AnalystError> {
        let conversation = self
            .owned_conversation(scope, &request.conversation)
            .await?;
        let turns = conversation.turns.len();
        let index = request
            .turn
            .checked_sub(1)
            .filter(|i| *i < turns)
            .ok_or_else(|| AnalystError::TurnNotFound {
                id: conversation.id.clone(),
                turn: request.turn,
                turns,
            })?;
        let turn = &conversation.turns[index];
        if let Some(q) = &request.corrected_query {
            self.check_query(scope, q).await?;
        }
        let corrected = request.corrected_query.is_some();
        let (approved_query, intent): (_, Option<Intent>) = match request.corrected_query {
            Some(q) => {
                let intent = intent_of(&q);
                (Some(q), Some(intent))
            }
            None if request.rating == Rating::Up && turn.success => {
                (turn.generated_query.clone(), turn.intent)
            }
            None => (None, turn.intent),
        };
        let feedback = Feedback {
            tenant: scope.owner().tenant.clone(),
            user: scope.owner().user.clone(),
            conversation_id: conversation.id.clone(),
            turn: request.turn,
            rating: request.rating,
            question: turn.question.clone(),
            corrected,
            approved_query,
            intent,
            follow_up: conversation.turns[..index]
                .iter()
                .any(|t| t.translation().is_some()),
            created_at: now(),
        };
        self.store().put_feedback(&feedback).await?;
        Ok(feedback)
    }
}
