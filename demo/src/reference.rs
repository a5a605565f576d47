//! Fixed reference data of the demo shop: regions, countries, names and the
//! product catalogue's categories.

/// `(id, name, code)` of each sales region.
pub(crate) const REGIONS: [(i32, &str, &str); 6] = [
    (1, "Europe", "EU"),
    (2, "North America", "NA"),
    (3, "South America", "SA"),
    (4, "Asia", "AS"),
    (5, "Africa", "AF"),
    (6, "Oceania", "OC"),
];

/// A country: its ISO code, name, region and share of the customer base.
pub(crate) struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'static str,
    /// English name.
    pub name: &'static str,
    /// Id of its region in [`REGIONS`].
    pub region_id: i32,
    /// Relative number of customers.
    pub weight: f64,
}

const fn country(code: &'static str, name: &'static str, region_id: i32, weight: f64) -> Country {
    Country {
        code,
        name,
        region_id,
        weight,
    }
}

/// The 30 countries the shop sells to; ids are positions plus one.
pub(crate) const COUNTRIES: [Country; 30] = [
    country("DE", "Germany", 1, 8.0),
    country("FR", "France", 1, 5.5),
    country("GB", "United Kingdom", 1, 7.0),
    country("IT", "Italy", 1, 3.5),
    country("ES", "Spain", 1, 3.2),
    country("NL", "Netherlands", 1, 2.2),
    country("SE", "Sweden", 1, 1.4),
    country("PL", "Poland", 1, 2.0),
    country("CH", "Switzerland", 1, 1.1),
    country("US", "United States", 2, 18.0),
    country("CA", "Canada", 2, 4.0),
    country("MX", "Mexico", 2, 2.6),
    country("BR", "Brazil", 3, 4.2),
    country("AR", "Argentina", 3, 1.5),
    country("CL", "Chile", 3, 0.9),
    country("CO", "Colombia", 3, 1.2),
    country("PE", "Peru", 3, 0.6),
    country("JP", "Japan", 4, 4.5),
    country("CN", "China", 4, 3.0),
    country("IN", "India", 4, 5.0),
    country("KR", "South Korea", 4, 2.2),
    country("SG", "Singapore", 4, 1.0),
    country("ID", "Indonesia", 4, 1.6),
    country("NG", "Nigeria", 5, 1.3),
    country("ZA", "South Africa", 5, 1.4),
    country("EG", "Egypt", 5, 0.9),
    country("KE", "Kenya", 5, 0.6),
    country("MA", "Morocco", 5, 0.5),
    country("AU", "Australia", 6, 3.2),
    country("NZ", "New Zealand", 6, 0.9),
];

/// First and last names common in a group of regions.
pub(crate) struct NamePool {
    /// Given names.
    pub first: &'static [&'static str],
    /// Family names.
    pub last: &'static [&'static str],
}

const WESTERN: NamePool = NamePool {
    first: &[
        "Anna", "Emma", "Olivia", "Sophie", "Laura", "Julia", "Sarah", "Emily", "Hannah", "Lucy",
        "James", "Oliver", "Lukas", "Thomas", "Daniel", "Michael", "Jonas", "David", "Noah", "Max",
        "Felix", "Paul", "Chloe", "Marie",
    ],
    last: &[
        "Smith",
        "Johnson",
        "Brown",
        "Miller",
        "Wilson",
        "Taylor",
        "Anderson",
        "Clark",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Martin",
        "Bernard",
        "Dubois",
        "Rossi",
        "Bianchi",
        "Jansen",
        "De Vries",
        "Nowak",
        "Kowalski",
        "Larsson",
        "Nilsson",
        "Walker",
    ],
};

const LATIN: NamePool = NamePool {
    first: &[
        "Sofia",
        "Valentina",
        "Camila",
        "Isabella",
        "Mariana",
        "Lucia",
        "Gabriela",
        "Ana",
        "Mateo",
        "Santiago",
        "Sebastian",
        "Diego",
        "Joao",
        "Pedro",
        "Lucas",
        "Gabriel",
    ],
    last: &[
        "Garcia",
        "Rodriguez",
        "Martinez",
        "Lopez",
        "Gonzalez",
        "Perez",
        "Sanchez",
        "Ramirez",
        "Silva",
        "Santos",
        "Oliveira",
        "Souza",
        "Fernandez",
        "Torres",
        "Rojas",
        "Castro",
    ],
};

const ASIAN: NamePool = NamePool {
    first: &[
        "Yuki", "Haruto", "Sakura", "Ren", "Wei", "Mei", "Jun", "Li", "Min-jun", "Seo-yeon",
        "Ji-woo", "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Putri", "Budi", "Siti", "Arjun",
    ],
    last: &[
        "Sato",
        "Suzuki",
        "Takahashi",
        "Tanaka",
        "Wang",
        "Li",
        "Zhang",
        "Chen",
        "Liu",
        "Kim",
        "Lee",
        "Park",
        "Sharma",
        "Patel",
        "Singh",
        "Gupta",
        "Tan",
        "Lim",
        "Wijaya",
        "Santoso",
    ],
};

const AFRICAN: NamePool = NamePool {
    first: &[
        "Amara", "Chidi", "Ngozi", "Emeka", "Thabo", "Lerato", "Sipho", "Zanele", "Omar",
        "Youssef", "Fatima", "Aisha", "Wanjiru", "Kofi", "Amina", "Tendai",
    ],
    last: &[
        "Okafor",
        "Adeyemi",
        "Nwosu",
        "Okeke",
        "Nkosi",
        "Dlamini",
        "Mokoena",
        "Ndlovu",
        "Hassan",
        "Mahmoud",
        "El Amrani",
        "Benali",
        "Kamau",
        "Otieno",
        "Mensah",
        "Mwangi",
    ],
};

/// The name pool used for customers of a region.
pub(crate) fn names_for_region(region_id: i32) -> &'static NamePool {
    match region_id {
        3 => &LATIN,
        4 => &ASIAN,
        5 => &AFRICAN,
        _ => &WESTERN,
    }
}

/// Age groups of customers with their relative sizes.
pub(crate) const AGE_GROUPS: [(&str, f64); 6] = [
    ("18-24", 14.0),
    ("25-34", 30.0),
    ("35-44", 24.0),
    ("45-54", 16.0),
    ("55-64", 10.0),
    ("65+", 6.0),
];

/// Mail domains of consumer customers (reserved example domains).
pub(crate) const CONSUMER_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

/// Company mail domains of business customers.
pub(crate) const BUSINESS_DOMAINS: [&str; 6] = [
    "northwind.example",
    "contoso.example",
    "fabrikam.example",
    "tailspin.example",
    "globex.example",
    "initech.example",
];

/// A subcategory of products: its item names and list-price range.
pub(crate) struct Subcategory {
    /// Name.
    pub name: &'static str,
    /// Item nouns used in product names.
    pub items: &'static [&'static str],
    /// Lowest list price.
    pub min_price: f64,
    /// Highest list price.
    pub max_price: f64,
}

/// A product category: subcategories, brands, catalogue size and seasonality.
pub(crate) struct Category {
    /// Name.
    pub name: &'static str,
    /// Brands selling in the category.
    pub brands: &'static [&'static str],
    /// Subcategories.
    pub subcategories: &'static [Subcategory],
    /// Number of products in the catalogue.
    pub products: usize,
    /// Relative popularity.
    pub weight: f64,
    /// Demand multiplier by month (January first).
    pub months: [f64; 12],
    /// Range of the cost as a fraction of the list price.
    pub cost_ratio: (f64, f64),
}

const fn sub(
    name: &'static str,
    items: &'static [&'static str],
    min_price: f64,
    max_price: f64,
) -> Subcategory {
    Subcategory {
        name,
        items,
        min_price,
        max_price,
    }
}

const FLAT: [f64; 12] = [1.0; 12];

/// The catalogue: 200 products in 8 categories.
pub(crate) const CATEGORIES: [Category; 8] = [
    Category {
        name: "Electronics",
        brands: &["Voltix", "Nordtek", "Lumen", "Auralis", "Pixelon"],
        subcategories: &[
            sub(
                "Smartphones",
                &["Smartphone", "Phone", "Mini Phone"],
                249.0,
                1199.0,
            ),
            sub(
                "Laptops",
                &["Laptop", "Notebook", "Ultrabook"],
                499.0,
                2199.0,
            ),
            sub(
                "Headphones",
                &["Headphones", "Earbuds", "Headset"],
                29.0,
                349.0,
            ),
            sub("Cameras", &["Camera", "Action Cam", "Webcam"], 59.0, 1299.0),
            sub(
                "Accessories",
                &["Charger", "Power Bank", "Cable Set", "Phone Case"],
                9.0,
                79.0,
            ),
        ],
        products: 34,
        weight: 1.3,
        months: [0.9, 0.85, 0.9, 0.9, 0.9, 0.9, 0.95, 1.0, 1.0, 1.0, 1.5, 1.6],
        cost_ratio: (0.6, 0.8),
    },
    Category {
        name: "Clothing",
        brands: &["Urban Thread", "Northwind Apparel", "Kestrel", "Moda Viva"],
        subcategories: &[
            sub(
                "T-Shirts",
                &["T-Shirt", "Polo Shirt", "Tank Top"],
                12.0,
                39.0,
            ),
            sub("Jeans", &["Jeans", "Chinos", "Cargo Pants"], 39.0, 119.0),
            sub(
                "Jackets",
                &["Jacket", "Rain Coat", "Parka", "Hoodie"],
                49.0,
                249.0,
            ),
            sub(
                "Shoes",
                &["Sneakers", "Boots", "Sandals", "Loafers"],
                35.0,
                179.0,
            ),
            sub("Dresses", &["Dress", "Skirt", "Jumpsuit"], 29.0, 149.0),
        ],
        products: 34,
        weight: 1.25,
        months: [
            0.85, 0.85, 1.15, 1.2, 1.05, 1.0, 0.9, 0.95, 1.15, 1.2, 1.1, 1.1,
        ],
        cost_ratio: (0.35, 0.55),
    },
    Category {
        name: "Home",
        brands: &["Hearth & Co", "Casa Verde", "Oakline", "Nestwell"],
        subcategories: &[
            sub(
                "Kitchen",
                &["Chef Knife", "Frying Pan", "Blender", "Coffee Maker"],
                19.0,
                249.0,
            ),
            sub(
                "Furniture",
                &["Desk Chair", "Bookshelf", "Side Table"],
                69.0,
                599.0,
            ),
            sub(
                "Bedding",
                &["Duvet Cover", "Pillow Set", "Blanket"],
                25.0,
                149.0,
            ),
            sub(
                "Decor",
                &["Vase", "Wall Clock", "Picture Frame", "Candle Set"],
                9.0,
                69.0,
            ),
            sub(
                "Lighting",
                &["Desk Lamp", "Floor Lamp", "String Lights"],
                15.0,
                189.0,
            ),
        ],
        products: 28,
        weight: 1.0,
        months: [
            1.1, 1.0, 1.05, 1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 1.05, 1.15, 1.2,
        ],
        cost_ratio: (0.4, 0.6),
    },
    Category {
        name: "Books",
        brands: &["Paper Lantern", "Bluehill Press", "Meridian Books"],
        subcategories: &[
            sub(
                "Fiction",
                &["Novel", "Thriller", "Short Stories"],
                8.0,
                29.0,
            ),
            sub(
                "Non-Fiction",
                &["Biography", "History", "Science Guide"],
                12.0,
                39.0,
            ),
            sub(
                "Children's",
                &["Picture Book", "Bedtime Stories", "Activity Book"],
                6.0,
                19.0,
            ),
            sub("Cookbooks", &["Cookbook", "Baking Book"], 15.0, 45.0),
        ],
        products: 26,
        weight: 0.8,
        months: [
            1.1, 1.0, 0.95, 0.95, 0.95, 1.05, 1.15, 1.1, 0.95, 0.95, 1.1, 1.4,
        ],
        cost_ratio: (0.45, 0.65),
    },
    Category {
        name: "Sports",
        brands: &["Peakform", "Trailhead", "Stride", "Velocita"],
        subcategories: &[
            sub(
                "Fitness",
                &["Yoga Mat", "Dumbbell Set", "Resistance Bands"],
                15.0,
                199.0,
            ),
            sub(
                "Cycling",
                &["Bike Helmet", "Bike Light", "Cycling Gloves"],
                19.0,
                149.0,
            ),
            sub(
                "Running",
                &["Running Shoes", "Running Vest", "Sports Watch"],
                25.0,
                299.0,
            ),
            sub(
                "Camping",
                &["Tent", "Sleeping Bag", "Camping Stove"],
                29.0,
                399.0,
            ),
        ],
        products: 22,
        weight: 0.75,
        months: [
            1.25, 0.95, 1.05, 1.2, 1.3, 1.3, 1.2, 1.05, 0.95, 0.85, 0.8, 0.9,
        ],
        cost_ratio: (0.45, 0.65),
    },
    Category {
        name: "Beauty",
        brands: &["Glow Theory", "Pure Petal", "Lumiere", "Botanica"],
        subcategories: &[
            sub(
                "Skincare",
                &["Face Cream", "Serum", "Cleanser", "Sunscreen"],
                9.0,
                69.0,
            ),
            sub("Makeup", &["Lipstick", "Mascara", "Foundation"], 8.0, 45.0),
            sub(
                "Haircare",
                &["Shampoo", "Conditioner", "Hair Dryer"],
                7.0,
                129.0,
            ),
            sub(
                "Fragrance",
                &["Eau de Parfum", "Body Mist", "Cologne"],
                25.0,
                149.0,
            ),
        ],
        products: 20,
        weight: 0.8,
        months: [
            0.9, 1.3, 1.0, 1.0, 1.1, 1.0, 0.95, 0.95, 0.95, 1.0, 1.2, 1.5,
        ],
        cost_ratio: (0.25, 0.45),
    },
    Category {
        name: "Toys",
        brands: &["Playwise", "Tiny Giants", "Brickly"],
        subcategories: &[
            sub(
                "Board Games",
                &["Board Game", "Card Game", "Party Game"],
                15.0,
                69.0,
            ),
            sub(
                "Puzzles",
                &["Jigsaw Puzzle", "3D Puzzle", "Brain Teaser"],
                9.0,
                39.0,
            ),
            sub(
                "Building Sets",
                &["Building Set", "Construction Kit"],
                19.0,
                149.0,
            ),
            sub(
                "Outdoor Toys",
                &["Kite", "Water Blaster", "Scooter"],
                12.0,
                129.0,
            ),
        ],
        products: 18,
        weight: 0.6,
        months: [0.6, 0.6, 0.7, 0.8, 0.85, 0.9, 0.9, 0.85, 0.8, 1.0, 1.9, 3.2],
        cost_ratio: (0.4, 0.6),
    },
    Category {
        name: "Grocery",
        brands: &["Golden Field", "Daily Harvest", "Bean Street"],
        subcategories: &[
            sub(
                "Coffee & Tea",
                &["Coffee Beans", "Ground Coffee", "Green Tea"],
                6.0,
                29.0,
            ),
            sub(
                "Snacks",
                &["Granola Bars", "Trail Mix", "Dark Chocolate"],
                3.0,
                15.0,
            ),
            sub(
                "Pantry",
                &["Olive Oil", "Pasta", "Honey", "Spice Set"],
                4.0,
                25.0,
            ),
            sub(
                "Beverages",
                &["Sparkling Water", "Juice Pack", "Kombucha"],
                3.0,
                19.0,
            ),
        ],
        products: 18,
        weight: 0.9,
        months: FLAT,
        cost_ratio: (0.55, 0.75),
    },
];

/// Model-name words that make product names distinct.
pub(crate) const EDITIONS: [&str; 12] = [
    "Pro",
    "Lite",
    "Max",
    "Classic",
    "Plus",
    "Essential",
    "Air",
    "Ultra",
    "Eco",
    "Studio",
    "Sport",
    "Prime",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_two_hundred_products() {
        assert_eq!(CATEGORIES.iter().map(|c| c.products).sum::<usize>(), 200);
        assert!(COUNTRIES
            .iter()
            .all(|c| REGIONS.iter().any(|r| r.0 == c.region_id)));
    }
}
