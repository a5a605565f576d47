//! Chart requests: "as a bar chart", "pie chart of", "line graph", "as a
//! table", "just the number", "stacked bar of", "revenue by category, pie".

use super::text::Token;
use crate::intent::ChartType;

/// An explicit chart request, tokens `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartCue {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The chart asked for.
    pub chart: ChartType,
}

fn chart_word(w: &str) -> Option<ChartType> {
    match w {
        "bar" | "bars" | "column" | "columns" | "histogram" => Some(ChartType::Bar),
        "line" | "lines" => Some(ChartType::Line),
        "pie" | "donut" | "doughnut" => Some(ChartType::Pie),
        "area" => Some(ChartType::Area),
        "scatter" => Some(ChartType::Scatter),
        "heatmap" => Some(ChartType::Heatmap),
        "gauge" => Some(ChartType::Gauge),
        _ => None,
    }
}

/// A turn that only asks for a chart: "make that a line", "line please",
/// "bars, not a line", "as bars", "pie pls". Every word is chart talk, so
/// "line" and "bar" name charts here, not line items or bars.
fn chart_talk_only(t: &[&str]) -> Option<ChartCue> {
    let filler = |w: &str| {
        matches!(
            w,
            "make"
                | "that"
                | "it"
                | "this"
                | "a"
                | "an"
                | "as"
                | "into"
                | "please"
                | "pls"
                | "plz"
                | "instead"
                | "thanks"
                | "then"
                | "now"
                | "chart"
                | "graph"
                | "not"
                | "rather"
                | "than"
                | "ok"
                | "okay"
                | "turn"
                | "show"
                | "switch"
                | "to"
                | "use"
                | "in"
                | "draw"
                | "with"
        )
    };
    if t.is_empty() || !t.iter().all(|w| filler(w) || chart_word(w).is_some()) {
        return None;
    }
    // "bars, not a line": the chart named before "not".
    let upto = t.iter().position(|w| *w == "not").unwrap_or(t.len());
    let (i, chart) = t[..upto]
        .iter()
        .enumerate()
        .find_map(|(i, w)| chart_word(w).map(|c| (i, c)))?;
    Some(ChartCue {
        start: 0,
        end: t.len().max(i + 1),
        chart,
    })
}

/// Finds "as a bar chart", "pie chart of", "line graph", "as a table",
/// "in a table", "heat map", "as a number".
pub fn chart_request(tokens: &[Token]) -> Option<ChartCue> {
    let t: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    if let Some(cue) = chart_talk_only(&t) {
        return Some(cue);
    }
    for i in 0..t.len() {
        let w1 = t.get(i + 1).copied().unwrap_or("");
        let noun = |w: &str| matches!(w, "chart" | "graph" | "plot" | "diagram" | "visual");
        // Leading "as a" / "in a" / "on a" belongs to the request.
        let lead = |start: usize| {
            let mut s = start;
            if s > 0 && matches!(t[s - 1], "a" | "an") {
                s -= 1;
            }
            if s > 0 && matches!(t[s - 1], "as" | "in" | "on" | "with" | "using") {
                s -= 1;
            }
            s
        };
        let trailing_of = |end: usize| end + usize::from(t.get(end) == Some(&"of"));
        if let Some(chart) = chart_word(t[i]) {
            if noun(w1) {
                let start = lead(i);
                return Some(ChartCue {
                    start,
                    end: trailing_of(i + 2),
                    chart,
                });
            }
            // "scatter of AOV vs cancel rate", "pie of revenue by channel",
            // "make me a pie with the orders per channel".
            let leading = t[..i]
                .iter()
                .all(|w| matches!(*w, "a" | "an" | "the" | "show" | "give" | "me" | "make"));
            if leading && matches!(w1, "of" | "with") {
                return Some(ChartCue {
                    start: 0,
                    end: i + 2,
                    chart,
                });
            }
            // "pie: revenue by channel", a spec's first word ("line" and
            // "bar" open other things: "line items").
            if i == 0 && !matches!(chart, ChartType::Line | ChartType::Bar) {
                return Some(ChartCue {
                    start: 0,
                    end: 1,
                    chart,
                });
            }
            // "profit by category, pie": a chart word closing the question.
            let last = i + 1 == t.len() && i >= 2;
            if last && !matches!(chart, ChartType::Line) {
                return Some(ChartCue {
                    start: i,
                    end: i + 1,
                    chart,
                });
            }
            // "stacked bar of revenue per region", "horizontal bars:",
            // "side-by-side columns".
            let stacked = i > 0
                && matches!(
                    t[i - 1],
                    "stacked" | "horizontal" | "vertical" | "clustered" | "grouped" | "side"
                );
            if stacked && matches!(chart, ChartType::Bar | ChartType::Area) {
                return Some(ChartCue {
                    start: lead(i - 1),
                    end: trailing_of(i + 1),
                    chart,
                });
            }
            // "in bars please", "the sales of every month as line": a
            // chart word right after "as" or "in" that closes the request,
            // or bars and columns anywhere after them.
            let closing = t[i + 1..]
                .iter()
                .all(|w| matches!(*w, "please" | "pls" | "plz" | "thanks"));
            if i > 0
                && matches!(t[i - 1], "as" | "in")
                && (closing || matches!(t[i], "bars" | "columns"))
            {
                return Some(ChartCue {
                    start: i - 1,
                    end: i + 1,
                    chart,
                });
            }
            let standalone = matches!(chart, ChartType::Heatmap | ChartType::Gauge)
                || (i > 0 && matches!(t[i - 1], "a" | "an"));
            if standalone && i > 0 && matches!(t[lead(i)], "as" | "in" | "on" | "with" | "using") {
                return Some(ChartCue {
                    start: lead(i),
                    end: trailing_of(i + 1),
                    chart,
                });
            }
        }
        if t[i] == "heat" && w1 == "map" {
            return Some(ChartCue {
                start: lead(i),
                end: trailing_of(i + 2),
                chart: ChartType::Heatmap,
            });
        }
        // "as a table", "as a big number".
        let sized = i >= 3
            && matches!(
                t[i - 1],
                "big" | "single" | "plain" | "simple" | "large" | "one"
            )
            && matches!(t[i - 2], "a" | "an")
            && matches!(t[i - 3], "as" | "in");
        if matches!(t[i], "table" | "number" | "kpi")
            && (sized
                || (i >= 2 && matches!(t[i - 1], "a" | "an") && matches!(t[i - 2], "as" | "in")))
        {
            let start = if sized { i - 3 } else { i - 2 };
            let chart = if t[i] == "table" {
                ChartType::Table
            } else {
                ChartType::Number
            };
            return Some(ChartCue {
                start,
                end: i + 1,
                chart,
            });
        }
        // "table of order counts by status", "a table with revenue by
        // month": a table asked for at the start of the question.
        if t[i] == "table"
            && matches!(w1, "of" | "with" | "showing")
            && t[..i]
                .iter()
                .all(|w| matches!(*w, "a" | "an" | "the" | "show" | "give" | "me"))
        {
            return Some(ChartCue {
                start: i,
                end: i + 2,
                chart: ChartType::Table,
            });
        }
        // "just give me the number: total customers", "just the number".
        if t[i] == "number"
            && i >= 1
            && matches!(t[i - 1], "the" | "a" | "one" | "single")
            && t[..i].contains(&"just")
            && !matches!(w1, "of")
        {
            let start = t[..i].iter().rposition(|w| *w == "just").unwrap_or(i);
            return Some(ChartCue {
                start,
                end: i + 1,
                chart: ChartType::Number,
            });
        }
        if t[i] == "time" && w1 == "series" && t.get(i + 2).is_some_and(|w| noun(w)) {
            return Some(ChartCue {
                start: lead(i),
                end: i + 3,
                chart: ChartType::Line,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::text::tokenize;

    #[test]
    fn chart_requests() {
        let c = chart_request(&tokenize("revenue by channel as a bar chart")).expect("bar");
        assert_eq!((c.chart, c.start, c.end), (ChartType::Bar, 3, 7));
        let c = chart_request(&tokenize("pie chart of orders by status")).expect("pie");
        assert_eq!((c.chart, c.start, c.end), (ChartType::Pie, 0, 3));
        assert_eq!(
            chart_request(&tokenize("show it as a table")).map(|c| c.chart),
            Some(ChartType::Table)
        );
        assert!(chart_request(&tokenize("number of orders by product line")).is_none());
        // A bare chart word after "as" or "in".
        let c = chart_request(&tokenize(
            "revenue for every country since march, in bars please",
        ))
        .expect("bars");
        assert_eq!(c.chart, ChartType::Bar);
        let c = chart_request(&tokenize("the sales of every month of 2020 as line")).expect("line");
        assert_eq!(c.chart, ChartType::Line);
        assert!(chart_request(&tokenize("units in line items as of May")).is_none());
    }
}
