//! Shopify's storefront product JSON: the numeric product and variant ids that Shopify's CSV
//! exports lack.
//!
//! Pages on Shopify name products and variants by number (Liquid's `item.product_id`, `cart.js`,
//! the customer-events pixel, the legacy `Shopify.checkout`), and the cart only adds numeric
//! variant ids (`POST /cart/add.js`, `/cart/{variant}:{qty}`). The exports carry URL handles and
//! SKUs. Every Shopify shop publishes its products at `https://SHOP/products.json?limit=250&page=N`
//! (`scripts/shopify-fetch-products.sh` downloads the pages):
//!
//! ```json
//! {"products":[{"id":632910392,"handle":"classic-mug","title":"Classic Mug",
//!   "variants":[{"id":808950810,"title":"White","sku":"MUG-W","price":"8.99","position":1}],
//!   "images":[{"src":"https://cdn.shopify.com/…/mug.png"}]}]}
//! ```
//!
//! [`apply`] joins it to the products export by handle, and the variants by SKU, else by title
//! (`White`, `Beige / Large`, `Default Title`), else by position when both list the same number
//! of variants. Products and variants it cannot match keep their handle and SKU ids.

use std::collections::HashMap;

use serde_json::Value;

use super::products::ProductFile;
use super::report::{BuildError, Result, Summary};
use crossbuy_engine::url::is_safe_url;

/// One product of the storefront JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorefrontProduct {
    /// Numeric product id, as decimal text.
    pub id: String,
    /// URL handle.
    pub handle: String,
    /// Variants, in the shop's order.
    pub variants: Vec<StorefrontVariant>,
    /// First image url, when it is http(s).
    pub image: Option<String>,
}

/// One variant of the storefront JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorefrontVariant {
    /// Numeric variant id, as decimal text.
    pub id: String,
    /// SKU (may be empty).
    pub sku: String,
    /// Option values joined with ` / ` (`Beige / Large`), or `Default Title`.
    pub title: String,
}

/// Reads the files (a directory stands for the `.json` files in it, in name order).
pub fn read_files(paths: &[String], summary: &mut Summary) -> Result<Vec<StorefrontProduct>> {
    let mut out = Vec::new();
    for path in expand(paths)? {
        let text = super::input::read_text(&path)?;
        out.extend(read_text(&path, &text, summary)?);
    }
    Ok(out)
}

/// Files named by `paths`: directories become their `.json` files, shorter names first
/// (`products-2.json` before `products-10.json`).
fn expand(paths: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for path in paths {
        if !std::path::Path::new(path).is_dir() {
            out.push(path.clone());
            continue;
        }
        let mut files: Vec<String> = std::fs::read_dir(path)
            .map_err(|e| BuildError::io(path, e))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .map(|p| p.display().to_string())
            .collect();
        files.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
        if files.is_empty() {
            return Err(BuildError::input(
                path,
                "no .json files in this directory (scripts/shopify-fetch-products.sh writes them)",
            ));
        }
        out.extend(files);
    }
    Ok(out)
}

/// A numeric Shopify id: a whole number, its decimal text, or a `gid://shopify/Kind/123`.
fn numeric_id(v: Option<&Value>) -> Option<String> {
    let text = match v? {
        Value::Number(n) => return n.as_u64().map(|n| n.to_string()),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    let digits = match text.strip_prefix("gid://shopify/") {
        Some(rest) => rest.rsplit('/').next()?,
        None => text,
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_owned())
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or("").trim().to_owned()
}

/// Reads one page: `{"products":[…]}` (the listing) or `{"product":{…}}` (one product's
/// `/products/{handle}.json`). Text that is not such JSON stops the run, naming the file;
/// a product or variant without a numeric id or a handle is reported and skipped.
pub fn read_text(path: &str, text: &str, summary: &mut Summary) -> Result<Vec<StorefrontProduct>> {
    let not_products = |why: String| {
        BuildError::input(
            path,
            format!("not Shopify's product JSON (expected {{\"products\":[…]}} from /products.json): {why}"),
        )
    };
    let root: Value = serde_json::from_str(text).map_err(|e| not_products(e.to_string()))?;
    let items: Vec<&Value> = match (root.get("products"), root.get("product")) {
        (Some(Value::Array(list)), _) => list.iter().collect(),
        (None, Some(one @ Value::Object(_))) => vec![one],
        _ => return Err(not_products("no \"products\" array".to_owned())),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, p) in items.into_iter().enumerate() {
        let handle = self::text(p.get("handle"));
        let place = format!("products[{i}]");
        let Some(id) = numeric_id(p.get("id")) else {
            summary.problem(
                path,
                0,
                format!("{place} (\"{handle}\"): no numeric \"id\"; skipped"),
            );
            continue;
        };
        if handle.is_empty() {
            summary.problem(
                path,
                0,
                format!("{place} (id {id}): no \"handle\"; skipped"),
            );
            continue;
        }
        let mut variants = Vec::new();
        let list = p.get("variants").and_then(Value::as_array);
        for (j, v) in list.into_iter().flatten().enumerate() {
            match numeric_id(v.get("id")) {
                Some(vid) => variants.push(StorefrontVariant {
                    id: vid,
                    sku: self::text(v.get("sku")),
                    title: self::text(v.get("title")),
                }),
                None => summary.problem(
                    path,
                    0,
                    format!("{place}.variants[{j}] (\"{handle}\"): no numeric \"id\"; skipped"),
                ),
            }
        }
        let image = p
            .get("images")
            .and_then(Value::as_array)
            .and_then(|images| images.first())
            .map(|img| self::text(img.get("src")))
            .filter(|src| is_safe_url(src));
        out.push(StorefrontProduct {
            id,
            handle,
            variants,
            image,
        });
    }
    summary.storefront_products += out.len() as u64;
    Ok(out)
}

/// How a variant title compares: case and spacing ignored; an export row without options is
/// Shopify's `Default Title`.
fn title_key(options: &str) -> String {
    let key = options.split_whitespace().collect::<Vec<_>>().join(" ");
    if key.is_empty() {
        "default title".to_owned()
    } else {
        key.to_lowercase()
    }
}

/// Gives the export's products their Shopify ids from `storefront`: `shopify_id` and each
/// matched variant's `id`, and the storefront image when the export has none. Counts go to
/// `summary`.
pub fn apply(file: &mut ProductFile, storefront: &[StorefrontProduct], summary: &mut Summary) {
    let mut by_handle: HashMap<&str, &StorefrontProduct> = HashMap::new();
    for p in storefront {
        by_handle.entry(p.handle.as_str()).or_insert(p);
    }
    for row in &mut file.products {
        let Some(sp) = by_handle.get(row.id.as_str()) else {
            continue;
        };
        summary.products_shopify_ids += 1;
        row.shopify_id = Some(sp.id.clone());
        if row.image.is_none() {
            row.image.clone_from(&sp.image);
        }
        let mut found: Vec<Option<usize>> = vec![None; row.variants.len()];
        let mut used = vec![false; sp.variants.len()];
        // 1. By SKU, when it names one variant on each side (shops reuse a SKU across sizes).
        for (i, v) in row.variants.iter().enumerate() {
            if v.sku.is_empty() || row.variants.iter().filter(|w| w.sku == v.sku).count() > 1 {
                continue;
            }
            let mut same = (0..sp.variants.len()).filter(|&j| sp.variants[j].sku == v.sku);
            if let (Some(j), None) = (same.next(), same.next()) {
                if !used[j] {
                    found[i] = Some(j);
                    used[j] = true;
                }
            }
        }
        // 2. By title (the option values).
        for (i, v) in row.variants.iter().enumerate() {
            if found[i].is_some() {
                continue;
            }
            let key = title_key(&v.options);
            if let Some(j) = (0..sp.variants.len())
                .find(|&j| !used[j] && title_key(&sp.variants[j].title) == key)
            {
                found[i] = Some(j);
                used[j] = true;
            }
        }
        // 3. By position, when both list the same number of variants.
        if row.variants.len() == sp.variants.len() {
            for i in 0..row.variants.len() {
                if found[i].is_none() && !used[i] {
                    found[i] = Some(i);
                    used[i] = true;
                }
            }
        }
        for (v, j) in row.variants.iter_mut().zip(found) {
            match j {
                Some(j) => v.id.clone_from(&sp.variants[j].id),
                None => summary.variants_no_shopify_id += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::products::read_products_text;

    const EXPORT: &str = "\
Handle,Title,Option1 Value,Variant SKU,Variant Price
mug,Mug,White,MUG-W,8.99
mug,,Black,MUG-B,8.99
tea,Tea,Default Title,,4.50
towel,Towel,Blue,,6.00
towel,,Red,,6.00
spoon,Spoon,Default Title,SPOON,2.50
case,Case,Red,CASE,9.00
case,,Blue,CASE,9.00
";

    /// Joins `json` to [`EXPORT`]; one line per product: `handle id variant,variant…`, then
    /// the counts and problems.
    fn check(json: &str, expected: &str) {
        let mut summary = Summary::default();
        let mut file = read_products_text("products.csv", EXPORT, &mut summary).expect("export");
        let got = match read_text("products.json", json, &mut summary) {
            Ok(storefront) => {
                apply(&mut file, &storefront, &mut summary);
                let mut lines: Vec<String> = file
                    .products
                    .iter()
                    .map(|p| {
                        let variants: Vec<&str> =
                            p.variants.iter().map(|v| v.id.as_str()).collect();
                        format!(
                            "{} {} {}",
                            p.id,
                            p.shopify_id.as_deref().unwrap_or("-"),
                            variants.join(",")
                        )
                    })
                    .collect();
                lines.push(format!(
                    "read {} matched {} variants unmatched {}",
                    summary.storefront_products,
                    summary.products_shopify_ids,
                    summary.variants_no_shopify_id
                ));
                lines.extend(summary.problems.iter().map(ToString::to_string));
                lines.join("\n")
            }
            Err(e) => e.to_string(),
        };
        let expected: Vec<&str> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(got, expected.join("\n"));
    }

    #[test]
    fn joins_by_handle_then_sku_title_or_position() {
        check(
            r#"{"products":[
              {"id":11,"handle":"mug","variants":[{"id":112,"sku":"MUG-B","title":"Black"},{"id":111,"sku":"MUG-W","title":"White"}]},
              {"id":"22","handle":"tea","variants":[{"id":221,"sku":null,"title":"Default Title"}]},
              {"id":"gid://shopify/Product/33","handle":"towel","variants":[{"id":332,"sku":"","title":"Red"},{"id":331,"sku":"","title":"blue"}]},
              {"id":55,"handle":"not-in-the-export","variants":[]},
              {"id":66,"handle":"case","variants":[{"id":662,"sku":"CASE","title":"Blue"},{"id":661,"sku":"","title":"Red"}]}
            ]}"#,
            "
            mug 11 111,112
            tea 22 221
            towel 33 331,332
            spoon - SPOON
            case 66 661,662
            read 5 matched 4 variants unmatched 0",
        );
        // Titles that differ: the position decides when the counts agree.
        check(
            r#"{"products":[{"id":33,"handle":"towel","variants":[{"id":301,"title":"Navy"},{"id":302,"title":"Crimson"}]}]}"#,
            "
            mug - MUG-W,MUG-B
            tea - tea
            towel 33 301,302
            spoon - SPOON
            case - CASE,CASE
            read 1 matched 1 variants unmatched 0",
        );
        // A variant the shop no longer lists keeps its SKU id.
        check(
            r#"{"product":{"id":11,"handle":"mug","variants":[{"id":111,"sku":"MUG-W","title":"White"}]}}"#,
            "
            mug 11 111,MUG-B
            tea - tea
            towel - towel,towel
            spoon - SPOON
            case - CASE,CASE
            read 1 matched 1 variants unmatched 1",
        );
    }

    #[test]
    fn bad_pages_and_entries_are_named() {
        check(
            "<!DOCTYPE html><html>Enter store using password</html>",
            "products.json: not Shopify's product JSON (expected {\"products\":[…]} from /products.json): expected value at line 1 column 1",
        );
        check(
            r#"{"errors":"Not Found"}"#,
            "products.json: not Shopify's product JSON (expected {\"products\":[…]} from /products.json): no \"products\" array",
        );
        check(
            r#"{"products":[{"id":1.5,"handle":"mug"},{"id":22},{"id":44,"handle":"spoon","variants":[{"id":"x","sku":"SPOON"}]}]}"#,
            "
            mug - MUG-W,MUG-B
            tea - tea
            towel - towel,towel
            spoon 44 SPOON
            case - CASE,CASE
            read 1 matched 1 variants unmatched 1
            products.json: products[0] (\"mug\"): no numeric \"id\"; skipped
            products.json: products[1] (id 22): no \"handle\"; skipped
            products.json: products[2].variants[0] (\"spoon\"): no numeric \"id\"; skipped",
        );
    }
}
