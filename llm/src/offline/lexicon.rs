//! The words that name each member of a catalog.
//!
//! Every member is indexed under several phrases, each with a score out of
//! 100 saying how surely the phrase means the member:
//!
//! | source | example | score |
//! |---|---|---|
//! | title | "Number of Orders" | 100 |
//! | short name, split | `total_amount` → "total amount", `totalSales` → "total sales" | 98 |
//! | owner + name | "order count", "product name" | 97 |
//! | `meta.synonyms` | "turnover" | 95 (94 when measures with plainer titles share it) |
//! | owner of a count measure | "customers" → `Customers.count` | 90 |
//! | owner of a name dimension | "country" → `Countries.name` | 85 |
//! | core (name without `total`, `number`, `name`...) | "sales" → `totalSales` | 80 |
//! | built-in business synonym | "revenue" → `totalSales` | 75 |
//! | generic time word | "date" → any time dimension | 50 |
//!
//! Phrases are stored as stems (see [`super::text`]) so plurals meet.

use std::collections::{BTreeSet, HashMap};

use strata_schema::MemberKind;

use super::text::{phrase_key, split_identifier, tokenize};
use crate::catalog::{Catalog, CatalogMember};

/// One meaning of a phrase: a catalog member (by index) and a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Index into [`Catalog::members`].
    pub member: usize,
    /// How surely the phrase means the member, out of 100.
    pub score: u32,
}

/// Phrase → members index of a catalog.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    phrases: HashMap<String, Vec<Entry>>,
    max_len: usize,
    vocabulary: BTreeSet<String>,
}

/// The score of a `meta.synonyms` phrase.
const SYNONYM: u32 = 95;

/// Words that say how a measure aggregates or that decorate a name, dropped
/// to form a member's "core" phrase.
const WEAK: &[&str] = &[
    "total", "sum", "number", "count", "name", "value", "average",
];

/// Short names too generic to mean a member on their own.
const GENERIC_NAMES: &[&str] = &["count", "name", "id", "code", "key", "type", "value"];

/// Built-in business vocabulary: words analysts use for kinds of members.
struct Concept {
    words: &'static [&'static str],
    score: u32,
    applies: fn(&CatalogMember, &[String], &OwnerInfo) -> bool,
}

/// What a member's owner looks like (for built-in synonyms).
struct OwnerInfo {
    words: Vec<String>,
    has_order_dimension: bool,
}

fn has_any(words: &[String], wanted: &[&str]) -> bool {
    words.iter().any(|w| wanted.contains(&w.as_str()))
}

fn is_measure(m: &CatalogMember) -> bool {
    m.kind == MemberKind::Measure
}

fn agg(m: &CatalogMember) -> &str {
    m.agg_type.as_deref().unwrap_or("")
}

fn is_count(m: &CatalogMember) -> bool {
    m.is_count()
}

/// Verbs whose object is a quantity where the model has one ("sold",
/// "shipped").
const QUANTITY_VERBS: &[&str] = &["sold", "sell", "selling", "sells", "shipped", "ship"];

/// Verbs whose object is an order ("which channel do they buy through the
/// most"): what is bought is counted in orders.
const ORDER_VERBS: &[&str] = &["bought", "buy", "buying", "buys", "purchased", "purchase"];

/// Verbs whose object is money ("earned", "spent"; "sold" when there is no
/// quantity).
const MONEY_VERBS: &[&str] = &[
    "sold", "sell", "selling", "sells", "earn", "earned", "earning", "earns", "spend", "spent",
    "spending", "spends",
];

/// Whether a word is a verb that only implies a measure ("sold", "earned").
pub(crate) fn is_measure_verb(word: &str) -> bool {
    QUANTITY_VERBS.contains(&word) || MONEY_VERBS.contains(&word) || ORDER_VERBS.contains(&word)
}

/// A summed measure of units, quantities or volumes.
fn is_quantity_sum(m: &CatalogMember, words: &[String]) -> bool {
    is_measure(m)
        && agg(m) == "sum"
        && has_any(
            words,
            &["quantity", "unit", "units", "item", "items", "volume"],
        )
}

/// A count of orders: the plain count of a cube with an order dimension, or
/// a count named after orders.
fn is_order_count(m: &CatalogMember, words: &[String], owner: &OwnerInfo) -> bool {
    is_measure(m)
        && ((m.short_name() == "count" && owner.has_order_dimension)
            || (is_count(m) && has_any(words, &["order", "orders"])))
}

const CONCEPTS: &[Concept] = &[
    Concept {
        words: &["revenue", "sales", "turnover", "income", "money", "takings"],
        score: 75,
        applies: |m, words, _| {
            is_measure(m)
                && matches!(agg(m), "sum" | "number")
                && (has_any(words, &["sales", "sale", "revenue", "turnover", "income"])
                    || (m.format.as_deref() == Some("currency")
                        && agg(m) == "sum"
                        && !has_any(
                            words,
                            &[
                                "cost", "discount", "profit", "margin", "price", "tax", "gross",
                            ],
                        )))
        },
    },
    Concept {
        words: &["units", "quantity", "volume", "items", "pieces"],
        score: 75,
        applies: |m, words, _| is_quantity_sum(m, words),
    },
    // Verbs that imply a measure: what is sold, bought or shipped is a
    // quantity where the model has one ...
    Concept {
        words: QUANTITY_VERBS,
        score: 72,
        applies: |m, words, _| is_quantity_sum(m, words),
    },
    // ... else the money it brought; what is earned or spent is money.
    Concept {
        words: MONEY_VERBS,
        score: 70,
        applies: |m, words, _| {
            is_measure(m)
                && matches!(agg(m), "sum" | "number")
                && (has_any(words, &["sales", "sale", "revenue", "turnover", "income"])
                    || (m.format.as_deref() == Some("currency") && agg(m) == "sum"))
                && !has_any(words, &["cost", "discount", "tax", "profit", "margin"])
        },
    },
    Concept {
        words: &["orders", "purchases", "transactions", "baskets"],
        score: 75,
        applies: is_order_count,
    },
    Concept {
        words: ORDER_VERBS,
        score: 72,
        applies: is_order_count,
    },
    Concept {
        words: &[
            "customers",
            "users",
            "clients",
            "buyers",
            "accounts",
            "shoppers",
        ],
        score: 75,
        applies: |m, words, owner| {
            is_measure(m)
                && ((m.short_name() == "count"
                    && has_any(
                        &owner.words,
                        &["customer", "customers", "user", "users", "client"],
                    ))
                    || (is_count(m) && has_any(words, &["customer", "user", "client", "buyer"])))
        },
    },
    Concept {
        words: &["profit", "earnings", "margin", "profitable"],
        score: 75,
        applies: |m, words, _| is_measure(m) && has_any(words, &["profit", "margin"]),
    },
    Concept {
        words: &["customer", "client", "user", "buyer"],
        score: 75,
        applies: |m, words, _| {
            m.kind == MemberKind::Dimension
                && m.data_type == "string"
                && has_any(words, &["customer", "user", "client"])
                && has_any(words, &["name"])
        },
    },
    Concept {
        words: &["product", "item", "article"],
        score: 75,
        applies: |m, words, _| {
            m.kind == MemberKind::Dimension
                && m.data_type == "string"
                && has_any(words, &["product"])
                && has_any(words, &["name"])
        },
    },
    Concept {
        words: &["location", "place", "geography", "geo"],
        score: 60,
        applies: |m, words, _| {
            m.kind == MemberKind::Dimension
                && m.data_type == "string"
                && has_any(words, &["city", "country", "region", "state", "location"])
        },
    },
    Concept {
        words: &["date", "time", "day", "period", "timeline"],
        score: 50,
        applies: |m, _, _| m.is_time(),
    },
];

impl Lexicon {
    /// Indexes every member of `catalog`.
    pub fn new(catalog: &Catalog) -> Lexicon {
        let mut lex = Lexicon::default();
        let owners = owner_infos(catalog);
        for (i, m) in catalog.members().iter().enumerate() {
            lex.index_member(i, m, owners.get(&m.owner));
        }
        lex.prefer_plain_titles(catalog);
        lex
    }

    /// A synonym several measures share ("turnover" of Revenue and of
    /// Product Revenue) names the one with the plainest title first: the
    /// extra words of a title say it is the narrower concept.
    fn prefer_plain_titles(&mut self, catalog: &Catalog) {
        let members = catalog.members();
        let title_len = |e: &Entry| words_of(&members[e.member].title).len();
        for entries in self.phrases.values_mut() {
            let shared: Vec<usize> = (0..entries.len())
                .filter(|&k| {
                    entries[k].score == SYNONYM
                        && members[entries[k].member].kind == MemberKind::Measure
                })
                .collect();
            if shared.len() < 2 {
                continue;
            }
            let plainest = shared.iter().map(|&k| title_len(&entries[k])).min();
            for k in shared {
                if Some(title_len(&entries[k])) > plainest {
                    entries[k].score -= 1;
                }
            }
        }
    }

    fn add(&mut self, phrase: &str, member: usize, score: u32) {
        let key = phrase_key(phrase);
        if key.is_empty() {
            return;
        }
        for token in tokenize(phrase) {
            self.vocabulary.insert(token.stem);
            self.vocabulary.insert(token.text);
        }
        self.max_len = self.max_len.max(key.len());
        let entries = self.phrases.entry(key.join(" ")).or_default();
        match entries.iter_mut().find(|e| e.member == member) {
            Some(e) => e.score = e.score.max(score),
            None => entries.push(Entry { member, score }),
        }
    }

    fn index_member(&mut self, i: usize, m: &CatalogMember, owner: Option<&OwnerInfo>) {
        let segment_penalty = if m.kind == MemberKind::Segment { 10 } else { 0 };
        let name_words = split_identifier(m.short_name());
        let name = name_words.join(" ");
        let generic = GENERIC_NAMES.contains(&name.as_str());
        self.add(&m.title, i, 100 - segment_penalty);
        // A member the model titled in other words ("Orders with the
        // Product" for `order_count`) is named by its title and synonyms
        // first; its identifier ranks below another member's synonyms.
        let retitled = phrase_key(&m.title) != phrase_key(&name);
        let name_score = if retitled { 94 } else { 98 };
        if !generic {
            self.add(&name, i, name_score - segment_penalty);
        }
        // `subCategory` is also typed as one word: "subcategory"; `orderId`
        // as "orderid".
        if let [a, b] = name_words.as_slice() {
            if a.len() >= 3 && b.len() >= 2 && a.chars().all(char::is_alphabetic) {
                self.add(&format!("{a}{b}"), i, 96 - segment_penalty);
            }
        }
        for synonym in &m.synonyms {
            self.add(synonym, i, SYNONYM - segment_penalty);
        }
        // The core of the name and of the title, without aggregation words
        // (but not the bare owner name: "Order Total" is not "orders").
        let owner_key = phrase_key(&split_identifier(&m.owner).join(" "));
        let owner_title_key = phrase_key(&m.owner_title);
        for words in [name_words.clone(), words_of(&m.title)] {
            let core: Vec<&str> = words
                .iter()
                .map(String::as_str)
                .filter(|w| !WEAK.contains(w))
                .collect();
            let core_key = phrase_key(&core.join(" "));
            let is_owner = !m.in_view && (core_key == owner_key || core_key == owner_title_key);
            if !core.is_empty()
                && core.len() < words.len()
                && m.kind != MemberKind::Segment
                && !is_owner
            {
                let lost_average = words.iter().any(|w| w == "average");
                self.add(&core.join(" "), i, if lost_average { 70 } else { 80 });
            }
        }
        if m.in_view {
            // A view's title ("Sales Overview") does not name its members.
        } else {
            let owner_words = split_identifier(&m.owner);
            let owner_title = m.owner_title.to_lowercase();
            for owner_phrase in [owner_words.join(" "), owner_title] {
                if m.kind != MemberKind::Segment && !m.primary_key {
                    self.add(&format!("{owner_phrase} {name}"), i, 97);
                }
                if m.kind == MemberKind::Measure && m.short_name() == "count" {
                    self.add(&owner_phrase, i, 90);
                }
                if m.kind == MemberKind::Dimension
                    && m.data_type == "string"
                    && name_words.last().is_some_and(|w| w == "name")
                {
                    self.add(&owner_phrase, i, 85);
                }
            }
        }
        let mut words = name_words;
        words.extend(words_of(&m.title));
        let fallback = OwnerInfo {
            words: Vec::new(),
            has_order_dimension: false,
        };
        let owner = owner.unwrap_or(&fallback);
        // Among members a business word fits equally, the one titled by the
        // word alone ("Revenue" before "Product Revenue").
        let plain_title = u32::from(words_of(&m.title).len() == 1);
        for concept in CONCEPTS {
            if (concept.applies)(m, &words, owner) {
                for w in concept.words {
                    self.add(w, i, concept.score + plain_title);
                }
            }
        }
    }

    /// Members meant by a phrase of stems, best first.
    pub fn lookup(&self, stems: &[String]) -> Option<&[Entry]> {
        self.phrases.get(&stems.join(" ")).map(Vec::as_slice)
    }

    /// The longest indexed phrase, in words.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Every word that appears in some phrase (typed and stemmed forms).
    pub fn vocabulary(&self) -> &BTreeSet<String> {
        &self.vocabulary
    }
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn owner_infos(catalog: &Catalog) -> HashMap<String, OwnerInfo> {
    let mut owners: HashMap<String, OwnerInfo> = HashMap::new();
    for m in catalog.members() {
        let info = owners.entry(m.owner.clone()).or_insert_with(|| {
            let mut words = split_identifier(&m.owner);
            words.extend(words_of(&m.owner_title));
            OwnerInfo {
                words,
                has_order_dimension: false,
            }
        });
        if m.kind == MemberKind::Dimension
            && split_identifier(m.short_name())
                .iter()
                .any(|w| w == "order")
        {
            info.has_order_dimension = true;
        }
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(catalog: &Catalog, lex: &Lexicon, phrase: &str) -> Vec<(String, u32)> {
        let mut found: Vec<(String, u32)> = lex
            .lookup(&phrase_key(phrase))
            .unwrap_or_default()
            .iter()
            .map(|e| (catalog.members()[e.member].name.clone(), e.score))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        found
    }

    #[test]
    fn demo_titles_names_and_synonyms() {
        let model = strata_demo::model().expect("demo model");
        let catalog = Catalog::from_model(&model);
        let lex = Lexicon::new(&catalog);
        let revenue = names(&catalog, &lex, "revenue");
        assert_eq!(revenue[0], ("Orders.revenue".to_owned(), 100));
        // Titled "Product Revenue": its bare name ranks below titles and
        // synonyms, above the business words.
        assert!(revenue.contains(&("LineItems.revenue".to_owned(), 94)));
        // "order count" is `Orders.count`'s synonym; `LineItems.order_count`
        // is titled "Orders with the Product".
        assert_eq!(names(&catalog, &lex, "order count")[0].0, "Orders.count");
        // A synonym of both revenues names the plainly titled one first.
        assert_eq!(names(&catalog, &lex, "Turnover")[0].0, "Orders.revenue");
        assert!(names(&catalog, &lex, "Turnover").contains(&("LineItems.revenue".to_owned(), 94)));
        assert!(
            names(&catalog, &lex, "categories").contains(&("Products.category".to_owned(), 100))
        );
        assert!(names(&catalog, &lex, "customers").contains(&("Users.count".to_owned(), 95)));
        assert!(names(&catalog, &lex, "payment methods")
            .contains(&("Orders.payment_method".to_owned(), 100)));
    }

    #[test]
    fn bare_names_are_enough() {
        let model = strata_schema::load_files(&[(
            "m.yml".into(),
            "cubes:\n  - name: ECommerce\n    sql_table: e\n    dimensions:\n      - {name: orderId, sql: order_id, type: string}\n      - {name: subCategory, sql: s, type: string}\n      - {name: customerName, sql: c, type: string}\n    measures:\n      - {name: count, type: count}\n      - {name: totalSales, sql: sales, type: sum}\n      - {name: totalQuantity, sql: q, type: sum}\n"
                .to_owned(),
        )])
        .expect("model");
        let catalog = Catalog::from_model(&model);
        let lex = Lexicon::new(&catalog);
        assert_eq!(
            names(&catalog, &lex, "total sales")[0].0,
            "ECommerce.totalSales"
        );
        assert_eq!(
            names(&catalog, &lex, "sales")[0],
            ("ECommerce.totalSales".into(), 80)
        );
        assert_eq!(
            names(&catalog, &lex, "revenue")[0],
            ("ECommerce.totalSales".into(), 75)
        );
        assert_eq!(
            names(&catalog, &lex, "units")[0].0,
            "ECommerce.totalQuantity"
        );
        assert_eq!(names(&catalog, &lex, "orders")[0].0, "ECommerce.count");
        assert_eq!(
            names(&catalog, &lex, "sub category")[0].0,
            "ECommerce.subCategory"
        );
        assert_eq!(
            names(&catalog, &lex, "customer")[0].0,
            "ECommerce.customerName"
        );
    }
}
