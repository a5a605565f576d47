//! Unit tests of `letter`: the request kept from a question sent as a
//! letter.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 15).unwrap_or_default()
}

fn knows(words: &[String]) -> bool {
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "revenue" | "orders" | "channel" | "brands" | "germany"
        )
    })
}

fn asked(text: &str) -> String {
    request(text, &knows, today()).into_owned()
}

#[test]
fn a_question_that_is_no_letter_is_kept_whole() {
    for q in [
        "revenue by channel",
        "best brands by revenue",
        "revenue in the U.S. market by channel",
        "Revenue by channel. Which one grew the most?",
        "Revenue by channel. Last month.",
        // One sentence is the request, whatever it opens with.
        "I am looking for revenue by channel",
        "Hope revenue grew",
    ] {
        assert_eq!(asked(q), q);
    }
    // The sentences naming the model are never all dropped.
    assert_eq!(
        asked("Thanks for the dashboard. I just need revenue by channel."),
        "I just need revenue by channel."
    );
}

#[test]
fn greetings_closings_and_courtesies_go() {
    assert_eq!(
        asked("hey what's revenue by channel"),
        "what's revenue by channel"
    );
    assert_eq!(
        asked("Hi Sam, revenue by channel please. Thanks, Maria"),
        "revenue by channel please."
    );
    assert_eq!(
        asked("Hello team, I just joined the channel team. Revenue by channel? Best, Mo"),
        "Revenue by channel?"
    );
    assert_eq!(
        asked("Hope your week is going OK. Orders in Germany? Cheers!"),
        "Orders in Germany?"
    );
    // A heading that may name the subject stays, to be placed or
    // reported; one that only announces the ask goes.
    assert_eq!(
        asked("Portugal: revenue up or down in Q2 vs Q1?"),
        "Portugal: revenue up or down in Q2 vs Q1?"
    );
    assert_eq!(
        asked("Quick question: revenue by channel?"),
        "revenue by channel?"
    );
    // "Best" followed by words is a question, not a closing.
    assert_eq!(
        asked("Revenue by channel. Best brands by revenue"),
        "Revenue by channel. Best brands by revenue"
    );
}

#[test]
fn an_occasion_goes_unless_it_names_the_model() {
    assert_eq!(
        asked("For Friday's board pack I need revenue by channel"),
        "I need revenue by channel"
    );
    assert_eq!(
        asked("revenue by channel for the board meeting"),
        "revenue by channel"
    );
    // The occasion names a value: kept, and reported by the reader.
    assert_eq!(
        asked("For the Germany review I need revenue by channel"),
        "For the Germany review I need revenue by channel"
    );
    // The period an occasion reports on stays; its own day does not.
    assert_eq!(
        asked("For the November 2020 monthly report I need total sales"),
        "november 2020 I need total sales"
    );
    assert_eq!(
        asked("For tomorrow's board pack I need revenue by channel"),
        "I need revenue by channel"
    );
}
