//! A question sent as a letter: "Hi Sam, hope you're well! For Friday's
//! board pack I need net revenue by channel for last quarter. Could you pull
//! that together? Thanks, Maria". The request is one sentence; the greeting,
//! the pleasantries, the occasion ("for the board pack", "the supplier
//! meeting is tomorrow and") and the sign-off are not part of the question,
//! and their names and dates must not become filters.
//!
//! [`request`] keeps the sentences that ask. What it drops never holds a word
//! of the model: a sentence naming a member or a value is kept, except the
//! writer's note about themselves ("I just joined category management").

use std::borrow::Cow;

use chrono::NaiveDate;

use super::chunks::words_match;
use super::stopwords::is_stopword;
use super::text::{tokenize, words, Token};
use super::{chart_cues, figures, time};

/// Words that open a letter; a name or "team" may follow up to a comma.
const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "dear",
    "greetings",
    "good morning",
    "good afternoon",
    "good evening",
    "morning",
];

/// Words that close a letter ("Thanks, Maria", "Best wishes, Paul").
const CLOSINGS: &[&str] = &[
    "thanks",
    "thank you",
    "many thanks",
    "thx",
    "cheers",
    "regards",
    "kind regards",
    "best regards",
    "warm regards",
    "best wishes",
    "best",
    "all the best",
    "much appreciated",
    "appreciate it",
];

/// Sentences of courtesy: "hope you're well", "thanks again for the
/// dashboard", "quick one for the planning:", "one more ask:".
const PLEASANTRIES: &[&str] = &[
    "hope",
    "hoping",
    "thanks again",
    "thank you again",
    "thanks for",
    "thank you for",
    "quick one",
    "quick question",
    "quick favour",
    "quick favor",
    "quick ask",
    "one more ask",
    "one more thing",
    "one more question",
    "sorry to bother",
    "sorry for",
];

/// The writer speaking of themselves ("I just joined category management",
/// "I'm putting together the ops review").
const SELF_NOTES: &[&str] = &[
    "i just",
    "im",
    "i am",
    "ive",
    "i have",
    "we are",
    "i work",
    "i started",
];

/// Where the ask itself starts inside a sentence.
const REQUEST_LEADS: &[&str] = &[
    "could you",
    "can you",
    "would you",
    "could u",
    "can u",
    "i need",
    "we need",
    "id like",
    "i would like",
    "i want",
    "we want",
    "would like to know",
    "would like",
    "wants to know",
    "want to know",
    "is asking",
    "are asking",
    // "The CFO asked which products lost money": the ask follows.
    "asked",
    "wanted to know",
    // "I'm putting together a note for the team - do you happen to know …".
    "do you happen to know",
    "do you know",
    "please",
];

/// Words that make a sentence with no member of its own a question about the
/// others: "Which one grew the most?", "And by week?" (with the words of a
/// cube's rows, [`figures::RECORD_WORDS`]).
const ASKING: &[&str] = &[
    "which",
    "what",
    "who",
    "how",
    "when",
    "where",
    "most",
    "least",
    "top",
    "best",
    "worst",
    "more",
    "less",
    "fewer",
    "highest",
    "lowest",
    "biggest",
    "smallest",
    "by",
    "per",
    "each",
    "every",
    "only",
    "excluding",
    "except",
    "without",
    "grew",
    "growth",
    "trend",
    "compare",
    "compared",
    "vs",
    "versus",
    "split",
    "breakdown",
    "weekly",
    "monthly",
    "daily",
    "show",
    "list",
    "detail",
    "details",
];

/// Nouns of the occasion of a request, not of its subject: "for Friday's
/// board pack", "ahead of the DACH sync", "our CFO is asking".
const OCCASIONS: &[&str] = &[
    "meeting",
    "meetings",
    "call",
    "calls",
    "deck",
    "pack",
    "review",
    "sync",
    "workshop",
    "standup",
    "presentation",
    "slides",
    "slide",
    "board",
    "office",
    "boss",
    "manager",
    "ceo",
    "cfo",
    "coo",
    "cto",
    "vp",
    "director",
    "finance",
    "investors",
    "investor",
    "client",
    "partner",
    "supplier",
    "planning",
    "audit",
    "ledger",
    "email",
    "memo",
    "team",
    "reconciliation",
    "close",
    "file",
    "sheet",
    "spreadsheet",
    "report",
];

/// Words of a heading that only announces the ask ("Quick question:",
/// "Context:", "FYI:").
const ANNOUNCING: &[&str] = &[
    "quick",
    "check",
    "question",
    "questions",
    "one",
    "ask",
    "request",
    "note",
    "context",
    "background",
    "fyi",
    "update",
    "heads",
    "up",
    "q",
    "query",
    "help",
    "urgent",
    "important",
    "ps",
    "hi",
    "hello",
    "hey",
    "ok",
    "okay",
    "so",
    "thanks",
    "please",
];

/// Whether the sentence is a heading set off by a colon ("Portugal:") that
/// does not announce the ask ("Quick question:", "attach check:"): it may
/// name what the ask is about, so it is never dropped as chat.
fn names_a_topic(s: &Sentence<'_>) -> bool {
    s.text.trim_end().ends_with(':')
        && s.words.len() <= 3
        && !s.words.iter().any(|w| ANNOUNCING.contains(&w.as_str()))
        && s.words.iter().any(|w| !is_stopword(w))
}

/// A sentence of the text: its words (lowercase) and where it lies.
struct Sentence<'t> {
    text: &'t str,
    words: Vec<String>,
}

/// Whether the words of `phrase` (separated by spaces) stand at `i`.
fn phrase_at(words: &[String], i: usize, phrase: &str) -> bool {
    words_match(&|k| words.get(k).map(String::as_str), i, phrase).is_some()
}

impl Sentence<'_> {
    fn starts_with(&self, phrase: &str) -> bool {
        phrase_at(&self.words, 0, phrase)
    }

    fn starts_with_any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.starts_with(p))
    }
}

/// The sentences of `text` that ask, joined; `text` itself when it is not a
/// letter. `names_model` says whether some lowercase words name something
/// of the model: a member's phrase or a whole value ("board" alone is not the
/// value "Board Games").
pub(super) fn request<'t>(
    text: &'t str,
    names_model: &dyn Fn(&[String]) -> bool,
    today: NaiveDate,
) -> Cow<'t, str> {
    let body = without_greeting(text);
    let mut sentences = split(body, true);
    drop_closing(&mut sentences);
    let sentence_names_model = |s: &Sentence<'_>| names_model(&s.words);
    // A question of one sentence is the request, and nothing is dropped from
    // a text no sentence of which names the model: whatever it asks is
    // reported, not silently narrowed.
    if sentences.len() > 1 && sentences.iter().any(sentence_names_model) {
        // "… for the 65+ crowd. How many of them are opted in?": the
        // people asked about are named before the ask.
        let refers_back = sentences
            .iter()
            .any(|s| leans_on_them(s.words.iter().map(String::as_str)));
        let kept = |s: &Sentence<'_>| {
            if s.starts_with_any(PLEASANTRIES) {
                return false;
            }
            if names_a_topic(s) {
                return true;
            }
            if sentence_names_model(s) {
                // "I just joined category management."
                return refers_back
                    || !(s.starts_with_any(SELF_NOTES)
                        && !s.text.contains('?')
                        && lead_at(&s.words).is_none());
            }
            // "following up on yesterday's call", "Could you check?",
            // "EOD would be great.": no member, value, number or date,
            // or only the date of an occasion. "Which one grew the
            // most?" asks about what the other sentences name: kept.
            let occasion = s.words.iter().any(|w| OCCASIONS.contains(&w.as_str()));
            let number = s
                .words
                .iter()
                .any(|w| w.bytes().any(|b| b.is_ascii_digit()));
            let tokens = tokenize(s.text);
            let dated = !time::find(&tokens, today).is_empty();
            // "Just a single number please:", "horizontal bars:".
            let charted = chart_cues::chart_request(&tokens).is_some();
            // "Show me that line.": the rows of a cube asked for.
            let asks = s.words.iter().any(|w| {
                ASKING.contains(&w.as_str()) || figures::RECORD_WORDS.contains(&w.as_str())
            });
            !(occasion || (!number && !dated && !charted && !asks))
        };
        let keep: Vec<bool> = sentences.iter().map(kept).collect();
        // The sentences that name the model are never all dropped ("Thanks
        // for the dashboard. I just need revenue by channel.").
        let naming_kept = sentences
            .iter()
            .zip(&keep)
            .any(|(s, k)| *k && sentence_names_model(s));
        let mut keep = keep.into_iter();
        if naming_kept {
            sentences.retain(|_| keep.next().unwrap_or(true));
        } else {
            sentences.retain(sentence_names_model);
        }
    }
    let parts: Vec<Cow<'t, str>> = sentences
        .iter()
        .map(|s| without_occasion(s, names_model))
        .collect();
    let joined = parts.join(" ");
    if joined.len() == text.len() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(joined)
    }
}

/// `text` without "Hi Sam," / "Dear analytics team," / "Good morning!".
fn without_greeting(text: &str) -> &str {
    let trimmed = text.trim_start();
    let lower = trimmed.to_lowercase();
    let Some(greeting) = GREETINGS.iter().find(|g| {
        lower.starts_with(*g)
            && !lower[g.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
    }) else {
        return text;
    };
    let rest = &trimmed[greeting.len()..];
    // A name or "team" up to a comma or a stop, within four words.
    let mut seen_words = 0;
    let mut in_word = false;
    for (i, c) in rest.char_indices() {
        if c.is_alphanumeric() || c == '\'' {
            if !in_word {
                seen_words += 1;
                in_word = true;
            }
            if seen_words > 4 {
                break;
            }
        } else {
            in_word = false;
            if matches!(c, ',' | '!' | '.' | ':' | ';' | '\n' | '—' | '–') {
                return rest[i + c.len_utf8()..].trim_start();
            }
        }
    }
    // "hey what's revenue": only the word; "Dear" and "Morning" open a
    // letter only with a comma.
    if matches!(*greeting, "hi" | "hello" | "hey" | "hiya") {
        rest.trim_start()
    } else {
        text
    }
}

/// "how many of them", "among those": words that lean on people or things
/// named elsewhere (lowercase words).
pub(super) fn leans_on_them<'w>(words: impl IntoIterator<Item = &'w str>) -> bool {
    let mut previous = "";
    words.into_iter().any(|w| {
        let leans = matches!(previous, "of" | "among") && matches!(w, "them" | "those" | "these");
        previous = w;
        leans
    })
}

/// The sentences of `text` ending at `.`, `!` or `?` (a colon or semicolon
/// ends none): "We're planning the winter sale. How did Toys do?".
pub(super) fn full_sentences(text: &str) -> Vec<&str> {
    split(text, false).into_iter().map(|s| s.text).collect()
}

/// Sentences ending at `.`, `!`, `?` (and, with `clause_marks`, `:` or `;`)
/// before a space, or at a line break. A stop after one letter ("U.S.") or
/// inside a number ends nothing.
fn split(text: &str, clause_marks: bool) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let ends = match c {
            '\n' => true,
            '!' | '?' => next.is_none_or(char::is_whitespace),
            ':' | ';' => clause_marks && next.is_none_or(char::is_whitespace),
            '.' => {
                next.is_none_or(char::is_whitespace) && {
                    // "… (threshold 6%).", "… behind plan'.": the word
                    // inside the closing marks.
                    let before: String = text[start..i]
                        .trim_end_matches([')', '\'', '"', '%', '\u{2019}'])
                        .chars()
                        .rev()
                        .take_while(|c| c.is_alphanumeric())
                        .collect();
                    before.chars().count() > 1
                        || before.chars().all(|c| c.is_ascii_digit()) && !before.is_empty()
                }
            }
            _ => false,
        };
        if ends {
            push(&mut out, &text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    push(&mut out, &text[start..]);
    out
}

fn push<'t>(out: &mut Vec<Sentence<'t>>, text: &'t str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let words = words(text).iter().map(|w| w.to_lowercase()).collect();
    out.push(Sentence { text, words });
}

/// Drops "Thanks, Maria", "Thanks a lot! Ana", "Best, Michael" at the end:
/// a closing sentence and at most a short name after it.
fn drop_closing(sentences: &mut Vec<Sentence<'_>>) {
    let n = sentences.len();
    for from in (n.saturating_sub(3)..n).rev() {
        let s = &sentences[from];
        let closing = CLOSINGS.iter().any(|c| {
            s.starts_with(c) && {
                // "best selling products" is a question, "Best, Michael" a
                // closing: a closing phrase is followed by a stop or a comma
                // (and a name), or by "a lot", "in advance", "so much".
                let len = c.split(' ').count();
                let after = s.words.get(len).map(String::as_str);
                let stop = s
                    .text
                    .get(c.len()..)
                    .and_then(|t| t.chars().next())
                    .is_none_or(|ch| matches!(ch, ',' | '!' | '.'));
                let trailing = matches!(after, Some("a" | "in" | "so" | "very" | "again"));
                (stop || trailing) && s.words.len() - len <= 3
            }
        });
        let tail_is_name = sentences[from + 1..].iter().all(|t| t.words.len() <= 2);
        if closing && tail_is_name && from > 0 {
            sentences.truncate(from);
            return;
        }
    }
}

/// The position (in words) where the ask starts, if a lead opens it.
fn lead_at(words: &[String]) -> Option<usize> {
    (0..words.len()).find(|&i| REQUEST_LEADS.iter().any(|lead| phrase_at(words, i, lead)))
}

/// A sentence without its occasion: before the ask ("For Friday's board
/// pack I need …", "the supplier meeting is tomorrow and I'd like to know …",
/// "our CFO is asking what …") or after it ("… by channel for the board
/// meeting"). The part dropped names nothing of the model and ends in, or
/// holds, an occasion.
fn without_occasion<'t>(s: &Sentence<'t>, names_model: &dyn Fn(&[String]) -> bool) -> Cow<'t, str> {
    let occasional = |part: &[String]| {
        part.iter().any(|w| OCCASIONS.contains(&w.as_str())) && !names_model(part)
    };
    let mut from = 0;
    let mut to = s.words.len();
    if let Some(at) = lead_at(&s.words).filter(|&at| at > 0) {
        if occasional(&s.words[..at]) {
            from = at;
        }
    }
    // "For the March reconciliation: total sales …", "For the P&L pack,
    // what percentage …": an occasion set off at the start.
    if from == 0 && s.words.first().is_some_and(|w| w == "for") {
        if let Some(at) = words_before_clause_mark(s.text, 8) {
            if at < s.words.len() && occasional(&s.words[..at]) {
                from = at;
            }
        }
    }
    // "… for the board meeting", "… ahead of Friday's sync": a short
    // trailing phrase that ends in an occasion.
    if s.words
        .last()
        .is_some_and(|w| OCCASIONS.contains(&w.as_str()))
    {
        let opens = |w: &String| matches!(w.as_str(), "for" | "ahead" | "before");
        if let Some(i) = (from..to).rev().take(6).find(|&i| opens(&s.words[i])) {
            if i > from && occasional(&s.words[i..]) {
                to = i;
            }
        }
    }
    if from == 0 && to == s.words.len() {
        return Cow::Borrowed(s.text);
    }
    let Some(kept) = cut(s.text, from, to) else {
        return Cow::Borrowed(s.text);
    };
    // "For the November 2020 monthly report I need total sales": the
    // occasion goes, the period it names stays.
    let periods = periods_named(&s.words[..from]);
    if periods.is_empty() {
        Cow::Borrowed(kept)
    } else {
        Cow::Owned(format!("{} {kept}", periods.join(" ")))
    }
}

/// The words of the periods reported on among `words` ("november 2020" of
/// "for the november 2020 monthly report"); not granularities ("monthly"),
/// and not the day of the occasion itself ("for Friday's board pack", "the
/// meeting is tomorrow").
fn periods_named(words: &[String]) -> Vec<String> {
    use time::{RangeSpec, TimeKind};
    let tokens: Vec<Token> = words.iter().map(|w| Token::new(w)).collect();
    let longer_than_a_day = |kind: &TimeKind| match kind {
        TimeKind::Range(RangeSpec::Absolute(a, b)) => a != b,
        TimeKind::Range(RangeSpec::Relative(r)) => {
            !matches!(r.as_str(), "today" | "yesterday" | "tomorrow")
        }
        _ => false,
    };
    // Only the spans matter, not the dates: any day will do.
    time::find(&tokens, NaiveDate::default())
        .into_iter()
        .filter(|f| longer_than_a_day(&f.kind))
        .flat_map(|f| words[f.start..f.end].iter().cloned())
        .collect()
}

/// The number of words before the first clause mark (`:`, `,`, a dash) of
/// `text`, if one closes a piece within its first `max` words.
fn words_before_clause_mark(text: &str, max: usize) -> Option<usize> {
    let mut count = 0;
    for piece in text.split_whitespace() {
        count += words(piece).len();
        if count > max {
            return None;
        }
        if piece.ends_with([':', ',', '—', '–', '-']) {
            return Some(count);
        }
    }
    None
}

/// The part of `text` from its `from`-th word to before its `to`-th (words as
/// [`words`] splits them), when both fall where a whitespace-separated chunk
/// starts; the punctuation after the kept part stays with it.
fn cut(text: &str, from: usize, to: usize) -> Option<&str> {
    let mut count = 0;
    let mut start = (from == 0).then_some(0);
    let mut end = None;
    let mut offset = 0;
    for chunk in text.split_inclusive(char::is_whitespace) {
        if count == from && start.is_none() {
            start = Some(offset);
        }
        if count == to && end.is_none() {
            end = Some(offset);
        }
        count += words(chunk).len();
        offset += chunk.len();
    }
    let end = match end {
        Some(e) => e,
        None if to == count => text.len(),
        None => return None,
    };
    let part = text.get(start?..end)?;
    Some(part.trim_end_matches(|c: char| c.is_whitespace() || c == ','))
}

#[cfg(test)]
#[path = "letter_unit_tests.rs"]
mod tests;
