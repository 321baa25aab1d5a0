//! The ISO 4217 exponent table has one source, `crossbuy_engine::money` (`ZERO`, `THREE`,
//! `FOUR`). The runtimes that cannot call the engine carry a copy: the Shopify theme snippet
//! and app embed (Liquid), the customer-events pixel's fallback (JavaScript), the BigCommerce
//! snippet (JavaScript) and the WooCommerce plugin (PHP). Each copy is read here and must
//! give every currency the engine's exponent: this test fails when one drifts.

use std::collections::BTreeMap;

use crossbuy_engine::money::{Currency, FOUR, THREE, ZERO};

/// Code → exponent for every currency whose exponent is not 2.
type Table = BTreeMap<String, u32>;

fn repo_file(path: &str) -> String {
    let full = concat!(env!("CARGO_MANIFEST_DIR"), "/../../").to_owned() + path;
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The engine's table, from its three lists.
fn engine() -> Table {
    let mut table = Table::new();
    for (codes, exponent) in [(ZERO, 0), (THREE, 3), (FOUR, 4)] {
        for code in codes.chunks(3) {
            let code = String::from_utf8(code.to_vec()).expect("ASCII");
            // The lists and `Currency::exponent` agree.
            let currency = Currency::parse(&code).expect("a code");
            assert_eq!(currency.exponent(), exponent, "{code}");
            table.insert(code, exponent);
        }
    }
    table
}

/// Three upper-case letters.
fn is_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// The text between the first `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str, file: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{file}: no {start:?}"))
        + start.len();
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{file}: no {end:?} after {start:?}"));
    &text[from..from + to]
}

/// `'BHD' => 3,` lines of the PHP `EXPONENTS` array.
fn php(file: &str, text: &str) -> Table {
    let body = between(text, "const EXPONENTS = array(", ");", file);
    let mut table = Table::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (code, exponent) = line
            .trim_end_matches(',')
            .split_once("=>")
            .unwrap_or_else(|| panic!("{file}: unexpected line {line:?}"));
        let code = code.trim().trim_matches('\'');
        assert!(is_code(code), "{file}: {line:?}");
        let exponent = exponent.trim().parse().expect("an exponent");
        table.insert(code.to_owned(), exponent);
    }
    table
}

/// `BHD: 3,` entries of the JavaScript `EXPONENTS` object.
fn js_object(file: &str, text: &str) -> Table {
    let body = between(text, "const EXPONENTS = {", "};", file);
    let mut table = Table::new();
    for entry in body.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (code, exponent) = entry
            .split_once(':')
            .unwrap_or_else(|| panic!("{file}: unexpected entry {entry:?}"));
        assert!(is_code(code.trim()), "{file}: {entry:?}");
        table.insert(
            code.trim().to_owned(),
            exponent.trim().parse().expect("an exponent"),
        );
    }
    table
}

/// `var ZERO = 'BIF CLP …'.split(' ');` lists of the BigCommerce snippet.
fn js_lists(file: &str, text: &str) -> Table {
    let mut table = Table::new();
    for (name, exponent) in [("ZERO", 0), ("THREE", 3), ("FOUR", 4)] {
        let list = between(text, &format!("var {name} = '"), "'", file);
        for code in list.split(' ') {
            assert!(is_code(code), "{file}: {name} has {code:?}");
            table.insert(code.to_owned(), exponent);
        }
    }
    table
}

/// The Liquid `case cb_currency` whose `when` lists set `cb_digits`.
fn liquid(file: &str, text: &str) -> Table {
    let body = between(text, "case cb_currency", "endcase", file);
    let mut table = Table::new();
    let mut codes: Vec<String> = Vec::new();
    for line in body.lines().map(str::trim) {
        if let Some(list) = line.strip_prefix("when ") {
            codes = list
                .split(',')
                .map(|c| c.trim().trim_matches('\'').to_owned())
                .collect();
            for code in &codes {
                assert!(is_code(code), "{file}: {line:?}");
            }
        } else if let Some(digits) = line.strip_prefix("assign cb_digits = ") {
            let exponent: u32 = digits.trim().parse().expect("digits");
            for code in codes.drain(..) {
                table.insert(code, exponent);
            }
        }
    }
    table
}

/// Reads a copy's table from its file name and text.
type Reader = fn(&str, &str) -> Table;

/// Each copy's file and its reader.
const COPIES: &[(&str, Reader)] = &[
    (
        "integrations/woocommerce/crossbuy/includes/class-crossbuy-money.php",
        php,
    ),
    ("integrations/shopify/pixel/crossbuy-pixel.js", js_object),
    (
        "integrations/bigcommerce/crossbuy-script-manager.html",
        js_lists,
    ),
    ("integrations/shopify/snippets/crossbuy.liquid", liquid),
    (
        "integrations/shopify/extensions/crossbuy-embed/snippets/crossbuy.liquid",
        liquid,
    ),
];

#[test]
fn every_copy_of_the_exponent_table_is_the_engines() {
    let engine = engine();
    assert!(engine.len() > 20, "the engine's table was read");
    for &(file, read) in COPIES {
        assert_eq!(
            read(file, &repo_file(file)),
            engine,
            "{file} differs from crates/engine/src/money.rs"
        );
    }
}

/// A copy that drifted (one code changed) is told apart: each reader really reads its copy.
#[test]
fn a_drifted_copy_fails() {
    let engine = engine();
    for &(file, read) in COPIES {
        let drifted = repo_file(file).replace("KWD", "KWX");
        assert_ne!(read(file, &drifted), engine, "{file}");
    }
}
