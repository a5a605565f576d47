//! Content words a translation did not use. Every word of a question is
//! either used, known filler, or reported: a word like "negative", "rolling"
//! or "priciest" that nothing in the answer accounts for usually means the
//! answer is to a broader or different question, so the person is asked
//! instead, with the closest members and the question without the word as
//! choices.

use strata_engine::query::FilterOperator;
use strata_schema::MemberKind;

use super::guard::is_share_word;
use super::text::{edit_distance, same_word, split_identifier, tokenize, typo_budget};
use crate::catalog::{Catalog, CatalogMember};
use crate::clarification::Clarification;
use crate::translation::Translation;

/// Verbs and adverbs that carry no condition of their own ("orders that came
/// in", "what brings in revenue", "products we developed").
const FILLER: &[&str] = &[
    "add",
    "also",
    "actually",
    "away",
    "break",
    "bring",
    "brings",
    "brought",
    "came",
    "come",
    "comes",
    "coming",
    "currently",
    "develop",
    "developed",
    "ever",
    "generate",
    "generated",
    "given",
    "happen",
    "happened",
    "include",
    "included",
    "includes",
    "including",
    "like",
    "narrow",
    "paid",
    "pay",
    "put",
    "really",
    "right",
    "so",
    "still",
    "too",
    "well",
    "keep",
    "kept",
    "make",
    "makes",
    "mean",
    "means",
    "want",
    "wanted",
    "need",
    "needed",
    "look",
    "looking",
    "people",
    "folks",
    "guys",
    "team",
    "business",
    "company",
    "firm",
    "store",
    "shop",
    "today",
    "now",
    "again",
    "exactly",
    "roughly",
    "approximately",
    "around",
    "about",
    "vs",
    "up",
    "down",
    "there",
    "use",
    "used",
    "uses",
    "using",
    "single",
    // Dictation, chat and spreadsheet words that carry no condition ("uh",
    // "pivot: revenue by region x channel", "how does Japan stack up
    // against Korea", "sales-wise", "500 bucks", "the last calendar month",
    // "orders did we take/book").
    "individual",
    "think",
    "uh",
    "uhh",
    "um",
    "umm",
    "hmm",
    "okay",
    "yeah",
    "basically",
    "whilst",
    "pivot",
    "stack",
    "stacks",
    "wise",
    "bucks",
    "calendar",
    "take",
    "took",
    "taken",
    "book",
    "booked",
    // "2-week rolling count at weekly grain", "Running gear".
    "grain",
    "granularity",
    "gear",
    // "same thing across all of 2025".
    "thing",
    "plus",
    "check",
    "select",
    "old",
    "olds",
    // How people talk about results without naming one.
    "perform",
    "performing",
    "performed",
    "performance",
    "doing",
    "went",
    "goes",
    "going",
    "drove",
    "drive",
    "drives",
    "driving",
    "contribute",
    "contributes",
    "contributed",
    "contribution",
    "accounted",
    "received",
    "receive",
    "recorded",
    "registered",
    "created",
    "processed",
    "submitted",
    "handled",
    "happening",
    "summary",
    "snapshot",
    "picture",
    "mix",
    "distribution",
    "report",
    "dashboard",
    "view",
    "key",
    "main",
    "good",
    "bad",
    "strong",
    "weak",
    "healthy",
    "typical",
    "typically",
    "usually",
    "normally",
    "generally",
    "basically",
    "quick",
    "quickly",
    "exact",
    "precise",
    "thanks",
    "thank",
    "hey",
    "hello",
    "kindly",
    "breakdown",
    "broken",
    "dig",
    "deeper",
    "drill",
    "zoom",
    "focus",
    "focusing",
    "entire",
    "everything",
    "anything",
    "something",
    "stuff",
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "crowd",
    "lot",
    "lots",
    "getting",
    "gets",
    "happen",
    "happened",
    "happens",
    "things",
    "thing",
    "rundown",
    "look",
    "looks",
    "seeing",
    "interested",
    "curious",
    "wondering",
    "know",
    "find",
    "figure",
    "calculate",
    "compute",
    "pull",
    "fetch",
    "grab",
    "check",
    "across",
    "together",
    "respectively",
    "separately",
    "individually",
    "combined",
    "altogether",
    "overall",
    "marked",
    "flagged",
    "labelled",
    "labeled",
    "tagged",
    "listed",
    // Prepositions and adverbs that carry no member.
    "through",
    "among",
    "amongst",
    "along",
    "based",
    "very",
    "ones",
    "incl",
    "may",
    "might",
    // Contractions typed without the apostrophe.
    "weve",
    "ive",
    "youve",
    "theyve",
    "whats",
    "thats",
    "heres",
    // How people speak of holding or moving, with no figure of its own.
    "carry",
    "carried",
    "sitting",
    "sit",
    "tied",
    "catalogue",
    "catalog",
    "moved",
    "moving",
    "stacked",
    "gave",
    "giving",
    "one",
    // "sales and profit … I need both": the members named.
    "both",
    // "customers who ordered something": what was bought, unnamed.
    "something",
    "anything",
];

/// Calendar words: the time reading uses them or leaves them harmless
/// ("18-24 year olds").
fn is_time_unit(stem: &str) -> bool {
    matches!(
        stem,
        "day" | "week" | "month" | "quarter" | "year" | "hour" | "period" | "time" | "date"
    )
}

/// Words a count of things makes redundant ("how many unique buyers"), with
/// the words for rows (`figures::RECORD_WORDS`, "how many sales lines").
const COUNT_WORDS: &[&str] = &["unique", "distinct", "different", "individual", "separate"];

/// The words that describe a member: its name, title, synonyms and, when
/// `description`, its description.
pub(crate) fn described_by(m: &CatalogMember, description: bool) -> Vec<String> {
    let mut words = split_identifier(m.short_name());
    let texts = std::iter::once(m.title.as_str())
        .chain(m.synonyms.iter().map(String::as_str))
        .chain(m.description.as_deref().filter(|_| description));
    for text in texts {
        words.extend(tokenize(text).into_iter().map(|t| t.stem));
    }
    words
}

/// "Name" after a column that is no name ("sorted by city name" is the
/// city, shown): it leaves `unmatched`.
pub(crate) fn drop_name_of_column(
    catalog: &Catalog,
    a: &super::parse::Analysis,
    t: &mut Translation,
) {
    let shown: Vec<&str> = t
        .query
        .dimensions
        .iter()
        .chain(t.query.order.iter().flatten().map(|(m, _)| m))
        .map(String::as_str)
        .collect();
    let named_column = a.mentions.iter().filter(|m| !m.absorbed).any(|m| {
        a.tokens.get(m.end).is_some_and(|t| t.text == "name")
            && m.candidates.iter().any(|e| {
                let member = &catalog.members()[e.member];
                member.kind == MemberKind::Dimension
                    && shown.contains(&member.name.as_str())
                    && !split_identifier(member.short_name())
                        .iter()
                        .any(|w| w == "name")
            })
    });
    if named_column {
        t.unmatched.retain(|u| !u.eq_ignore_ascii_case("name"));
    }
}

/// The members a translation's query names.
fn query_members<'c>(catalog: &'c Catalog, t: &Translation) -> Vec<&'c CatalogMember> {
    let q = &t.query;
    let mut names: Vec<&str> = q
        .measures
        .iter()
        .chain(&q.dimensions)
        .chain(&q.segments)
        .map(String::as_str)
        .collect();
    names.extend(q.time_dimensions.iter().map(|td| td.dimension.as_str()));
    let mut filter_members = Vec::new();
    for f in &q.filters {
        f.member_names(&mut |m| filter_members.push(m.to_owned()));
    }
    names.extend(filter_members.iter().map(String::as_str));
    names.iter().filter_map(|n| catalog.get(n)).collect()
}

/// The unmatched words of `t` that are neither filler nor described by a
/// member of its query; `compared` when the question compares ("vs").
pub(crate) fn unplaced_words(catalog: &Catalog, t: &Translation, compared: bool) -> Vec<String> {
    let chosen = query_members(catalog, t);
    let counts = chosen.iter().any(|m| m.is_count());
    // "new customers", "opt-in rate of new signups": things counted or
    // rated by when they were created.
    // "returning vs new customers" compares them, which nothing here does.
    let new_is_counted = !compared
        && (counts
            || chosen
                .iter()
                .any(|m| m.format.as_deref() == Some("percent")));
    // "big ones, 250 or more": the size a condition on an amount states.
    let conditioned = t.query.filters.iter().any(|f| {
        matches!(
            f,
            strata_engine::query::Filter::Member {
                operator: FilterOperator::Gt
                    | FilterOperator::Gte
                    | FilterOperator::Lt
                    | FilterOperator::Lte,
                ..
            }
        )
    });
    let described: Vec<String> = chosen
        .into_iter()
        .flat_map(|m| described_by(m, true))
        .collect();
    // "net product revenue": net of what a gross figure adds, unless a
    // gross figure is asked for too.
    let net_is_plain = !described.iter().any(|d| d == "gross");
    t.unmatched
        .iter()
        .filter(|w| !w.starts_with('('))
        .filter(|w| {
            let token = tokenize(w);
            let Some(tok) = token.first() else {
                return false;
            };
            tok.text.chars().count() >= 3
                && tok.number().is_none()
                && !FILLER.contains(&tok.text.as_str())
                && !is_time_unit(&tok.stem)
                && !is_share_word(&tok.text)
                && (!counts
                    || !(COUNT_WORDS.contains(&tok.text.as_str())
                        || super::figures::RECORD_WORDS.contains(&tok.text.as_str())))
                && (!new_is_counted || tok.text != "new")
                && !(conditioned && matches!(tok.text.as_str(), "big" | "large" | "small" | "huge"))
                && !(net_is_plain && tok.text == "net")
                && !described.iter().any(|d| {
                    // "priced" is the price, "discounted" the discount.
                    let participle = [tok.text.strip_suffix("ed"), tok.text.strip_suffix('d')]
                        .into_iter()
                        .flatten()
                        .any(|base| base.len() >= 4 && same_word(base, d));
                    same_word(&tok.text, d) || same_word(&tok.stem, d) || participle
                })
        })
        .cloned()
        .collect()
}

/// The clarification for an unplaced word: the members whose names come
/// closest to it, each as the question asked with that member, and last the
/// question without the word.
pub(crate) fn clarify(catalog: &Catalog, question: &str, word: &str) -> Clarification {
    let lower = word.to_lowercase();
    let stem = tokenize(&lower)
        .first()
        .map(|t| t.stem.clone())
        .unwrap_or_default();
    let budget = typo_budget(&stem).max(1);
    let mut near: Vec<(usize, &CatalogMember)> = catalog
        .members()
        .iter()
        .filter(|m| m.kind != MemberKind::Segment && !m.in_view)
        .filter_map(|m| {
            let distance = described_by(m, false)
                .iter()
                .map(|d| {
                    if same_word(&stem, d) {
                        0
                    } else {
                        edit_distance(&stem, d, budget)
                    }
                })
                .min()?;
            (distance <= budget).then_some((distance, m))
        })
        .collect();
    near.sort_by_key(|(d, m)| (*d, m.title.len()));
    let mut titles: Vec<String> = Vec::new();
    for (_, m) in near {
        let title = m.title.to_lowercase();
        if !titles.contains(&title) {
            titles.push(title);
        }
        if titles.len() == 4 {
            break;
        }
    }
    let mut c = Clarification::replacing(
        question,
        word,
        titles.into_iter().map(|title| (title.clone(), title)),
    );
    c.offer_without(question, word);
    c
}
