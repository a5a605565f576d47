//! Words that shape the query rather than name members: grouping markers
//! ("by", "per"), analysis kinds ("unusual", "vs"), negations, lists and
//! requests the model cannot answer ("forecast"); ranking words are
//! [`super::ranking`]'s.

/// Words after which a member is grouped by: "by", "per", "each", "across".
pub fn is_group_marker(word: &str) -> bool {
    matches!(word, "by" | "per" | "each" | "across" | "every")
}

/// Words asking for unusual points in a series.
pub fn is_anomaly_word(word: &str) -> bool {
    matches!(
        word,
        "anomaly"
            | "anomalies"
            | "anomalous"
            | "unusual"
            | "outlier"
            | "outliers"
            | "spike"
            | "spikes"
            | "dip"
            | "dips"
            | "abnormal"
            | "strange"
            | "weird"
            | "unexpected"
            | "irregular"
            | "irregularities"
            | "odd"
            | "pattern"
            | "patterns"
    )
}

/// Words that make a value a negative filter ("excluding web").
pub fn is_negation(word: &str) -> bool {
    matches!(
        word,
        "excluding"
            | "exclude"
            | "besides"
            | "outside"
            | "ignoring"
            | "ignore"
            | "except"
            | "not"
            | "without"
            | "excl"
            | "but"
            | "other"
            | "wasnt"
            | "werent"
            | "isnt"
            | "arent"
            | "didnt"
            | "dont"
            | "doesnt"
            | "hasnt"
            | "havent"
    )
}

/// Requests outside what a data model can answer (forecasts).
pub fn is_refusal_word(word: &str) -> bool {
    matches!(
        word,
        "forecast"
            | "forecasts"
            | "forecasting"
            | "predict"
            | "predicted"
            | "prediction"
            | "predictions"
            | "projection"
            | "projections"
            | "projected"
    )
}

/// Words that ask for a plain list rather than numbers.
pub fn is_list_word(word: &str) -> bool {
    matches!(word, "list" | "which" | "names" | "all" | "every")
}

/// Words of the parser's own vocabulary (never spelling-corrected into
/// member names, and valid targets for corrections).
pub const KEYWORDS: &[&str] = &[
    // "back to revenue", never corrected into "bank".
    "back",
    // Comparing verbs, never corrected into "best" (or "worse" into
    // "worst": "really worse than the web shop's" compares, not ranks).
    "worse",
    "better",
    "beat",
    "beats",
    "busier",
    "ahead",
    // Never corrected into "last"; "lose the split" is no loss.
    "lost",
    "lose",
    "today",
    "yesterday",
    "tomorrow",
    "week",
    "weeks",
    "month",
    "months",
    "quarter",
    "quarters",
    "year",
    "years",
    "day",
    "days",
    "hour",
    "hours",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "yearly",
    "annually",
    "since",
    "between",
    "last",
    "past",
    "previous",
    "this",
    "current",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "top",
    "bottom",
    "best",
    "worst",
    "highest",
    "lowest",
    "largest",
    "smallest",
    "sorted",
    "ascending",
    "descending",
    "chart",
    "graph",
    "bar",
    "line",
    "pie",
    "area",
    "scatter",
    "heatmap",
    "table",
    "anomaly",
    "anomalies",
    "unusual",
    "outliers",
    "trend",
    "trends",
    "growth",
    "compare",
    "compared",
    "versus",
    "excluding",
    "except",
    "average",
    "total",
    "number",
    "count",
    "revenue",
    "sales",
    "orders",
    "customers",
    "over",
    "above",
    "below",
    "under",
    "greater",
    "fewer",
    "least",
    "most",
    "forecast",
    "predict",
    "weekend",
    "used",
    "uses",
    "popular",
    "common",
    "frequent",
    "often",
    "heavily",
    "earliest",
    "latest",
    "recent",
    "recently",
    "first",
    "priciest",
    "cheapest",
    "expensive",
    "breakdown",
    "split",
    "grouped",
    "across",
    "grow",
    "grown",
    "growing",
    "trending",
    "evolution",
    "evolve",
    "evolved",
    "history",
    "historical",
    "timeline",
    "trajectory",
    "hourly",
    "nightly",
    "annual",
    "until",
    "through",
    "since",
    "spike",
    "spikes",
    "dips",
    "pattern",
    "patterns",
    "weird",
    "strange",
    "abnormal",
    "unexpected",
    "irregular",
    "outlier",
    "anomalous",
    "exclude",
    "without",
    "donut",
    "doughnut",
    "column",
    "columns",
    "histogram",
    "gauge",
    "visual",
    "diagram",
    "ranked",
    "ordered",
    "sorted",
    "increasing",
    "decreasing",
    "fewest",
    "biggest",
    "greatest",
    "minimum",
    "maximum",
    "exceeding",
    "exceeds",
    "beyond",
    "beneath",
    "exactly",
    "equal",
    "less",
    "more",
    "higher",
    "lower",
    "bigger",
    "smaller",
    "larger",
    "ascending",
    "limit",
    "first",
    "leading",
    "previous",
    "prior",
    "preceding",
    "current",
    "today",
    "dollars",
    "euros",
    "versus",
    "comparing",
    "comparison",
    "against",
    "series",
    "time",
    "date",
    "dates",
    "period",
    "instead",
    "also",
    "only",
    "just",
    "remove",
    "drop",
    "clear",
    "filter",
    "filters",
];
