//! What the offline parser precomputes from one catalog: the words and values
//! it indexes and the joins of the model. Building it tokenizes every title,
//! synonym and sample value, so a server builds it once per catalog and lends
//! it to the parser of each question ([`super::OfflineParser::with_index`]).

use std::hash::{Hash, Hasher};

use strata_schema::SemanticModel;

use super::joins::JoinHints;
use super::nesting::Nesting;
use super::parse::Reader;
use super::restated::Restated;
use super::view_moves::ViewTargets;
use crate::catalog::Catalog;

/// A catalog's parser index; see the module docs.
#[derive(Debug, Clone)]
pub struct ParserIndex {
    pub(super) reader: Reader,
    pub(super) joins: Option<JoinHints>,
    /// What each plainly written segment and band keeps (empty without a
    /// model).
    pub(super) restated: Restated,
    /// The cube members the views' members stand for (empty without a
    /// model).
    pub(super) views: ViewTargets,
    /// Which dimensions lie within others (empty without a model).
    pub(super) nesting: Nesting,
    /// What the index was built from, so it is never used with a catalog
    /// whose members or values differ ([`ParserIndex::fits`]).
    fingerprint: u64,
}

impl ParserIndex {
    /// The index of a catalog whose cubes are assumed to join when a
    /// question combines them.
    pub fn new(catalog: &Catalog) -> ParserIndex {
        ParserIndex {
            reader: Reader::new(catalog),
            joins: None,
            restated: Restated::default(),
            views: ViewTargets::default(),
            nesting: Nesting::default(),
            fingerprint: fingerprint(catalog),
        }
    }

    /// The index of a catalog of `model`, knowing which of its cubes join.
    pub fn for_model(catalog: &Catalog, model: &SemanticModel) -> ParserIndex {
        ParserIndex {
            joins: Some(JoinHints::from_model(model)),
            restated: Restated::from_model(model),
            views: ViewTargets::for_model(model),
            nesting: Nesting::for_model(model),
            ..ParserIndex::new(catalog)
        }
    }

    /// Whether the index was built from a catalog with exactly these members,
    /// titles, synonyms and sample values.
    pub fn fits(&self, catalog: &Catalog) -> bool {
        self.fingerprint == fingerprint(catalog)
    }
}

/// A hash of everything in a catalog the index reads.
fn fingerprint(catalog: &Catalog) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for m in catalog.members() {
        m.name.hash(&mut h);
        m.owner.hash(&mut h);
        m.owner_title.hash(&mut h);
        m.in_view.hash(&mut h);
        crate::catalog::kind_name(m.kind).hash(&mut h);
        m.data_type.hash(&mut h);
        m.agg_type.hash(&mut h);
        m.title.hash(&mut h);
        m.description.hash(&mut h);
        m.synonyms.hash(&mut h);
        m.format.hash(&mut h);
        m.primary_key.hash(&mut h);
        m.sample_values.hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{demo, today};
    use super::super::OfflineParser;
    use super::*;

    #[test]
    fn a_lent_index_reads_as_a_parser_of_its_own_does() {
        let (catalog, model) = demo();
        let index = ParserIndex::for_model(&catalog, &model);
        assert!(index.fits(&catalog));
        let lent = OfflineParser::with_index(&catalog, &index);
        let own = OfflineParser::for_model(&catalog, &model);
        for q in [
            "revenue by country in Germany",
            "top 3 categories by units sold",
        ] {
            let a = lent.translate(q, today()).expect("understood");
            let b = own.translate(q, today()).expect("understood");
            assert_eq!(a.query, b.query, "{q}");
        }
    }

    #[test]
    fn an_index_of_other_values_is_not_used() {
        let (catalog, model) = demo();
        let index = ParserIndex::for_model(&catalog, &model);
        let mut grown = catalog.clone();
        grown.set_sample_values(
            "Products.category",
            vec!["Books".into(), "Beauty".into(), "Garden".into()],
        );
        assert!(!index.fits(&grown));
        // The stale index does not know "Garden"; the parser indexes the
        // grown catalog itself and places it.
        let t = OfflineParser::with_index(&grown, &index)
            .translate("revenue for Garden", today())
            .expect("understood");
        let filter = format!("{:?}", t.query.filters);
        assert!(filter.contains("Garden"), "{filter}");
    }
}
