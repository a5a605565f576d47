//! Values named by their first words: "how many Google Nexus units did we
//! sell", "when did we book our first Google Nexus sale". No value is
//! "Google Nexus", but several product names start with it ("Google Nexus
//! 5", "Google Nexus 6"): the words name that family, a `contains`
//! condition on the dimension those values belong to (the name with those
//! words in it, wherever they stand). Words that begin no value stay
//! unplaced; words that begin just one value name it only when the noun
//! after them is in it too ("the Okidata printer" is "Okidata C610n
//! Printer"), else the one value is offered in the clarification.

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::parse::Analysis;
use super::stopwords::is_skippable;
use super::OfflineParser;
use crate::catalog::CatalogMember;
use crate::translation::Translation;

/// The fewest values a family of values must hold.
const FAMILY: usize = 2;

/// Reads runs of unplaced words that begin several values of one dimension
/// of the query's cube as a `contains` condition. Returns whether it added
/// one.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &mut Analysis, t: &mut Translation) -> bool {
    if t.unmatched.is_empty() {
        return false;
    }
    let members = parser.catalog().members();
    let Some(owner) = query_owner(members, t) else {
        return false;
    };
    let unplaced: Vec<bool> = a
        .tokens
        .iter()
        .map(|tok| {
            !is_skippable(&tok.text)
                && t.unmatched
                    .iter()
                    .any(|u| u.eq_ignore_ascii_case(&tok.orig))
        })
        .collect();
    let mut changed = false;
    let mut i = 0;
    while i < a.tokens.len() {
        if !unplaced[i] {
            i += 1;
            continue;
        }
        let run_end = (i..a.tokens.len())
            .find(|&k| !unplaced[k])
            .unwrap_or(a.tokens.len());
        // The longest run first: "Google Nexus" before "Google".
        let owners = owners(members, &owner, t);
        let join = |tokens: &[super::text::Token]| {
            tokens
                .iter()
                .map(|t| t.orig.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let found = (i + 1..=run_end).rev().find_map(|end| {
            let words: Vec<String> = a.tokens[i..end].iter().map(|t| t.orig.clone()).collect();
            let phrase = words.join(" ");
            owners
                .iter()
                .find_map(|o| family(members, o, &phrase))
                .map(|hit| (end, words, hit))
        });
        let Some((end, words, (member, prefix))) = found else {
            // "the Okidata printer": one value begins with the words and
            // the noun after them is in it too.
            if let Some((end, words, member, value)) = (i + 1..=run_end).rev().find_map(|end| {
                let phrase = join(&a.tokens[i..end]);
                owners
                    .iter()
                    .find_map(|o| confirmed_value(members, o, &phrase, &a.tokens[end..]))
                    .map(|(m, value, confirming)| {
                        let words: Vec<String> = a.tokens[i..end + confirming]
                            .iter()
                            .map(|t| t.orig.clone())
                            .collect();
                        (end + confirming, words, m, value)
                    })
            }) {
                // "the Canon copier": "copier" confirmed the product; it is
                // no filter on the Copiers subcategory as well.
                for k in i..end {
                    drop_value_at(a, t, k);
                }
                place(t, &owner, member, FilterOperator::Equals, value, &words);
                changed = true;
                i = end;
            } else {
                i = run_end;
            }
            continue;
        };
        // "Google Nexus phones": the value right after the family says what
        // its members are, no condition of its own.
        drop_value_at(a, t, end);
        place(t, &owner, member, FilterOperator::Contains, prefix, &words);
        changed = true;
        i = end;
    }
    changed
}

/// Adds the condition the words named, on the member's cube (the query
/// moves there from `owner` when it is another), and takes the words out
/// of `unmatched`.
fn place(
    t: &mut Translation,
    owner: &str,
    member: &CatalogMember,
    operator: FilterOperator,
    value: String,
    words: &[String],
) {
    if member.owner != owner {
        super::rates::move_to_cube(t, &member.owner);
    }
    t.query.filters.push(Filter::Member {
        member: member.name.clone(),
        operator,
        values: vec![Some(value)],
    });
    t.unmatched
        .retain(|u| !words.iter().any(|w| w.eq_ignore_ascii_case(u)));
}

/// Takes the value read at token `start` out of the analysis and its
/// `equals` filter out of the query.
fn drop_value_at(a: &mut Analysis, t: &mut Translation, start: usize) {
    let Some(k) = a.values.iter().position(|v| v.start == start) else {
        return;
    };
    let next = a.values.remove(k);
    let said: Vec<&String> = next.hits.iter().map(|(_, value)| value).collect();
    t.query.filters.retain(|f| {
        !matches!(f, Filter::Member { operator: FilterOperator::Equals, values, .. }
            if values.iter().flatten().all(|v| said.contains(&v)))
    });
}

/// The cube or view the query's first member belongs to.
fn query_owner(members: &[CatalogMember], t: &Translation) -> Option<String> {
    let q = &t.query;
    let first = q
        .measures
        .first()
        .or(q.dimensions.first())
        .or(q.time_dimensions.first().map(|td| &td.dimension))?;
    members
        .iter()
        .find(|m| m.name == *first)
        .map(|m| m.owner.clone())
}

/// `owner`, then the cubes that hold a member of every name the query uses
/// (`BigECommerce` beside `ECommerce`), onto which the query may move when
/// only they know the values.
fn owners(members: &[CatalogMember], owner: &str, t: &Translation) -> Vec<String> {
    let mut names = t.query.measures.clone();
    names.extend(super::rates::query_member_names(t));
    let mut out = vec![owner.to_owned()];
    let mut cubes: Vec<&str> = Vec::new();
    for m in members.iter().filter(|m| !m.in_view) {
        if !cubes.contains(&m.owner.as_str()) {
            cubes.push(&m.owner);
        }
    }
    out.extend(
        cubes
            .into_iter()
            .filter(|&cube| cube != owner && super::rates::holds_every_name(members, cube, &names))
            .map(str::to_owned),
    );
    out
}

/// The string dimensions of `owner`, each with its values that begin with
/// the whole words `phrase`; none when the phrase has under four letters.
fn values_begun<'c>(
    members: &'c [CatalogMember],
    owner: &str,
    phrase: &str,
) -> Vec<(&'c CatalogMember, Vec<&'c String>)> {
    if phrase.chars().filter(|c| c.is_alphanumeric()).count() < 4 {
        return Vec::new();
    }
    let needle = phrase.to_lowercase();
    members
        .iter()
        .filter(|m| m.kind == MemberKind::Dimension && m.data_type == "string" && m.owner == owner)
        .map(|m| {
            let begun = m
                .sample_values
                .iter()
                .filter(|v| begins_with_words(v, &needle))
                .collect();
            (m, begun)
        })
        .collect()
}

/// A string dimension of `owner` with at least [`FAMILY`] values that begin
/// with the whole words `phrase` (and go on), and the phrase as the values
/// spell it.
fn family<'c>(
    members: &'c [CatalogMember],
    owner: &str,
    phrase: &str,
) -> Option<(&'c CatalogMember, String)> {
    let needle = phrase.to_lowercase();
    values_begun(members, owner, phrase)
        .into_iter()
        .find_map(|(m, begun)| {
            let begun: Vec<&String> = begun
                .into_iter()
                .filter(|v| v.len() > needle.len())
                .collect();
            // The words as the values spell them, where the lower case of
            // the value keeps its length (else as typed).
            let spelt = begun
                .first()
                .and_then(|v| v.get(..needle.len()))
                .filter(|p| p.to_lowercase() == needle)
                .map_or_else(|| phrase.to_owned(), str::to_owned);
            (begun.len() >= FAMILY).then_some((m, spelt))
        })
}

/// The one value of a string dimension of `owner` that begins with the
/// whole words `phrase` when the words right after them in the question
/// are words of that value too ("Okidata printer" → "Okidata C610n
/// Printer"): the value, and how many of those words confirm it.
fn confirmed_value<'c>(
    members: &'c [CatalogMember],
    owner: &str,
    phrase: &str,
    after: &[super::text::Token],
) -> Option<(&'c CatalogMember, String, usize)> {
    values_begun(members, owner, phrase)
        .into_iter()
        .find_map(|(m, begun)| {
            let [value] = begun.as_slice() else {
                return None;
            };
            let value_words: Vec<String> = super::text::tokenize(value)
                .into_iter()
                .map(|t| t.stem)
                .collect();
            let confirming = after
                .iter()
                .take_while(|t| value_words.contains(&t.stem))
                .count();
            (confirming > 0).then(|| (m, (*value).clone(), confirming))
        })
}

/// Whether `value` begins with the lower-case words `needle`, whole.
fn begins_with_words(value: &str, needle: &str) -> bool {
    let lower = value.to_lowercase();
    lower.starts_with(needle)
        && lower
            .get(needle.len()..)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{bare, demo, filters, today};
    use super::*;

    /// The `contains` filters of `t`.
    fn contains(t: &Translation) -> Vec<(String, Vec<String>)> {
        filters(t)
            .into_iter()
            .filter(|(_, op, _)| *op == FilterOperator::Contains)
            .map(|(m, _, v)| (m, v))
            .collect()
    }

    #[test]
    fn the_first_words_of_several_values_name_their_family() {
        let (mut catalog, model) = bare();
        catalog.set_sample_values(
            "shop_sales.storeCity",
            vec![
                "Lake Placid".into(),
                "Lake Tahoe".into(),
                "Lakewood".into(),
                "Port Lincoln".into(),
                "Paris".into(),
            ],
        );
        let parser = OfflineParser::for_model(&catalog, &model);
        let t = parser
            .translate("totalSales in lake stores by month", today())
            .expect("a family of cities");
        assert_eq!(
            contains(&t),
            vec![("shop_sales.storeCity".to_owned(), vec!["Lake".to_owned()])],
            "{:?}",
            t.query
        );
        // "Lakewood" is no member of the family: whole words only; one value
        // is no family.
        for question in ["totalSales in Placid stores", "totalSales in Port stores"] {
            let refused = parser.translate(question, today());
            assert!(refused.is_err(), "{question}: {refused:?}");
        }
    }

    #[test]
    fn the_first_words_of_one_value_name_it_when_the_noun_after_them_is_in_it() {
        let (mut catalog, model) = bare();
        catalog.set_sample_values(
            "shop_sales.storeCity",
            vec!["Port Lincoln Harbour".into(), "Paris".into()],
        );
        let parser = OfflineParser::for_model(&catalog, &model);
        let t = parser
            .translate("totalSales in the Port harbour store", today())
            .expect("one city, confirmed by its last word");
        assert_eq!(
            filters(&t),
            vec![(
                "shop_sales.storeCity".to_owned(),
                FilterOperator::Equals,
                vec!["Port Lincoln Harbour".to_owned()]
            )],
            "{:?}",
            t.query
        );
        // Without a confirming word, one value is no answer.
        assert!(parser
            .translate("totalSales in Port stores", today())
            .is_err());
    }

    #[test]
    fn a_family_is_looked_for_only_among_the_query_cube_dimensions() {
        let (catalog, model) = demo();
        let parser = OfflineParser::for_model(&catalog, &model);
        let t = parser.translate("revenue by channel last month", today());
        assert!(t.is_ok_and(|t| contains(&t).is_empty()));
    }
}
