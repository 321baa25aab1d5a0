//! The `crossbuy` command line: argument parsing, subcommands, messages on stderr.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use crossbuy_builder::baskets::BasketFormat;
use crossbuy_builder::build::{build, BuildInput, Built};
use crossbuy_builder::config::Config;
use crossbuy_builder::report::{BuildError, Result, Summary};
use crossbuy_builder::write::to_json;
use crossbuy_engine::money::to_decimal;
use crossbuy_engine::score::{recommend, MIN_CARDS};
use crossbuy_engine::Catalog;

const HELP: &str = "\
crossbuy: builds the catalog snapshot for the crossbuy widget from a shop's own orders

USAGE:
    crossbuy snapshot --products FILE --orders FILE [OPTIONS]   from Shopify exports
    crossbuy snapshot --baskets FILE [--products FILE] [OPTIONS] from a plain basket file
    crossbuy recommend --catalog FILE --items ID,ID [--limit N]  what the widget would show
    crossbuy eval --baskets FILE [OPTIONS]                       measure against baselines
    crossbuy help [COMMAND]

Run `crossbuy COMMAND --help` for the options of each command.
";

const SNAPSHOT_HELP: &str = "\
crossbuy snapshot: writes a catalog snapshot (docs/snapshot.md)

USAGE:
    crossbuy snapshot --products products_export.csv --orders orders_export.csv [OPTIONS]
    crossbuy snapshot --baskets baskets.csv [--products items.csv] [OPTIONS]

INPUT:
    --products FILE     Shopify products export (current `URL handle` or legacy `Handle`
                        header; `Product ID` and `Variant ID` columns, when present, give
                        Shopify's ids) or a plain table with columns id,title,price[,
                        compare_at_price,url,image,type,vendor,tags,available,variant_id]
    --orders FILE       Shopify orders export (one row per line item)
    --shopify-products-json FILE[,FILE…]
                        the shop's public product JSON (https://SHOP/products.json?limit=250&
                        page=N; a directory stands for its .json files; fetch them with
                        scripts/shopify-fetch-products.sh). Gives products Shopify's numeric
                        product and variant ids, which Shopify pages and the cart use; the
                        handle and SKUs stay as aliases. Without it, ids are handles and SKUs.
    --baskets FILE      plain baskets: `order_id,item_id` lines with a header (optional time
                        and customer columns), or one basket per line (items separated by
                        commas, or spaces when a line has no comma)
    --format F          basket layout when not detected: lines | comma | whitespace
    --drop ID,ID        basket items to leave out (postage, fees)
    --config FILE       merchant configuration (docs/config.md); default: crossbuy.toml when
                        it exists in the current directory

OUTPUT:
    -o, --output FILE   snapshot file (default catalog.json; `-` for stdout)
    --shards DIR        also write the sharded form: DIR/index.json and DIR/p/*.json
    --pixel-recommendations FILE
                        also write the top 4 recommendations per product for the Shopify
                        customer-events pixel when it cannot run the engine (docs/snapshot.md,
                        \"Pixel fallback\")

OVERRIDES (win over crossbuy.toml):
    --shop-name NAME    shop name
    --currency CODE     ISO 4217 currency of the prices (default: the orders' Currency column)
    --locale TAG        default locale, such as en-GB
    --k N               neighbours kept per product (default 8)
    --min-support N     ignore pairs bought together fewer than N times (default 1)
    --score NAME        pair score: crossbuy (default), confidence, cosine, lift, npmi,
                        cooccurrence

    --timings           print the time spent in each phase to stderr
    -q, --quiet         no summary and no progress line
    -h, --help          this help

Unreadable rows are reported as `file:line: reason` and skipped; the run fails only when a
required column is missing or nothing usable remains. A summary goes to stderr at the end.
";

const RECOMMEND_HELP: &str = "\
crossbuy recommend: shows what the widget would show for a cart, and why

USAGE:
    crossbuy recommend --catalog catalog.json --items ID,ID [--limit N]

    --catalog FILE      a snapshot written by `crossbuy snapshot`
    --items ID,ID       product or variant ids in the cart / order (handles and SKUs too)

For each recommendation it prints the ids the widget uses: the product id, the variant
it adds to the cart (on Shopify, a numeric variant id) and the product page.
    --limit N           cards to show, 1 to 4 (default 3)
    -h, --help          this help
";

/// One accepted flag: long name, short name, whether it takes a value.
pub(crate) struct Flag(
    pub(crate) &'static str,
    pub(crate) Option<&'static str>,
    pub(crate) bool,
);

type Flags = HashMap<&'static str, String>;

fn parse_flags(command: &str, args: &[String], spec: &[Flag]) -> Result<Flags> {
    let mut out = Flags::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let flag = spec
            .iter()
            .find(|f| name == format!("--{}", f.0) || f.1.is_some_and(|s| name == s))
            .ok_or_else(|| {
                BuildError::Usage(format!(
                    "crossbuy {command}: unknown argument \"{arg}\" (see `crossbuy {command} --help`)"
                ))
            })?;
        let value = if flag.2 {
            match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i).cloned().ok_or_else(|| {
                        BuildError::Usage(format!("crossbuy {command}: --{} needs a value", flag.0))
                    })?
                }
            }
        } else {
            String::new()
        };
        out.insert(flag.0, value);
        i += 1;
    }
    Ok(out)
}

fn number<T: std::str::FromStr>(flags: &Flags, name: &str) -> Result<Option<T>> {
    flags
        .get(name)
        .map(|v| {
            v.parse::<T>().map_err(|_| {
                BuildError::Usage(format!("--{name}: expected a whole number, got \"{v}\""))
            })
        })
        .transpose()
}

fn list(value: Option<&String>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Runs the command line; returns the process exit code (0 ok, 1 failed, 2 usage).
pub fn run(args: &[String]) -> i32 {
    let result = match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => match args.get(1).map(String::as_str) {
            Some("snapshot") => print(SNAPSHOT_HELP),
            Some("recommend") => print(RECOMMEND_HELP),
            Some("eval") => print(crate::eval::HELP),
            _ => print(HELP),
        },
        Some("snapshot") => snapshot(&args[1..]),
        Some("recommend") => recommend_cmd(&args[1..]),
        Some("eval") => crate::eval::command(&args[1..]),
        Some("--version" | "-V") => print(concat!("crossbuy ", env!("CARGO_PKG_VERSION"), "\n")),
        Some(other) => Err(BuildError::Usage(format!(
            "unknown command \"{other}\"; commands: snapshot, recommend, eval (see `crossbuy --help`)"
        ))),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("crossbuy: {e}");
            if matches!(e, BuildError::Usage(_)) {
                2
            } else {
                1
            }
        }
    }
}

fn print(text: &str) -> Result<()> {
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(())
}

/// Prints the bad rows (at most 100) to stderr.
pub fn report_problems(summary: &Summary) {
    let mut err = std::io::stderr().lock();
    let mut problems: Vec<&crossbuy_builder::report::Problem> = summary.problems.iter().collect();
    problems.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    for p in problems.into_iter().take(100) {
        let _ = writeln!(err, "crossbuy: {p}");
    }
    if summary.bad_rows > 100 {
        let _ = writeln!(
            err,
            "crossbuy: … and {} more unreadable rows",
            summary.bad_rows - 100
        );
    }
}

/// The build input from snapshot/eval flags (shared by `snapshot` and `eval`).
pub fn build_input(flags: &Flags) -> Result<BuildInput> {
    let config_path = flags.get("config").cloned().or_else(|| {
        std::path::Path::new("crossbuy.toml")
            .exists()
            .then(|| "crossbuy.toml".to_owned())
    });
    let mut config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    if let Some(v) = flags.get("shop-name") {
        config.shop.name = Some(v.clone());
    }
    if let Some(v) = flags.get("currency") {
        if crossbuy_engine::Currency::parse(v).is_none() {
            return Err(BuildError::Usage(format!(
                "--currency: expected an ISO 4217 code such as GBP, got \"{v}\""
            )));
        }
        config.shop.currency = Some(v.clone());
    }
    if let Some(v) = flags.get("locale") {
        config.shop.locale = Some(v.clone());
    }
    if let Some(k) = number::<usize>(flags, "k")? {
        if !(1..=50).contains(&k) {
            return Err(BuildError::Usage(format!("--k: expected 1 to 50, got {k}")));
        }
        config.neighbours.k = Some(k);
    }
    if let Some(m) = number::<u32>(flags, "min-support")? {
        config.neighbours.min_support = Some(m);
    }
    if let Some(s) = flags.get("score") {
        if crossbuy_builder::score::Method::parse(s).is_none() {
            return Err(BuildError::Usage(format!("--score: unknown score \"{s}\"")));
        }
        config.neighbours.score = Some(s.clone());
    }
    let basket_format = match flags.get("format").map(String::as_str) {
        None => None,
        Some("lines") => Some(BasketFormat::Lines),
        Some("comma") => Some(BasketFormat::Comma),
        Some("whitespace") => Some(BasketFormat::Whitespace),
        Some(other) => {
            return Err(BuildError::Usage(format!(
                "--format: expected lines, comma or whitespace, got \"{other}\""
            )))
        }
    };
    Ok(BuildInput {
        platform: Default::default(),
        products: flags.get("products").cloned(),
        shopify_products_json: list(flags.get("shopify-products-json")),
        orders: flags.get("orders").cloned(),
        baskets: flags.get("baskets").cloned(),
        basket_format,
        drop: list(flags.get("drop")).into_iter().collect::<HashSet<_>>(),
        config,
        progress: !flags.contains_key("quiet"),
        feedback: None,
    })
}

/// Flags shared by `snapshot` and `eval` for reading inputs.
pub(crate) const INPUT_FLAGS: [Flag; 12] = [
    Flag("products", None, true),
    Flag("orders", None, true),
    Flag("baskets", None, true),
    Flag("format", None, true),
    Flag("drop", None, true),
    Flag("config", None, true),
    Flag("shop-name", None, true),
    Flag("currency", None, true),
    Flag("locale", None, true),
    Flag("k", None, true),
    Flag("min-support", None, true),
    Flag("score", None, true),
];

/// Parses `args` against the input flags plus `extra`.
pub fn parse_with_inputs(command: &str, args: &[String], extra: Vec<Flag>) -> Result<Flags> {
    let mut spec: Vec<Flag> = INPUT_FLAGS.into_iter().collect();
    spec.extend(extra);
    spec.push(Flag("quiet", Some("-q"), false));
    spec.push(Flag("help", Some("-h"), false));
    parse_flags(command, args, &spec)
}

fn now() -> Option<i64> {
    if let Ok(s) = std::env::var("SOURCE_DATE_EPOCH") {
        return s.trim().parse().ok();
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs() as i64)
}

fn write_file(path: &str, text: &str) -> Result<()> {
    if path == "-" {
        std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| BuildError::io("stdout", e))
    } else {
        std::fs::write(path, text).map_err(|e| BuildError::io(path, e))
    }
}

fn snapshot(args: &[String]) -> Result<()> {
    let flags = parse_with_inputs(
        "snapshot",
        args,
        vec![
            Flag("output", Some("-o"), true),
            Flag("shards", None, true),
            Flag("shopify-products-json", None, true),
            Flag("pixel-recommendations", None, true),
            Flag("timings", None, false),
        ],
    )?;
    if flags.contains_key("help") {
        return print(SNAPSHOT_HELP);
    }
    let quiet = flags.contains_key("quiet");
    let input = build_input(&flags)?;
    let built: Built = build(&input, now())?;
    report_problems(&built.summary);
    let started = std::time::Instant::now();
    let json = to_json(&built);
    let out = flags.get("output").map_or("catalog.json", String::as_str);
    write_file(out, &json)?;
    let mut timings = built.summary.timings.clone();
    timings.push(("write snapshot", started.elapsed()));
    if let Some(dir) = flags.get("shards") {
        let started = std::time::Instant::now();
        crossbuy_builder::shards::write_shards(&built, std::path::Path::new(dir))?;
        timings.push(("write shards", started.elapsed()));
    }
    if let Some(path) = flags.get("pixel-recommendations") {
        let started = std::time::Instant::now();
        // From the snapshot as the widget reads it, with the engine's own scoring.
        let catalog = Catalog::parse(&json).map_err(|e| BuildError::input(out, e.to_string()))?;
        write_file(
            path,
            &crossbuy_builder::pixel::recommendations_json(&catalog),
        )?;
        timings.push(("write pixel file", started.elapsed()));
    }
    if flags.contains_key("timings") {
        for (phase, d) in &timings {
            eprintln!("crossbuy: {phase:<22} {:>8.3} s", d.as_secs_f64());
        }
    }
    if !quiet {
        eprint!("{}", built.summary);
        eprintln!(
            "crossbuy: wrote {} ({} products, {} KB){}{}",
            out,
            built.products.len(),
            json.len() / 1024,
            flags
                .get("shards")
                .map_or(String::new(), |d| format!(", shards in {d}")),
            flags
                .get("pixel-recommendations")
                .map_or(String::new(), |f| format!(", pixel recommendations in {f}"))
        );
    }
    Ok(())
}

fn recommend_cmd(args: &[String]) -> Result<()> {
    let flags = parse_flags(
        "recommend",
        args,
        &[
            Flag("catalog", None, true),
            Flag("items", None, true),
            Flag("limit", None, true),
            Flag("help", Some("-h"), false),
        ],
    )?;
    if flags.contains_key("help") {
        return print(RECOMMEND_HELP);
    }
    let path = flags
        .get("catalog")
        .ok_or_else(|| BuildError::Usage("recommend: --catalog FILE is required".to_owned()))?;
    let items = list(flags.get("items"));
    if items.is_empty() {
        return Err(BuildError::Usage(
            "recommend: --items ID,ID is required".to_owned(),
        ));
    }
    let limit = number::<usize>(&flags, "limit")?.unwrap_or(crossbuy_engine::score::DEFAULT_CARDS);
    let text = std::fs::read_to_string(path).map_err(|e| BuildError::io(path, e))?;
    let catalog = Catalog::parse(&text).map_err(|e| BuildError::input(path, e.to_string()))?;
    print(&explain(&catalog, &items, limit))
}

/// What a merchant calls a product: its handle when the id is Shopify's number, else its id.
fn name(p: &crossbuy_engine::Product) -> &str {
    p.handle.as_deref().unwrap_or(&p.id)
}

/// What the widget would show for `items` (product or variant ids), with the evidence.
pub fn explain(catalog: &Catalog, items: &[String], limit: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut context = Vec::new();
    for id in items {
        match catalog
            .product_index(id)
            .or_else(|| catalog.variant_product(id))
        {
            Some(i) if !context.contains(&i) => {
                let p = &catalog.products[i];
                let _ = writeln!(
                    out,
                    "in the cart: {} ({}{}), {} neighbours",
                    p.title,
                    p.id,
                    p.handle
                        .as_ref()
                        .map_or(String::new(), |h| format!(", handle {h}")),
                    p.neighbours.len()
                );
                context.push(i);
            }
            Some(_) => {}
            None => {
                let _ = writeln!(
                    out,
                    "in the cart: \"{id}\" is not in this catalog (ignored)"
                );
            }
        }
    }
    let recs = recommend(catalog, &context, limit);
    let exp = catalog.shop.currency.exponent();
    let code = catalog.shop.currency.code();
    if recs.len() < MIN_CARDS {
        let _ = writeln!(
            out,
            "the widget shows nothing: {} recommendation(s), it needs at least {MIN_CARDS}",
            recs.len()
        );
    } else {
        let _ = writeln!(out, "the widget shows:");
    }
    for (rank, r) in recs.iter().enumerate() {
        let p = &catalog.products[r.product];
        let was = p.was_price().map_or(String::new(), |w| {
            format!(" (was {} {code})", to_decimal(w, exp))
        });
        let _ = writeln!(
            out,
            "  {}. {} ({}) at {} {code}{was}",
            rank + 1,
            p.title,
            name(p),
            to_decimal(p.price, exp)
        );
        let _ = writeln!(
            out,
            "     widget ids: product {}, variant {} (Add to cart), page {}",
            p.id,
            p.default_variant(),
            p.url
        );
        if r.pinned {
            let by = r
                .because
                .first()
                .map_or("", |&c| name(&catalog.products[c]));
            let _ = writeln!(out, "     pinned by the merchant for {by}");
            continue;
        }
        let boost = catalog.rules.boost.get(&r.product);
        let _ = writeln!(
            out,
            "     score {:.4}{}",
            r.score,
            boost.map_or(String::new(), |b| format!(" (boosted ×{b})"))
        );
        for &c in &r.because {
            let ctx = &catalog.products[c];
            if let Some(n) = ctx.neighbours.iter().find(|n| n.product == r.product) {
                let evidence = if n.count == 1 {
                    "bought together in 1 order".to_owned()
                } else if n.count > 1 {
                    format!("bought together in {} orders", n.count)
                } else {
                    "no orders together yet: from what shoppers of this type also buy".to_owned()
                };
                let _ = writeln!(
                    out,
                    "     with {}: score {:.4}, {evidence}",
                    name(ctx),
                    n.score
                );
            }
        }
    }
    out
}
