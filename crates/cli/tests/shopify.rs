#![cfg(not(target_arch = "wasm32"))]
//! `crossbuy shopify publish` and `crossbuy shopify discount` as a merchant runs them, against
//! the local stand-in of the Admin GraphQL API (crates/shopify-admin/tests/standin): the shop
//! receives the metafields and discounts, the merchant reads what happened on stderr.

#[path = "../../shopify-admin/tests/standin/mod.rs"]
mod standin;

use std::path::{Path, PathBuf};
use std::process::Command;

use crossbuy_shopify_admin::metafields;
use standin::{StandIn, TOKEN};

fn snapshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../integrations/shopify/extensions/crossbuy-thank-you/tests/fixtures/snapshot.json",
    )
}

/// Runs `crossbuy args…` with `token` in SHOPIFY_ADMIN_TOKEN; returns (code, stdout, stderr).
fn run(args: &[&str], token: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossbuy"));
    command
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795168800") // 2026-11-20T10:00:00Z
        .env_remove("SHOPIFY_ADMIN_TOKEN");
    if let Some(t) = token {
        command.env("SHOPIFY_ADMIN_TOKEN", t);
    }
    let out = command.output().expect("run crossbuy");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `crossbuy shopify publish` of `catalog` to the stand-in, with the token it accepts.
fn publish(catalog: &Path, standin: &StandIn) -> (i32, String, String) {
    run(
        &[
            "shopify",
            "publish",
            "--catalog",
            catalog.to_str().expect("path"),
            "--shop",
            "test-shop.myshopify.com",
            "--endpoint",
            &standin.url,
        ],
        Some(TOKEN),
    )
}

#[test]
fn publish_writes_what_the_extensions_read() {
    let standin = StandIn::start();
    let catalog = snapshot_path();
    let (code, _, err) = publish(&catalog, &standin);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&catalog).expect("snapshot");
    let built = metafields::build(&text).expect("build");
    assert!(
        err.contains(&format!(
            "{} product metafields written and the shop's, 0 refused, 0 too large",
            built.products.len()
        )),
        "{err}"
    );
    let s = standin.state();
    assert!(s.malformed.is_empty(), "{:?}", s.malformed);
    for (id, value) in &built.products {
        let key = (
            format!("gid://shopify/Product/{id}"),
            metafields::PRODUCT_KEY.to_owned(),
        );
        assert_eq!(s.metafields.get(&key), Some(value), "product {id}");
    }
    assert_eq!(s.metafields.len(), built.products.len() + 1);
}

/// Three products, each bought with the other two.
const TRIO: &str = r#"{"version":1,"shop":{"name":"Trio","currency":"GBP"},"products":[
  {"id":"201","variant_ids":["2011"],"url":"/products/a","title":"A","price":500,
   "neighbours":[{"id":"202","score":0.5,"count":3},{"id":"203","score":0.4,"count":2}]},
  {"id":"202","variant_ids":["2021"],"url":"/products/b","title":"B","price":600,
   "neighbours":[{"id":"201","score":0.5,"count":3},{"id":"203","score":0.3,"count":2}]},
  {"id":"203","variant_ids":["2031"],"url":"/products/c","title":"C","price":700,
   "neighbours":[{"id":"201","score":0.4,"count":2},{"id":"202","score":0.3,"count":2}]}]}"#;

#[test]
fn publish_names_the_products_shopify_refused_and_fails() {
    let standin = StandIn::start();
    standin.state().refuse_products.push("202".to_owned());
    let dir = std::env::temp_dir().join(format!("crossbuy-cli-refused-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let catalog = dir.join("catalog.json");
    std::fs::write(&catalog, TRIO).expect("write");
    let (code, _, err) = publish(&catalog, &standin);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("shopify publish: product 202: Shopify refused its metafield"),
        "{err}"
    );
    assert!(
        err.contains("2 product metafields written and the shop's, 1 refused"),
        "{err}"
    );
    // The others were written all the same.
    let s = standin.state();
    let has = |id: &str| {
        s.metafields.contains_key(&(
            format!("gid://shopify/Product/{id}"),
            metafields::PRODUCT_KEY.to_owned(),
        ))
    };
    assert!(has("201") && has("203") && !has("202"));
}

#[test]
fn discount_creates_then_updates_the_automatic_discount() {
    let standin = StandIn::start();
    let catalog = snapshot_path();
    let args = [
        "shopify",
        "discount",
        "--catalog",
        catalog.to_str().expect("path"),
        "--shop",
        "test-shop.myshopify.com",
        "--title",
        "Thanks offer",
        "--message",
        "Bundle saving",
        "--endpoint",
        &standin.url,
    ];
    let (code, _, err) = run(&args, Some(TOKEN));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("created \"Thanks offer (always)\""), "{err}");
    assert!(
        err.contains("1 created, 0 updated, 0 deactivated, 0 offers left out"),
        "{err}"
    );
    {
        let s = standin.state();
        assert!(s.malformed.is_empty(), "{:?}", s.malformed);
        assert_eq!(s.discounts.len(), 1);
        let (title, status, input) = s.discounts.values().next().expect("discount");
        assert_eq!(title, "Thanks offer (always)");
        assert_eq!(status, "ACTIVE");
        assert_eq!(input["functionHandle"], "crossbuy-discount");
    }
    let (code, _, err) = run(&args, Some(TOKEN));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 created, 1 updated"), "{err}");
    assert_eq!(standin.state().discounts.len(), 1);
}

#[test]
fn bad_invocations_are_named() {
    let standin = StandIn::start();
    let catalog = snapshot_path();
    let catalog = catalog.to_str().expect("path");
    let base = |sub: &'static str| {
        vec![
            "shopify",
            sub,
            "--catalog",
            catalog,
            "--shop",
            "test-shop.myshopify.com",
            "--endpoint",
            standin.url.as_str(),
        ]
    };
    // No token.
    let (code, _, err) = run(&base("publish"), None);
    assert_eq!(code, 2);
    assert!(err.contains("set SHOPIFY_ADMIN_TOKEN"), "{err}");
    // A token the shop refuses.
    let (code, _, err) = run(&base("publish"), Some("shpat_wrong"));
    assert_eq!(code, 1);
    assert!(err.contains("crossbuy: shopify publish:"), "{err}");
    // No --shop.
    let (code, _, err) = run(&["shopify", "discount", "--catalog", catalog], Some(TOKEN));
    assert_eq!(code, 2);
    assert!(
        err.contains("crossbuy shopify: --shop DOMAIN required"),
        "{err}"
    );
    // A file that is not a snapshot, named.
    let dir = std::env::temp_dir().join(format!("crossbuy-cli-shopify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"version\": 1}").expect("write");
    let mut args = base("discount");
    args[3] = bad.to_str().expect("path");
    let (code, _, err) = run(&args, Some(TOKEN));
    assert_eq!(code, 1);
    assert!(err.contains("bad.json"), "{err}");
    // An unknown sub-command and a bad number.
    let (code, _, err) = run(&["shopify", "upload"], Some(TOKEN));
    assert_eq!(code, 2);
    assert!(err.contains("\"upload\""), "{err}");
    let mut args = base("publish");
    args.extend(["--attempts", "0"]);
    let (code, _, err) = run(&args, Some(TOKEN));
    assert_eq!(code, 2);
    assert!(
        err.contains("--attempts: expected 1 or more, got 0"),
        "{err}"
    );
    // Nothing malformed reached the shop.
    assert!(standin.state().malformed.is_empty());
}
