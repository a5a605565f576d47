//! Two qualifiers sharing one noun: "net vs gross revenue", "gross and net
//! sales" name two figures, each qualifier with the noun ("net revenue vs
//! gross revenue"), which the lexicon then reads as two measures.

/// Qualifiers that make a different figure of the noun after them.
fn is_qualifier(word: &str) -> bool {
    matches!(word, "net" | "gross")
}

fn is_joiner(word: &str) -> bool {
    matches!(word, "vs" | "versus" | "and" | "or" | "&" | "v")
}

/// Words with "A vs B noun" spelled "A noun vs B noun" where A and B are
/// two different qualifiers.
pub(super) fn spell_out(mut words: Vec<String>) -> Vec<String> {
    let lower = |w: &String| w.to_lowercase();
    let Some(at) = words.windows(4).position(|w| {
        let (a, j, b) = (lower(&w[0]), lower(&w[1]), lower(&w[2]));
        is_qualifier(&a)
            && is_joiner(&j)
            && is_qualifier(&b)
            && a != b
            && !is_qualifier(&lower(&w[3]))
            && w[3].chars().all(char::is_alphabetic)
    }) else {
        return words;
    };
    let noun = words[at + 3].clone();
    words.insert(at + 1, noun);
    words
}

#[cfg(test)]
mod tests {
    use super::spell_out;

    fn spelled(text: &str) -> String {
        spell_out(text.split(' ').map(str::to_owned).collect()).join(" ")
    }

    #[test]
    fn the_noun_goes_with_both_qualifiers() {
        assert_eq!(
            spelled("Net vs gross revenue for May"),
            "Net revenue vs gross revenue for May"
        );
        assert_eq!(
            spelled("gross and net sales by category"),
            "gross sales and net sales by category"
        );
        assert_eq!(
            spelled("net revenue vs gross revenue"),
            "net revenue vs gross revenue"
        );
        assert_eq!(spelled("net and net revenue"), "net and net revenue");
    }
}
