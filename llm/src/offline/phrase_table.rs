//! The phrases [`super::phrases`] replaces word for word, as data: each
//! pattern with the words it becomes.

/// Phrases replaced word for word (patterns as [`super::chunks::words_match`] reads them,
/// over lowercase words): comparisons, exclusions and chat shorthand in the
/// words people type.
pub(super) const REPLACED: &[(&str, &[&str])] = &[
    // "Germany, France and Spain side by side", "all three channels next
    // to each other": each value its own row.
    ("side by side", &["vs"]),
    // A non-native speaker's false friends and literal words: "the
    // billing of last month", "the benefit per category", "how many
    // commands", "the returns quota", "rabatt", "marge", "payed", a
    // "trimester" and a "semester", "the actual month", "since begin of
    // the year", "the week passed".
    ("billing|billings", &["revenue"]),
    ("clients", &["customers"]),
    ("client", &["customer"]),
    ("benefit|benefits", &["profit"]),
    ("commands", &["orders"]),
    ("quota", &["rate"]),
    ("rabatt|rabatts", &["discount"]),
    ("marge", &["margin"]),
    ("payed", &["paid"]),
    ("trimester", &["quarter"]),
    ("semester", &["half"]),
    ("the? actual day", &["today"]),
    ("the? actual week", &["this", "week"]),
    ("the? actual month", &["this", "month"]),
    ("the? actual quarter", &["this", "quarter"]),
    ("the? actual year", &["this", "year"]),
    ("since begin|beginning of", &["since", "the", "start", "of"]),
    ("since the? start|begin|beginning of last year", &["since", "last", "year"]),
    ("the week passed", &["last", "week"]),
    ("the month passed", &["last", "month"]),
    ("each one separate|separated|separately", &["separately"]),
    // "the private clients" beside the business ones: consumers.
    ("private|individual clients|customers|buyers", &["consumer", "customers"]),
    // "the thinnest margin": the lowest.
    ("thinnest|slimmest", &["lowest"]),
    // "the May of the last year": of last year ("in the last year" is
    // the last twelve months).
    ("of the last year", &["of", "last", "year"]),
    // "sorted after revenue", "the biggest in first": sorted by, first.
    ("sorted|ordered|ranked after", &["sorted", "by"]),
    ("in first", &["first"]),
    // "make me a pie with …", "make me the list": show, not "makes me"
    // (money earned).
    ("make me a", &["a"]),
    ("make me an", &["an"]),
    ("make me the", &["the"]),
    // "the average discount in place of the amount".
    ("in place of", &["instead", "of"]),
    // "the revenue of this year month for month": monthly.
    ("day for day", &["by", "day"]),
    ("week for week", &["by", "week"]),
    ("month for month", &["by", "month"]),
    ("quarter for quarter", &["by", "quarter"]),
    // "Exclude cancelled and returned orders": both left out, not counted.
    (
        "exclude|excluding|without cancelled and|or returned",
        &["excluding", "cancelled", "excluding", "returned"],
    ),
    (
        "exclude|excluding|without returned and|or cancelled",
        &["excluding", "returned", "excluding", "cancelled"],
    ),
    // "make it in percent": as a percentage.
    ("in percent|percents|procent", &["as", "a", "percentage"]),
    // "which 5 products carry the highest list price": have it.
    ("carry|carries|carried the", &["have", "the"]),
    // "put away the cancelled": leave them out.
    ("put|take away", &["without"]),
    // "which country has become the most returns" (got), "what makes the
    // AOV" (what is), "orders with more than 5 articles" (items).
    ("has|have|had become|became the most", &["has", "the", "most"]),
    ("what makes the", &["what", "is", "the"]),
    ("articles", &["items"]),
    // "customers with more than one sale line": a count above 1.
    ("more than one", &["more", "than", "1"]),
    // "our customer base": the customers.
    ("customer|client base", &["customers"]),
    // "the first and second half of last year": each half named whole.
    (
        "first and second half",
        &["first", "half", "and", "second", "half"],
    ),
    (
        "first and second quarter",
        &["first", "quarter", "and", "second", "quarter"],
    ),
    ("next to|against each other", &["vs"]),
    // "not counting the marketplace", "minus the marketplace", "everything
    // but Electronics" ("ignore" is a negation of its own, and a removal in
    // a follow-up).
    ("not|without counting", &["excluding"]),
    ("minus", &["excluding"]),
    // "Net of returns, please", "gross of discounts": the net or the gross
    // figure, not the returns or discounts.
    (
        "net of returns|refunds|discounts|cancellations",
        &["net"],
    ),
    (
        "gross of returns|refunds|discounts|cancellations",
        &["gross"],
    ),
    // "gross order value without returns", "excluding cancellations": the
    // orders of that status left out (on a model with no such status the
    // word is asked about).
    (
        "without|excluding|excl|except|ex|no returns|refunds",
        &["excluding", "returned"],
    ),
    (
        "without|excluding|excl|except|ex|no cancellations|cancels",
        &["excluding", "cancelled"],
    ),
    // "in the weeks leading up to Christmas": a span of no stated length,
    // read as no more than "before" (which is asked about).
    ("the? weeks|days|months leading up to", &["before"]),
    // "as a percentage of all customers there": the rate's own population,
    // no grouping by customer.
    (
        "as a percentage|share|proportion|percent of all|the|our? customers|people|users|orders|shoppers|buyers|records there?",
        &["as", "a", "percentage"],
    ),
    // "slice sign-ups by opt-in status": the opt-in flag.
    ("opt in status|flag", &["opted", "in"]),
    // "how many distinct customers ordered from each region": the buyers.
    (
        "distinct|unique|different customers|shoppers who? ordered|bought|purchased",
        &["buyers"],
    ),
    // "number of customers who placed orders, by country": the buyers.
    (
        "customers|shoppers|people who placed|made an? order|orders|purchase|purchases",
        &["buyers"],
    ),
    // "customers in the us", "how many in the uk": the countries, typed
    // lowercase (a lone "us" is the pronoun).
    ("in|from|across the us|usa", &["in", "united", "states"]),
    ("in|from|across the uk", &["in", "united", "kingdom"]),
    // "Widen the window to the whole first half": that period.
    ("widen|extend|expand|stretch|narrow|shrink the window|range|period to", &["for"]),
    // "extend the window back to the start of 2025": since then.
    ("back to the start|beginning of", &["since"]),
    // "Same ranking on profit margin instead of units": the order kept.
    ("same ranking|ranks|sorting|order", &["same"]),
    // A quiz's "Name every product in Copiers", "Name the three products
    // with …": a list.
    ("name every", &["list", "every"]),
    ("name all", &["list", "all"]),
    ("name the", &["list", "the"]),
    // "orders sent back by the customers who received them": who did it,
    // not a split by customer.
    (
        "by the customers|people|shoppers|buyers who|that",
        &["from", "the", "customers", "who"],
    ),
    // "the idxmax of summed profit": the total.
    ("summed", &["total"]),
    // Texting: "how many ppl signed up".
    ("ppl|peeps", &["people"]),
    // "net revenue by month, one row per month": a split by month ("one
    // row per sale" asks for the sales themselves).
    ("one row|line per day", &["by", "day"]),
    ("one row|line per week", &["by", "week"]),
    ("one row|line per month", &["by", "month"]),
    ("one row|line per quarter", &["by", "quarter"]),
    ("one row|line per year", &["by", "year"]),
    // "which brand sold the most over the course of 2025": in 2025.
    ("over|during the course of", &["in"]),
    // A spreadsheet user's tables: "COUNTUNIQUE of user_id in the orders
    // table", "VLOOKUP the product in the product table".
    ("in|from the orders|order table", &["of", "orders"]),
    ("in|from the products|product table", &["of", "products"]),
    ("in|from the customers|customer|users|user table", &["of", "customers"]),
    // "… and return their name, country and segment": the columns shown.
    ("and return|show their", &["with", "their"]),
    ("and return|show its", &["with", "its"]),
    // "the gross profit margin": the margin, as a share of sales.
    ("gross profit margin", &["profit", "margin"]),
    // "weekly units (ISO weeks please)": the weeks the week grain has.
    ("iso|calendar weeks", &["weeks"]),
    // "in money terms, how much was given away": the amount asked for.
    ("in money|cash|monetary|value terms", &["in", "total"]),
    // "average selling price per unit by brand": the unit price, not a
    // split by quantity.
    ("price per unit|item|piece", &["unit", "price"]),
    // "order size bands last quarter": the size, in the words of its
    // buckets.
    ("size band|bands", &["size"]),
    // "were Sports unit sales really up": the units sold, not units and
    // sales.
    ("unit sales", &["units", "sold"]),
    // "which segment sends back a bigger share of its orders": returns.
    ("send|sends|sent back", &["return"]),
    // "how many people bought something each week": the buyers.
    (
        "people|customers|shoppers who? bought|ordered|purchased something|anything",
        &["buyers"],
    ),
    // "sign-ups Brazil, Mexico and Argentina brought in combined": one
    // total over the values named.
    ("bring|brought|bringing in combined|together|altogether", &[]),
    // "the average discount we're running", "the discounts we are giving":
    // what the figure is, said again.
    ("were|are running|offering|giving", &[]),
    // "list them in descending order of that mean": a sort, not orders.
    ("in|by descending|decreasing order", &["descending"]),
    ("in|by ascending|increasing order", &["ascending"]),
    // "revenue as well as profit": and.
    ("as well as", &["and"]),
    ("everything|anything but", &["excluding"]),
    // "what part of our revenue", "one in how many orders gets returned",
    // "how many out of every hundred customers": a share.
    ("what part of", &["what", "share", "of"]),
    ("one in how many", &["what", "share", "of"]),
    (
        "how many out of every hundred|100",
        &["what", "share", "of"],
    ),
    // "orders that ended up cancelled": cancelled.
    ("ended|ends|end up", &[]),
    // "all three channels next to each other", "rank all six regions":
    // every one of them.
    (
        "all two|three|four|five|six|seven|eight|nine|ten|2|3|4|5|6|7|8|9|10",
        &["all"],
    ),
    // "the ramp in mobile orders", "is the trajectory pointing up": the
    // trend asked for.
    ("ramp in|of", &[]),
    ("trajectory", &[]),
    ("pointing|heading up|down", &[]),
    // "orders that land in the large bucket".
    ("land|lands in", &["in"]),
    // "what categories are in the catalogue": everything there is.
    ("in the? catalogue|catalog", &[]),
    // "orders placed via the app".
    ("via", &["through"]),
    // "how much did we take in yesterday": the money made.
    ("take|took|taken|takes in", &["make"]),
    // "sum(sales) by city, sorted desc": by the figure.
    ("sorted|sort|ordered desc|descending", &["highest", "first"]),
    ("sorted|sort|ordered asc|ascending", &["lowest", "first"]),
    // "each category's slice of total profit", "the most generous
    // discounts", "what amount of discount was given away".
    ("slice|slices of", &["share", "of"]),
    ("most generous", &["highest"]),
    // "the most heavily discounted category", "which brand was least
    // discounted": ranked by the average discount, not a count of the
    // discounted lines.
    (
        "most|more heavily|deeply? discounted",
        &["highest", "average", "discount"],
    ),
    (
        "least|less heavily|deeply? discounted",
        &["lowest", "average", "discount"],
    ),
    // "which subcategory was discounted most heavily": the same, after
    // the verb.
    (
        "discounted most|more heavily|deeply",
        &["highest", "average", "discount"],
    ),
    (
        "discounted least|less heavily|deeply",
        &["lowest", "average", "discount"],
    ),
    // "the 10 slowest sellers", "our weakest movers": the least sold.
    (
        "slowest|weakest sellers|movers|selling",
        &["worst", "selling", "products"],
    ),
    ("what amount of", &["how", "much"]),
    // "the money given away in discounts": the discount amount, not
    // revenue beside it.
    (
        "money|cash did|do? we|you? give|gave|given|giving away",
        &["discount", "amount"],
    ),
    ("given away", &[]),
    // "the brands we carry in Beauty", "which phones do we carry": what
    // there is, no figure.
    ("do|does we|you carry|stock", &[]),
    ("we|you carry|stock", &[]),
    // "regions that did not reach 50,000 in revenue".
    ("did not|didnt reach|hit", &["below"]),
    // "now reverse the order", "flip the sort": not the orders counted.
    (
        "reverse|flip|invert the? order|sort|sorting|ordering",
        &["reverse"],
    ),
    // "count of orders by status, columns by month".
    ("columns|cols by", &["by"]),
    // "sub-categories that are underwater on profit", "in the red",
    // "sales that were loss-makers": at a loss.
    ("underwater", &["lost", "money"]),
    ("under water", &["lost", "money"]),
    ("in the red", &["lost", "money"]),
    ("loss makers|maker", &["lost", "money"]),
    // "P&L by product" (read as "p l"), "PnL": the profit; "for the P&L
    // pack" names an occasion.
    ("p and? l pack|report|deck", &["monthly", "report"]),
    ("p and? l", &["profit"]),
    // "Top line this year vs last year", "bottom line by quarter".
    ("top line|topline", &["revenue"]),
    ("bottom line|bottomline", &["profit"]),
    // "… and what did they bring in?": the money the orders earned.
    (
        "what did|do|does they|those|these|it|we bring|brought in",
        &["revenue"],
    ),
    ("pnl", &["profit"]),
    // "the five largest sales by dollar amount": by the amount.
    ("dollar|dollars amount|amounts|value|terms", &["amount"]),
    // "P&L by product, worst performers first": the order of the figure.
    (
        "worst|weakest performers|performing first",
        &["lowest", "first"],
    ),
    (
        "best|strongest|top performers|performing first",
        &["highest", "first"],
    ),
    // "H1 vs H2: how did the two halves compare?": the periods named ("the
    // two weeks before Christmas" is a span of its own).
    ("the two|both halves|quarters|months|years|periods", &[]),
    ("both weeks", &[]),
    // "only the web shop", "the online store": the web channel's names.
    ("web|online shop|store|site", &["webshop"]),
    // "restrict it to premium products", "narrow that down to Europe".
    ("restrict|narrow it|that|this|them? down? to", &["only"]),
    // "roll that up to region", "rolled up by quarter": grouped by it.
    (
        "roll|rolled it|that|this|them|everything? up to|by|into",
        &["by"],
    ),
    // "which price band makes us the most money", "the category making us
    // the least profit": earned (not the brand's "maker").
    ("makes|make|made|making us|me", &["earns"]),
    ("makes|made|making the? most", &["earns", "most"]),
    ("makes|made|making the? least", &["earns", "least"]),
    ("makes|made|making more", &["earns", "more"]),
    ("makes|made|making less", &["earns", "less"]),
    // "which age group signed up the most", "customers signing up": the
    // sign-ups counted.
    (
        "signed|sign up the? most",
        &["had", "the", "most", "signups"],
    ),
    (
        "signed|sign up the? least",
        &["had", "the", "least", "signups"],
    ),
    ("signing up", &["signups"]),
    // "said yes to marketing": opted in.
    ("said|say|says yes to marketing", &["opted", "in"]),
    (
        "said|say|says yes to getting|receiving? our? emails|newsletters|marketing",
        &["opted", "in"],
    ),
    // "agreed to receive marketing emails", "opted in to marketing":
    // opted in.
    (
        "agreed|consented|subscribed|signed up to receive|get? our? marketing|promotional? emails|newsletters|marketing",
        &["opted", "in"],
    ),
    ("opted|opt in to|for marketing|emails|newsletters|promotions", &["opted", "in"]),
    // "last quarter vs the same quarter a year ago": last year's.
    ("same quarter a year ago", &["same", "quarter", "last", "year"]),
    ("same month a year ago", &["same", "month", "last", "year"]),
    ("same week a year ago", &["same", "week", "last", "year"]),
    ("same period a year ago", &["same", "period", "last", "year"]),
    // "how do sign-ups split across the six age groups": by them.
    (
        "across|among the two|three|four|five|six|seven|eight|nine|ten|2|3|4|5|6|7|8|9|10",
        &["by"],
    ),
    // "the phone app": the mobile channel's app.
    ("phone|mobile app", &["mobile"]),
    // "which part of the world": the region.
    ("part|parts of the world", &["region"]),
    // "still being packed or on their way": processing, shipped.
    ("being packed|prepared", &["processing"]),
    ("on their|the way", &["shipped"]),
    // "the very first order on record", "for the Q1 close": nothing asked.
    ("on record", &[]),
    // "how many customers are in the table", "the biggest line in the data
    // set": the data, not a value ("Tables").
    ("in|across the table|database|dataset", &[]),
    ("in|across the data set", &[]),
    ("at the moment", &["now"]),
    ("month|quarter|year|q1|q2|q3|q4 close|closing", &[]),
    // "what do people pay with": the payment method.
    (
        "people|customers|shoppers|buyers? pay|paying with",
        &["payment", "method"],
    ),
    // "customers who have opted in": opted in.
    ("have|has|had opted", &["opted"]),
    // "orders with at least one toy in them": orders holding one.
    ("at least one|1", &["a"]),
    // "the priciest item": the most expensive.
    ("priciest", &["most", "expensive"]),
    // "the busiest day in May", "what hour were we busiest": the one with
    // the most orders.
    ("busiest day", &["biggest", "day", "for", "orders"]),
    ("busiest week", &["biggest", "week", "for", "orders"]),
    ("busiest month", &["biggest", "month", "for", "orders"]),
    ("busiest hour", &["biggest", "hour", "for", "orders"]),
    ("busiest quarter", &["biggest", "quarter", "for", "orders"]),
    ("were|was we|it? busiest", &["had", "the", "most", "orders"]),
    // "our best seller", "bestsellers in books": the best-selling products.
    ("best|top seller", &["best", "selling", "product"]),
    ("best|top sellers", &["best", "selling", "products"]),
    ("bestseller", &["best", "selling", "product"]),
    ("bestsellers", &["best", "selling", "products"]),
    // "a pie of sales by category": the chart.
    ("a pie of", &["a", "pie", "chart", "of"]),
    // "customers who came back and bought again", "repeat buyers".
    (
        "came|come|coming back and? bought|buy|buying|ordered|order again",
        &["returning"],
    ),
    ("repeat customers|buyers", &["returning", "customers"]),
    // "... group by product_name order by 2 desc": by the figure.
    (
        "order|ordered|sort|sorted by 1|2|3 desc|descending",
        &["highest", "first"],
    ),
    (
        "order|ordered|sort|sorted by 1|2|3 asc|ascending",
        &["lowest", "first"],
    ),
    // "how much of our revenue comes from mobile": a share of it.
    ("how much of our|the", &["what", "share", "of", "our"]),
    // "what price band sells best": the price range.
    (
        "price band|bands|bracket|brackets|tier|tiers",
        &["price", "range"],
    ),
    // "the all-time record for orders in a single day": the most.
    ("all time record for|of", &["most"]),
    // "rev asia vs europe q4 thx", "pls".
    ("thx|thanks|pls|plz|ty", &[]),
];
