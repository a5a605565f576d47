//! Task wording: "Determine the total sales for each category", "Identify
//! the sub-category with the highest profit", "For each city, compute …, and
//! list …", "… and present the results as a bar chart". An instruction verb
//! opening a clause says what to do with the figures, not which figures, so
//! it is cut before the question is read; what it governs stays. A verb that
//! could also name something ("state", "return") is cut only where it opens
//! a clause.

use std::borrow::Cow;

use super::chunks::{opens_clause, phrase_at, without_phrases, Chunk};

/// Instruction phrases cut where they open a clause, in the pattern form of
/// [`phrase_at`]. Longer phrases come first where one holds another.
const INSTRUCTIONS: &[&str] = &[
    // "… and state that total for each": the figure is already asked for.
    "state|give|report|show that|this|the|their|its total|figure|value|amount|number for each",
    "present|show|display|give the results|result|answer|figures|numbers",
    // Dashboard wording: "Slice order count by channel", "filter on
    // channel = mobile, show AOV by week".
    "slice",
    "filter|filtered on|by|to|for?",
    "drill into|down? on|into?",
    "find out",
    // A pasted alert's "Forget the plan, just show me …": the plan is
    // not asked about.
    "forget about? the plan|target|targets|forecast|budget|baseline|threshold",
    // An auditor's "Please confirm the total net revenue for …".
    "confirm|verify|doublecheck",
    "double check",
    "work out",
    "determine|identify|compute|calculate|find|obtain|retrieve|extract|produce|provide|express",
];

/// `text` without the instruction verbs that open its clauses.
pub(super) fn without_instructions(text: &str) -> Cow<'_, str> {
    without_phrases(text, &instruction_at)
}

/// The length of the instruction at chunk `i`, if one opens a clause there.
fn instruction_at(c: &[Chunk<'_>], i: usize) -> Option<usize> {
    let opens =
        opens_clause(c, i) || matches!(c[i - 1].word.as_str(), "and" | "then" | "also" | "please");
    if !opens {
        return None;
    }
    if c[i].word == "return" {
        return returns_what_follows(c, i).then_some(1);
    }
    INSTRUCTIONS.iter().find_map(|p| phrase_at(c, i, p))
}

/// Whether "return" opening a clause is the verb ("Return the number of app
/// orders", "please return name and revenue") rather than the noun of a
/// figure about returns ("Return rate by channel").
fn returns_what_follows(c: &[Chunk<'_>], i: usize) -> bool {
    let Some(next) = c.get(i + 1) else {
        return false;
    };
    !c[i].ends_clause()
        && !matches!(
            next.word.as_str(),
            "rate"
                | "rates"
                | "ratio"
                | "count"
                | "counts"
                | "share"
                | "percentage"
                | "percent"
                | "pct"
                | "volume"
                | "volumes"
                | "level"
                | "levels"
                | "trend"
                | "trends"
                | "frequency"
                | "numbers"
                | "figures"
                | "totals"
                | "policy"
                | "reasons"
                | ""
        )
}

#[cfg(test)]
mod tests {
    use super::without_instructions;

    #[test]
    fn instruction_verbs_opening_a_clause_are_cut() {
        let cases = [
            (
                "You are a data analyst. Return the order count per order size",
                "You are a data analyst. the order count per order size",
            ),
            (
                "Top 5 customers this year, please return name and revenue.",
                "Top 5 customers this year, please name and revenue.",
            ),
            ("Return rate by channel", "Return rate by channel"),
            ("how many did customers return", "how many did customers return"),
            (
                "Determine the total sales for each product category in 2020.",
                "the total sales for each product category in 2020.",
            ),
            (
                "For each customer, compute the total sales, and list the five customers",
                "For each customer, the total sales, and list the five customers",
            ),
            (
                "Identify the products whose total profit was negative, and state that total for each.",
                "the products whose total profit was negative, and",
            ),
            (
                "Compute the total profit for each quarter of 2020, and present the results as a bar chart.",
                "the total profit for each quarter of 2020, and as a bar chart.",
            ),
        ];
        for (asked, plain) in cases {
            assert_eq!(without_instructions(asked), plain, "{asked}");
        }
    }

    #[test]
    fn the_same_words_inside_a_clause_stay() {
        for q in [
            "sales by state",
            "orders we could not identify",
            "revenue of the products we return most",
        ] {
            assert_eq!(without_instructions(q), q, "{q}");
        }
    }
}
