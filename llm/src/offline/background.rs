//! Background before the ask: "We're planning the winter sale. Last December
//! was strong for Toys. How many Toys units were sold in December 2025
//! compared with December 2024?". The sentences around the question tell
//! why it is asked; their words ("planning", "strong") are not the model's.
//! When the whole text cannot be answered, the one sentence that can is the
//! question, provided the others name nothing the answer would leave out: a
//! value ("Bean Street supplies most of it"), a grouping, a segment or a
//! period the question itself does not fix. Otherwise the person is asked.

use chrono::NaiveDate;

use super::text::tokenize;
use super::{dropped, guard, letter, OfflineParser};
use crate::translation::Translation;
use crate::LlmError;

/// The answer to the one sentence of `text` that translates, when the text
/// has several and the others are background; `None` when no single sentence
/// translates (the caller keeps its own error).
pub(super) fn ask_alone(
    parser: &OfflineParser<'_>,
    text: &str,
    today: NaiveDate,
) -> Option<Result<Translation, LlmError>> {
    let sentences = letter::full_sentences(text);
    if sentences.len() < 2 {
        return None;
    }
    // The sentence that asks ("… Which channel had the highest return
    // rate?") first, then the others from the last ("Are B2B sign-ups
    // picking up? Monthly business sign-ups since 2025."). Two questions
    // are two asks.
    let asks: Vec<usize> = (0..sentences.len())
        .filter(|&i| sentences[i].trim_end().ends_with('?'))
        .collect();
    if asks.len() > 1 {
        return None;
    }
    let mut order: Vec<usize> = (0..sentences.len()).rev().collect();
    order.sort_by_key(|i| !asks.contains(i));
    order.into_iter().find_map(|i| {
        // "How many of them are opted in?" leans on the sentence before:
        // alone it would count everyone.
        let lower = sentences[i].to_lowercase();
        let words = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        if letter::leans_on_them(words) {
            return None;
        }
        let mut translation = parser.translate_request(sentences[i], today).ok()?;
        // "… since the start of spring? A line chart would be lovely.": a
        // chart asked for in a sentence of its own still stands.
        if translation.chart.is_none() {
            translation.chart = sentences
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != i)
                .find_map(|(_, s)| super::chart_cues::chart_request(&tokenize(s)))
                .map(|cue| cue.chart);
        }
        let background = sentences
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != i)
            .map(|(_, s)| *s);
        Some(check_background(
            parser,
            text,
            background,
            translation,
            today,
        ))
    })
}

/// "Do older customers cancel more? Cancellation rate for each age group
/// please": a yes/no question, then the request that answers it. The
/// question says why; read with the request it would add figures of its own
/// (the customers counted, the cancellations). The answer to the rest alone,
/// when the text is so shaped, the rest asks for a figure, and the question
/// names nothing that answer leaves out; `None` otherwise.
pub(super) fn request_after_yes_no(
    parser: &OfflineParser<'_>,
    text: &str,
    today: NaiveDate,
) -> Option<Translation> {
    let sentences = letter::full_sentences(text);
    let (first, rest) = sentences.split_first()?;
    let opens_yes_no = first.trim_end().ends_with('?')
        && tokenize(first)
            .first()
            .is_some_and(|t| YES_NO_OPENERS.contains(&t.text.as_str()));
    if !opens_yes_no || rest.is_empty() || rest.iter().any(|s| s.trim_end().ends_with('?')) {
        return None;
    }
    let request = rest.join(" ");
    let words = request.to_lowercase();
    if letter::leans_on_them(
        words
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty()),
    ) {
        return None;
    }
    let translation = parser.translate_request(&request, today).ok()?;
    if translation.query.measures.is_empty() {
        return None;
    }
    check_background(parser, text, std::iter::once(*first), translation, today).ok()
}

/// The words opening a question answered yes or no ("Do…", "Are we…").
const YES_NO_OPENERS: &[&str] = &[
    "do", "does", "did", "are", "is", "was", "were", "has", "have", "had", "will", "would", "can",
    "could", "should",
];

/// `translation`, unless it compares periods that no one sentence of `text`
/// names together ("Toys carried us last winter. … What was revenue last
/// month?"): periods of different sentences are background and ask, not a
/// comparison, so the one sentence that asks is answered, or the person asked.
pub(super) fn unless_compared_across_sentences(
    parser: &OfflineParser<'_>,
    asked: &str,
    translation: Translation,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    if !compares_across_sentences(parser, asked, &translation, today) {
        return Ok(translation);
    }
    ask_alone(parser, asked, today).unwrap_or_else(|| {
        Err(LlmError::NotUnderstood(format!(
            "The periods compared are named in different sentences, so what is \
             asked is unclear: ask about one period, or compare them in one \
             sentence. {}",
            parser.suggestions()
        )))
    })
}

/// Whether `translation` compares periods that no one sentence of `text`
/// names together.
fn compares_across_sentences(
    parser: &OfflineParser<'_>,
    text: &str,
    translation: &Translation,
    today: NaiveDate,
) -> bool {
    let compares = translation
        .query
        .time_dimensions
        .iter()
        .any(|td| td.compare_date_range.is_some());
    if !compares {
        return false;
    }
    let sentences = letter::full_sentences(text);
    sentences.len() > 1
        && sentences.iter().all(|s| {
            let analysis = parser.index.reader.analyze(parser.catalog, s, today);
            analysis.times.len() < 2
        })
}

/// `translation` unless a background sentence names something it leaves out.
fn check_background<'t>(
    parser: &OfflineParser<'_>,
    text: &str,
    background: impl Iterator<Item = &'t str>,
    translation: Translation,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    let dated = translation
        .query
        .time_dimensions
        .iter()
        .any(|td| td.date_range.is_some() || td.compare_date_range.is_some());
    for sentence in background {
        let analysis = parser.index.reader.analyze(parser.catalog, sentence, today);
        // "how are tablets doing?": a question about a thing the data does
        // not have (a word that looks like a value, or a plural noun nothing
        // placed) is an ask, not background. A statement ("Sales wants to
        // know", "we onboarded a lot of companies") only says why.
        let asks = sentence.trim_end().ends_with('?');
        let thing = guard::value_like(sentence, &analysis.unmatched)
            .first()
            .map(|w| (*w).to_owned())
            .or_else(|| analysis.unmatched.iter().find(|w| plural_noun(w)).cloned())
            .filter(|_| asks);
        if let Some(word) = thing {
            return Err(parser.ask_about(text, &word, "is not a value found in the data"));
        }
        if let Some(words) = dropped::left_out(parser.catalog, &analysis, &translation) {
            return Err(parser.ask_about(
                text,
                &words,
                "is named beside the question, but the answer found leaves it out",
            ));
        }
        if !dated {
            if let Some(period) = analysis
                .times
                .iter()
                .find(|f| matches!(f.kind, super::time::TimeKind::Range(_)))
            {
                let words: Vec<&str> = analysis
                    .tokens
                    .get(period.start..period.end)
                    .unwrap_or_default()
                    .iter()
                    .map(|t| t.orig.as_str())
                    .collect();
                return Err(parser.ask_about(
                    text,
                    &words.join(" "),
                    "is a period named beside the question, but the answer found covers all dates",
                ));
            }
        }
    }
    Ok(translation)
}

/// A word that reads as a plural noun ("tablets", "printers"): a thing a
/// sentence may be about, not a word of why it is asked.
fn plural_noun(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.chars().count() > 3
        && lower.ends_with('s')
        && !lower.ends_with("ss")
        && !lower.ends_with("us")
        && !lower.ends_with("is")
        && lower.chars().all(char::is_alphabetic)
}
