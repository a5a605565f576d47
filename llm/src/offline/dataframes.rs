//! Dataframe code inside a question: "df where city == 'Columbus', groupby
//! category, sum sales", "nlargest 5 products by total profit",
//! "resample('M') on orderDate", "nunique of customerId per city", and the
//! SQL an analyst half-writes ("group by city", "like 'Google%'"). Each
//! operation says what a question would ("groupby" is "by", "nlargest 5" is
//! "top 5"), so the code is read as those words before the question is.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// Operations and the words they stand for, in the order they are applied
/// (longer forms first). `$1` is the operation's number where it has one.
const OPERATIONS: &[(&str, &str)] = &[
    (r"\bis\s+the\s+idxmax\s+of\b", " has the highest "),
    (r"\bis\s+the\s+idxmin\s+of\b", " has the lowest "),
    // "max(completedDate)", "min(orderDate)": SQL's extremes of a date
    // column are its latest and earliest day.
    (
        r"\bmax\s*\(\s*(\w*(?:[dD]ate|_at|[tT]ime))\s*\)",
        " latest $1 ",
    ),
    (
        r"\bmin\s*\(\s*(\w*(?:[dD]ate|_at|[tT]ime))\s*\)",
        " earliest $1 ",
    ),
    (r"\bdf\s*\[\s*df\s*\.", " where "),
    (r"\blen\s*\(", " count of rows "),
    (r"\bdf\s*\.", " "),
    (r"\bdf\b", " "),
    (r"\.?\bgroupby\s*\(?\s*\[?", " by "),
    (r"\.?\bnlargest\s*\(?\s*(\d+)\s*\)?", " top $1 "),
    (r"\.?\bnsmallest\s*\(?\s*(\d+)\s*\)?", " bottom $1 "),
    (r"\.?\bhead\s*\(\s*(\d+)\s*\)", " top $1 "),
    (
        r"\.?\bvalue_counts\b(\s*\(\s*\))?(\s+of\b)?",
        " count of rows by ",
    ),
    (r"\.?\bnunique\b(\s*\(\s*\))?(\s+of\b)?", " count distinct "),
    (r"\.?\bidxmax\b(\s*\(\s*\))?(\s+of\b)?", " highest "),
    (r"\.?\bidxmin\b(\s*\(\s*\))?(\s+of\b)?", " lowest "),
    (r"\.?\bresample\s*\(\s*'M'\s*\)(\s+on\b)?", " by month of "),
    (r"\.?\bresample\s*\(\s*'W'\s*\)(\s+on\b)?", " by week of "),
    (r"\.?\bresample\s*\(\s*'D'\s*\)(\s+on\b)?", " by day of "),
    (
        r"\.?\bresample\s*\(\s*'Q'\s*\)(\s+on\b)?",
        " by quarter of ",
    ),
    (
        r"\.?\bresample\s*\(\s*'[YA]'\s*\)(\s+on\b)?",
        " by year of ",
    ),
    (r"\.?\bisin\s*\(\s*\[?", " in "),
    (r"\.?\bstr\s*\.\s*contains\s*\(", " contains "),
    (r"\.?\bstr\s*\.\s*startswith\s*\(", " starts with "),
    (r"\.\s*size\s*\(\s*\)", " count "),
    (r"\.\s*sum\s*\(\s*\)", " total "),
    (r"\.\s*mean\s*\(\s*\)", " average "),
    (r"\.\s*count\s*\(\s*\)", " count "),
    (r"\.\s*unique\s*\(\s*\)", " values "),
    (r"\.?\bsort_values\s*\(", " sorted by "),
    (r"\bascending\s*=\s*False\b", " descending "),
    (r"\bascending\s*=\s*True\b", " ascending "),
    (r"\.?\bquery\s*\(", " where "),
    (r"\bpivot_table\s+index\s*=", " pivot: rows = "),
    (r"\bpivot_table\b", " pivot "),
    (r"\baggfunc\s*=\s*sum\b", " total "),
    (r"\baggfunc\s*=\s*mean\b", " average "),
    (r"\bindex\s*=", ", rows = "),
    // SQL written half-way: "sum(profit) group by city", "where orderDate
    // >= '2020-10-01'", "productName like 'Google Nexus%'".
    (r"\bage\s+group\s+by\b", " age group per "),
    (r"\bgroup\s+by\b", " by "),
    (r"\border\s+by\b", " sorted by "),
    (
        r"\b\w*(?:[dD]ate|_at)\s*>=\s*'?(\d{4}-\d{2}-\d{2})'?",
        " since $1 ",
    ),
    (
        r"\b\w*(?:[dD]ate|_at)\s*<=\s*'?(\d{4}-\d{2}-\d{2})'?",
        " until $1 ",
    ),
    (r"\bsum\s*\(\s*(\w+)\s*\)", " total $1 "),
    (r"\bavg\s*\(\s*(\w+)\s*\)", " average $1 "),
    (r"\bcount\s*\(\s*\*\s*\)", " count "),
    (r"\blike\s+'%([^'%]+)%'", " contains '$1' "),
    (r"\blike\s+'([^'%]+)%'", " starts with '$1' "),
];

/// Words that mark dataframe code; a text without one is left alone.
static MARKER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    RegexBuilder::new(
        r"\b(df|groupby|nlargest|nsmallest|value_counts|nunique|idxmax|idxmin|resample|isin|sort_values|pivot_table|aggfunc)\b|\.(sum|mean|size|head|unique|count)\s*\(|str\s*\.\s*(contains|startswith)|\b(max|min)\s*\(|\b(sum|avg|count)\s*\(|(>=|<=)\s*'?\d{4}-|\blike\s+'[^']*%'",
    )
    .case_insensitive(true)
    .build()
    .ok()
});

/// The operations compiled once.
static COMPILED: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    OPERATIONS
        .iter()
        .filter_map(|(pattern, words)| {
            RegexBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .ok()
                .map(|r| (r, *words))
        })
        .collect()
});

/// `text` with its dataframe operations read as words; `text` itself when
/// it has none.
pub(super) fn as_words(text: &str) -> Cow<'_, str> {
    if !MARKER.as_ref().is_some_and(|m| m.is_match(text)) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for (pattern, words) in COMPILED.iter() {
        if pattern.is_match(&out) {
            out = pattern.replace_all(&out, *words).into_owned();
        }
    }
    Cow::Owned(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::{as_words, COMPILED, OPERATIONS};

    #[test]
    fn every_operation_compiles() {
        assert_eq!(COMPILED.len(), OPERATIONS.len());
    }

    #[test]
    fn operations_read_as_the_words_of_a_question() {
        let cases = [
            (
                "df where city == 'Columbus', groupby category, sum sales",
                "where city == 'Columbus', by category, sum sales",
            ),
            (
                "nlargest 5 products by total profit",
                "top 5 products by total profit",
            ),
            (
                "resample('M') on orderDate and sum the sales",
                "by month of orderDate and sum the sales",
            ),
            (
                "nunique of customerId per city",
                "count distinct customerId per city",
            ),
            (
                "max(completedDate) where category is Technology",
                "latest completedDate where category is Technology",
            ),
            (
                "min( created_at ) of orders",
                "earliest created_at of orders",
            ),
            // Not a date: left as written.
            ("max(profit) by city", "max(profit) by city"),
            (
                "sum(profit) group by city order by sum(profit) desc",
                "total profit by city sorted by total profit desc",
            ),
            (
                "sum(profit) group by month where orderDate >= '2020-10-01'",
                "total profit by month where since 2020-10-01",
            ),
            (
                "sum(sales) by productName where productName like 'Google Nexus%'",
                "total sales by productName where productName starts with 'Google Nexus'",
            ),
            (
                "count(*) by age group by city",
                "count by age group per city",
            ),
        ];
        for (code, words) in cases {
            assert_eq!(as_words(code), words, "{code}");
        }
    }

    #[test]
    fn plain_questions_are_left_alone() {
        for q in [
            "revenue by month",
            "the head of sales",
            "sum of sales by city",
            "revenue by age group by country",
            "orders like these",
        ] {
            assert_eq!(as_words(q), q);
        }
    }
}
