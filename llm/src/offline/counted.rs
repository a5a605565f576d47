//! Counts named after values, side by side: "cancelled and returned orders"
//! is the model's cancelled count beside its returned count. Read word by
//! word, one value became the count and the other a filter on it, which
//! counts returned orders among the cancelled ones: none.

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::cues::is_negation;
use super::normalize::retain_equals;
use super::parse::Analysis;
use super::text::{same_word, split_identifier, stem, value_stem};
use crate::catalog::{Catalog, CatalogMember};
use crate::translation::Translation;

/// The count measure of `owner` named after `value` ("cancelled" →
/// `cancelled_count`), if the model has one.
pub(super) fn count_named_after<'c>(
    catalog: &'c Catalog,
    owner: &str,
    value: &str,
) -> Option<&'c CatalogMember> {
    let stem = value_stem(value);
    catalog.members().iter().find(|m| {
        m.owner == owner
            && m.kind == MemberKind::Measure
            && m.is_count()
            && m.short_name().to_lowercase().contains(&stem)
    })
}

/// Turns a filter to values that have counts of their own, beside a count
/// named after another value of the same dimension, into those counts.
pub(crate) fn apply(catalog: &Catalog, question: &str, t: &mut Translation) {
    let lower = question.to_lowercase();
    let mut added: Vec<(usize, String)> = Vec::new();
    let measures = t.query.measures.clone();
    retain_equals(&mut t.query, |member, values| {
        let Some(dimension) = catalog.get(member) else {
            return true;
        };
        // A measure of the query counted after another value of this
        // dimension.
        let Some(count) = measures.iter().filter_map(|m| catalog.get(m)).find(|m| {
            m.is_count()
                && dimension.sample_values.iter().any(|v| {
                    !values.iter().flatten().any(|f| f == v)
                        && m.short_name().to_lowercase().contains(&value_stem(v))
                })
        }) else {
            return true;
        };
        let siblings: Option<Vec<&CatalogMember>> = values
            .iter()
            .map(|v| count_named_after(catalog, &count.owner, v.as_deref()?))
            .collect();
        let Some(siblings) = siblings else {
            return true;
        };
        for (s, v) in siblings.iter().zip(values.iter().flatten()) {
            let at = lower.find(&value_stem(v)).unwrap_or(usize::MAX);
            added.push((at, s.name.clone()));
        }
        false
    });
    if added.is_empty() {
        return;
    }
    // In the order the question names them.
    let mut all: Vec<(usize, String)> = t
        .query
        .measures
        .iter()
        .map(|m| {
            let at = catalog
                .get(m)
                .and_then(|c| {
                    let short = c.short_name().to_lowercase();
                    let stem = short.split('_').next().unwrap_or(&short).to_owned();
                    lower.find(&value_stem(&stem))
                })
                .unwrap_or(usize::MAX);
            (at, m.clone())
        })
        .collect();
    all.extend(added);
    all.sort_by_key(|(at, _)| *at);
    t.query.measures = all.into_iter().map(|(_, m)| m).collect();
}

/// "excluding cancelled orders", "without counting returns": a count named
/// after a value, negated, is the plain count with that value left out, not
/// the count of the excluded orders.
pub(crate) fn excluded(catalog: &Catalog, analysis: &Analysis, t: &mut Translation) {
    let tokens = &analysis.tokens;
    if !tokens.iter().any(|tok| is_negation(&tok.text)) {
        return;
    }
    let negated_stem = |stem: &str| {
        tokens.iter().enumerate().any(|(i, tok)| {
            names_value(tok, stem) && {
                let before = tokens[..i]
                    .iter()
                    .rev()
                    .find(|b| !matches!(b.text.as_str(), "the" | "all" | "any"));
                before.is_some_and(|b| is_negation(&b.text))
            }
        })
    };
    let mut changes: Vec<(String, Option<String>, Filter)> = Vec::new();
    for name in &t.query.measures {
        let Some(measure) = catalog.get(name).filter(|m| m.is_count()) else {
            continue;
        };
        let named = value_counted_by(catalog, measure, &negated_stem);
        let Some((dimension, value)) = named else {
            continue;
        };
        let plain = super::build::plain_count(catalog, &measure.owner)
            .map(|p| catalog.members()[p].name.clone());
        changes.push((
            name.clone(),
            plain,
            Filter::Member {
                member: dimension,
                operator: FilterOperator::NotEquals,
                values: vec![Some(value)],
            },
        ));
    }
    for (measure, plain, filter) in changes {
        let kept = plain
            .as_ref()
            .is_some_and(|p| t.query.measures.iter().any(|m| m == p));
        match plain {
            Some(p) if !kept => {
                for m in &mut t.query.measures {
                    if *m == measure {
                        *m = p.clone();
                    }
                }
            }
            Some(_) => t.query.measures.retain(|m| *m != measure),
            // No plain count to stand for it: left as read.
            None => continue,
        }
        t.query.filters.push(filter);
    }
}

/// "orders paid by invoice by business customers": a count named after a
/// value, after "by" and beside a figure of another cube, says whose figure
/// it is, not a second one: the filter to the value.
pub(crate) fn by_whom(catalog: &Catalog, analysis: &Analysis, t: &mut Translation) {
    let tokens = &analysis.tokens;
    if t.query.measures.len() < 2 || !tokens.iter().any(|tok| tok.text == "by") {
        return;
    }
    let after_by = |stem: &str| {
        tokens
            .iter()
            .enumerate()
            .any(|(i, tok)| names_value(tok, stem) && i > 0 && tokens[i - 1].text == "by")
    };
    let mut changes: Vec<(String, Filter)> = Vec::new();
    for name in &t.query.measures {
        let Some(measure) = catalog.get(name).filter(|m| m.is_count()) else {
            continue;
        };
        let others = t
            .query
            .measures
            .iter()
            .filter_map(|n| catalog.get(n))
            .any(|o| o.owner != measure.owner);
        if !others {
            continue;
        }
        let named = value_counted_by(catalog, measure, &after_by);
        if let Some((dimension, value)) = named {
            changes.push((
                name.clone(),
                Filter::Member {
                    member: dimension,
                    operator: FilterOperator::Equals,
                    values: vec![Some(value)],
                },
            ));
        }
    }
    for (measure, filter) in changes {
        t.query.measures.retain(|m| *m != measure);
        t.query.filters.push(filter);
    }
}

/// "which payment method do business customers use the most": the business
/// customer count split by a column of orders counts customers, not what
/// they did; the figure is the count of the grouped rows, filtered to the
/// value the count was named after.
pub(crate) fn subject_of_rows(
    catalog: &Catalog,
    joins: Option<&super::joins::JoinHints>,
    t: &mut Translation,
) {
    let Some(joins) = joins else {
        return;
    };
    let [name] = t.query.measures.as_slice() else {
        return;
    };
    let Some(measure) = catalog.get(name).filter(|m| m.is_count()) else {
        return;
    };
    let dims: Vec<_> = t
        .query
        .dimensions
        .iter()
        .filter_map(|d| catalog.get(d))
        .collect();
    let Some(first) = dims.first() else {
        return;
    };
    if dims
        .iter()
        .any(|d| d.owner == measure.owner || d.owner != first.owner)
    {
        return;
    }
    // The grouped rows belong to the counted ones (orders to customers);
    // "business customers by country" groups the customers themselves.
    if !joins.reaches(&first.owner, &measure.owner) || joins.reaches(&measure.owner, &first.owner) {
        return;
    }
    let named = value_counted_by(catalog, measure, &|_| true);
    let Some((dimension, value)) = named else {
        return;
    };
    let Some(rows) =
        super::build::plain_count(catalog, &first.owner).map(|p| &catalog.members()[p])
    else {
        return;
    };
    let old = name.clone();
    t.query.measures = vec![rows.name.clone()];
    for (key, _) in t.query.order.iter_mut().flatten() {
        if *key == old {
            *key = rows.name.clone();
        }
    }
    t.query.filters.push(Filter::Member {
        member: dimension,
        operator: FilterOperator::Equals,
        values: vec![Some(value)],
    });
}

/// The dimension and value a count is named after ("business" of
/// `Users.segment` for `Users.business_count`), among the values whose stem
/// `accept` takes.
fn value_counted_by(
    catalog: &Catalog,
    measure: &CatalogMember,
    accept: &dyn Fn(&str) -> bool,
) -> Option<(String, String)> {
    let short = measure.short_name().to_lowercase();
    catalog.members().iter().find_map(|d| {
        if d.owner != measure.owner || d.kind != MemberKind::Dimension {
            return None;
        }
        let value = d.sample_values.iter().find(|v| {
            let stem = value_stem(v);
            stem.len() >= 4 && short.contains(&stem) && accept(&stem)
        })?;
        Some((d.name.clone(), value.clone()))
    })
}

/// Whether a word names the value whose stem is `stem`: "cancelled", and
/// "returns" (the noun of "returned").
fn names_value(token: &super::text::Token, stem: &str) -> bool {
    value_stem(&token.text) == stem || token.stem == stem
}

/// "gift card orders since April: how many, and how much revenue?",
/// "how many orders has customer 842 placed and when was the last one?":
/// two asks, the first a count. Read as one, the counted noun only said
/// whose revenue it was, and the count was lost; the plain count of the
/// first figure's cube goes beside it.
pub(crate) fn asked_how_many(catalog: &Catalog, analysis: &Analysis, t: &mut Translation) {
    let words: Vec<&str> = analysis.tokens.iter().map(|t| t.text.as_str()).collect();
    let Some(how_many) = words.windows(2).position(|w| w == ["how", "many"]) else {
        return;
    };
    let second_ask = words.iter().enumerate().skip(how_many + 2).any(|(i, w)| {
        *w == "and"
            && words[i + 1..]
                .iter()
                .take(2)
                .any(|n| matches!(*n, "how" | "what" | "when" | "which"))
    });
    let counts = t
        .query
        .measures
        .iter()
        .any(|m| catalog.get(m).is_some_and(CatalogMember::is_count));
    if !second_ask || counts {
        return;
    }
    let Some(owner) = t
        .query
        .measures
        .first()
        .and_then(|m| catalog.get(m))
        .map(|m| m.owner.clone())
    else {
        return;
    };
    if let Some(count) = super::build::plain_count(catalog, &owner) {
        t.query
            .measures
            .insert(0, catalog.members()[count].name.clone());
    }
}

/// "count rows where discount between 0.1 and 0.3": a plain count named by
/// no word of its own cube ("count", "rows") is the count of the one cube
/// every other member of the query belongs to, not of a cube joined to it
/// (`Customers.count` for a condition on `ECommerce.discount`).
pub(crate) fn count_of_the_rows_named(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let [name] = t.query.measures.as_slice() else {
        return;
    };
    let Some(count) = catalog.get(name).filter(|m| m.is_plain_count()) else {
        return;
    };
    let mut others: Vec<String> = t.query.dimensions.clone();
    others.extend(
        t.query
            .time_dimensions
            .iter()
            .map(|td| td.dimension.clone()),
    );
    for f in &t.query.filters {
        f.member_names(&mut |m| others.push(m.to_owned()));
    }
    let owners: Vec<&str> = others
        .iter()
        .filter_map(|n| catalog.get(n))
        .map(|m| m.owner.as_str())
        .collect();
    let [owner, rest @ ..] = owners.as_slice() else {
        return;
    };
    if *owner == count.owner || rest.iter().any(|o| o != owner) {
        return;
    }
    // "how many customers bought Phones": the customers, named.
    let owner_words: Vec<String> = split_identifier(&count.owner)
        .into_iter()
        .chain(count.owner_title.split_whitespace().map(str::to_lowercase))
        .map(|w| stem(&w))
        .collect();
    let named = a
        .tokens
        .iter()
        .any(|tok| owner_words.iter().any(|w| same_word(&tok.stem, w)));
    // Counted in words that name no thing ("count rows", "number of
    // records"); "how many people signed up from Germany" counts people.
    let generic = a
        .tokens
        .iter()
        .any(|tok| matches!(tok.stem.as_str(), "count" | "row" | "record" | "entry"));
    if named || !generic {
        return;
    }
    if let Some(own) = super::build::plain_count(catalog, owner) {
        t.query.measures = vec![catalog.members()[own].name.clone()];
    }
}

/// "How many Grocery order lines were sold at a discount": the lines are
/// counted; the verb only says what they are. A figure implied by a verb
/// alone gives way to the plain count of its cube when the question counts
/// records ("lines", "rows", "transactions").
pub(crate) fn records_counted(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let records = a
        .tokens
        .iter()
        .any(|tok| super::figures::RECORD_WORDS.contains(&tok.text.as_str()));
    let [name] = t.query.measures.as_slice() else {
        return;
    };
    let Some(figure) = catalog.get(name).filter(|m| !m.is_count()) else {
        return;
    };
    if !a.count_cue || !records {
        return;
    }
    let members = catalog.members();
    // The measures named in words, not by a verb ("order lines" is the
    // line count).
    let named: Vec<usize> = a
        .mentions
        .iter()
        .filter(|m| {
            !m.is_measure_verb(&a.tokens)
                && super::resolve::effective(catalog, m).0 == super::parse::Role::Measure
        })
        .flat_map(|m| m.candidates.iter().map(|e| e.member))
        .collect();
    let count = if named.is_empty() {
        super::build::plain_count(catalog, &figure.owner).map(|i| &members[i])
    } else {
        named
            .iter()
            .map(|&i| &members[i])
            .find(|m| m.owner == figure.owner && m.is_count())
    };
    if let Some(count) = count {
        t.query.measures = vec![count.name.clone()];
    }
}

/// "how many accounts are business customers and how many are there in
/// total?": the plain count beside the specific one.
pub(crate) fn total_beside(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let words: Vec<&str> = a.tokens.iter().map(|tok| tok.text.as_str()).collect();
    let second_how_many = words
        .windows(2)
        .enumerate()
        .filter(|(_, w)| *w == ["how", "many"])
        .nth(1)
        .map(|(i, _)| i);
    let Some(at) = second_how_many else {
        return;
    };
    let in_total = words[at..]
        .windows(2)
        .any(|w| matches!(w, ["in", "total"] | ["all", "together"]))
        || words[at..]
            .iter()
            .any(|w| matches!(*w, "altogether" | "overall"));
    let [name] = t.query.measures.as_slice() else {
        return;
    };
    let Some(specific) = catalog
        .get(name)
        .filter(|m| m.is_count() && !m.is_plain_count())
    else {
        return;
    };
    if !in_total {
        return;
    }
    if let Some(count) = super::build::plain_count(catalog, &specific.owner) {
        t.query.measures.push(catalog.members()[count].name.clone());
    }
}

/// "the total value of the orders that were returned", "value of cancelled
/// orders by payment method": the money those records were worth, not how
/// many there were. The count's records are kept as a filter ("cancelled"
/// of `cancelled_count` becomes `status = cancelled`), and the figure is the
/// one sum of the count's cube the model calls a value ("Gross Order
/// Value"). Nothing changes when the model has no such sum, or when an
/// average is asked ("average order value").
pub(crate) fn value_of_records(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let value_asked = words.windows(2).any(|w| {
        matches!(w[0], "value" | "worth") && w[1] == "of"
            || matches!(w[0], "total" | "order") && w[1] == "value"
    });
    let averaged = words
        .iter()
        .any(|w| matches!(*w, "average" | "avg" | "mean" | "per" | "typical"));
    if !value_asked || averaged || a.count_cue {
        return;
    }
    let members = catalog.members();
    let [name] = t.query.measures.as_slice() else {
        return;
    };
    let Some(count) = members.iter().find(|m| &m.name == name && m.is_count()) else {
        return;
    };
    let called_value = |m: &CatalogMember| {
        std::iter::once(m.title.as_str())
            .chain(m.synonyms.iter().map(String::as_str))
            .any(|s| split_identifier(s).iter().any(|w| w == "value"))
    };
    let Some(amount) = members.iter().find(|m| {
        m.owner == count.owner
            && m.kind == MemberKind::Measure
            && m.agg_type.as_deref() == Some("sum")
            && called_value(m)
    }) else {
        return;
    };
    if let Some((dimension, value)) = value_counted_by(catalog, count, &|_| true) {
        if !t
            .query
            .filters
            .iter()
            .any(|f| matches!(f, Filter::Member { member, .. } if *member == dimension))
        {
            t.query.filters.push(Filter::Member {
                member: dimension,
                operator: FilterOperator::Equals,
                values: vec![Some(value)],
            });
        }
    }
    t.query.measures = vec![amount.name.clone()];
}

/// "how many sales came from returning customers": sales counted are
/// records, not the money they brought in. Read by the noun alone, "sales"
/// names the sum of the sales amount; after "how many" it is the count of
/// that sum's cube.
pub(crate) fn sales_counted(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let counted_sales = a
        .tokens
        .windows(3)
        .any(|w| w[0].text == "how" && w[1].text == "many" && w[2].stem == "sale");
    let [name] = t.query.measures.as_slice() else {
        return;
    };
    if !counted_sales {
        return;
    }
    let members = catalog.members();
    let Some(amount) = members.iter().find(|m| {
        &m.name == name
            && m.agg_type.as_deref() == Some("sum")
            && (m.format.as_deref() == Some("currency")
                || split_identifier(m.short_name())
                    .iter()
                    .any(|w| w == "sales" || w == "revenue"))
    }) else {
        return;
    };
    if let Some(count) = super::build::plain_count(catalog, &amount.owner) {
        t.query.measures = vec![members[count].name.clone()];
    }
}

/// "How many of our business accounts have opted in to marketing?": the
/// people counted are among the business accounts. Read word by word, the
/// business count stood beside the opt-in count, two totals for one
/// question. Two counts of one cube, the first after "how many of" and
/// named after a segment of the cube (`business_count`, `business`): the
/// other count, within the segment.
pub(crate) fn counted_among(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let among = a
        .tokens
        .windows(3)
        .any(|w| w[0].text == "how" && w[1].text == "many" && w[2].text == "of");
    let q = &mut t.query;
    let [population, counted] = q.measures.as_slice() else {
        return;
    };
    let (Some(p), Some(c)) = (catalog.get(population), catalog.get(counted)) else {
        return;
    };
    if !among || p.owner != c.owner || !p.is_count() || !c.is_count() {
        return;
    }
    let mut named: Vec<String> = split_identifier(p.short_name());
    named.retain(|w| !w.eq_ignore_ascii_case("count"));
    let segment = catalog.members().iter().find(|m| {
        m.owner == p.owner
            && m.kind == MemberKind::Segment
            && split_identifier(m.short_name()) == named
    });
    if let Some(segment) = segment {
        q.segments.push(segment.name.clone());
        q.measures.remove(0);
    }
}
