//! Questions that ask for the records themselves: "show all Beauty products
//! under 25", "list Voltix products with their prices", "show yesterday's
//! orders with status and amount". The counted noun becomes its records'
//! name (or key), and the attributes named after "with" become columns of
//! the same cube.

use strata_schema::MemberKind;

use strata_engine::query::{Filter, FilterOperator};

use super::build::{FilterSpec, Resolved};
use super::parse::Analysis;
use super::stopwords::is_skippable;
use super::text::{same_word, split_identifier};
use super::OfflineParser;
use crate::translation::Translation;

/// Words that ask for records rather than a figure.
const LIST_WORDS: &[&str] = &["all", "list", "every", "show", "display"];

/// Words between the attributes ("with their status and amount").
const ATTRIBUTE_GLUE: &[&str] = &["their", "its", "and", "plus", "also", "with", "showing"];

/// Rewrites `r` into a listing of records when the question asks for one;
/// words used as attributes leave `unmatched`.
pub(crate) fn records(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    r: &mut Resolved,
    unmatched: &mut Vec<String>,
) {
    let members = parser.catalog().members();
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let with_at = words.iter().position(|w| *w == "with");
    // "all time", "for all the time" is a period, not every record.
    let all = words.iter().enumerate().any(|(i, w)| {
        let period = *w == "all"
            && (words.get(i + 1) == Some(&"time")
                || (words.get(i + 1) == Some(&"the") && words.get(i + 2) == Some(&"time")));
        matches!(*w, "all" | "list" | "every") && !period
    });
    // "... with their prices": attributes of each record.
    let possessive = with_at.is_some_and(|w| matches!(words.get(w + 1), Some(&("their" | "its"))));
    // "show sales lines where quantity was more than 5": a condition on a
    // column of each row, after "where", asks for the rows.
    let row_condition = words.iter().any(|w| matches!(*w, "where" | "whose"))
        && r.filters.iter().any(|f| {
            members[f.member].kind == MemberKind::Dimension
                && matches!(
                    f.operator,
                    FilterOperator::Gt
                        | FilterOperator::Gte
                        | FilterOperator::Lt
                        | FilterOperator::Lte
                )
        });
    let listed = words.iter().any(|w| LIST_WORDS.contains(w));
    let asks_rows = all || possessive || (listed && (with_at.is_some() || row_condition));
    // "the number of orders for every status": a count, split (an "order
    // number of every order" is a column).
    let number_of = words.windows(3).any(|w| {
        w[1] == "number"
            && w[2] == "of"
            && !matches!(
                w[0],
                "order" | "invoice" | "phone" | "id" | "their" | "its" | "with"
            )
    }) || words.starts_with(&["number", "of"]);
    if !asks_rows
        || a.count_cue
        || number_of
        || a.ranking.direction.is_some()
        || !r.segments.is_empty()
    {
        return;
    }
    // The counted noun: one count measure, perhaps beside measures named
    // only as attributes after "with" ("with their prices").
    // ... or the records' name already read as a grouping ("list Voltix
    // products" → product names).
    let counted = r.measures.iter().copied().find(|&m| members[m].is_count());
    let named = r.dimensions.iter().copied().find(|&d| {
        split_identifier(members[d].short_name())
            .last()
            .is_some_and(|w| w == "name")
    });
    let Some(owner) = counted.or(named).map(|m| members[m].owner.clone()) else {
        return;
    };
    let (columns, used_words) = attributes(parser, a, &owner);
    // Other measures must be the attributes just found ("prices" →
    // `average_price` → the `price` column); anything else is a figure.
    let other_measures: Vec<usize> = r
        .measures
        .iter()
        .copied()
        .filter(|&m| Some(m) != counted)
        .collect();
    let explained = other_measures.iter().all(|&m| {
        members[m].owner == owner
            && columns.iter().any(|&c| {
                split_identifier(members[c].short_name())
                    .iter()
                    .any(|w| split_identifier(members[m].short_name()).contains(w))
            })
    });
    if !explained || (with_at.is_some() && columns.is_empty()) {
        return;
    }
    // The records' name where they have one (a key may be the name), else
    // their key.
    let named_column = |m: &crate::catalog::CatalogMember| is_name_column(m, &owner);
    // "list the orders from ...": the orders' own id (`orderId`) where the
    // counted noun has one, else the records' name, else their key.
    let noun = counted.and_then(|c| {
        a.mentions
            .iter()
            .find(|m| m.candidates.iter().any(|e| e.member == c))
            .map(|m| a.tokens[m.end - 1].stem.clone())
    });
    let id_of_noun = noun
        .as_deref()
        .and_then(|n| super::largest::id_of_noun(members, &owner, n));
    let row_key = || super::largest::row_key(members, &owner);
    // "sales lines", "rows": each row, by its key, not its product's name.
    let rows_named = noun
        .as_deref()
        .is_some_and(|n| matches!(n, "line" | "row" | "record" | "entry"));
    let key = if rows_named {
        row_key().or(id_of_noun)
    } else {
        id_of_noun
            .or_else(|| members.iter().position(named_column))
            .or_else(row_key)
    };
    let Some(key) = key else {
        return;
    };
    if let Some(c) = counted {
        keep_count_condition(parser, c, r);
    }
    r.measures.clear();
    let mut dimensions = vec![key];
    // Groupings read elsewhere stay only where the question asked for
    // columns or a split ("with their category", "by brand").
    let split = with_at.is_some() || words.iter().any(|w| super::cues::is_group_marker(w));
    let kept: &[usize] = if split { &r.dimensions } else { &[] };
    for d in kept.iter().chain(&columns) {
        if !dimensions.contains(d) && members[*d].owner == owner {
            dimensions.push(*d);
        }
    }
    // "all orders over 1,000": each record beside the amount it is over.
    for f in &r.filters {
        let compared = matches!(
            f.operator,
            FilterOperator::Gt | FilterOperator::Gte | FilterOperator::Lt | FilterOperator::Lte
        );
        if compared && members[f.member].owner == owner && !dimensions.contains(&f.member) {
            dimensions.push(f.member);
        }
    }
    r.dimensions = dimensions;
    unmatched.retain(|u| !used_words.iter().any(|w| w.eq_ignore_ascii_case(u)));
}

/// The columns of `owner` named after "with" ("with their status and
/// amount", "along with the channel"), and the words naming them.
pub(crate) fn attributes(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    owner: &str,
) -> (Vec<usize>, Vec<String>) {
    let members = parser.catalog().members();
    let Some(with_at) = a.tokens.iter().position(|t| t.text == "with") else {
        return (Vec::new(), Vec::new());
    };
    // The column a word names: one whose name has the word, the shortest
    // name first ("id" is `id`, not `user_id`); a key only by its own name.
    let attribute = |word: &str| {
        members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.owner == owner && m.kind == MemberKind::Dimension && !m.is_time())
            .filter_map(|(i, m)| {
                let words = split_identifier(m.short_name());
                let exact = words.len() == 1 && same_word(word, &words[0]);
                let named = words.iter().any(|w| same_word(word, w));
                (named && (!m.primary_key || exact)).then_some((words.len(), i))
            })
            .min()
            .map(|(_, i)| i)
    };
    // "order id" of orders: the owner's own noun names no column.
    let owner_noun = super::text::stem(&owner.to_lowercase());
    let mut columns: Vec<usize> = Vec::new();
    let mut used_words: Vec<String> = Vec::new();
    for t in &a.tokens[with_at + 1..] {
        // Not `is_stopword`: "amount" and "value" are attributes here.
        if is_skippable(&t.text) || ATTRIBUTE_GLUE.contains(&t.text.as_str()) {
            continue;
        }
        if t.stem == owner_noun {
            used_words.push(t.orig.clone());
            continue;
        }
        if let Some(d) = attribute(&t.stem).or_else(|| attribute(&t.text)) {
            if !columns.contains(&d) {
                columns.push(d);
            }
            used_words.push(t.orig.clone());
        }
    }
    (columns, used_words)
}

/// Keeps what a filtered count stands for when its records are listed
/// instead: "cancelled orders" read as `cancelled_count` lists the orders
/// with status cancelled, "completed orders" uses the `completed` segment.
/// Nothing is added for a plain count.
pub(crate) fn keep_count_condition(parser: &OfflineParser<'_>, count: usize, r: &mut Resolved) {
    let members = parser.catalog().members();
    let m = &members[count];
    if !m.is_count() {
        return;
    }
    let words: Vec<String> = split_identifier(m.short_name())
        .into_iter()
        .filter(|w| !matches!(w.as_str(), "count" | "number"))
        .collect();
    if words.is_empty() {
        return;
    }
    let segment = members.iter().position(|s| {
        s.owner == m.owner
            && s.kind == MemberKind::Segment
            && split_identifier(s.short_name()) == words
    });
    if let Some(s) = segment {
        if !r.segments.contains(&s) {
            r.segments.push(s);
        }
        return;
    }
    let [word] = words.as_slice() else { return };
    let value = members.iter().enumerate().find_map(|(d, dim)| {
        let same_owner = dim.owner == m.owner && dim.kind == MemberKind::Dimension;
        same_owner
            .then(|| {
                dim.sample_values
                    .iter()
                    .find(|v| v.eq_ignore_ascii_case(word))
            })
            .flatten()
            .map(|v| (d, v.clone()))
    });
    if let Some((member, value)) = value {
        r.filters.push(FilterSpec {
            member,
            operator: FilterOperator::Equals,
            values: vec![value],
        });
    }
}

/// "Which phones do we carry?", "what copiers are there": the things of
/// the kind the value names, by their name, not a count of rows. Only when
/// nothing else is asked: no figure, no grouping, nothing ranked.
pub(crate) fn which_of_a_kind(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut crate::translation::Translation,
) -> bool {
    let opens = a
        .tokens
        .first()
        .is_some_and(|w| matches!(w.text.as_str(), "which" | "what"));
    let value_next = a.values.iter().any(|v| v.start == 1 && !v.negate);
    let figure_named =
        a.count_cue || a.ranking.direction.is_some() || a.mentions.iter().any(|m| !m.absorbed);
    let q = &t.query;
    if !opens || !value_next || figure_named || !q.dimensions.is_empty() || q.filters.len() != 1 {
        return false;
    }
    let catalog = parser.catalog();
    let counted =
        q.measures.len() == 1 && catalog.get(&q.measures[0]).is_some_and(|m| m.is_count());
    let Some(Filter::Member {
        member,
        operator: FilterOperator::Equals,
        ..
    }) = q.filters.first()
    else {
        return false;
    };
    let Some(owner) = catalog.get(member).map(|m| m.owner.clone()) else {
        return false;
    };
    // The kind's things: the name column beside it ("productName").
    let name = catalog
        .members()
        .iter()
        .find(|m| m.name != *member && is_name_column(m, &owner));
    let (Some(name), true) = (name, counted) else {
        return false;
    };
    t.query.dimensions = vec![name.name.clone()];
    t.query.measures.clear();
    true
}

/// "What did Customer 28 buy?", "what did we sell in Detroit?": the things
/// bought or sold, by their product name. A buyer's question lists the
/// products; "what did we sell" keeps the amount sold beside each. Returns
/// whether the question was one.
pub(crate) fn what_was_bought(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut crate::translation::Translation,
) -> bool {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let asks_what = matches!(
        words.as_slice(),
        ["what", "did" | "do" | "does" | "has" | "have", ..]
    );
    let bought = words.iter().any(|w| {
        matches!(
            *w,
            "buy" | "bought" | "purchase" | "purchased" | "order" | "ordered"
        )
    });
    let sold = words.iter().any(|w| matches!(*w, "sell" | "sold"));
    if !asks_what || !(bought || sold) {
        return false;
    }
    // Only the verb named the figure.
    let named_figure = a.mentions.iter().any(|m| {
        m.role == super::parse::Role::Measure && !m.absorbed && !m.is_measure_verb(&a.tokens)
    });
    let catalog = parser.catalog();
    let Some(owner) = measure_owner(catalog, t) else {
        return false;
    };
    let product_name = string_column(catalog, &owner, &["product", "name"])
        .or_else(|| string_column(catalog, &owner, &["product"]));
    let Some(product_name) = product_name else {
        return false;
    };
    // Columns already asked for ("show the product names and the cities")
    // stay; the product is listed when none are.
    if t.query.dimensions.is_empty() {
        t.query.dimensions.push(product_name.name.clone());
    } else if !t.query.dimensions.contains(&product_name.name) {
        return false;
    }
    if bought && !named_figure {
        t.query.measures.clear();
        t.query.order = None;
    }
    true
}

/// "Who bought the Canon copier?", "who ordered Okidata C610n Printer": the
/// buyers, by the customer name of the rows counted, not a count of the
/// rows. Returns whether the question was one.
pub(crate) fn who_bought(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut crate::translation::Translation,
) -> bool {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let buy = |w: &str| {
        matches!(
            w,
            "bought" | "buys" | "purchased" | "purchases" | "ordered" | "orders"
        )
    };
    let asks_who = match words.as_slice() {
        ["who", "has" | "have" | "did", verb, ..] => {
            buy(verb) || matches!(*verb, "buy" | "purchase" | "order")
        }
        ["who", verb, ..] => buy(verb),
        _ => false,
    };
    if !asks_who || !t.query.dimensions.is_empty() {
        return false;
    }
    let catalog = parser.catalog();
    let counted_only = t
        .query
        .measures
        .iter()
        .all(|n| catalog.get(n).is_some_and(|m| m.is_count()));
    let Some(owner) = measure_owner(catalog, t) else {
        return false;
    };
    let customer_name = string_column(catalog, &owner, &["customer", "name"]);
    let Some(customer_name) = customer_name else {
        return false;
    };
    // "who spent the most": the buyer with the most. "Bought the most"
    // over a count of rows may mean units as well as orders: not answered.
    if let Some(direction) = a.ranking.direction {
        let Some(first) = t.query.measures.first().filter(|_| !counted_only) else {
            return false;
        };
        let desc = direction == super::ranking::Direction::Desc;
        t.query.order = Some(vec![(first.clone(), desc)]);
        t.query.limit = Some(u64::from(a.ranking.limit.unwrap_or(1)));
        t.query.dimensions.push(customer_name.name.clone());
        return true;
    }
    if !counted_only {
        return false;
    }
    t.query.dimensions.push(customer_name.name.clone());
    t.query.measures.clear();
    t.query.order = None;
    true
}

/// Whether `m` is a string column of `owner` named as a name
/// (`productName`, `name`): what its records are called.
fn is_name_column(m: &crate::catalog::CatalogMember, owner: &str) -> bool {
    m.owner == owner
        && m.kind == MemberKind::Dimension
        && m.data_type == "string"
        && split_identifier(m.short_name())
            .last()
            .is_some_and(|w| w == "name")
}

/// The cube or view of the query's first measure.
fn measure_owner(
    catalog: &crate::catalog::Catalog,
    t: &crate::translation::Translation,
) -> Option<String> {
    t.query
        .measures
        .first()
        .and_then(|n| catalog.get(n))
        .map(|m| m.owner.clone())
}

/// The string column of `owner` whose name is the words `split`
/// ("customer", "name" for `customerName` or `customer_name`).
fn string_column<'c>(
    catalog: &'c crate::catalog::Catalog,
    owner: &str,
    split: &[&str],
) -> Option<&'c crate::catalog::CatalogMember> {
    catalog.members().iter().find(|m| {
        m.owner == owner
            && m.kind == MemberKind::Dimension
            && m.data_type == "string"
            && split_identifier(m.short_name()) == split
    })
}

/// "What's in order CA-2017-160633?", "what was in order 3107?": the lines
/// of that order, each with its product, quantity and amount, from the
/// cube that has both an order id and a quantity. A count of the order's
/// lines would answer another question. Returns whether the question was
/// one.
pub(crate) fn order_contents(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut crate::translation::Translation,
) -> bool {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let order_at = words
        .windows(2)
        .position(|w| matches!(w, ["in" | "inside", "order"]))
        .map(|p| p + 1);
    let asks_in = words.first() == Some(&"what") && order_at.is_some();
    // Any figure but the order itself ("what's the revenue in order 3107").
    let named_figure = a
        .mentions
        .iter()
        .any(|m| m.role == super::parse::Role::Measure && !m.absorbed && Some(m.start) != order_at);
    if !asks_in || named_figure {
        return false;
    }
    let members = parser.catalog().members();
    let named = |owner: &str, names: &[&[&str]]| {
        names.iter().find_map(|want| {
            members.iter().find(|m| {
                m.owner == owner
                    && m.kind == MemberKind::Dimension
                    && split_identifier(m.short_name()) == *want
            })
        })
    };
    // The order asked about: an equality filter on an order id.
    let Some((filtered, value)) = t.query.filters.iter().find_map(|f| match f {
        Filter::Member {
            member,
            operator: FilterOperator::Equals,
            values,
        } if values.len() == 1 => Some((member.clone(), values[0].clone()?)),
        _ => None,
    }) else {
        return false;
    };
    let filtered_owner = parser.catalog().get(&filtered).map(|m| m.owner.clone());
    let line_cubes = filtered_owner
        .into_iter()
        .chain(members.iter().map(|m| m.owner.clone()));
    let found = line_cubes
        .filter(|o| !members.iter().any(|m| m.owner == *o && m.in_view))
        .find_map(|owner| {
            let order_id = named(&owner, &[&["order", "id"]])?;
            let quantity = named(&owner, &[&["quantity"]])?;
            let product = named(
                &owner,
                &[&["product", "name"], &["product"], &["product", "id"]],
            )?;
            let amount = named(
                &owner,
                &[&["sales"], &["unit", "price"], &["price"], &["amount"]],
            )?;
            Some([order_id, product, quantity, amount])
        });
    let Some([order_id, product, quantity, amount]) = found else {
        return false;
    };
    t.query.measures.clear();
    t.query.dimensions = vec![
        product.name.clone(),
        quantity.name.clone(),
        amount.name.clone(),
    ];
    t.query.filters = vec![Filter::Member {
        member: order_id.name.clone(),
        operator: FilterOperator::Equals,
        values: vec![Some(value)],
    }];
    t.query.order = None;
    t.query.limit = None;
    t.intent = crate::intent::Intent::Distribution;
    true
}

/// "For order 48213, state the status, channel and order total": in a
/// listing (no figure) of one cube's columns, an amount column named among
/// them is one more column, not a figure left out. Returns whether one was
/// added.
pub(crate) fn amount_columns_named(
    catalog: &crate::catalog::Catalog,
    a: &Analysis,
    t: &mut Translation,
) -> bool {
    if !t.query.measures.is_empty() || t.query.dimensions.is_empty() {
        return false;
    }
    let members = catalog.members();
    let owners: Vec<&str> = t
        .query
        .dimensions
        .iter()
        .filter_map(|d| catalog.get(d))
        .map(|m| m.owner.as_str())
        .collect();
    let mut added = false;
    for m in &a.mentions {
        if !t.unmatched.iter().any(|u| u.eq_ignore_ascii_case(&m.text)) {
            continue;
        }
        let column = m.candidates.iter().map(|e| &members[e.member]).find(|c| {
            c.kind == MemberKind::Dimension
                && c.data_type == "number"
                && owners.contains(&c.owner.as_str())
        });
        if let Some(column) = column {
            if !t.query.dimensions.contains(&column.name) {
                t.query.dimensions.push(column.name.clone());
            }
            t.unmatched.retain(|u| !u.eq_ignore_ascii_case(&m.text));
            added = true;
        }
    }
    added
}
