//! Claims to check: "Is it correct that 2,310 orders were cancelled in May
//! 2026?", "True or false: net revenue from business customers in Q1 was
//! 1.8 million", "Please confirm that the average order value in March was
//! above 120". The figure that decides the claim is the answer; the figure
//! claimed is no condition of it. So the frame is cut, a claimed amount
//! after its verb ("was 1.8 million", "came to under 40,000") is cut, and a
//! claimed count before its noun ("2,310 orders") becomes "how many".

use std::borrow::Cow;

use super::chunks::{chunks, join, phrase_at, Chunk};

/// Frames that open a claim, in the pattern form of [`phrase_at`].
const FRAMES: &[&str] = &[
    "is|was it correct|true|right|accurate that",
    "is|was it the case that",
    "true or false",
    "can|could you please? confirm|verify that",
    "please? confirm|verify that",
];

/// The verbs that state a claimed amount ("was", "came to").
const CLAIM_VERBS: &str = "was|were|is|are|came|comes|come|totalled|totaled|totals|reached|hit|amounted|exceeded|topped|stood";

/// Words between the verb and the amount ("to", "above", "more than").
const BETWEEN: &[&str] = &[
    "to",
    "at",
    "above",
    "over",
    "under",
    "below",
    "more",
    "less",
    "fewer",
    "than",
    "least",
    "most",
    "about",
    "roughly",
    "around",
    "approximately",
    "exactly",
    "only",
    "just",
    "almost",
    "nearly",
];

/// Words after an amount that only scale or name its unit.
const UNITS: &[&str] = &[
    "million", "thousand", "billion", "k", "m", "bn", "percent", "euros", "dollars", "eur", "usd",
];

/// `text` read as the question that decides the claim it states; `text`
/// itself when it states none.
pub(super) fn as_question(text: &str) -> Cow<'_, str> {
    let c = chunks(text);
    let Some(frame) = FRAMES.iter().find_map(|p| phrase_at(&c, 0, p)) else {
        return Cow::Borrowed(text);
    };
    let rest = &c[frame..];
    let mut kept: Vec<Chunk<'_>> = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        match claimed_amount_at(rest, i) {
            Some(n) => i += n,
            None => {
                kept.push(rest[i].clone());
                i += 1;
            }
        }
    }
    let mut question = join(&kept);
    // "2,310 orders were cancelled": the count is what is asked.
    if kept.first().is_some_and(|c| is_amount(c.text)) {
        let after = join(&kept[1..]);
        question = format!("how many {after}");
    }
    Cow::Owned(question)
}

/// The number of chunks of a claimed amount after its verb at `i` ("was
/// above 120", "came to 2.9 million"), if one stands there.
fn claimed_amount_at(c: &[Chunk<'_>], i: usize) -> Option<usize> {
    let verb = phrase_at(c, i, CLAIM_VERBS)?;
    let mut k = i + verb;
    while c.get(k).is_some_and(|w| BETWEEN.contains(&w.word.as_str())) {
        k += 1;
    }
    if !c.get(k).is_some_and(|w| is_amount(w.text)) {
        return None;
    }
    k += 1;
    while c.get(k).is_some_and(|w| UNITS.contains(&w.word.as_str())) {
        k += 1;
    }
    Some(k - i)
}

/// Whether a chunk is an amount: digits with separators, a currency sign or
/// a scale letter ("2,310", "€1.8m", "40k", "120?").
fn is_amount(text: &str) -> bool {
    let core = text.trim_matches(|c: char| !c.is_alphanumeric());
    let core = core.trim_end_matches(['k', 'K', 'm', 'M']);
    !core.is_empty()
        && core.chars().any(|c| c.is_ascii_digit())
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::as_question;

    #[test]
    fn a_claim_becomes_the_question_that_decides_it() {
        let cases = [
            (
                "Is it correct that 2,310 orders were cancelled in May 2026?",
                "how many orders were cancelled in May 2026?",
            ),
            (
                "Is it correct that net revenue from business customers in Q1 2026 was 1.8 million?",
                "net revenue from business customers in Q1 2026",
            ),
            (
                "True or false: the average order value in March 2026 was above 120",
                "the average order value in March 2026",
            ),
            (
                "Please confirm that the cost of goods sold for 2025 came to 2.9 million.",
                "the cost of goods sold for 2025",
            ),
        ];
        for (claim, question) in cases {
            assert_eq!(as_question(claim), question, "{claim}");
        }
    }

    #[test]
    fn a_question_without_a_claim_frame_is_unchanged() {
        for q in [
            "revenue was 1.8 million in which months?",
            "which orders were over 500",
        ] {
            assert_eq!(as_question(q), q);
        }
    }
}
