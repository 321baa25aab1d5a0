//! `neighbours.popularity_prior` in `crossbuy.toml`: 0 keeps the lists to what was bought
//! together; a weight brings the best-seller into lists that never had it; unset, the weight is
//! learned and the build says which.

use crossbuy_builder::{build, BuildInput, Config};
use crossbuy_engine::Catalog;

/// Tea is in most orders; mug and spoon, and jam and scone, go together.
fn orders() -> String {
    let mut out = String::from("order_id,item\n");
    for o in 0..200 {
        let items: &[&str] = match o % 4 {
            0 => &["mug", "spoon", "tea"],
            1 => &["jam", "scone"],
            2 => &["tea"],
            _ => &["jam", "scone", "tea"],
        };
        for i in items {
            out.push_str(&format!("o{o},{i}\n"));
        }
    }
    out
}

fn neighbours_of(config: &str, id: &str) -> (String, Vec<String>) {
    let path = std::env::temp_dir().join(format!(
        "crossbuy-prior-{}-{}.csv",
        std::process::id(),
        config.len()
    ));
    std::fs::write(&path, orders()).expect("write");
    let built = build(
        &BuildInput {
            baskets: Some(path.to_string_lossy().into_owned()),
            config: Config::parse("crossbuy.toml", config).expect("config"),
            ..BuildInput::default()
        },
        Some(0),
    )
    .expect("builds");
    let _ = std::fs::remove_file(&path);
    let catalog =
        Catalog::parse(&crossbuy_builder::write::to_json(&built)).expect("engine reads it");
    let p = catalog.product_index(id).expect("product");
    let ids = catalog.products[p]
        .neighbours
        .iter()
        .map(|n| catalog.products[n.product].id.clone())
        .collect();
    (built.summary.notes.join("; "), ids)
}

#[test]
fn the_prior_weight_from_the_config() {
    // Without a prior, spoon's list is what it was bought with.
    let (_, none) = neighbours_of("[neighbours]\npopularity_prior = 0\n", "spoon");
    assert_eq!(none, ["mug", "tea"]);
    // Scone goes with jam more than with tea; a heavy prior puts the best-seller tea first
    // and brings best-sellers scone was never bought with (mug, spoon) into its list.
    let (_, none) = neighbours_of("[neighbours]\npopularity_prior = 0\n", "scone");
    assert_eq!(none, ["jam", "tea"]);
    let (notes, with) = neighbours_of("[neighbours]\npopularity_prior = 5\n", "scone");
    assert_eq!(with[..2], ["tea", "jam"], "{with:?}");
    assert!(with.len() > 2, "best-sellers join the list: {with:?}");
    assert!(
        notes.contains("blend: crossbuy 1, popularity 5 (fixed by neighbours.popularity_prior)"),
        "{notes}"
    );
    // Unset: learned, and said.
    let (notes, _) = neighbours_of("", "scone");
    assert!(notes.contains("learned on the latest 20%"), "{notes}");
}
