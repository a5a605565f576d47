//! Chat verbs of replacing and splitting, spelled the way the follow-up
//! reader takes them: "swap revenue for profit" is "profit instead of
//! revenue", "switch it to gross" and "change that to units" are "gross
//! instead", "break it out business vs consumer" is "split business vs
//! consumer".

/// Words before the verb that change nothing ("ok swap ...", "can you
/// switch ...").
fn lead(word: &str) -> bool {
    matches!(
        word,
        "ok" | "okay" | "now" | "then" | "so" | "can" | "could" | "you" | "please" | "pls" | "and"
    )
}

/// 1 when the words open with the pronoun of what is shown ("switch it
/// to"), else 0.
fn pronoun_first(words: &[String]) -> usize {
    usize::from(matches!(
        words.first().map(String::as_str),
        Some("it" | "that" | "this" | "them")
    ))
}

/// The words with a leading replace verb spelled as "instead".
pub(super) fn spell_out(words: Vec<String>) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let Some(at) = lower.iter().position(|w| !lead(w)) else {
        return words;
    };
    let verb = lower[at].as_str();
    let rest = &words[at + 1..];
    let rest_lower = &lower[at + 1..];
    match verb {
        // "swap revenue for profit", "replace units with revenue".
        "swap" | "replace" => {
            let Some(k) = rest_lower
                .iter()
                .position(|w| matches!(w.as_str(), "for" | "with"))
            else {
                // "swap to AOV", "swap the measure to sign-ups".
                return switched_to(words, at);
            };
            let (old, new) = (&rest[..k], &rest[k + 1..]);
            if old.is_empty() || new.is_empty() {
                return words;
            }
            let mut out: Vec<String> = words[..at].to_vec();
            out.extend(new.iter().cloned());
            out.push("instead".into());
            out.push("of".into());
            out.extend(old.iter().cloned());
            out
        }
        // "switch it to gross", "change that to units".
        "switch" | "change" | "flip" => switched_to(words, at),
        // "break it out by channel", "break that out business vs consumer".
        "break" => {
            let skip = pronoun_first(rest_lower);
            if rest_lower.get(skip).map(String::as_str) != Some("out") {
                return words;
            }
            let mut out: Vec<String> = words[..at].to_vec();
            out.push("split".into());
            out.extend(rest[skip + 1..].iter().cloned());
            out
        }
        _ => words,
    }
}

/// "switch it to gross", "swap the measure to units" (the verb at `at`):
/// "gross instead"; the words unchanged when no "to" follows.
fn switched_to(words: Vec<String>, at: usize) -> Vec<String> {
    let lower: Vec<String> = words[at + 1..].iter().map(|w| w.to_lowercase()).collect();
    let mut skip = pronoun_first(&lower);
    // "the measure", "the metric": what is shown.
    if lower.get(skip).is_some_and(|w| w == "the")
        && lower
            .get(skip + 1)
            .is_some_and(|w| matches!(w.as_str(), "measure" | "metric" | "figure" | "number"))
    {
        skip += 2;
    }
    if lower.get(skip).map(String::as_str) != Some("to") {
        return words;
    }
    let new = &words[at + 1 + skip + 1..];
    if new.is_empty() {
        return words;
    }
    let mut out: Vec<String> = words[..at].to_vec();
    out.extend(new.iter().cloned());
    out.push("instead".into());
    out
}

#[cfg(test)]
mod tests {
    use super::spell_out;

    fn spelled(text: &str) -> String {
        spell_out(text.split(' ').map(str::to_owned).collect()).join(" ")
    }

    #[test]
    fn replace_verbs_become_instead() {
        assert_eq!(
            spelled("swap revenue for profit"),
            "profit instead of revenue"
        );
        assert_eq!(
            spelled("ok replace units with revenue"),
            "ok revenue instead of units"
        );
        assert_eq!(spelled("switch it to gross"), "gross instead");
        assert_eq!(spelled("change that to a pie"), "a pie instead");
        assert_eq!(spelled("switch to weekly"), "weekly instead");
        assert_eq!(
            spelled("break it out business vs consumer"),
            "split business vs consumer"
        );
        assert_eq!(spelled("break out by channel"), "split by channel");
    }

    #[test]
    fn other_uses_stay() {
        assert_eq!(spelled("revenue by channel"), "revenue by channel");
        assert_eq!(
            spelled("change in revenue since May"),
            "change in revenue since May"
        );
        assert_eq!(
            spelled("how many customers switch channel"),
            "how many customers switch channel"
        );
    }
}
