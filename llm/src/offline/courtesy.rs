//! Hedges and courtesies inside a sentence: "could you maybe, if it's not
//! too much trouble, show me …", "I was kind of wondering roughly how many
//! …", "…, if that's ok", "no rush", "just out of curiosity". They soften
//! the ask and carry no condition, so they are cut before the question is
//! read; their words ("trouble", "rush", "curiosity") would otherwise be
//! reported as not understood. Greetings, sign-offs and whole sentences of
//! courtesy are [`super::letter`]'s.

use std::borrow::Cow;

use super::chunks::{opens_clause, phrase_at, without_phrases, Chunk};

/// Hedge phrases, in the pattern form of [`phrase_at`]: `a|b` are
/// alternatives, a trailing `?` makes a word optional. Longer phrases come
/// first where one holds another.
const HEDGES: &[&str] = &[
    "im|i am? not totally|entirely|quite|really|100? sure if? this|that is? the right question but?",
    "not sure if this is the right question but?",
    "i dont know if this makes sense but?",
    "sorry to bother|bug|trouble you but?",
    "if its|it is? not|isnt? too much trouble",
    "if its|it is? no trouble",
    "if thats|that is? ok|okay|alright|possible|fine|easy|quick to? pull|get|do|find?",
    "if its|it is? ok|okay|easy|quick|possible to? pull|get|do|find?",
    "if possible",
    "if you get|have a sec|second|minute|moment|chance",
    "when you get|have a sec|second|minute|moment|chance",
    "if the data has|have it|that",
    "if we have|track it|that",
    "no rush|hurry|pressure",
    "just? out of curiosity",
    // "Would you mind checking how many …", "would you mind telling me
    // whether …": the ask follows the verb.
    "would|do you mind checking|telling|showing|finding|pulling|looking|seeing|letting me|us? know|out|up|into|at?",
    "would|do you mind",
    "would|could you be able to",
    "would|could you be so kind as to",
    // "I'd love to get a sense of how revenue …".
    "id|i would? love|like to get|have a|an? sense|feel|idea|picture of",
    // "I hope this isn't a silly question, but …".
    "i hope this|it isnt|is not? a|an silly|stupid|dumb|daft|obvious question but?",
    "this may|might be a|an silly|stupid|dumb|daft|obvious question but?",
    // "what the margin looked like month by month": the figures.
    "looked|looks like",
    // "considering only sales made …".
    "considering",
    // "My boss wants to know which category …": who asks is no condition.
    "my|our boss|manager|team|ceo|cfo|coo|director|supervisor|lead wants|needs|asked|would|was|is like|asking? to? know?",
    // "Sorry, one more - …", "Last one, I promise: …".
    "sorry|ok|okay one more|last question|thing|ask?",
    "last one i promise",
    // "I was wondering whether …", "I was hoping you could …".
    "i|ive was|am|were|have? been? wondering|hoping whether|if?",
    // "… pull together the number of orders", "… put together a list".
    "pull|put together|up",
    "by any chance",
    "for what its worth",
    "i was? kind|sort of? wondering",
    "kind|sort of",
    "would|will|is it be? possible to",
    "i guess|suppose",
    // "how are we tracking on orders": asks for the figures that follow.
    "how are|is we|things tracking|doing on|with|for?",
    // Chat slang around the ask: "ngl how many people signed up", "which
    // channel is busiest rn, asking for a friend".
    "ngl|tbh|tbf|lowkey|highkey|imo|imho|fwiw|lol|lmao|rn|idk",
    "asking for a friend",
    "wanna|gonna",
    "hmm|hmmm|umm",
    "nothing fancy",
    // A journalist's "For my piece on the shop's 2025, …": what it is for.
    "for my|our|a|the|this piece|story|article|feature|column|report on|about",
    // "… across the whole sales table", "- the full tree": all of it.
    "across|over|in|from the whole|entire sales|data|orders? table|dataset|data",
    "the full tree",
    // "… just the two numbers", "Give both figures.": the figures asked.
    "just? the two numbers|figures|counts",
    "give|show both figures|numbers|counts",
    "two numbers",
    "ill eyeball|check|compare|chart|plot the correlation|trend|difference|rest myself",
    // "…, I'll do the minus myself": what the asker will do next.
    "ill do the|that minus|maths|math|rest|subtraction myself",
    "i will do the|that minus|maths|math|rest|subtraction myself",
    "or nah",
    // "Revenue from India looks low this quarter.": a worry, not a
    // condition; "That's too busy" about a chart.
    "looks|look|seems|seem|looked|seemed a? bit|little|too|really|very|quite? low|high|off|weird|odd|strange|wrong|funny|suspicious|fishy|light|soft|weak",
    "thats|its too busy|cluttered|noisy|crowded|detailed",
    // "Lay it out day by day", "zoom out to the month so far": how the
    // chart is laid out; what follows says it.
    "lay|set it|them|that|this out",
    "zoom out|in",
    "that|it is too busy|cluttered|noisy|crowded|detailed",
    "maybe",
    "perhaps",
    "possibly",
    "honestly",
    "basically",
    "real quick",
    // Where the data is kept: "the most recent order on file".
    "on file",
    "in the|our system",
];

/// Who is asking, said before the ask: "As a merchandiser I want …",
/// "Support team here - how many …". Patterns as in [`HEDGES`].
const INTRODUCTIONS: &[&str] = &[
    "as a|an|the|your merchandiser|analyst|buyer|marketer|accountant|bookkeeper|planner|intern|manager|director|owner|ceo|cfo|coo",
    "support|sales|finance|marketing|ops|operations|data|analytics|product|exec|leadership team here",
    // A presenter's "Next slide: revenue by channel", "Here are our ten
    // best products …": what is shown next.
    "next|this|last|final slide|page|chart|tile",
    "here|heres are|is?",
];

/// Chat openers cut only where they open a clause ("fr how many customers
/// …", "wait how many orders …", "like most app orders this quarter"): inside
/// a clause "FR" is France's code and "like" compares.
const OPENERS: &[&str] = &["fr|wait|like|okay|ok|yo|hey"];

/// Words after which "kind of" / "sort of" names a kind ("what kind of
/// products"), not a hedge.
const KIND_DETERMINERS: &[&str] = &[
    "what", "which", "each", "every", "this", "that", "the", "a", "any", "some", "all", "one",
];

/// `text` without its hedges; `text` itself when it has none.
pub(super) fn without_hedges(text: &str) -> Cow<'_, str> {
    without_phrases(text, &hedge_at)
}

/// The length of the hedge at chunk `i`, if one stands there.
fn hedge_at(c: &[Chunk<'_>], i: usize) -> Option<usize> {
    // "for, like, the last six months": "like" set off by commas.
    if c[i].word == "like" && c[i].text.ends_with(',') && i > 0 && c[i - 1].text.ends_with(',') {
        return Some(1);
    }
    if matches!(c[i].word.as_str(), "kind" | "sort")
        && i > 0
        && KIND_DETERMINERS.contains(&c[i - 1].word.as_str())
    {
        return None;
    }
    let lowercase = c[i].text.chars().next().is_some_and(char::is_lowercase);
    if opens_clause(c, i) && lowercase {
        if let Some(len) = OPENERS.iter().find_map(|h| phrase_at(c, i, h)) {
            return Some(len);
        }
    }
    HEDGES
        .iter()
        .chain(INTRODUCTIONS)
        .find_map(|h| phrase_at(c, i, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hedges_are_cut_and_the_ask_kept() {
        let cases = [
            (
                "Could you maybe, if it's not too much trouble, show me how many orders we got yesterday?",
                "Could you show me how many orders we got yesterday?",
            ),
            (
                "I was kind of wondering roughly how many customers we have in Brazil?",
                "roughly how many customers we have in Brazil?",
            ),
            (
                "Just out of curiosity, what's our return rate been so far this year?",
                "what's our return rate been so far this year?",
            ),
            (
                "I kind of need, um, the number of orders per week, if that's ok",
                "I need, um, the number of orders per week,",
            ),
            (
                "would it be possible to see revenue by age group for, like, the last six months?",
                "see revenue by age group for, the last six months?",
            ),
            (
                "Would you mind, maybe, showing me the opt-in rate by age group? No rush.",
                "showing me the opt-in rate by age group?",
            ),
            (
                "I'm not totally sure this is the right question, but which payment method wins?",
                "which payment method wins?",
            ),
            (
                "How are we tracking on orders month-to-date?",
                "orders month-to-date?",
            ),
            (
                "As a merchandiser I want the top 5 products by sales.",
                "I want the top 5 products by sales.",
            ),
            (
                "Support team here - how many orders were completed in December 2020?",
                "- how many orders were completed in December 2020?",
            ),
            (
                "I was wondering whether you could tell me how much revenue we made",
                "you could tell me how much revenue we made",
            ),
            (
                "My boss wants to know how many customers signed up last summer",
                "how many customers signed up last summer",
            ),
            (
                "Would you be able to tell me the revenue from Asia?",
                "tell me the revenue from Asia?",
            ),
            (
                "Would you mind checking how many orders are still processing?",
                "how many orders are still processing?",
            ),
            (
                "I'd love to get a sense of how revenue compared, if that's easy to pull",
                "how revenue compared,",
            ),
        ];
        for (asked, plain) in cases {
            assert_eq!(without_hedges(asked), plain, "{asked}");
        }
    }

    #[test]
    fn a_kind_of_thing_and_a_plain_question_stay() {
        for q in [
            "what kind of products sell best",
            "revenue by channel last month",
            "which sort of payment is most used",
        ] {
            assert!(matches!(without_hedges(q), Cow::Borrowed(_)), "{q}");
        }
    }
}
