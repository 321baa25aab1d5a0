#![cfg(not(target_arch = "wasm32"))]
//! The Shopify app's configuration (integrations/shopify) agrees with the code that talks to it:
//! the scopes cover what publish and discount send, the discount Function's handle, metafield
//! keys and input variables are the ones `crossbuy shopify discount` writes, the thank-you block
//! asks for the metafields publish writes, and every extension is at the Admin API's version.
//! (`shopify app deploy` reads these files; nothing here can run it.)

use crossbuy_shopify_admin::client::API_VERSION;
use crossbuy_shopify_admin::discount::FUNCTION_HANDLE;
use crossbuy_shopify_admin::metafields::{PRODUCT_KEY, SHOP_KEY};
use toml::Value;

fn read(path: &str) -> Value {
    let full = format!(
        "{}/../../integrations/shopify/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    text.parse().unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn source(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

#[test]
fn the_app_asks_for_the_scopes_its_commands_use() {
    let app = read("shopify.app.toml");
    let scopes: Vec<&str> = app["access_scopes"]["scopes"]
        .as_str()
        .expect("scopes")
        .split(',')
        .map(str::trim)
        .collect();
    // The scope each command sets on its client.
    for (file, scope) in [
        ("src/publish.rs", "write_products"),
        ("src/discount.rs", "write_discounts"),
    ] {
        assert!(
            source(file).contains(&format!("client.scope = \"{scope}\"")),
            "{file} no longer asks for {scope}"
        );
        assert!(
            scopes.contains(&scope),
            "shopify.app.toml lacks {scope}: {scopes:?}"
        );
    }
    // webPixelCreate activates the pixel.
    for scope in ["write_pixels", "read_customer_events"] {
        assert!(scopes.contains(&scope), "shopify.app.toml lacks {scope}");
    }
    assert_eq!(app["webhooks"]["api_version"].as_str(), Some(API_VERSION));
    assert_eq!(app["name"].as_str(), Some("crossbuy"));
}

#[test]
fn the_discount_function_reads_what_discount_writes() {
    let ext = read("extensions/crossbuy-discount/shopify.extension.toml");
    assert_eq!(ext["api_version"].as_str(), Some(API_VERSION));
    let function = &ext["extensions"][0];
    assert_eq!(function["handle"].as_str(), Some(FUNCTION_HANDLE));
    assert_eq!(function["type"].as_str(), Some("function"));
    let target = &function["targeting"][0];
    assert_eq!(
        target["target"].as_str(),
        Some("cart.lines.discounts.generate.run")
    );
    assert_eq!(
        target["export"].as_str(),
        Some("cart_lines_discounts_generate_run")
    );
    // The input variables come from the metafield discount writes as "window".
    let variables = &function["input"]["variables"];
    assert_eq!(variables["namespace"].as_str(), Some("$app"));
    assert_eq!(variables["key"].as_str(), Some("window"));
    let discount = source("src/discount.rs");
    for key in ["window", "offers"] {
        assert!(
            discount.contains(&format!("\"namespace\": \"$app\", \"key\": \"{key}\"")),
            "discount.rs no longer writes the $app {key} metafield"
        );
    }
    let query_path = target["input_query"].as_str().expect("input_query");
    let query = std::fs::read_to_string(format!(
        "{}/../../integrations/shopify/extensions/crossbuy-discount/{query_path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("input query");
    assert!(query.contains(r#"metafield(namespace: "$app", key: "offers")"#));
    assert!(query.contains("$startsAt") && query.contains("$endsAt"));
    // The schema the query is checked against is at the same version.
    let schema = std::fs::read_to_string(format!(
        "{}/../../integrations/shopify/extensions/crossbuy-discount/schema.graphql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("schema");
    assert!(
        schema
            .lines()
            .take(3)
            .any(|l| l.contains("api_version") && l.contains(API_VERSION)),
        "schema.graphql's api_version line is not {API_VERSION}"
    );
    // Shopify's CLI builds the Function where its path says.
    let build = &function["build"];
    assert!(build["command"]
        .as_str()
        .expect("command")
        .contains("--target wasm32-unknown-unknown -p crossbuy-shopify-discount"));
    assert!(build["path"]
        .as_str()
        .expect("path")
        .ends_with("target/wasm32-unknown-unknown/release/crossbuy_shopify_discount.wasm"));
}

#[test]
fn the_thank_you_block_asks_for_what_publish_writes() {
    let ext = read("extensions/crossbuy-thank-you/shopify.extension.toml");
    assert_eq!(ext["api_version"].as_str(), Some(API_VERSION));
    let block = &ext["extensions"][0];
    assert_eq!(block["type"].as_str(), Some("ui_extension"));
    assert_eq!(
        block["targeting"][0]["target"].as_str(),
        Some("purchase.thank-you.block.render")
    );
    let keys: Vec<(&str, &str)> = block["metafields"]
        .as_array()
        .expect("metafields")
        .iter()
        .map(|m| {
            (
                m["namespace"].as_str().unwrap_or(""),
                m["key"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(keys, [("$app", SHOP_KEY), ("$app", PRODUCT_KEY)]);
    // No network: the data are the metafields.
    assert_eq!(
        block["capabilities"]["network_access"].as_bool(),
        Some(false)
    );
    // @shopify/ui-extensions must be the api_version's release (2026-07 -> 2026.7.x).
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}/../../package.json", env!("CARGO_MANIFEST_DIR")))
            .expect("package.json"),
    )
    .expect("package.json is JSON");
    let wanted = API_VERSION.replace("-0", ".").replace('-', ".");
    for name in ["@shopify/ui-extensions", "@shopify/ui-extensions-tester"] {
        let version = package["devDependencies"][name].as_str().unwrap_or("");
        assert!(
            version.trim_start_matches(['^', '~']).starts_with(&wanted),
            "{name} {version} is not the {API_VERSION} release ({wanted}.x)"
        );
    }
}

#[test]
fn the_pixel_and_the_theme_extension_are_declared() {
    let pixel = read("extensions/crossbuy-pixel/shopify.extension.toml");
    assert_eq!(pixel["type"].as_str(), Some("web_pixel_extension"));
    assert_eq!(pixel["runtime_context"].as_str(), Some("strict"));
    assert_eq!(pixel["customer_privacy"]["marketing"].as_bool(), Some(true));
    let theme = read("extensions/crossbuy-theme/shopify.extension.toml");
    assert_eq!(theme["type"].as_str(), Some("theme"));
}
