//! What a question named that its answer leaves out. A rule that reads one
//! part of a question ("the cheapest … in each category" as one product, "the
//! first week of June" as the first order) may leave a grouping or a value
//! the person named out of the query; a ranking may lose what it ranks ("the
//! toy we sold the most of" sorting one total); an amount may become a
//! grouping ("top products by quantity" split by each quantity); a split may
//! hold one value per row; a listing may come back as one total. The answer
//! would then be to a broader or different question, so the person is asked
//! instead.

use std::collections::BTreeSet;

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::parse::{Analysis, Mention, Role};
use super::text::value_stem;
use crate::catalog::Catalog;
use crate::translation::Translation;

/// What a query uses: member names, their titles (a view member and the
/// cube member it shows share one) and filter values, lowercase.
struct Used {
    names: BTreeSet<String>,
    titles: BTreeSet<String>,
    values: BTreeSet<String>,
}

impl Used {
    fn of(catalog: &Catalog, t: &Translation) -> Used {
        let mut names: BTreeSet<String> = BTreeSet::new();
        t.query.member_names(&mut |m| {
            names.insert(m.to_owned());
        });
        let titles = names
            .iter()
            .filter_map(|m| catalog.get(m))
            .map(|m| m.title.to_lowercase())
            .collect();
        let mut values = BTreeSet::new();
        for f in &t.query.filters {
            collect_values(f, &mut values);
        }
        Used {
            names,
            titles,
            values,
        }
    }

    /// Whether some member name holds `part` ("business" in
    /// `Users.business_count`).
    fn in_a_name(&self, part: &str) -> bool {
        self.names.iter().any(|n| n.to_lowercase().contains(part))
    }
}

/// The words of the first grouping, segment, amount, calendar unit or value
/// the question names and the translation leaves out, if any.
pub(crate) fn left_out(catalog: &Catalog, analysis: &Analysis, t: &Translation) -> Option<String> {
    let used = Used::of(catalog, t);
    analysis
        .mentions
        .iter()
        .filter(|m| !m.absorbed && !m.candidates.is_empty())
        .find(|m| segment_left_out(catalog, m, &used) || grouping_left_out(catalog, m, &used))
        .map(|m| m.text.clone())
        .or_else(|| amount_answered_by_a_date(catalog, analysis, t))
        .or_else(|| unit_without_series(analysis, t))
        .or_else(|| value_left_out(catalog, analysis, &used, false))
}

/// The words of a value named beside the question ("Toys units 40% under
/// forecast. Show units per day.") that the answer neither filters on nor
/// shows among the rows of its dimension, if any.
pub(crate) fn value_named_beside(
    catalog: &Catalog,
    analysis: &Analysis,
    t: &Translation,
) -> Option<String> {
    value_left_out(catalog, analysis, &Used::of(catalog, t), true)
}

/// "our most recent business customer": a segment lives on as the segment,
/// a filter or a measure counted after it.
fn segment_left_out(catalog: &Catalog, mention: &Mention, used: &Used) -> bool {
    let members = catalog.members();
    let segment = mention.candidates.iter().all(|e| {
        members
            .get(e.member)
            .is_some_and(|m| m.kind == MemberKind::Segment)
    });
    segment
        && !mention.candidates.iter().any(|e| {
            members.get(e.member).is_some_and(|m| {
                let short = m.short_name().to_lowercase();
                used.names.contains(&m.name)
                    || used.in_a_name(&short)
                    || used.values.contains(&short)
            })
        })
}

/// "in each category": a grouping named and not in the answer.
fn grouping_left_out(catalog: &Catalog, mention: &Mention, used: &Used) -> bool {
    let members = catalog.members();
    let groupable = mention.candidates.iter().all(|e| {
        members
            .get(e.member)
            .is_some_and(|m| m.kind == MemberKind::Dimension && m.data_type != "time")
    });
    let kept = mention.candidates.iter().any(|e| {
        members.get(e.member).is_some_and(|m| {
            used.names.contains(&m.name) || used.titles.contains(&m.title.to_lowercase())
        })
    });
    mention.role == Role::Group && groupable && !kept
}

/// "the gross profit on Toys last December" read as its latest day: an
/// amount named (not a count, which a listing of rows may stand for, nor a
/// verb such as "shipped") and an answer that only sorts dates.
fn amount_answered_by_a_date(
    catalog: &Catalog,
    analysis: &Analysis,
    t: &Translation,
) -> Option<String> {
    let q = &t.query;
    let sorted_by_date = q
        .order
        .iter()
        .flatten()
        .next()
        .is_some_and(|(key, _)| q.time_dimensions.iter().any(|td| td.dimension == *key));
    if !q.measures.is_empty() || !sorted_by_date {
        return None;
    }
    let members = catalog.members();
    analysis
        .mentions
        .iter()
        .find(|mention| {
            !mention.absorbed
                && mention.role == Role::Measure
                && !mention.is_measure_verb(&analysis.tokens)
                && !mention.candidates.is_empty()
                && mention.candidates.iter().all(|e| {
                    members
                        .get(e.member)
                        .is_some_and(|m| m.kind == MemberKind::Measure && !m.is_count())
                })
        })
        .map(|mention| mention.text.clone())
}

/// "by category and month", "per week": a series asked for and not given.
fn unit_without_series(analysis: &Analysis, t: &Translation) -> Option<String> {
    let series = t
        .query
        .time_dimensions
        .iter()
        .any(|td| td.granularity.is_some() || td.compare_date_range.is_some());
    if series {
        return None;
    }
    grouping_unit(analysis)
}

/// A value kept neither as a filter value nor in the name of a segment or a
/// measure counted or rated after it ("business" in `Users.business_count`,
/// "cancelled" in `Orders.cancellation_rate`): its words.
fn value_left_out(
    catalog: &Catalog,
    analysis: &Analysis,
    used: &Used,
    rows_answer: bool,
) -> Option<String> {
    let members = catalog.members();
    // "what share of units were Clothing": split by its dimension; beside
    // the question, a row of the dimension is the value's answer.
    let share = rows_answer
        || analysis
            .tokens
            .iter()
            .any(|t| super::rates::is_share_word(&t.text));
    let value = analysis.values.iter().find(|value| {
        !value.hits.iter().any(|(member, v)| {
            let split_by_it = share
                && members.get(*member).is_some_and(|m| {
                    used.names.contains(&m.name) || used.titles.contains(&m.title.to_lowercase())
                });
            split_by_it || used.values.contains(&v.to_lowercase()) || used.in_a_name(&value_stem(v))
        })
    })?;
    let words: Vec<&str> = analysis
        .tokens
        .get(value.start..value.end)
        .unwrap_or_default()
        .iter()
        .map(|t| t.orig.as_str())
        .collect();
    Some(words.join(" "))
}

/// The ranking word of a question whose answer sorts totals with nothing to
/// rank: an order, measures, and no dimension, time series or listing.
pub(crate) fn ranks_nothing(analysis: &Analysis, t: &Translation) -> Option<String> {
    let q = &t.query;
    let sorted = q.order.as_ref().is_some_and(|o| !o.is_empty());
    let series = q.time_dimensions.iter().any(|td| td.granularity.is_some());
    if !sorted || q.measures.is_empty() || !q.dimensions.is_empty() || series || q.ungrouped {
        return None;
    }
    let word = analysis
        .ranking
        .used
        .iter()
        .filter_map(|&i| analysis.tokens.get(i))
        .map(|t| t.orig.clone())
        .next();
    Some(word.unwrap_or_else(|| "sorted".to_owned()))
}

/// "how much" when the answer found has no amount at all ("which products
/// did they buy and how much did each come to" read as a bare listing).
pub(crate) fn amount_without_measure(analysis: &Analysis, t: &Translation) -> Option<String> {
    let asks_amount = analysis
        .tokens
        .windows(2)
        .any(|w| w[0].text == "how" && w[1].text == "much");
    (asks_amount && t.query.measures.is_empty()).then(|| "how much".to_owned())
}

/// The title of an amount the answer groups by beside its measures ("top
/// products by quantity" split by every quantity): a number that is no key
/// and was not asked to group by ("by item count").
pub(crate) fn groups_by_an_amount(
    catalog: &Catalog,
    analysis: &Analysis,
    t: &Translation,
) -> Option<String> {
    let q = &t.query;
    if q.measures.is_empty() {
        return None;
    }
    // "top 5 subcategories by units": after a ranking, "by" names what it
    // sorts by, not a grouping.
    let ranked = analysis.ranking.top || analysis.ranking.superlative;
    q.dimensions.iter().find_map(|d| {
        let m = catalog.get(d)?;
        let amount = m.data_type == "number" && !m.primary_key && m.short_name() != "id";
        let asked = !ranked
            && analysis.mentions.iter().any(|mention| {
                mention.role == Role::Group
                    && mention.start > 0
                    && analysis
                        .tokens
                        .get(mention.start - 1)
                        .is_some_and(|t| matches!(t.text.as_str(), "by" | "per"))
                    && mention.candidates.iter().any(|e| {
                        catalog
                            .members()
                            .get(e.member)
                            .is_some_and(|c| c.title == m.title)
                    })
            });
        (amount && !asked).then(|| m.title.to_lowercase())
    })
}

/// A calendar unit the question groups by: "by month", "per week", "each
/// day", "by category and month".
fn grouping_unit(analysis: &Analysis) -> Option<String> {
    let t = &analysis.tokens;
    (1..t.len()).find_map(|i| {
        let unit = matches!(
            t[i].text.as_str(),
            "day" | "week" | "month" | "quarter" | "year"
        );
        let before = t[i - 1].text.as_str();
        let by_list = before == "and"
            && (i.saturating_sub(4)..i - 1).any(|k| matches!(t[k].text.as_str(), "by" | "per"));
        (unit && (matches!(before, "by" | "per" | "each" | "every") || by_list))
            .then(|| t[i].orig.clone())
    })
}

/// The title of a grouping the answer cannot mean: a ranking of one filtered
/// to a single value ("is Columbus our most profitable city" ranking
/// Columbus alone), or a count of a cube's rows split by what names each row
/// ("customers by email": one each). A follow-up may keep a grouping it
/// narrows to one value ("just web" after "by channel"), so `follow_up`
/// checks only the second.
pub(crate) fn trivial_grouping(
    catalog: &Catalog,
    t: &Translation,
    follow_up: bool,
) -> Option<String> {
    let q = &t.query;
    let ranked = q.order.as_ref().is_some_and(|o| !o.is_empty());
    let single = |d: &String| {
        !follow_up
            && ranked
            && q.filters.iter().any(|f| {
                matches!(f, Filter::Member { member, operator: FilterOperator::Equals, values }
                if member == d && values.len() == 1)
            })
    };
    let counted_cubes: Vec<&str> = q
        .measures
        .iter()
        .filter_map(|m| catalog.get(m))
        .filter(|m| m.is_count())
        .map(|m| m.owner.as_str())
        .collect();
    q.dimensions.iter().find_map(|d| {
        let m = catalog.get(d)?;
        let names_each_row =
            is_sole_key(catalog, m) || matches!(m.short_name(), "id" | "name" | "email" | "phone");
        let one_each = names_each_row && counted_cubes.contains(&m.owner.as_str());
        (single(d) || one_each).then(|| m.title.to_lowercase())
    })
}

/// Whether `m` is its cube's only key column, so that each value names one
/// row (one key of several, "category" of a category-subcategory-product
/// key, names none).
fn is_sole_key(catalog: &Catalog, m: &crate::catalog::CatalogMember) -> bool {
    m.primary_key
        && catalog
            .members()
            .iter()
            .filter(|k| k.owner == m.owner && k.primary_key)
            .count()
            == 1
}

/// "how many order lines were discounted or not": a segment asked both
/// ways, which only a split answers (`phrases` reads the conditions the
/// model can split by, as "opted in vs not"). The words, when the answer
/// found keeps the segment's side only.
pub(crate) fn both_ways(analysis: &Analysis, t: &Translation) -> Option<String> {
    if t.query.segments.is_empty() {
        return None;
    }
    let t = &analysis.tokens;
    (1..t.len()).find_map(|i| {
        let ends = i + 1 == t.len() || t[i].clause_end;
        (t[i].text == "not" && ends && matches!(t[i - 1].text.as_str(), "or" | "vs" | "versus"))
            .then(|| format!("{} {}", t[i - 1].orig, t[i].orig))
    })
}

/// "VLOOKUP 'Voltix Headphones Pro'": a name quoted whole that the answer
/// found reads as parts ("Voltix" a brand, "Headphones" a subcategory) and
/// never as itself. The quoted name, when the answer is that.
pub(crate) fn quoted_name_split(question: &str, t: &Translation) -> Option<String> {
    let mut all = BTreeSet::new();
    for f in &t.query.filters {
        collect_values(f, &mut all);
    }
    let values: Vec<String> = all.into_iter().map(|v| v.to_lowercase()).collect();
    quoted_phrases(question).into_iter().find(|quoted| {
        let lower = quoted.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let whole = values.contains(&lower);
        let part = values.iter().any(|v| {
            let value_words: Vec<&str> = v.split_whitespace().collect();
            !value_words.is_empty()
                && words
                    .windows(value_words.len())
                    .any(|w| w == value_words.as_slice())
        });
        // "df.query('discount > 0.2')": code, not a name.
        let a_name = quoted
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || matches!(c, '-' | '&' | '.'));
        a_name && words.len() >= 2 && part && !whole
    })
}

/// The phrases of `text` between matching quotes ('…', "…", ‘…’, “…”).
fn quoted_phrases(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('\'', '\''), ('"', '"'), ('‘', '’'), ('“', '”')] {
        let mut rest = text;
        while let Some(a) = rest.find(open) {
            // An apostrophe inside a word ("what's") opens nothing.
            let before = rest[..a].chars().next_back();
            let after = &rest[a + open.len_utf8()..];
            if open == '\'' && before.is_some_and(char::is_alphanumeric) {
                rest = after;
                continue;
            }
            let Some(b) = after.find(close) else { break };
            out.push(after[..b].trim().to_owned());
            rest = &after[b + close.len_utf8()..];
        }
    }
    out
}

/// "what did customer 12 buy" read as the number of customers with id 12:
/// a count of a cube filtered to one value of its sole key, and to nothing
/// else, is 1 whatever was asked ("is order 1207 cancelled" adds the
/// condition the count decides). The key's title, when the answer is that.
pub(crate) fn counts_one_record(catalog: &Catalog, t: &Translation) -> Option<String> {
    let q = &t.query;
    let [measure] = q.measures.as_slice() else {
        return None;
    };
    let conditions = q.filters.len()
        + q.segments.len()
        + q.time_dimensions
            .iter()
            .filter(|td| td.date_range.is_some() || td.compare_date_range.is_some())
            .count();
    if conditions != 1 || !q.dimensions.is_empty() {
        return None;
    }
    let count = catalog.get(measure).filter(|m| m.is_plain_count())?;
    q.filters.iter().find_map(|f| match f {
        Filter::Member {
            member,
            operator: FilterOperator::Equals,
            values,
        } if values.len() == 1 => catalog
            .get(member)
            .filter(|m| m.owner == count.owner && is_sole_key(catalog, m))
            .map(|m| m.title.to_lowercase()),
        _ => None,
    })
}

/// "list", the verb, when the answer found has no rows (no
/// grouping, series, comparison or listing), as "list all our sales regions"
/// summing every region into one row.
pub(crate) fn list_without_rows(analysis: &Analysis, t: &Translation) -> Option<String> {
    let q = &t.query;
    let rows = !q.dimensions.is_empty()
        || q.ungrouped
        || q.time_dimensions
            .iter()
            .any(|td| td.granularity.is_some() || td.compare_date_range.is_some());
    if rows {
        return None;
    }
    // The verb: "list all our regions", "can you list …"; not "list price"
    // or "the customer list".
    let tokens = &analysis.tokens;
    (0..tokens.len())
        .find(|&i| {
            tokens[i].text == "list"
                && (i == 0
                    || matches!(
                        tokens[i - 1].text.as_str(),
                        "please" | "pls" | "you" | "me" | "to" | "and" | "then" | "just"
                    ))
        })
        .map(|i| tokens[i].orig.clone())
}

fn collect_values(f: &Filter, out: &mut BTreeSet<String>) {
    match f {
        Filter::Member { values, .. } => {
            out.extend(values.iter().flatten().map(|v| v.to_lowercase()));
        }
        Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| collect_values(x, out)),
    }
}
