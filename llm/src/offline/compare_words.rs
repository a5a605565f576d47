//! Words asking to compare: values ("vs", "ahead of", "busier"), and a
//! change between periods ("how much did revenue change from March to
//! April", "grow", "up or down"), which makes the periods named after
//! from/between two, not one span.

/// Words asking to compare.
pub fn is_compare_word(word: &str) -> bool {
    // "which one made more profit", "which is bigger": a comparison of the
    // values named (a comparative in "more than 100" is a condition, read
    // first).
    matches!(
        word,
        "vs" | "compare"
            | "compares"
            | "compared"
            | "comparing"
            | "comparison"
            | "against"
            | "versus"
            | "more"
            | "bigger"
            | "larger"
            | "fewer"
            // "is Europe still ahead of Asia", "was Q1 better than Q4",
            // "did mobile overtake web": yes/no questions that compare.
            | "than"
            | "higher"
            | "lower"
            | "better"
            | "worse"
            | "greater"
            | "smaller"
            | "ahead"
            | "behind"
            | "beat"
            | "beats"
            | "overtake"
            | "overtook"
            | "overtaken"
            | "outperform"
            | "outperformed"
            | "outperforms"
            | "busier"
            | "quieter"
    ) || is_change_word(word)
}

/// Words asking how much a figure changed between periods ("how much did
/// revenue change from Q1 to Q2", "the delta between April and May"): the
/// periods named are compared, not spanned.
pub fn is_change_word(word: &str) -> bool {
    matches!(
        word,
        "change"
            | "changed"
            | "changes"
            | "delta"
            | "shrink"
            | "shrank"
            | "shrunk"
            | "increase"
            | "increased"
            | "decrease"
            | "decreased"
            | "rise"
            | "rose"
            | "risen"
            | "decline"
            | "declined"
            | "jump"
            | "jumped"
            | "climb"
            | "climbed"
            | "shift"
            | "shifted"
    )
}

/// Whether "between"/"from" at `i` opens periods to compare rather than one
/// span: a compare word just before it ("compare between April and May"),
/// or a change asked about anywhere in the question ("how much did revenue
/// change from March to April").
pub fn compares_periods_from(t: &[&str], i: usize) -> bool {
    let before = i.checked_sub(1).and_then(|k| t.get(k)).is_some_and(|w| {
        matches!(
            *w,
            "compare" | "compared" | "comparing" | "comparison" | "difference"
        )
    });
    before
        || t.iter()
            .any(|w| is_change_word(w) || GROWTH_VERBS.contains(w))
        || up_or_down(t)
}

/// Verbs of a figure going up or down: "how much did revenue grow from Q1
/// to Q2" compares the quarters ("revenue growth" is a trend word, not one).
const GROWTH_VERBS: &[&str] = &["grow", "grew", "grown", "drop", "dropped", "fell"];

/// "were cancellations up or down from March to April", "did AOV move
/// between H1 and H2".
fn up_or_down(t: &[&str]) -> bool {
    t.windows(3).any(|w| w == ["up", "or", "down"])
        || t.windows(2)
            .any(|w| matches!(w, ["move" | "moved", "between" | "from"]))
}
