//! The role of each mention: measure, grouping ("by channel", "top 5
//! products"), sort key ("sorted by revenue") or the target of a numeric
//! condition ("price over 500", `numeric_targets.rs`); dimension words that
//! only name a value's dimension ("Electronics category") are absorbed, and
//! so are count nouns that only say what another figure is about ("revenue
//! from mobile orders", `count_nouns.rs`).

use strata_schema::MemberKind;

use super::cues;
use super::filters::NumericCondition;
use super::lexicon::Entry;
use super::parse::{Analysis, Mention, Role};
use super::stopwords::is_skippable;
use super::text::{split_identifier, Token};
use crate::catalog::{Catalog, CatalogMember};

pub(super) fn is_dimension(catalog: &Catalog, e: &Entry) -> bool {
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
    let mut exclusion_scopes = Vec::new();
    for idx in 0..a.mentions.len() {
        let (role, scope) = role_in_context(catalog, a, idx);
        a.mentions[idx].role = role;
        if scope {
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
    measure_when_none_asked(catalog, a);
    super::numeric_targets::attach(catalog, a, conditions);
    super::count_nouns::absorb_qualifying_counts(catalog, a);
    absorb_dimension_words_of_values(a);
    super::count_nouns::absorb_counts_named_by_measures(catalog, a);
    absorb_owner_nouns(catalog, a);
    absorb_money_after_a_measure(catalog, a);
    absorb_what_a_measure_says(catalog, a);
    conditions_had_by_records(catalog, a);
}

/// "gross sales at list price", "revenue after discounts": words after
/// "at", "after" or "before" that the measure before them already says it
/// is (Gross Sales is described "Amount at list price, before discounts")
/// qualify it; they are no second figure.
fn absorb_what_a_measure_says(catalog: &Catalog, a: &mut Analysis) {
    let members = catalog.members();
    for j in 1..a.mentions.len() {
        let (head, tail) = a.mentions.split_at_mut(j);
        let said = &mut tail[0];
        let marker = said.start.checked_sub(1).map(|k| a.tokens[k].text.as_str());
        if !matches!(marker, Some("at" | "after" | "before")) || said.absorbed {
            continue;
        }
        let Some(measure) = head
            .iter()
            .rev()
            .find(|m| m.role == Role::Measure && !m.absorbed && m.end + 1 == said.start)
        else {
            continue;
        };
        let words: Vec<&str> = a.tokens[said.start..said.end]
            .iter()
            .map(|t| t.stem.as_str())
            .collect();
        let says_it = measure.candidates.iter().any(|e| {
            let m = &members[e.member];
            let described = super::unplaced::described_by(m, true);
            m.kind == MemberKind::Measure
                && words
                    .iter()
                    .all(|w| described.iter().any(|d| super::text::same_word(w, d)))
        });
        if says_it {
            said.absorbed = true;
        }
    }
}

/// The index of the mention covering token `k`.
pub(super) fn mention_at(mentions: &[Mention], k: usize) -> Option<usize> {
    mentions.iter().position(|m| (m.start..m.end).contains(&k))
}

/// The role mention `idx` takes from the words around it, given the roles
/// of the mentions before it, and whether it is the scope of an exclusion
/// ("per country for all regions apart from Asia").
fn role_in_context(catalog: &Catalog, a: &Analysis, idx: usize) -> (Role, bool) {
    let tokens = &a.tokens;
    let text = |k: usize| tokens[k].text.as_str();
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
            let agent =
                k > 0 && super::figures::ORDERING_PARTICIPLES.contains(&text(k - 1)) && !has_dim;
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
        match mention_at(&a.mentions[..idx], k) {
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
    if a.ranking.superlative && has_dim && role == Role::Measure && superlative_subject(a, idx) {
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
    // "per country for all regions apart from Asia": the scope of an
    // exclusion, not a grouping, when something else is grouped by.
    let scope = matches!(prev, Some("all" | "every"))
        && next.is_some_and(|w| matches!(w, "excluding" | "except" | "besides" | "outside"));
    (role, scope && has_dim && role == Role::Group)
}

/// "top 3 cities by profit": with no measure asked for otherwise, a
/// grouped word that can be a measure is the measure (or the sort key).
fn measure_when_none_asked(catalog: &Catalog, a: &mut Analysis) {
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
}

/// "Electronics category", "region Europe": the dimension word names the
/// value's dimension and is not a grouping of its own.
fn absorb_dimension_words_of_values(a: &mut Analysis) {
    let tokens = &a.tokens;
    let text = |k: usize| tokens[k].text.as_str();
    // "orders by channel (web and mobile only)": a split named before two
    // or more of its values stays a split, of those values.
    let splits: Vec<usize> = a
        .mentions
        .iter()
        .filter(|m| {
            let after_by = m
                .start
                .checked_sub(1)
                .is_some_and(|p| matches!(text(p), "by" | "per"));
            let values = a
                .values
                .iter()
                .filter(|v| v.start >= m.end)
                .filter(|v| {
                    v.hits
                        .iter()
                        .any(|(member, _)| m.candidates.iter().any(|e| e.member == *member))
                })
                .count();
            after_by && values >= 2
        })
        .map(|m| m.start)
        .collect();
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
            if splits.contains(&m.start) {
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
