//! Words that qualify what was already read: a verb naming which time
//! dimension a period applies to ("orders completed in December" dates the
//! completion, not the order), and the sign of a measure ("cities with
//! negative profit" keeps the rows whose profit is below zero).

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::parse::Analysis;
use super::stopwords::is_skippable;
use super::text::{same_word, split_identifier};
use super::unplaced::described_by;
use super::OfflineParser;
use crate::translation::Translation;

/// Sign words and the condition they put on a measure.
const SIGNS: &[(&str, FilterOperator)] = &[
    ("negative", FilterOperator::Lt),
    ("unprofitable", FilterOperator::Lt),
    ("loss", FilterOperator::Lt),
    ("losing", FilterOperator::Lt),
    ("positive", FilterOperator::Gt),
    ("lost", FilterOperator::Lt),
    ("lose", FilterOperator::Lt),
    ("loses", FilterOperator::Lt),
];

/// Sign words that name their measure themselves: losing money is a
/// negative profit.
const LOSS_WORDS: &[&str] = &["lost", "lose", "loses", "losing", "loss"];

/// Whether `word` puts a sign on the measure after it ("negative profit").
pub(super) fn is_sign_word(word: &str) -> bool {
    SIGNS.iter().any(|(w, _)| *w == word)
}

/// Applies the readings; returns whether `t` changed.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let timed = time_named_by_a_word(parser, t);
    let described = dimensions_a_measure_describes(parser, a, t);
    let negated = negated_filtered_counts(parser, a, t);
    sign_of_a_measure(parser, t) || timed || described || negated
}

/// "customers who are not opted in": the negation of a count kept for a
/// yes/no condition (`opted_in_count`) is the plain count where that
/// condition (`marketing_opt_in`) is false.
fn negated_filtered_counts(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let catalog = parser.catalog();
    let members = catalog.members();
    let mut changed = false;
    for at in 0..t.query.measures.len() {
        let Some(count) = catalog.get(&t.query.measures[at]) else {
            continue;
        };
        let words: Vec<String> = split_identifier(count.short_name())
            .into_iter()
            .filter(|w| w != "count")
            .collect();
        if !count.is_count() || words.is_empty() {
            continue;
        }
        let Some(mention) = a.mentions.iter().find(|m| {
            m.candidates
                .iter()
                .any(|e| members[e.member].name == count.name)
        }) else {
            continue;
        };
        let negated = (0..mention.start)
            .rev()
            .find(|&k| {
                !matches!(
                    a.tokens[k].text.as_str(),
                    "are" | "is" | "were" | "was" | "be" | "been" | "have" | "has" | "yet"
                )
            })
            .is_some_and(|k| super::negation::negates(&a.tokens, k));
        if !negated {
            continue;
        }
        let base = |w: &str| {
            w.strip_suffix("ed")
                .map(str::to_owned)
                .unwrap_or(w.to_owned())
        };
        let flag = members.iter().find(|d| {
            d.owner == count.owner
                && d.kind == MemberKind::Dimension
                && d.data_type == "boolean"
                && split_identifier(d.short_name())
                    .iter()
                    .any(|w| words.iter().any(|c| base(c) == *w && c != "in"))
        });
        let plain = super::build::plain_count(catalog, &count.owner).map(|p| &members[p]);
        if let (Some(flag), Some(plain)) = (flag, plain) {
            t.query.measures[at] = plain.name.clone();
            t.query.filters.push(Filter::Member {
                member: flag.name.clone(),
                operator: FilterOperator::Equals,
                values: vec![Some("false".to_owned())],
            });
            changed = true;
        }
    }
    changed
}

/// "German customers who opted in to marketing emails", "newsletter opt-in
/// rate by country": words that the chosen measure's own title or
/// description uses ("marketing e-mails", "opt-in") say which measure, not a
/// split by `email` or `marketing_opt_in`. A dimension named after "by"
/// stays.
fn dimensions_a_measure_describes(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut Translation,
) -> bool {
    let catalog = parser.catalog();
    // Each measure's words, and its adjacent words run together: "e-mails"
    // is also "emails", but only as the whole word ("countreturned" is no
    // "country").
    let measures: Vec<(Vec<String>, Vec<String>)> = t
        .query
        .measures
        .iter()
        .filter_map(|name| catalog.get(name))
        // Counts and rates of a kind of thing: their titles describe whom
        // they count ("Opted-in Customers").
        .filter(|m| m.is_count() || m.format.as_deref() == Some("percent"))
        .map(|m| {
            let words = described_by(m, true);
            let joined: Vec<String> = words
                .windows(2)
                .map(|p| super::text::stem(&format!("{}{}", p[0], p[1])))
                .collect();
            (words, joined)
        })
        .collect();
    // A ranked dimension is the thing ranked ("best-selling product").
    if measures.is_empty() || a.ranking.top || a.ranking.superlative {
        return false;
    }
    let before = t.query.dimensions.len();
    t.query.dimensions.retain(|name| {
        let Some(index) = catalog.members().iter().position(|m| m.name == *name) else {
            return true;
        };
        let Some(mention) = a
            .mentions
            .iter()
            .find(|m| m.candidates.iter().any(|e| e.member == index))
        else {
            return true;
        };
        // "by channel and status": each grouping of a list after "by".
        let grouped = grouped_by_marker(a, mention.start);
        let words: Vec<&str> = a.tokens[mention.start..mention.end]
            .iter()
            .map(|tok| tok.stem.as_str())
            .collect();
        let described = measures.iter().any(|(d, joined)| {
            words.iter().all(|w| {
                d.iter().any(|dw| same_word(w, dw) || dw.starts_with(*w))
                    || joined.iter().any(|j| j == w)
            })
        });
        grouped || !described
    });
    before != t.query.dimensions.len()
}

fn time_named_by_a_word(parser: &OfflineParser<'_>, t: &mut Translation) -> bool {
    let members = parser.catalog().members();
    let unused: Vec<String> = t.unmatched.iter().map(|u| u.to_lowercase()).collect();
    let mut used = Vec::new();
    for td in &mut t.query.time_dimensions {
        let Some(current) = members.iter().find(|m| m.name == td.dimension) else {
            continue;
        };
        // Another time dimension of the same cube or view whose name has an
        // unused word of the question ("completed" → `completedDate`).
        let named = members.iter().find_map(|m| {
            if m.owner != current.owner || !m.is_time() || m.name == current.name {
                return None;
            }
            let words = split_identifier(m.short_name());
            unused
                .iter()
                .find(|u| u.len() >= 4 && words.iter().any(|w| same_word(u, w)))
                .map(|u| (m, u.clone()))
        });
        if let Some((m, word)) = named {
            td.dimension = m.name.clone();
            used.push(word);
        }
    }
    t.unmatched
        .retain(|u| !used.iter().any(|w| u.eq_ignore_ascii_case(w)));
    !used.is_empty()
}

fn sign_of_a_measure(parser: &OfflineParser<'_>, t: &mut Translation) -> bool {
    let members = parser.catalog().members();
    let Some((word, operator)) = t.unmatched.iter().find_map(|u| {
        let lower = u.to_lowercase();
        SIGNS
            .iter()
            .find(|(w, _)| *w == lower)
            .map(|(_, op)| (u.clone(), *op))
    }) else {
        return false;
    };
    // The first summed measure of the query: a sign of a count means nothing.
    let measure = t.query.measures.iter().find(|name| {
        members.iter().any(|m| {
            m.name == **name
                && m.kind == MemberKind::Measure
                && matches!(m.agg_type.as_deref(), Some("sum" | "number" | "avg"))
        })
    });
    // "which products lost money": the money lost is the profit of the
    // query's cube, whatever amount "money" was read as.
    let loss = LOSS_WORDS.contains(&word.to_lowercase().as_str());
    let measure = measure.cloned().filter(|_| !loss).or_else(|| {
        if !loss {
            return None;
        }
        let owner = t
            .query
            .measures
            .iter()
            .chain(&t.query.dimensions)
            .find_map(|name| name.split_once('.').map(|(owner, _)| owner.to_owned()))?;
        let profit = members.iter().find(|m| {
            m.owner == owner
                && m.kind == MemberKind::Measure
                && m.agg_type.as_deref() == Some("sum")
                && split_identifier(m.short_name())
                    .iter()
                    .any(|w| w == "profit")
        })?;
        let counts: Vec<&str> = members
            .iter()
            .filter(|m| m.is_plain_count())
            .map(|m| m.name.as_str())
            .collect();
        t.query
            .measures
            .retain(|name| counts.contains(&name.as_str()));
        t.query.measures.push(profit.name.clone());
        t.unmatched.retain(|u| !u.eq_ignore_ascii_case("money"));
        Some(profit.name.clone())
    });
    let Some(measure) = measure else {
        return false;
    };
    // "which product lost the most money": the lowest profit first, not
    // the losses only sorted by something else.
    if loss && t.query.order.is_some() {
        t.query.order = Some(vec![(measure, false)]);
        t.unmatched.retain(|u| *u != word);
        return true;
    }
    // "how many sales lines had a negative profit": rows are counted, so
    // the sign is the rows' own profit, not the total's.
    let counted = t.query.measures.iter().any(|name| {
        members
            .iter()
            .any(|m| m.name == *name && m.is_plain_count())
    });
    let row_column = members.iter().find(|m| {
        m.kind == MemberKind::Dimension
            && m.data_type == "number"
            && !m.primary_key
            && measure.split_once('.').map(|(owner, _)| owner) == Some(m.owner.as_str())
            && split_identifier(&measure)
                .iter()
                .any(|w| split_identifier(m.short_name()) == [w.clone()])
    });
    let member = match row_column.filter(|_| counted) {
        Some(column) => {
            t.query.measures.retain(|name| *name != measure);
            column.name.clone()
        }
        None => measure,
    };
    t.query.filters.push(Filter::Member {
        member,
        operator,
        values: vec![Some("0".to_owned())],
    });
    t.unmatched.retain(|u| *u != word);
    true
}

/// Whether the words before token `start` put it in a grouping: a group
/// marker right before it ("by status"), or before a list of groupings it
/// ends ("by channel and status").
fn grouped_by_marker(a: &Analysis, start: usize) -> bool {
    // "per European country": a value may stand between.
    let in_value = |k: usize| a.values.iter().any(|v| (v.start..v.end).contains(&k));
    let previous = |end: usize| {
        (0..end)
            .rev()
            .find(|&k| !is_skippable(&a.tokens[k].text) && !in_value(k))
    };
    let mut at = start;
    loop {
        let Some(k) = previous(at) else {
            return false;
        };
        if !matches!(a.tokens[k].text.as_str(), "and" | "," | "&") {
            return super::cues::is_group_marker(&a.tokens[k].text);
        }
        // The grouping before "and" is part of the list.
        let Some(before) = a.mentions.iter().find(|m| {
            m.role == super::parse::Role::Group && previous(k) == Some(m.end.saturating_sub(1))
        }) else {
            return false;
        };
        at = before.start;
    }
}
