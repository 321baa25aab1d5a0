//! The loader (`src/loader/crossbuy.js`) runs before any wasm, so the one engine constant it
//! needs is a copy: this test holds it to the engine's.

use crossbuy_engine::snapshot::WHOLE_MAX_BYTES;

#[test]
fn the_loaders_whole_snapshot_limit_is_the_engines() {
    let loader = include_str!("../../../src/loader/crossbuy.js");
    let line = loader
        .lines()
        .find(|l| l.trim_start().starts_with("const WHOLE_MAX_BYTES ="))
        .expect("src/loader/crossbuy.js declares const WHOLE_MAX_BYTES");
    let value: usize = line
        .split('=')
        .nth(1)
        .and_then(|v| v.trim().trim_end_matches(';').parse().ok())
        .unwrap_or_else(|| panic!("not a whole number: {line}"));
    assert_eq!(
        value, WHOLE_MAX_BYTES,
        "the loader's copy differs from snapshot.rs"
    );
}
