//! Chat verbs of replacing and splitting, spelled the way the follow-up
//! reader takes them: "swap revenue for profit" is "profit instead of
//! revenue", "switch it to gross" and "change that to units" are "gross
//! instead", "break it out business vs consumer" is "split business vs
//! consumer", "take Mexico off" is "remove Mexico".

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

/// The words with a leading replace verb spelled as "instead", and
/// "rather than" as "instead of" ("by number of orders rather than
/// revenue").
pub(super) fn spell_out(mut words: Vec<String>) -> Vec<String> {
    for i in 1..words.len() {
        if words[i - 1].eq_ignore_ascii_case("rather") && words[i].eq_ignore_ascii_case("than") {
            words[i - 1] = "instead".to_owned();
            words[i] = "of".to_owned();
        }
    }
    let words = without_replaced_period(words);
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
        // "take Mexico off", "take out the gift cards": remove them.
        "take" => {
            let off = |w: &String| matches!(bare(w).as_str(), "off" | "out");
            let Some(k) = rest.iter().take(5).position(off) else {
                return words;
            };
            let mut out: Vec<String> = words[..at].to_vec();
            out.push("remove".into());
            out.extend(rest[..k].iter().cloned());
            out.extend(rest[k + 1..].iter().cloned());
            out
        }
        _ => words,
    }
}

/// Words that name a period, a grain, a direction or a chart, and nothing
/// else.
fn names_period_or_direction(word: &str) -> bool {
    (!word.is_empty() && word.chars().all(|c| c.is_ascii_digit()))
        || super::calendar::month(word).is_some()
        || matches!(
            word,
            "the"
                | "a"
                | "just"
                | "only"
                | "by"
                | "per"
                | "in"
                | "for"
                | "of"
                | "last"
                | "this"
                | "previous"
                | "prior"
                | "next"
                | "top"
                | "bottom"
                | "highest"
                | "lowest"
                | "best"
                | "worst"
                | "first"
                | "daily"
                | "weekly"
                | "monthly"
                | "quarterly"
                | "yearly"
                | "annually"
                | "annual"
                | "day"
                | "days"
                | "week"
                | "weeks"
                | "month"
                | "months"
                | "quarter"
                | "quarters"
                | "year"
                | "years"
                | "q1"
                | "q2"
                | "q3"
                | "q4"
                | "h1"
                | "h2"
                | "ones"
                | "one"
                | "bar"
                | "bars"
                | "line"
                | "lines"
                | "pie"
                | "donut"
                | "chart"
                | "graph"
                | "table"
        )
}

/// "weekly instead of monthly", "the bottom 5 rather than the top", "in
/// April rather than May", "a line chart rather than bars": what is
/// replaced is the period, grain, direction or chart shown, which the new one replaces anyway; the words after
/// "instead of" go, so they are not read as a second period or order.
fn without_replaced_period(words: Vec<String>) -> Vec<String> {
    let Some(at) =
        (1..words.len()).find(|&i| bare(&words[i - 1]) == "instead" && bare(&words[i]) == "of")
    else {
        return words;
    };
    let ends = |w: &String| w.ends_with([',', '.', ';', '?', '!']);
    let end = (at + 1..words.len())
        .find(|&k| ends(&words[k]))
        .map_or(words.len(), |k| k + 1);
    let tail = &words[at + 1..end];
    // "all channels rather than just web": every value instead of one.
    let all_instead = words[..at - 1]
        .iter()
        .any(|w| matches!(bare(w).as_str(), "all" | "every"));
    let replaced_period = tail.iter().all(|w| names_period_or_direction(&bare(w)));
    if tail.is_empty() || !(replaced_period || all_instead) {
        return words;
    }
    let mut out = words[..at - 1].to_vec();
    // "show those weeks instead of months": the new grain, spelled as one.
    if tail.iter().any(|w| grain_of(&bare(w)).is_some()) {
        let last = out.iter().rposition(|w| grain_of(&bare(w)).is_some());
        if let Some(k) = last {
            let period = k > 0
                && (bare(&out[k - 1]).chars().all(|c| c.is_ascii_digit())
                    || matches!(
                        bare(&out[k - 1]).as_str(),
                        "last" | "this" | "next" | "past" | "previous"
                    ));
            if let (false, Some(unit)) = (period, grain_of(&bare(&out[k]))) {
                out.splice(k..=k, ["by".to_owned(), unit.to_owned()]);
            }
        }
    }
    out.extend(words[end..].iter().cloned());
    out
}

/// A word without the punctuation around it, lowercase ("Off." → "off").
fn bare(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The grain a word names ("weeks", "weekly": week).
fn grain_of(word: &str) -> Option<&'static str> {
    match word {
        "day" | "days" | "daily" => Some("day"),
        "week" | "weeks" | "weekly" => Some("week"),
        "month" | "months" | "monthly" => Some("month"),
        "quarter" | "quarters" | "quarterly" => Some("quarter"),
        "year" | "years" | "yearly" | "annually" => Some("year"),
        _ => None,
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
    // "change the grain to months": the series by months.
    let grain = lower.get(skip).is_some_and(|w| w == "the")
        && lower.get(skip + 1).is_some_and(|w| {
            matches!(
                w.as_str(),
                "grain" | "granularity" | "resolution" | "interval"
            )
        });
    if grain && lower.get(skip + 2).is_some_and(|w| w == "to") {
        let mut out: Vec<String> = words[..at].to_vec();
        out.push("by".into());
        out.extend(words[at + 1 + skip + 3..].iter().cloned());
        return out;
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
    fn take_off_is_remove() {
        assert_eq!(spelled("Take Mexico off."), "remove Mexico");
        assert_eq!(
            spelled("ok take out the gift cards"),
            "ok remove the gift cards"
        );
        assert_eq!(
            spelled("by number of orders rather than revenue"),
            "by number of orders instead of revenue"
        );
        assert_eq!(spelled("change the grain to months"), "by months");
        assert_eq!(
            spelled("make it weekly rather than monthly"),
            "make it by week"
        );
        assert_eq!(
            spelled("Now show those weeks instead of months."),
            "Now show those by week"
        );
        assert_eq!(
            spelled("the last 3 weeks instead of months"),
            "the last 3 weeks"
        );
        assert_eq!(spelled("the bottom 5 rather than the top"), "the bottom 5");
        assert_eq!(
            spelled("in April instead of May, please"),
            "in April please"
        );
        assert_eq!(spelled("all channels rather than just web"), "all channels");
        assert_eq!(
            spelled("the money off instead of %"),
            "the money off instead of %"
        );
        // Money taken is no removal.
        assert_eq!(spelled("take yesterday"), "take yesterday");
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
