//! Reading a question: spelling correction, then time phrases, chart and
//! ranking words, numeric conditions, known values and member mentions, each
//! claiming its tokens; then the role of each mention (measure, grouping,
//! sort key, condition target). Which members the mentions finally mean is
//! decided by [`super::resolve`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use strata_schema::MemberKind;

use super::chart_cues::{self, ChartCue};
use super::correction::Named;
use super::cues;
use super::filters::{numeric_conditions, NumericCondition, ValueIndex};
use super::lexicon::{Entry, Lexicon};
use super::negation::{continues_negated_list, excluded_after, negated_at, negates};
use super::ranking::{self, Ranking};
use super::stopwords::{is_skippable, is_stopword};
use super::text::{tokenize, Token};
use super::time::{self, RangeSpec, TimeFinding, TimeKind};
use crate::catalog::Catalog;

/// What a mention is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Something to compute ("revenue", "how many orders").
    Measure,
    /// Something to group by ("by channel", "top 5 products").
    Group,
    /// What to sort by ("sorted by revenue").
    SortKey,
    /// The member a numeric condition applies to ("price over 500").
    NumericTarget,
}

/// Words of the question that name catalog members.
#[derive(Debug, Clone)]
pub struct Mention {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The words as typed.
    pub text: String,
    /// Every member the words may mean.
    pub candidates: Vec<Entry>,
    /// What the mention is for.
    pub role: Role,
    /// Names the dimension of an adjacent value ("Electronics category") and
    /// so only qualifies the filter.
    pub absorbed: bool,
}

impl Mention {
    /// Whether the mention is one verb that only implies a measure ("sold",
    /// "earned").
    pub fn is_measure_verb(&self, tokens: &[Token]) -> bool {
        self.end == self.start + 1
            && tokens
                .get(self.start)
                .is_some_and(|t| super::lexicon::is_measure_verb(&t.text))
    }

    /// The owner of the best-scored candidate, a cube before a view and the
    /// first on ties.
    pub fn best_owner(&self, catalog: &Catalog) -> Option<String> {
        let members = catalog.members();
        self.candidates
            .iter()
            .rev()
            .max_by_key(|e| (e.score, !members[e.member].in_view))
            .map(|e| members[e.member].owner.clone())
    }
}

/// A known value in the question ("Europe"), with every dimension that has it.
#[derive(Debug, Clone)]
pub struct ValueFilter {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// (member index, value) candidates.
    pub hits: Vec<(usize, String)>,
    /// "excluding web": a `notEquals` filter.
    pub negate: bool,
}

/// A numeric condition and what it applies to.
#[derive(Debug, Clone)]
pub struct NumericFilter {
    /// The condition.
    pub condition: NumericCondition,
    /// Index of the mention it applies to.
    pub target: Option<usize>,
    /// The mention is to its left ("orders over 100"), not to its right
    /// ("more than 100 orders").
    pub left: bool,
    /// Words like "total", "amount", "spent" say the number is money.
    pub money: bool,
}

/// Everything read from a question.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The question's tokens (spelling corrected).
    pub tokens: Vec<Token>,
    /// Time phrases.
    pub times: Vec<TimeFinding>,
    /// An explicit chart request.
    pub chart: Option<ChartCue>,
    /// Ranking and sorting words.
    pub ranking: Ranking,
    /// Member mentions, left to right.
    pub mentions: Vec<Mention>,
    /// Known values.
    pub values: Vec<ValueFilter>,
    /// Numeric conditions.
    pub numeric: Vec<NumericFilter>,
    /// Words asking for anomalies.
    pub anomaly: bool,
    /// Words asking to compare ("vs").
    pub compare: bool,
    /// "how many", "number of", "count".
    pub count_cue: bool,
    /// "list", "which", "all": plain rows are fine.
    pub list_cue: bool,
    /// A word asking for something the model cannot answer ("forecast").
    pub refusal: Option<String>,
    /// Words not understood.
    pub unmatched: Vec<String>,
    /// Words after "by"/"per" that name nothing: a grouping that cannot be done.
    pub dangling_group: Vec<String>,
    /// Conditions on the text of a name ("starting with Kingston").
    pub text_conditions: Vec<super::text_match::TextCondition>,
}

impl Analysis {
    /// The date ranges the question names, left to right.
    /// A range named twice ("Q1 (1 Jan–31 Mar)") is one range, restated.
    pub fn ranges(&self) -> Vec<&RangeSpec> {
        let mut out: Vec<&RangeSpec> = Vec::new();
        for f in &self.times {
            if let TimeKind::Range(r) = &f.kind {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }

    /// The last granularity the question names ("by week").
    pub fn granularity(&self) -> Option<&'static str> {
        self.times.iter().rev().find_map(|f| match f.kind {
            TimeKind::Granularity(g) => Some(g),
            _ => None,
        })
    }

    /// Whether the question asks for a series ("over time", "trend").
    pub fn wants_trend(&self) -> bool {
        self.times.iter().any(|f| f.kind == TimeKind::Trend)
    }
}

/// Reads questions against one catalog.
#[derive(Debug, Clone)]
pub struct Reader {
    lexicon: Lexicon,
    kinds: Vec<MemberKind>,
    values: ValueIndex,
    vocabulary: BTreeSet<String>,
}

impl Reader {
    /// Indexes a catalog's words and values.
    pub fn new(catalog: &Catalog) -> Reader {
        let lexicon = Lexicon::new(catalog);
        let values = ValueIndex::new(catalog);
        let vocabulary = super::spelling::known_words(lexicon.vocabulary(), values.vocabulary());
        Reader {
            lexicon,
            kinds: catalog.members().iter().map(|m| m.kind).collect(),
            values,
            vocabulary,
        }
    }

    /// The words and phrases of the catalog's members.
    pub(super) fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Corrects words within their typo budget to the closest known word
    /// (see [`super::spelling`]).
    fn correct(&self, tokens: &mut [Token]) {
        super::spelling::correct(
            tokens,
            &self.vocabulary,
            self.lexicon.vocabulary(),
            self.values.vocabulary(),
        );
    }

    /// The sentences of a letter that ask (see [`super::letter`]), with
    /// the model's own names read as their titles ([`super::identifiers`]).
    /// Hedges inside a sentence are cut ([`super::courtesy`]), and so are
    /// display phrases ([`super::display`]); spoken self-corrections are
    /// applied ([`super::correction`]), and a claim to check is read as the
    /// question deciding it ([`super::claims`]).
    pub fn request<'t>(&self, catalog: &Catalog, text: &'t str, today: NaiveDate) -> Cow<'t, str> {
        let named = super::identifiers::as_titles(catalog, text);
        let coded = super::dataframes::as_words(&named);
        let spec = super::pivot::as_question(&coded);
        let worded = super::formulas::as_words(&spec);
        let claim = super::claims::as_question(&worded);
        let counted = super::inclusions::without_inclusions(&claim);
        let hedged = super::courtesy::without_hedges(&counted);
        let told = super::instructions::without_instructions(&hedged);
        let plain = super::display::without_display_words(&told);
        let asked = super::letter::request(&plain, &|words| self.names_model(words), today);
        let fixed = super::correction::corrected(&asked, &|t| self.name_of(t, today));
        let split = super::split_values::without_listed_values(&fixed, &|t| self.name_of(t, today));
        let unchanged = [
            &named, &coded, &spec, &worded, &claim, &counted, &hedged, &told, &plain, &asked,
            &fixed, &split,
        ]
        .iter()
        .all(|c| matches!(c, Cow::Borrowed(_)));
        if unchanged {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(split.into_owned())
        }
    }

    /// What the first words of `text` name, and in how many words: a value,
    /// a member's phrase or a period; nothing when it opens with a stopword.
    fn name_of(&self, text: &str, today: NaiveDate) -> Option<(Named, usize)> {
        let mut tokens = tokenize(text);
        self.correct(&mut tokens);
        if is_stopword(&tokens.first()?.text) {
            return None;
        }
        if let Some(m) = self.values.match_at(&tokens, 0) {
            let members = m.hits.iter().map(|(member, _)| *member).collect();
            return Some((Named::Value(members), m.len));
        }
        let stems: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
        for len in (1..=self.lexicon.max_len().min(tokens.len())).rev() {
            let best = self
                .lexicon
                .lookup(&stems[..len])
                .and_then(|entries| entries.iter().max_by_key(|e| e.score));
            if let Some(e) = best {
                let named = match self.kinds.get(e.member) {
                    Some(MemberKind::Measure) => Named::Measure,
                    _ => Named::Dimension,
                };
                return Some((named, len));
            }
        }
        time::find(&tokens, today)
            .into_iter()
            .find(|f| f.start == 0)
            .map(|f| (Named::Period, f.end))
    }

    /// Whether some words hold a member's phrase or a whole value.
    fn names_model(&self, words: &[String]) -> bool {
        let tokens = tokenize(&words.join(" "));
        let stems: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
        (0..tokens.len()).any(|i| {
            let content = !is_stopword(&tokens[i].text);
            content
                && (self.values.match_at(&tokens, i).is_some()
                    || (1..=self.lexicon.max_len().min(tokens.len() - i))
                        .any(|len| self.lexicon.lookup(&stems[i..i + len]).is_some()))
        })
    }

    /// Reads a question.
    pub fn analyze(&self, catalog: &Catalog, question: &str, today: NaiveDate) -> Analysis {
        let mut tokens = tokenize(question);
        self.correct(&mut tokens);
        let n = tokens.len();
        let mut used = vec![false; n];
        let mut a = Analysis::default();
        let claim = |used: &mut Vec<bool>, start: usize, end: usize| {
            for u in used.iter_mut().take(end.min(n)).skip(start) {
                *u = true;
            }
        };

        if let Some(chart) = chart_cues::chart_request(&tokens) {
            claim(&mut used, chart.start, chart.end);
            a.chart = Some(chart);
        }
        let conditions = numeric_conditions(&tokens);
        for c in &conditions {
            claim(&mut used, c.start, c.end);
        }
        // "with 'Chair' in the name", "starting with Kingston": a fragment
        // that is no known value.
        a.text_conditions = super::text_match::find(&tokens)
            .into_iter()
            .filter(|c| self.values.match_at(&tokens, c.fragment_start).is_none())
            .filter(|c| !used[c.start..c.end].iter().any(|u| *u))
            .collect();
        for c in &a.text_conditions {
            claim(&mut used, c.start, c.end);
        }
        for mut f in time::find(&tokens, today) {
            // "Pie chart of 2020 sales": the chart took the "of" that
            // opens the period; the period is still there.
            let preposition = matches!(
                tokens[f.start].text.as_str(),
                "of" | "in" | "for" | "during" | "on"
            );
            if preposition && used[f.start] && f.end > f.start + 1 {
                f.start += 1;
            }
            if used[f.start..f.end].iter().any(|u| *u) {
                continue;
            }
            claim(&mut used, f.start, f.end);
            a.times.push(f);
        }
        // "all time", "for all the time": no range and no series.
        for i in 1..n {
            if tokens[i].text == "time" && tokens[i - 1].text == "all" {
                claim(&mut used, i - 1, i + 1);
            }
            if i >= 2
                && tokens[i].text == "time"
                && tokens[i - 1].text == "the"
                && tokens[i - 2].text == "all"
            {
                claim(&mut used, i - 2, i + 1);
            }
        }
        self.find_mentions(&tokens, &mut used, &mut a);
        super::figures::records_of_a_cube(catalog, &tokens, &mut used, &mut a);
        let in_mention: Vec<bool> = (0..n)
            .map(|i| a.mentions.iter().any(|m| (m.start..m.end).contains(&i)))
            .collect();
        // Ranking and cue words, outside member phrases ("Lowest List Price").
        let masked: Vec<Token> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                // A verb naming the measure ("best-selling") stays visible
                // so the ranked thing after it is found.
                let verb = in_mention[i] && ranking::is_ranking_verb(&t.text);
                if (used[i] || in_mention[i]) && !verb {
                    Token::new("")
                } else {
                    t.clone()
                }
            })
            .collect();
        let ranking = ranking::ranking(&masked);
        for &i in &ranking.used {
            used[i] = true;
        }
        a.ranking = ranking;
        for (i, t) in masked.iter().enumerate() {
            let w = t.text.as_str();
            let next = masked.get(i + 1).map(|t| t.text.as_str()).unwrap_or("");
            if w.is_empty() {
                continue;
            }
            if cues::is_anomaly_word(w) {
                a.anomaly = true;
                used[i] = true;
            } else if super::compare_words::is_compare_word(w) {
                a.compare = true;
                used[i] = true;
            } else if cues::is_refusal_word(w) {
                a.refusal = Some(t.orig.clone());
                used[i] = true;
            } else if (w == "how" && next == "many")
                || (w == "number" && next == "of")
                || w == "count"
            {
                a.count_cue = true;
            } else if matches!(
                w,
                "popular"
                    | "common"
                    | "frequent"
                    | "frequently"
                    | "often"
                    | "used"
                    | "busiest"
                    | "quietest"
            ) {
                // "most popular payment method": popularity is a count;
                // "the busiest week" the most orders.
                a.count_cue = true;
                used[i] = true;
            } else if cues::is_list_word(w) {
                a.list_cue = true;
            }
        }
        a.tokens = tokens;
        super::roles::assign_roles(catalog, &mut a, &conditions);
        super::qualified_nouns::absorb_role_noun(catalog, &mut a);
        super::qualified_nouns::absorb_flagged_nouns(catalog, &mut a);
        super::qualified_nouns::absorb_valued_nouns(catalog, &mut a);
        self.split_value_nouns(catalog, &mut a);
        super::figures::absorb_measure_verbs(catalog, &mut a);
        super::figures::absorb_unjoined_counts(catalog, &mut a);
        // A count absorbed just now ("orders placed by business customers")
        // still brings its value.
        self.split_value_nouns(catalog, &mut a);

        for (i, t) in a.tokens.iter().enumerate() {
            if used[i]
                || a.mentions.iter().any(|m| (m.start..m.end).contains(&i))
                || is_stopword(&t.text)
                || is_skippable(&t.text)
                || cues::is_group_marker(&t.text)
                || cues::is_negation(&t.text)
                || t.number().is_some()
                || t.text.chars().count() < 2
            {
                continue;
            }
            a.unmatched.push(t.orig.clone());
            let prev = (0..i)
                .rev()
                .find(|&k| !is_skippable(&a.tokens[k].text))
                .map(|k| a.tokens[k].text.as_str());
            if prev.is_some_and(cues::is_group_marker) {
                a.dangling_group.push(t.orig.clone());
            }
        }
        a
    }

    /// A follow-up that narrows ("only business customers", "just premium
    /// products"): its count nouns say what the filter applies to, not a new
    /// figure, so they are absorbed and their values become filters.
    pub(crate) fn qualify_count_nouns(&self, catalog: &Catalog, a: &mut Analysis) {
        for m in a.mentions.iter_mut() {
            if m.role == Role::Measure && super::roles::is_count_noun(catalog, m) {
                m.absorbed = true;
            }
        }
        self.split_value_nouns(catalog, a);
    }

    /// "revenue from business customers": a count phrase that starts with a
    /// known value ("business"), next to another measure, is a filter on the
    /// value plus the noun it qualifies.
    fn split_value_nouns(&self, catalog: &Catalog, a: &mut Analysis) {
        let is_measure = |e: &Entry| catalog.members()[e.member].kind == MemberKind::Measure;
        let best_measure_is_count = |m: &Mention| super::roles::is_count_noun(catalog, m);
        for j in 0..a.mentions.len() {
            let m = &a.mentions[j];
            // An absorbed count phrase ("from a business customer") still
            // brings its value. "payments by B2B customers": a count cannot
            // be grouped by, so after "by" it too says whose figure it is.
            let grouped_count = m.role == Role::Group
                && !m
                    .candidates
                    .iter()
                    .any(|e| catalog.members()[e.member].kind == MemberKind::Dimension);
            if !(m.role == Role::Measure || grouped_count) || !best_measure_is_count(m) {
                continue;
            }
            let absorbed = m.absorbed;
            // "what share of orders placed by business customers get
            // cancelled": the figure is a rate, read later.
            let rate_asked = a
                .tokens
                .iter()
                .any(|t| super::rates::is_share_word(&t.text));
            let other = rate_asked
                || a.mentions.iter().enumerate().any(|(k, o)| {
                    k != j
                        && o.role == Role::Measure
                        && o.candidates.iter().any(is_measure)
                        && !best_measure_is_count(o)
                });
            let Some(v) = self.values.match_at(&a.tokens, m.start) else {
                continue;
            };
            if !(other || absorbed) || v.len >= m.end - m.start {
                continue;
            }
            // "excluding returned and cancelled orders": the count noun's
            // value is in the negated list too.
            let negate = (m.start > 0 && negates(&a.tokens, m.start - 1))
                || a.values.iter().any(|prev| {
                    prev.negate && continues_negated_list(&a.tokens, prev.end, m.start)
                });
            a.values.push(ValueFilter {
                start: m.start,
                end: m.start + v.len,
                hits: v.hits,
                negate,
            });
            a.mentions[j].absorbed = true;
            if grouped_count {
                a.mentions[j].role = Role::Measure;
            }
        }
    }

    /// Greedy longest matches of values and member phrases over the tokens
    /// nothing else claimed.
    fn find_mentions(&self, tokens: &[Token], used: &mut [bool], a: &mut Analysis) {
        let n = tokens.len();
        let mut i = 0;
        while i < n {
            if used[i] || is_skippable(&tokens[i].text) {
                i += 1;
                continue;
            }
            // Positions of the next content tokens, stopping at claimed ones.
            let mut positions = Vec::new();
            let mut k = i;
            while k < n && positions.len() < self.lexicon.max_len().max(1) {
                if used[k] {
                    break;
                }
                if !is_skippable(&tokens[k].text) {
                    positions.push(k);
                }
                // "exclude returned, count orders": no phrase past a comma.
                if tokens[k].clause_end {
                    break;
                }
                k += 1;
            }
            let mut best: Option<(usize, Vec<Entry>)> = None;
            for len in (1..=positions.len()).rev() {
                let stems: Vec<String> = positions[..len]
                    .iter()
                    .map(|&p| tokens[p].stem.clone())
                    .collect();
                if let Some(entries) = self.lexicon.lookup(&stems) {
                    best = Some((len, entries.to_vec()));
                    break;
                }
            }
            // "did we book", "they stock", "the discount we're running": a
            // lower-case word right after a subject pronoun, or an -ing word
            // after "are" or "were", is the verb, not a value ("Books",
            // "Running").
            let lower = tokens[i]
                .orig
                .chars()
                .next()
                .is_some_and(char::is_lowercase);
            let after = |words: &[&str]| i > 0 && words.contains(&tokens[i - 1].text.as_str());
            let verb = lower
                && (after(&["we", "they", "you", "i"])
                    || (tokens[i].text.ends_with("ing")
                        && after(&["are", "were", "is", "was", "been", "be", "im"])));
            let value = self.values.match_at(tokens, i).filter(|_| !verb);
            let lex_len = best
                .as_ref()
                .map(|(l, _)| positions[l - 1] + 1 - i)
                .unwrap_or(0);
            let lex_strength = best
                .as_ref()
                .map(|(_, e)| {
                    e.iter()
                        .filter(|e| self.kinds[e.member] != MemberKind::Segment)
                        .map(|e| e.score)
                        .max()
                        .unwrap_or(0)
                })
                .unwrap_or(0);
            let only_segments = best.as_ref().is_some_and(|(_, e)| {
                e.iter()
                    .all(|e| self.kinds[e.member] == MemberKind::Segment)
            });
            let value_wins = match &value {
                Some(v) => {
                    v.len > lex_len || (v.len == lex_len && lex_strength < 90) || only_segments
                }
                None => false,
            };
            if let (true, Some(v)) = (value_wins, value) {
                // "excluding web", "orders not paid by gift card": the
                // negation may stand a connecting verb or preposition away.
                let excluded = excluded_after(tokens, i + v.len);
                let negate = negated_at(tokens, i) || excluded > 0;
                // "excluding cancelled and returned": the negation reaches
                // every value of the list.
                let listed_after_negated = a
                    .values
                    .last()
                    .is_some_and(|prev| prev.negate && continues_negated_list(tokens, prev.end, i));
                let negate = negate || listed_after_negated;
                a.values.push(ValueFilter {
                    start: i,
                    end: i + v.len,
                    hits: v.hits,
                    negate,
                });
                for u in used.iter_mut().skip(i).take(v.len + excluded) {
                    *u = true;
                }
                i += v.len;
                continue;
            }
            if let Some((_, entries)) = best {
                let end = i + lex_len;
                let corrected = tokens[i..end].iter().any(|t| t.corrected);
                let candidates = entries
                    .into_iter()
                    .map(|e| Entry {
                        score: if corrected {
                            e.score.saturating_sub(5)
                        } else {
                            e.score
                        },
                        ..e
                    })
                    .collect();
                a.mentions.push(Mention {
                    start: i,
                    end,
                    text: tokens[i..end]
                        .iter()
                        .map(|t| t.orig.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    candidates,
                    role: Role::Measure,
                    absorbed: false,
                });
                for u in used.iter_mut().skip(i).take(lex_len) {
                    *u = true;
                }
                i = end;
                continue;
            }
            i += 1;
        }
    }
}
