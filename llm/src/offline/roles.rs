//! The role of each mention: measure, grouping ("by channel", "top 5
//! products"), sort key ("sorted by revenue") or the target of a numeric
//! condition ("price over 500"); dimension words that only name a value's
//! dimension ("Electronics category") and count nouns a value qualifies
//! ("revenue from mobile orders") are absorbed.

use strata_schema::MemberKind;

use super::cues;
use super::filters::NumericCondition;
use super::lexicon::Entry;
use super::parse::{Analysis, Mention, NumericFilter, Role};
use super::stopwords::is_skippable;
use super::text::{split_identifier, Token};
use crate::catalog::{Catalog, CatalogMember};

fn is_dimension(catalog: &Catalog, e: &Entry) -> bool {
    catalog.members()[e.member].kind == MemberKind::Dimension
}

/// Whether the best measure a mention may mean is a count ("orders",
/// "customers").
pub(crate) fn is_count_noun(catalog: &Catalog, m: &Mention) -> bool {
    best_measure(catalog, m).is_some_and(|member| member.is_count())
}

/// The best-scored measure a mention may mean.
pub(crate) fn best_measure<'c>(catalog: &'c Catalog, m: &Mention) -> Option<&'c CatalogMember> {
    m.candidates
        .iter()
        .filter(|e| catalog.members()[e.member].kind == MemberKind::Measure)
        .max_by_key(|e| e.score)
        .map(|e| &catalog.members()[e.member])
}

/// Decides what each mention is for, attaches numeric conditions and
/// absorbs dimension words that only qualify a value.
pub fn assign_roles(catalog: &Catalog, a: &mut Analysis, conditions: &[NumericCondition]) {
    let tokens = &a.tokens;
    let text = |k: usize| tokens[k].text.as_str();
    let in_mention = |mentions: &[Mention], k: usize| {
        mentions.iter().position(|m| (m.start..m.end).contains(&k))
    };
    let mut exclusion_scopes = Vec::new();
    for idx in 0..a.mentions.len() {
        let m = &a.mentions[idx];
        let has_dim = m.candidates.iter().any(|e| is_dimension(catalog, e));
        let mut role = Role::Measure;
        // Walk left over "and", skippables and earlier grouped mentions.
        let mut k = m.start;
        let mut group = false;
        // "for each European country": a value may stand between "each"
        // and what is grouped (not after "by": "orders by business
        // customers" says whose orders).
        let mut passed_value = false;
        while k > 0 {
            k -= 1;
            let w = text(k);
            if cues::is_group_marker(w) && passed_value && w == "by" {
                break;
            }
            if cues::is_group_marker(w) {
                // "ordered by a business customer", "orders placed by
                // business customers": who did it, not a split.
                let article = tokens
                    .get(k + 1)
                    .is_some_and(|t| matches!(t.text.as_str(), "a" | "an"));
                let agent = k > 0
                    && super::figures::ORDERING_PARTICIPLES.contains(&text(k - 1))
                    && !has_dim;
                group = !(w == "by" && (article || agent));
                break;
            }
            if is_skippable(w) || matches!(w, "and" | "or" | "then") {
                continue;
            }
            // "each of my categories", "per one of our channels".
            if matches!(w, "my" | "our" | "your" | "their") {
                continue;
            }
            if has_dim && a.values.iter().any(|v| (v.start..v.end).contains(&k)) {
                passed_value = true;
                continue;
            }
            match in_mention(&a.mentions[..idx], k) {
                Some(j) if a.mentions[j].role == Role::Group => {
                    k = a.mentions[j].start;
                }
                _ => break,
            }
        }
        let first_content = |from: usize| (from..tokens.len()).find(|&p| !is_skippable(text(p)));
        if group {
            role = Role::Group;
        }
        // "top 3 European countries": the ranked thing follows the value.
        let subject = a.ranking.subject.and_then(first_content).map(|s| {
            a.values
                .iter()
                .find(|v| v.start == s)
                .map_or(s, |v| first_content(v.end).unwrap_or(v.end))
        });
        if subject == Some(m.start) && has_dim {
            role = Role::Group;
        }
        if a.ranking.sort_key.and_then(first_content) == Some(m.start) {
            role = Role::SortKey;
        }
        // "which toy brand": a value may stand between.
        let in_value = |p: usize| a.values.iter().any(|v| (v.start..v.end).contains(&p));
        let prev = (0..m.start)
            .rev()
            .find(|&p| {
                !is_skippable(text(p))
                    && !in_value(p)
                    && tokens[p].number().is_none()
                    && super::text::number_word(text(p)).is_none()
            })
            .map(text);
        if (one_of_them(tokens, m.start) || matches!(prev, Some("which" | "what" | "list" | "all")))
            && has_dim
        {
            role = Role::Group;
        }
        // "the least profitable brand": the thing a superlative ranks.
        if a.ranking.superlative && has_dim && role == Role::Measure && superlative_subject(a, idx)
        {
            role = Role::Group;
        }
        let next = (m.end..tokens.len())
            .find(|&p| !is_skippable(text(p)))
            .map(text);
        // "regions ranked by revenue": what is ranked, when the words name a
        // column to group by rather than a figure.
        let best_is_text = m
            .candidates
            .iter()
            .max_by_key(|e| e.score)
            .is_some_and(|e| {
                let cm = &catalog.members()[e.member];
                cm.kind == MemberKind::Dimension && cm.data_type == "string"
            });
        let ranked = matches!(next, Some("ranked" | "sorted" | "ordered")) && best_is_text;
        // "returned orders, country breakdown": what the figure is split
        // by, though "countries" may also be counted.
        let broken_down = matches!(next, Some("breakdown" | "breakdowns" | "split" | "mix"));
        if (matches!(next, Some("with" | "where" | "whose" | "having")) || ranked || broken_down)
            && has_dim
            && role == Role::Measure
        {
            role = Role::Group;
        }
        a.mentions[idx].role = role;
        // "per country for all regions apart from Asia": the scope of an
        // exclusion, not a grouping, when something else is grouped by.
        let scope = matches!(prev, Some("all" | "every"))
            && next.is_some_and(|w| matches!(w, "excluding" | "except" | "besides" | "outside"));
        if scope && has_dim && role == Role::Group {
            exclusion_scopes.push(idx);
        }
    }
    for &idx in &exclusion_scopes {
        let other_group = a
            .mentions
            .iter()
            .enumerate()
            .any(|(k, m)| k != idx && m.role == Role::Group && !m.absorbed);
        if other_group {
            a.mentions[idx].absorbed = true;
        }
    }

    // "top 3 cities by profit": with no measure asked for otherwise, a
    // grouped word that can be a measure is the measure.
    let is_measure = |e: &Entry| catalog.members()[e.member].kind == MemberKind::Measure;
    let has_measure_role = a
        .mentions
        .iter()
        .any(|m| m.role != Role::Group && m.candidates.iter().any(is_measure));
    // Only when its dimensions are numeric columns, which nobody groups by.
    let numeric_only = |m: &Mention| {
        m.candidates.iter().all(|e| {
            let cm = &catalog.members()[e.member];
            cm.kind == MemberKind::Measure || (cm.data_type == "number" && !cm.is_time())
        })
    };
    if !has_measure_role {
        if let Some(m) = a.mentions.iter_mut().rev().find(|m| {
            m.role == Role::Group && m.candidates.iter().any(is_measure) && numeric_only(m)
        }) {
            m.role = if a.ranking.direction.is_some() {
                Role::SortKey
            } else {
                Role::Measure
            };
        }
    }

    for (n, c) in conditions.iter().enumerate() {
        // "with between 1000 and 5000 in revenue": what follows a range
        // follows its lower end too.
        let end = conditions
            .get(n + 1)
            .filter(|u| u.upper_of_range && u.start == c.end)
            .map_or(c.end, |u| u.end);
        // "priced between 20 and 50": the upper end goes where the lower did.
        if c.upper_of_range {
            if let Some(lower) = a.numeric.last().cloned() {
                a.numeric.push(NumericFilter {
                    condition: c.clone(),
                    ..lower
                });
                continue;
            }
        }
        // Right first: "more than 1000 customers".
        let mut money = false;
        let mut target = None;
        let mut left = false;
        // "more than 5 different products": the adjective is no target.
        let mut next = (end..tokens.len()).find(|&p| {
            !is_skippable(text(p))
                && !matches!(
                    text(p),
                    "different" | "distinct" | "unique" | "separate" | "individual" | "new"
                )
        });
        // "more than 1000 in total sales", "over 500 of revenue".
        if let Some(p) = next.filter(|&p| matches!(text(p), "in" | "of")) {
            let after = (p + 1..tokens.len()).find(|&q| !is_skippable(text(q)));
            let measure_after = after
                .and_then(|q| in_mention(&a.mentions, q))
                .is_some_and(|j| {
                    a.mentions[j]
                        .candidates
                        .iter()
                        .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
                });
            if measure_after {
                next = after;
            }
        }
        if let Some(p) = next {
            if let Some(j) = in_mention(&a.mentions, p).filter(|&j| a.mentions[j].start == p) {
                target = Some(j);
            }
        }
        // Left: "orders with a total over 100", "price above 500".
        let mut k = c.start;
        while target.is_none() && k > 0 {
            k -= 1;
            let w = text(k);
            if let Some(j) = in_mention(&a.mentions, k) {
                target = Some(j);
                left = true;
                break;
            }
            if matches!(
                w,
                "total"
                    | "amount"
                    | "value"
                    | "spend"
                    | "spent"
                    | "spending"
                    | "worth"
                    | "priced"
                    | "costing"
            ) {
                money = true;
                continue;
            }
            if is_skippable(w)
                || matches!(
                    w,
                    "with"
                        | "where"
                        | "that"
                        | "whose"
                        | "have"
                        | "has"
                        | "had"
                        | "is"
                        | "are"
                        | "was"
                        | "were"
                        | "of"
                        | "which"
                        | "in"
                        | "and"
                )
            {
                continue;
            }
            break;
        }
        if let Some(j) = target {
            let m = &mut a.mentions[j];
            m.role = Role::NumericTarget;
        }
        a.numeric.push(NumericFilter {
            condition: c.clone(),
            target,
            left,
            money: money || c.currency,
        });
    }

    // "revenue from mobile orders": the count noun after a value only says
    // what the value qualifies when another measure is asked for.
    let is_count_noun = |m: &Mention| is_count_noun(catalog, m);
    let other_measure = |mentions: &[Mention], skip: usize| {
        mentions.iter().enumerate().any(|(j, o)| {
            j != skip
                && o.role == Role::Measure
                && !is_count_noun(o)
                && o.candidates
                    .iter()
                    .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
        })
    };
    let is_measure_mention = |o: &Mention| {
        o.role == Role::Measure
            && o.candidates
                .iter()
                .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
    };
    let only_segments = |o: &Mention| {
        !o.candidates.is_empty()
            && o.candidates
                .iter()
                .all(|e| catalog.members()[e.member].kind == MemberKind::Segment)
    };
    for j in 0..a.mentions.len() {
        let m = &a.mentions[j];
        let grouped_count =
            m.role == Role::Group && !m.candidates.iter().any(|e| is_dimension(catalog, e));
        // "avg discount on Kestrel items": a plural noun after a value,
        // whatever it would measure, may only say what the value is.
        let plural_noun = m.end == m.start + 1 && {
            let tok = &a.tokens[m.start];
            tok.text != tok.stem
        };
        let count_noun = is_count_noun(m);
        if !(m.role == Role::Measure || grouped_count) || !(count_noun || plural_noun) {
            continue;
        }
        // The qualifier run before the noun: a value or a segment word
        // ("mobile orders", "premium products", "a Beauty product").
        let mut lead = m.start;
        let mut qualified = false;
        // "discounted sales lines": over words already absorbed.
        while let Some(o) = a.mentions.iter().find(|o| o.end == lead && o.absorbed) {
            lead = o.start;
        }
        if let Some(v) = a.values.iter().find(|v| v.end == lead) {
            lead = v.start;
            qualified = true;
        } else if let Some(o) = a
            .mentions
            .iter()
            .find(|o| o.end == lead && only_segments(o))
        {
            lead = o.start;
            qualified = true;
        }
        let before = |k: usize| (k > 0).then(|| text(k - 1));
        let article = before(lead).filter(|w| QUALIFYING_ARTICLES.contains(w));
        let mut at = if article.is_some() { lead - 1 } else { lead };
        // Over "the" and "our", but not over the preposition "of".
        while before(at).is_some_and(|w| {
            (DETERMINERS.contains(&w) || is_skippable(w)) && !QUALIFYING_PREPOSITIONS.contains(&w)
        }) {
            at -= 1;
        }
        let after_article = before(at);
        // "how many orders did customers in Kenya place": the noun after an
        // auxiliary is the subject of the verb, not a second figure.
        let preposition = after_article
            .filter(|w| QUALIFYING_PREPOSITIONS.contains(w) || AUXILIARIES.contains(w));
        let per = after_article == Some("per");
        let earlier_measure = a.mentions[..j].iter().any(is_measure_mention);
        let averaged = a.mentions.iter().enumerate().any(|(k, o)| {
            k != j
                && is_measure_mention(o)
                && o.candidates
                    .iter()
                    .any(|e| catalog.members()[e.member].agg_type.as_deref() == Some("avg"))
        });
        // "revenue from mobile orders", "profit across all orders",
        // "customers who placed an order", "orders that included a Beauty
        // product", "average discount per order line": the noun says what
        // another measure is about; it is not a second figure. "Revenue per
        // customer" is a ratio and stays as asked.
        if !count_noun {
            if qualified && preposition.is_some() && earlier_measure {
                a.mentions[j].absorbed = true;
            }
            continue;
        }
        // "brands whose products sold more than 1000 units".
        let whose = after_article == Some("whose") && other_measure(&a.mentions, j);
        let absorbed = whose
            || (qualified && other_measure(&a.mentions, j))
            || (article.is_some() && (earlier_measure || other_measure(&a.mentions, j)))
            || (preposition.is_some() && earlier_measure)
            || (per && averaged);
        if absorbed {
            a.mentions[j].absorbed = true;
        }
    }

    // "Electronics category", "region Europe": the dimension word names the
    // value's dimension and is not a grouping of its own.
    for v in &mut a.values {
        for m in a.mentions.iter_mut() {
            let gap = |from: usize, to: usize| {
                (from..to).all(|p| is_skippable(text(p)) || matches!(text(p), "is" | "=" | "in"))
            };
            let adjacent = (m.end <= v.start && gap(m.end, v.start))
                || (v.end <= m.start && gap(v.end, m.start));
            if !adjacent {
                continue;
            }
            let shared: Vec<(usize, String)> = v
                .hits
                .iter()
                .filter(|(member, _)| m.candidates.iter().any(|e| e.member == *member))
                .cloned()
                .collect();
            if !shared.is_empty() {
                m.absorbed = true;
                v.hits = shared;
            }
        }
    }
    absorb_counts_named_by_measures(catalog, a);
    absorb_owner_nouns(catalog, a);
    absorb_money_after_a_measure(catalog, a);
    conditions_had_by_records(catalog, a);
}

/// "order lines that had a discount", "lines that got a discount": "had a"
/// before a measure's noun asks for the records with it, which a segment of
/// the same cube named by the participle says (`discounted`), when another
/// figure is asked for.
fn conditions_had_by_records(catalog: &Catalog, a: &mut Analysis) {
    let members = catalog.members();
    let measures = a
        .mentions
        .iter()
        .filter(|m| m.role == Role::Measure && !m.absorbed)
        .count();
    if measures < 2 {
        return;
    }
    for j in 0..a.mentions.len() {
        let m = &a.mentions[j];
        let before: Vec<&str> = (m.start.saturating_sub(2)..m.start)
            .map(|k| a.tokens[k].text.as_str())
            .collect();
        let had = matches!(
            before.as_slice(),
            [
                "had" | "has" | "have" | "got" | "get" | "received" | "with",
                "a" | "an" | "any"
            ]
        );
        if !had || m.role != Role::Measure || m.end != m.start + 1 {
            continue;
        }
        let noun = a.tokens[m.start].stem.clone();
        let owners: Vec<&str> = m
            .candidates
            .iter()
            .map(|e| members[e.member].owner.as_str())
            .collect();
        let segment = members.iter().position(|s| {
            s.kind == MemberKind::Segment
                && owners.contains(&s.owner.as_str())
                && split_identifier(s.short_name())
                    .iter()
                    .any(|w| w.strip_suffix("ed").is_some_and(|b| b == noun))
        });
        if let Some(segment) = segment {
            a.mentions[j].candidates = vec![Entry {
                member: segment,
                score: 100,
            }];
        }
    }
}

/// "the most discount money": "money" right after a measure is its unit,
/// not revenue.
fn absorb_money_after_a_measure(catalog: &Catalog, a: &mut Analysis) {
    for j in 1..a.mentions.len() {
        let (head, tail) = a.mentions.split_at_mut(j);
        let (before, money) = (&head[j - 1], &mut tail[0]);
        let unit = money.end == money.start + 1
            && matches!(
                a.tokens[money.start].text.as_str(),
                "money" | "cash" | "dollars" | "euros"
            );
        let measure_before = before.end == money.start
            && before.role == Role::Measure
            && before
                .candidates
                .iter()
                .any(|e| catalog.members()[e.member].kind == MemberKind::Measure);
        if unit && measure_before {
            money.absorbed = true;
        }
    }
}

/// "product categories", "customer cities": a word naming a cube right
/// before one of that cube's dimensions only says whose the dimension is.
fn absorb_owner_nouns(catalog: &Catalog, a: &mut Analysis) {
    let members = catalog.members();
    for j in 1..a.mentions.len() {
        let (head, tail) = a.mentions.split_at_mut(j);
        let (owner_word, dimension) = (&mut head[j - 1], &tail[0]);
        if owner_word.end != dimension.start || owner_word.end - owner_word.start != 1 {
            continue;
        }
        let word = &a.tokens[owner_word.start].stem;
        let names_owner = dimension.candidates.iter().any(|e| {
            let m = &members[e.member];
            m.kind == MemberKind::Dimension
                && !m.in_view
                && super::text::stem(&m.owner.to_lowercase()) == *word
        });
        if names_owner {
            owner_word.absorbed = true;
        }
    }
}

/// Whether mention `idx` is what a superlative ranks: the superlative, then
/// at most one other mention (the measure adjective, "most profitable"), then
/// this one, in the singular.
fn superlative_subject(a: &Analysis, idx: usize) -> bool {
    let m = &a.mentions[idx];
    let Some(&word) = a
        .ranking
        .used
        .iter()
        .find(|&&u| u < m.start && m.start - u <= 3)
    else {
        return false;
    };
    let between = a.mentions[..idx].iter().filter(|o| o.start > word).count();
    let last = &a.tokens[m.end - 1];
    between == 1 && last.text == last.stem
}

/// "German customers who opted in", "opt-in rate of new signups": the count
/// noun names the population another measure of the same cube already counts
/// or rates (`opted_in_count` is titled "Opted-in Customers"), so it is no
/// second figure. Two measures joined by "and", "vs" or a comma both stay.
fn absorb_counts_named_by_measures(catalog: &Catalog, a: &mut Analysis) {
    let best = |m: &Mention| {
        m.candidates
            .iter()
            .filter(|e| catalog.members()[e.member].kind == MemberKind::Measure)
            .max_by_key(|e| (e.score, !catalog.members()[e.member].in_view))
            .map(|e| &catalog.members()[e.member])
    };
    let tokens = &a.tokens;
    let joined = |from: usize, to: usize| {
        (from.min(to)..from.max(to)).any(|k| {
            matches!(
                tokens[k].text.as_str(),
                "and" | "vs" | "versus" | "," | "plus" | "compared" | "against"
            )
        })
    };
    let mut absorbed = Vec::new();
    for (j, m) in a.mentions.iter().enumerate() {
        if m.role != Role::Measure || m.absorbed || !is_count_noun(catalog, m) {
            continue;
        }
        let Some(noun) = best(m) else { continue };
        let words: Vec<&str> = tokens[m.start..m.end]
            .iter()
            .map(|t| t.stem.as_str())
            .collect();
        let named_by_other = a.mentions.iter().enumerate().any(|(k, o)| {
            if k == j || o.role != Role::Measure || o.absorbed {
                return false;
            }
            let Some(other) = best(o) else { return false };
            if other.name == noun.name || other.owner != noun.owner {
                return false;
            }
            let gap = if o.end <= m.start {
                (o.end, m.start)
            } else {
                (m.end, o.start)
            };
            if joined(gap.0, gap.1) {
                return false;
            }
            let described = super::unplaced::described_by(other, true);
            let names_noun = words
                .iter()
                .all(|w| described.iter().any(|d| super::text::same_word(w, d)));
            let rate_of = other.format.as_deref() == Some("percent")
                && o.end <= m.start
                && tokens[o.end..m.start]
                    .iter()
                    .any(|t| matches!(t.text.as_str(), "of" | "among" | "for"));
            (other.is_count() && names_noun) || rate_of
        });
        if named_by_other {
            absorbed.push(j);
        }
    }
    for j in absorbed {
        a.mentions[j].absorbed = true;
    }
}

/// Words before a count noun that make it a qualifier, not a figure asked
/// for ("placed an order", "from a business customer").
const QUALIFYING_ARTICLES: &[&str] = &["a", "an", "any", "single", "each", "every"];

/// Prepositions after which a count noun names what another measure is
/// about ("revenue from customers in Germany", "profit across all orders").
const QUALIFYING_PREPOSITIONS: &[&str] = &[
    "from", "across", "among", "amongst", "to", "for", "with", "over", "on", "of",
];

/// Auxiliary verbs before the subject of a question ("how many orders did
/// customers place").
const AUXILIARIES: &[&str] = &["did", "do", "does", "has", "have", "had"];

/// Words between such a preposition and its noun ("across all orders").
const DETERMINERS: &[&str] = &["all", "our", "their", "its", "his", "her", "these", "those"];

/// "Which of our brands sold the most", "which of my cities": the noun
/// after "which of" is what is asked about, and one of them is the answer.
pub(super) fn one_of_them(tokens: &[Token], start: usize) -> bool {
    let before: Vec<&str> = tokens[..start.min(tokens.len())]
        .iter()
        .rev()
        .map(|t| t.text.as_str())
        .filter(|w| {
            !matches!(
                *w,
                "the" | "our" | "my" | "your" | "their" | "these" | "those"
            )
        })
        .take(2)
        .collect();
    matches!(before.as_slice(), ["of", "which" | "what"])
}
