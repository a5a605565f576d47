//! Conditions on the text of a name: "products with 'Chair' in the name",
//! "products starting with Kingston", "names ending with Black", "that
//! contain Printer". The typed fragment filters a name dimension with
//! `contains`, `startsWith` or `endsWith`; "products" asked for alone are
//! listed by that name.

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::parse::Analysis;
use super::text::{same_word, split_identifier, stem, Token};
use super::OfflineParser;
use crate::translation::Translation;

/// A condition on the text of a name, tokens `start..end`.
#[derive(Debug, Clone, PartialEq)]
pub struct TextCondition {
    /// First token of the phrase.
    pub start: usize,
    /// One past its last token.
    pub end: usize,
    /// `contains`, `startsWith` or `endsWith`.
    pub operator: FilterOperator,
    /// The fragment as typed.
    pub fragment: String,
    /// Its first token.
    pub fragment_start: usize,
}

/// The fragment at `k`: a run of words typed with a capital or a digit
/// ("Kingston", "Google Nexus", "C610n"); its end.
fn fragment(tokens: &[Token], k: usize) -> Option<(String, usize)> {
    let named = |t: &Token| {
        t.orig
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let end = (k..tokens.len())
        .find(|&j| !named(&tokens[j]))
        .unwrap_or(tokens.len());
    (end > k).then(|| {
        let words: Vec<&str> = tokens[k..end].iter().map(|t| t.orig.as_str()).collect();
        (words.join(" "), end)
    })
}

/// Finds every condition on the text of a name in a question.
pub fn find(tokens: &[Token]) -> Vec<TextCondition> {
    let t: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let next = t.get(i + 1).copied().unwrap_or("");
        let starts = matches!(
            t[i],
            "starting" | "starts" | "start" | "beginning" | "begins"
        );
        let ends = matches!(t[i], "ending" | "ends");
        let contains = matches!(t[i], "containing" | "contains" | "contain");
        // "starting with Kingston", "ends with Black".
        if (starts || ends) && next == "with" {
            if let Some((fragment, end)) = fragment(tokens, i + 2) {
                let operator = if starts {
                    FilterOperator::StartsWith
                } else {
                    FilterOperator::EndsWith
                };
                found.push(TextCondition {
                    start: i,
                    end: name_tail(&t, end),
                    operator,
                    fragment,
                    fragment_start: i + 2,
                });
                i = end;
                continue;
            }
        }
        // "with 'Chair' in the name", "that have Printer in their name",
        // "containing DataTraveler".
        let holds = matches!(t[i], "with" | "having" | "has" | "have") || contains;
        if holds {
            if let Some((fragment, end)) = fragment(tokens, i + 1) {
                let tail = name_tail(&t, end);
                if contains || tail > end {
                    found.push(TextCondition {
                        start: i,
                        end: tail,
                        operator: FilterOperator::Contains,
                        fragment,
                        fragment_start: i + 1,
                    });
                    i = tail;
                    continue;
                }
            }
        }
        i += 1;
    }
    found
}

/// The end of an "in the name" / "in their names" after a fragment, or
/// `end` when there is none.
fn name_tail(t: &[&str], end: usize) -> usize {
    if t.get(end) != Some(&"in") {
        return end;
    }
    let mut k = end + 1;
    while matches!(
        t.get(k),
        Some(&("the" | "its" | "their" | "product" | "products"))
    ) {
        k += 1;
    }
    match t.get(k) {
        Some(&("name" | "names" | "title" | "titles")) => k + 1,
        _ => end,
    }
}

/// Adds the conditions of `a` to `t`: on the name dimension of the thing
/// named before the phrase, in the cube of the query's measures where it has
/// one. A count of that thing asked for alone becomes a listing of names.
/// Returns whether a condition was placed.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let members = parser.catalog().members();
    let mut placed = false;
    for c in &a.text_conditions {
        // The thing whose name it is: the word before the phrase
        // ("products", "names"), else anything.
        let subject = (0..c.start)
            .rev()
            .map(|k| a.tokens[k].stem.as_str())
            .find(|w| {
                !matches!(
                    *w,
                    "that"
                        | "which"
                        | "whose"
                        | "all"
                        | "the"
                        | "of"
                        | "name"
                        | "title"
                        | "its"
                        | "their"
                        | "is"
                        | "are"
                )
            })
            .unwrap_or_default();
        // A name column: `productName`, `name`, or a view's `product`.
        let name_like = |m: &crate::catalog::CatalogMember| {
            let words = split_identifier(m.short_name());
            m.kind == MemberKind::Dimension
                && m.data_type == "string"
                && (words.last().is_some_and(|w| w == "name")
                    || (words.len() == 1 && same_word(subject, &words[0])))
        };
        let of_subject = |m: &crate::catalog::CatalogMember| {
            split_identifier(m.short_name())
                .iter()
                .any(|w| same_word(subject, w))
                || stem(&m.owner.to_lowercase()) == subject
        };
        let measure_owners: Vec<&str> = t
            .query
            .measures
            .iter()
            .filter_map(|n| parser.catalog().get(n))
            .filter(|m| !m.is_count() || stem(&m.owner.to_lowercase()) != subject)
            .map(|m| m.owner.as_str())
            .collect();
        let in_query = t
            .query
            .measures
            .iter()
            .chain(&t.query.dimensions)
            .filter_map(|n| parser.catalog().get(n))
            .any(|m| m.in_view);
        let pick = |owners: &[&str]| {
            members.iter().find(|m| {
                name_like(m)
                    && m.in_view == in_query
                    && owners.contains(&m.owner.as_str())
                    && of_subject(m)
            })
        };
        let subject_owner: Vec<&str> = members
            .iter()
            .filter(|m| name_like(m) && of_subject(m) && !m.in_view)
            .map(|m| m.owner.as_str())
            .collect();
        let Some(name) = pick(&measure_owners).or_else(|| pick(&subject_owner)) else {
            // Nowhere to put it: the fragment stays not understood, so the
            // question is asked back rather than answered without it.
            t.unmatched.push(c.fragment.clone());
            continue;
        };
        // The counted subject is no figure: with another measure it is
        // only whose name; alone it asks for the names.
        let counted: Vec<String> = t
            .query
            .measures
            .iter()
            .filter(|n| {
                parser
                    .catalog()
                    .get(n)
                    .is_some_and(|m| m.is_count() && of_subject(m))
            })
            .cloned()
            .collect();
        let others = t.query.measures.len() > counted.len();
        // "units and revenue for every product with Pro in the name": a
        // split asked for, kept.
        let split_asked = a.tokens.windows(2).any(|w| {
            matches!(w[0].text.as_str(), "by" | "per" | "each" | "every")
                && same_word(subject, &w[1].stem)
        });
        if !counted.is_empty() {
            t.query.measures.retain(|n| !counted.contains(n));
            if let Some(order) = &mut t.query.order {
                order.retain(|(m, _)| !counted.contains(m));
            }
        }
        if others && !split_asked {
            // "sales of products starting with Kingston": one total, not a
            // split by the names.
            t.query.dimensions.retain(|d| {
                parser
                    .catalog()
                    .get(d)
                    .is_none_or(|m| !(name_like(m) && of_subject(m)))
            });
        } else if t.query.dimensions.is_empty()
            || (split_asked && !t.query.dimensions.contains(&name.name))
        {
            t.query.dimensions.push(name.name.clone());
        }
        t.query.filters.push(Filter::Member {
            member: name.name.clone(),
            operator: c.operator,
            values: vec![Some(c.fragment.clone())],
        });
        placed = true;
    }
    placed
}
