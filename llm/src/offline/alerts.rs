//! Alert and monitoring messages pasted into the chat, with the reader's
//! reaction after them: "ALERT [orders-monitor]: cancellation rate on mobile
//! hit 9.4% yesterday. What was it each day over the last 14 days?". The
//! header names the tool that sent it; the claim names the figure, the
//! values and the period the reaction leans on ("it", "those orders",
//! "which brands are driving it"); the claimed movement ("hit 9.4%", "2x
//! higher than usual", "down 12%") is what the person doubts, not a
//! condition of the answer.
//!
//! So the claim, its movement cut, is read as a first question, and the
//! reaction as its follow-up: what the reaction restates replaces what the
//! claim said, and what it leaves out is kept from the claim.

use chrono::NaiveDate;

use super::{dropped, letter, OfflineParser};
use crate::translation::Translation;
use crate::LlmError;

/// Words that mark a header as the sender of an alert ("Stock alert:",
/// "[pagerduty]", "Heads-up from the BI bot:", "Digest 07:00 >>").
const SENDER_WORDS: &[&str] = &[
    "alert",
    "alerts",
    "alarm",
    "warning",
    "monitor",
    "monitoring",
    "digest",
    "bot",
    "report",
    "email",
    "e-mail",
    "anomaly",
    "threshold",
    "heads-up",
    "notification",
    "pagerduty",
    "slack",
    "ops",
    "kpi",
    "breached",
    "detected",
    "incident",
];

/// The most words a header has before its colon.
const HEADER_WORDS: usize = 7;

/// Words of a claimed movement: how the figure moved, not which figure.
const MOVEMENT_WORDS: &[&str] = &[
    "up",
    "down",
    "below",
    "above",
    "under",
    "over",
    "higher",
    "lower",
    "than",
    "usual",
    "normal",
    "baseline",
    "doubled",
    "tripled",
    "halved",
    "fell",
    "falls",
    "dropped",
    "drops",
    "jumped",
    "jumps",
    "spiked",
    "spikes",
    "spike",
    "surged",
    "rose",
    "hit",
    "hits",
    "sharply",
    "widened",
    "narrowed",
    "unusually",
    "unusual",
    "high",
    "low",
    "is",
    "are",
    "was",
    "were",
    "at",
    "zero",
    "tracking",
    "behind",
    "ahead",
    "of",
    "plan",
    "forecast",
    "target",
    "flat-lined",
    "flatlined",
    "wow",
    "mom",
    "yoy",
    "reached",
];

/// Words in the reaction that lean on the claim ("driving it", "those
/// orders", "show both").
const LEANING_WORDS: &[&str] = &[
    "it", "them", "those", "these", "both", "drop", "spike", "dip", "jump", "rise", "driving",
    "caused", "causing",
];

/// The claim and the reaction of an alert message.
#[derive(Debug, PartialEq)]
struct Alert {
    /// The claim, its movement cut: "cancellation rate on mobile
    /// yesterday".
    claim: String,
    /// What the person asks after it.
    reaction: String,
    /// Whether a sender's header opened it; without one, only a claimed
    /// movement ("+60%") made the text an alert.
    headed: bool,
}

/// The answer to an alert message read as a claim and its follow-up; `None`
/// when `text` is not shaped so, or has no header and this reading fails
/// (the caller then reads the text as it would any other).
pub(super) fn answer(
    parser: &OfflineParser<'_>,
    text: &str,
    today: NaiveDate,
) -> Option<Result<Translation, LlmError>> {
    let alert = split(text)?;
    let answer = read(parser, &alert, today);
    // Without a header, a text that only quotes a figure ("True or false:
    // the average discount is above 20%. Show the figure.") is read as any
    // other when this reading fails.
    if answer.is_err() && !alert.headed {
        return None;
    }
    Some(answer.map(|t| ranked_when_driving(&alert.reaction, t)))
}

/// The claim and reaction of `alert` read together.
fn read(
    parser: &OfflineParser<'_>,
    alert: &Alert,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    let alone = parser.translate(&alert.reaction, today);
    if let Ok(t) = &alone {
        // "… business orders on marketplace at zero. Confirm with business
        // orders by channel for this week.": the reaction stands alone when
        // it leans on nothing and leaves none of the claim's values out.
        let whole = !t.query.measures.is_empty() || !t.query.dimensions.is_empty();
        if whole
            && !leans_on_claim(&alert.reaction)
            && !claim_value_left_out(parser, &alert.claim, t, today)
        {
            return alone;
        }
    }
    match parser.translate(&alert.claim, today) {
        Ok(claim) => parser.refine(&claim, &alert.reaction, today),
        // "Stock alert: … in the warehouse. How many of them did we sell?":
        // what the reaction leans on cannot be read, so neither can it.
        Err(error) if leans_on_claim(&alert.reaction) => Err(error),
        // The claim names nothing the reaction needs: the reaction alone,
        // answered or refused.
        Err(_) => alone,
    }
}

/// "Which brands are driving it?": the rows that drive the figure first.
fn ranked_when_driving(reaction: &str, mut t: Translation) -> Translation {
    let driving = words(reaction)
        .iter()
        .any(|w| matches!(w.as_str(), "driving" | "drives" | "drove"));
    let q = &mut t.query;
    let unordered = q.order.as_ref().is_none_or(|o| o.is_empty());
    if driving && unordered && !q.dimensions.is_empty() {
        if let Some(measure) = q.measures.first().cloned() {
            q.order = Some(vec![(measure, true)]);
        }
    }
    t
}

/// Whether the claim names a value ("Toys revenue down 20%") that `t` neither
/// filters on nor shows as a row of its dimension.
fn claim_value_left_out(
    parser: &OfflineParser<'_>,
    claim: &str,
    t: &Translation,
    today: NaiveDate,
) -> bool {
    let analysis = parser.reader().analyze(parser.catalog(), claim, today);
    dropped::value_named_beside(parser.catalog(), &analysis, t).is_some()
}

/// `text` split into a claim and a reaction, when it opens with an alert's
/// header or a claimed movement and ends with something asked.
fn split(text: &str) -> Option<Alert> {
    let (header, body) = match header_end(text) {
        Some(end) => (true, &text[end..]),
        None => (false, text),
    };
    let sentences = letter::full_sentences(body);
    let (first, rest) = sentences.split_first()?;
    if rest.is_empty() || first.trim_end().ends_with('?') {
        return None;
    }
    if !header && !words(first).iter().any(|w| movement_amount(w)) {
        return None;
    }
    let claim = cut_movement(first);
    if claim.is_empty() {
        return None;
    }
    Some(Alert {
        claim,
        reaction: rest.join(" "),
        headed: header,
    })
}

/// Where the header of an alert ends: after "[Warning]", "ALERT
/// [orders-monitor]:", "Digest 07:00 >>", when its words name a sender and no
/// full date (a date there is the claim's: "Revenue anomaly on 2026-06-12:").
fn header_end(text: &str) -> Option<usize> {
    let trimmed = text.trim_start();
    let offset = text.len() - trimmed.len();
    if let Some(inside) = trimmed.strip_prefix('[') {
        let close = inside.find(']')?;
        let after = &inside[close + 1..];
        let rest = after.trim_start_matches([':', ' ']);
        return Some(offset + 1 + close + 1 + (after.len() - rest.len()));
    }
    let end = [": ", ">> ", ":\n"]
        .iter()
        .filter_map(|mark| trimmed.find(mark).map(|i| (i, mark.len())))
        .min_by_key(|&(i, _)| i)?;
    let header = &trimmed[..end.0];
    let header_words = words(header);
    let names_sender = header_words
        .iter()
        .any(|w| SENDER_WORDS.contains(&w.as_str()));
    let dated = header_words
        .iter()
        .any(|w| w.len() >= 8 && w.bytes().filter(u8::is_ascii_digit).count() >= 6);
    (names_sender && !dated && header_words.len() <= HEADER_WORDS).then_some(offset + end.0 + end.1)
}

/// The lowercase words of `text`, with the signs and marks of amounts kept
/// ("9.4%", "-8%", "2x", "250+").
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| bare_word(w).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `word` without the punctuation around it, its case kept.
fn bare_word(word: &str) -> &str {
    word.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '\'' | '"' | '(' | ')'))
}

/// "22%", "-8%", "+60%", "2x", "3x": a claimed change, never a value asked
/// for.
fn movement_amount(word: &str) -> bool {
    let body = word.trim_start_matches(['+', '-']);
    let Some(number) = body.strip_suffix('%').or_else(|| body.strip_suffix('x')) else {
        return false;
    };
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The claim without its movement and what is in brackets: "average
/// discount on clothing lines in the last 7 days".
fn cut_movement(claim: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut bracket = 0usize;
    for raw in claim.split_whitespace() {
        if raw.starts_with('(') {
            bracket += 1;
        }
        let inside = bracket > 0;
        if raw.trim_end_matches([',', '.', ';', ':']).ends_with(')') {
            bracket = bracket.saturating_sub(1);
        }
        // Case is kept: a value may be a case-sensitive code ("FR").
        let word = bare_word(raw);
        let lower = word.to_lowercase();
        if inside
            || word.is_empty()
            || movement_amount(&lower)
            || MOVEMENT_WORDS.contains(&lower.as_str())
            || SENDER_WORDS.contains(&lower.as_str())
        {
            continue;
        }
        kept.push(word);
    }
    kept.join(" ")
}

/// Whether the reaction leans on the claim ("which brands are driving it",
/// "list those orders", "the 10 biggest orders that day").
fn leans_on_claim(reaction: &str) -> bool {
    let words: Vec<String> = words(reaction)
        .into_iter()
        .map(|w| w.trim_end_matches(['?', '!']).to_owned())
        .collect();
    words.iter().any(|w| LEANING_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|p| p[0] == "that" && super::calendar::unit(&p[1]).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_a_sender() {
        let text = "ALERT [orders-monitor]: order volume down. Why?";
        assert_eq!(
            &text[header_end(text).unwrap_or(0)..],
            "order volume down. Why?"
        );
        let text = "[Warning] Cancellation rate hit 9%. Show it.";
        assert_eq!(
            &text[header_end(text).unwrap_or(0)..],
            "Cancellation rate hit 9%. Show it."
        );
        assert_eq!(
            header_end("Revenue anomaly on 2026-06-12 (Friday): +60%."),
            None
        );
        assert_eq!(header_end("Revenue by channel: last month"), None);
    }

    #[test]
    fn the_claimed_movement_is_cut() {
        let alert = split(
            "ALERT: average discount on Clothing lines 2x higher than usual in the last 7 days. \
             Which brands are driving it?",
        );
        assert_eq!(
            alert,
            Some(Alert {
                claim: "average discount on Clothing lines in the last 7 days".into(),
                reaction: "Which brands are driving it?".into(),
                headed: true,
            })
        );
    }

    #[test]
    fn a_plain_question_is_no_alert() {
        assert_eq!(
            split("Revenue by channel last month. Show it as bars."),
            None
        );
        assert_eq!(split("Revenue up 5% last month?"), None);
    }
}
