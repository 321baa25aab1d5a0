//! What the console does, in plain Rust (tested natively): build a catalog from the files a
//! merchant dropped, with the `crossbuy` command's importers, summary and named errors; explain
//! a cart; evaluate; measure (`crossbuy report` on the orders from after installation); write
//! the catalog whole or sharded (one zip); read and write `crossbuy.toml`. Every answer is JSON text for the page.

use std::collections::HashSet;
use std::io::Write as _;

use crossbuy_builder::baskets::BasketFormat;
use crossbuy_builder::build::{
    apply_feedback, assemble, load_from, params, BuildInput, Loaded, Platform,
};
use crossbuy_builder::config::Config;
use crossbuy_builder::eval::{run_eval, EvalOptions, Task};
use crossbuy_builder::feedback::Feedback;
use crossbuy_builder::input::read_text_from;
use crossbuy_builder::measure::{parse_catalog, read_orders_from, report, summary_text, Query};
use crossbuy_builder::measure_html::html;
use crossbuy_builder::progress::Progress;
use crossbuy_builder::report::{BuildError, Result, Summary};
use crossbuy_builder::source::Sources;
use crossbuy_builder::stats::DEFAULT_MAX_BASKET;
use crossbuy_builder::write::to_json;
use crossbuy_builder::{explain, shards, Built};
use crossbuy_engine::Catalog;
use serde_json::{json, Value};

/// What the page asks a build for: the dropped files by role, and the command line's
/// overrides (`{"platform":"woocommerce","products":"wc-product-export.csv",
/// "orders":"crossbuy-orders.csv","config":"[neighbours]\nk = 4\n","now":1765000000}`).
#[derive(Debug, Default)]
pub struct Request {
    /// The build input, as `crossbuy snapshot` would have it.
    pub input: BuildInput,
    /// When the build ran (unix seconds), written into the snapshot.
    pub now: Option<i64>,
    /// Feedback files (`crossbuy snapshot --feedback`): a report's JSON, webhook bodies, or the
    /// orders export from after installation.
    pub feedback: Vec<String>,
    /// The catalog that was live (`--feedback-catalog`); without it, the one built before.
    pub feedback_catalog: Option<String>,
}

fn usage(message: String) -> BuildError {
    BuildError::Usage(message)
}

impl Request {
    /// Reads the page's request; wrong values are named as the command line names them.
    pub fn parse(text: &str) -> Result<Request> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| usage(format!("the console's request: {e}")))?;
        let text_of = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let list_of = |key: &str| -> Vec<String> {
            v.get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut config = match text_of("config") {
            Some(toml) => Config::parse(
                text_of("config_name").as_deref().unwrap_or("crossbuy.toml"),
                &toml,
            )?,
            None => Config::default(),
        };
        if let Some(name) = text_of("shop_name").filter(|s| !s.is_empty()) {
            config.shop.name = Some(name);
        }
        if let Some(c) = text_of("currency").filter(|s| !s.is_empty()) {
            if crossbuy_engine::Currency::parse(&c).is_none() {
                return Err(usage(format!(
                    "--currency: expected an ISO 4217 code such as GBP, got \"{c}\""
                )));
            }
            config.shop.currency = Some(c);
        }
        if let Some(l) = text_of("locale").filter(|s| !s.is_empty()) {
            config.shop.locale = Some(l);
        }
        let platform = match text_of("platform") {
            None => Platform::Shopify,
            Some(p) => Platform::parse(&p).ok_or_else(|| {
                usage(format!(
                    "--platform: expected shopify, woocommerce or bigcommerce, got \"{p}\""
                ))
            })?,
        };
        let basket_format = match text_of("format").as_deref() {
            None | Some("") => None,
            Some("lines") => Some(BasketFormat::Lines),
            Some("comma") => Some(BasketFormat::Comma),
            Some("whitespace") => Some(BasketFormat::Whitespace),
            Some(o) => {
                return Err(usage(format!(
                    "--format: expected lines, comma or whitespace, got \"{o}\""
                )))
            }
        };
        Ok(Request {
            input: BuildInput {
                platform,
                products: text_of("products"),
                shopify_products_json: list_of("storefront"),
                orders: text_of("orders"),
                baskets: text_of("baskets"),
                basket_format,
                drop: list_of("drop").into_iter().collect::<HashSet<_>>(),
                config,
                // Read in the build, from the dropped files.
                feedback: None,
            },
            now: v.get("now").and_then(Value::as_i64),
            feedback: list_of("feedback"),
            feedback_catalog: text_of("feedback_catalog").filter(|s| !s.is_empty()),
        })
    }
}

/// The build's feedback files, read as `crossbuy snapshot --feedback` reads them; an orders
/// export is reported with the catalog that was live (`feedback_catalog`, else `before`, the
/// catalog built before). Also the problems of those files' unreadable rows.
fn read_feedback(
    request: &Request,
    sources: &dyn Sources,
    before: String,
) -> Result<(Option<Feedback>, String)> {
    if request.feedback.is_empty() {
        return Ok((None, String::new()));
    }
    let text = |name: &str| -> Result<String> {
        let (reader, _) = sources.open(name)?;
        read_text_from(name, reader)
    };
    let live = match &request.feedback_catalog {
        Some(name) => Some(parse_catalog(name, &text(name)?, false)?),
        None if !before.is_empty() => {
            Some(parse_catalog("the catalog built before", &before, false)?)
        }
        None => None,
    };
    let mut feedback = Feedback::default();
    let mut summary = Summary::default();
    for name in &request.feedback {
        feedback.read_any(name, &text(name)?, live.as_ref(), &mut summary)?;
    }
    Ok((Some(feedback), summary.problems_text()))
}

/// A console session: the last build, kept for the preview, the evaluation and downloads.
#[derive(Default)]
pub struct Session {
    loaded: Option<Loaded>,
    built: Option<Built>,
    json: String,
    catalog: Option<Catalog>,
    config: Config,
}

/// `{"ok":false,"error":"…"}`: the build's named error, as the command line prints it.
pub fn error(e: &BuildError) -> Value {
    json!({"ok": false, "error": format!("crossbuy: {e}")})
}

impl Session {
    /// No build yet.
    pub fn new() -> Session {
        Session::default()
    }

    /// Builds from `sources` as `crossbuy snapshot` would: `{"ok":true,"summary":"…",
    /// "problems":"…","products":N,"bytes":N,…}` or `{"ok":false,"error":"crossbuy: …"}`.
    pub fn build(
        &mut self,
        request: &str,
        sources: &dyn Sources,
        progress: &mut dyn Progress,
    ) -> Value {
        match self.try_build(request, sources, progress) {
            Ok(v) => v,
            Err(e) => error(&e),
        }
    }

    fn try_build(
        &mut self,
        request: &str,
        sources: &dyn Sources,
        progress: &mut dyn Progress,
    ) -> Result<Value> {
        let before = std::mem::take(&mut self.json);
        *self = Session::default();
        let request = Request::parse(request)?;
        let (feedback, feedback_problems) = read_feedback(&request, sources, before)?;
        let mut summary = Summary::default();
        let loaded = load_from(&request.input, sources, &mut summary, progress)?;
        progress.start("counting pairs and scoring", 0);
        let mut built = assemble(loaded.clone(), &request.input.config, request.now, summary)?;
        if let Some(f) = &feedback {
            apply_feedback(&mut built, f);
        }
        progress.done();
        let json = to_json(&built);
        let catalog =
            Catalog::parse(&json).map_err(|e| BuildError::input("catalog.json", e.to_string()))?;
        let s = &built.summary;
        let answer = json!({
            "ok": true,
            "problems": feedback_problems + &s.problems_text(),
            "summary": s.to_string(),
            "wrote": format!("crossbuy: wrote catalog.json ({} products, {} KB)", built.products.len(), json.len() / 1024),
            "products": built.products.len(),
            "bytes": json.len(),
            "lines_read": s.lines_read,
            "lines_used": s.lines_used,
            "bad_rows": s.bad_rows,
            "orders_used": s.orders_used,
            "shop": built.shop.name,
            "currency": built.shop.currency.code(),
        });
        self.loaded = Some(loaded);
        self.built = Some(built);
        self.json = json;
        self.catalog = Some(catalog);
        self.config = request.input.config;
        Ok(answer)
    }

    /// The catalog snapshot just built (empty before a build).
    pub fn catalog_json(&self) -> &str {
        &self.json
    }

    /// The products a merchant can pick, those with recommendations first:
    /// `[{"id","name","title","neighbours"}]`.
    pub fn products(&self) -> Value {
        let Some(catalog) = &self.catalog else {
            return json!([]);
        };
        let mut order: Vec<usize> = (0..catalog.products.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(catalog.products[i].neighbours.len()));
        order
            .into_iter()
            .map(|i| {
                let p = &catalog.products[i];
                json!({"id": p.id, "name": explain::name(p), "title": p.title,
                       "neighbours": p.neighbours.len()})
            })
            .collect()
    }

    /// Up to `n` real carts from the orders (those with 2 to 4 items), as product ids.
    pub fn carts(&self, n: usize) -> Value {
        let (Some(loaded), Some(catalog)) = (&self.loaded, &self.catalog) else {
            return json!([]);
        };
        let mut out = Vec::new();
        for b in 0..loaded.baskets.len() {
            let items = loaded.baskets.basket(b);
            if !(2..=4).contains(&items.len()) {
                continue;
            }
            let ids: Vec<&str> = items
                .iter()
                .map(|&i| loaded.products[i as usize].id.as_str())
                .filter(|id| catalog.product_index(id).is_some())
                .collect();
            if ids.len() >= 2 {
                out.push(json!(ids));
                if out.len() == n {
                    break;
                }
            }
        }
        Value::Array(out)
    }

    /// What the widget shows for `items` (a JSON array of ids), with the evidence.
    pub fn explain(&self, items: &str, limit: usize) -> Value {
        let Some(catalog) = &self.catalog else {
            return json!({"shown": false, "cart": [], "cards": []});
        };
        let items: Vec<String> = serde_json::from_str(items).unwrap_or_default();
        explain::explain(catalog, &items, limit).json(catalog)
    }

    /// `crossbuy eval` with the build's parameters: the basket task (time split and leave-one-out) and
    /// the next-order task: `{"time":{…},"leave_one_out":{…},"next_order":{…}}`, each as `crossbuy eval --json`
    /// prints it (`{"error":…}` where the data cannot make that task, e.g. no customers).
    pub fn eval(&self) -> Value {
        let config = &self.config;
        let Some(loaded) = &self.loaded else {
            return json!({"ok": false, "error": "crossbuy: build a catalog first"});
        };
        let run = |task: Task, leave_one_out: bool| {
            let options = EvalOptions {
                task,
                leave_one_out,
                train_fraction: 0.8,
                seed: 1,
                params: params(config),
                variants: Vec::new(),
                max_basket: config.neighbours.max_basket.unwrap_or(DEFAULT_MAX_BASKET),
                feedback: None,
                replay: None,
            };
            match run_eval(loaded, &options) {
                Ok(report) => serde_json::from_str::<Value>(&report.json()).unwrap_or(Value::Null),
                Err(e) => json!({"error": e.to_string()}),
            }
        };
        json!({
            "ok": true,
            "time": run(Task::Basket, false),
            "leave_one_out": run(Task::Basket, true),
            "next_order": run(Task::NextOrder, false),
        })
    }

    /// `crossbuy report` on an orders export from after installation: `request` is
    /// `{"orders":"orders_export.csv","catalog":"catalog.json","experiment":"…","since":"2026-12-01","thank_you":false}`
    /// (the catalog that was live, dropped; without it the catalog just built). The answer:
    /// `{"ok":true,"problems":"…","summary":"…","verdicts":[…],"html":"…","report":{…}}`, the
    /// report as the command prints it (`summary`), writes it with `--html` (`html`, the charts)
    /// and with `--json` (`report`), or the command's named error.
    pub fn measure(&self, request: &str, sources: &dyn Sources) -> Value {
        match self.try_measure(request, sources) {
            Ok(v) => v,
            Err(e) => error(&e),
        }
    }

    fn try_measure(&self, request: &str, sources: &dyn Sources) -> Result<Value> {
        let v: Value = serde_json::from_str(request)
            .map_err(|e| usage(format!("the console's request: {e}")))?;
        let text_of = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let query = Query::new(
            text_of("experiment"),
            text_of("since").as_deref(),
            v.get("thank_you").and_then(Value::as_bool).unwrap_or(false),
        )?;
        let orders = text_of("orders")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| usage("crossbuy report: --orders FILE required".to_owned()))?;
        let dropped;
        let catalog = match text_of("catalog").filter(|s| !s.is_empty()) {
            Some(name) => {
                let (reader, _) = sources.open(&name)?;
                let text = read_text_from(&name, reader)?;
                dropped = parse_catalog(&name, &text, query.thank_you)?;
                &dropped
            }
            None if query.thank_you => {
                if self.catalog.is_none() {
                    return Err(usage(
                        "build a catalog first, or drop the catalog.json that was live".to_owned(),
                    ));
                }
                dropped = parse_catalog("catalog.json", &self.json, true)?;
                &dropped
            }
            None => self.catalog.as_ref().ok_or_else(|| {
                usage("build a catalog first, or drop the catalog.json that was live".to_owned())
            })?,
        };
        let mut summary = Summary::default();
        let (reader, size) = sources.open(&orders)?;
        let file = read_orders_from(&orders, reader, size, catalog, &mut summary)?;
        let r = report(catalog, &file, &query)?;
        let currency = catalog.shop.currency;
        Ok(json!({
            "ok": true,
            "problems": summary.problems_text(),
            "summary": summary_text(&r, currency),
            "verdicts": r.lifts.iter().map(|l| json!({"arm": l.arm, "against": l.against, "verdict": l.verdict})).collect::<Vec<_>>(),
            "html": html(&r, currency),
            "report": serde_json::to_value(&r).unwrap_or(Value::Null),
        }))
    }

    /// The sharded form (`index.json` and `p/N.json`, as `crossbuy snapshot --shards DIR`
    /// writes them) as one zip, under `catalog/`.
    pub fn shards_zip(&self) -> Result<Vec<u8>> {
        let built = self
            .built
            .as_ref()
            .ok_or_else(|| usage("build a catalog first".to_owned()))?;
        let fail = |e: String| BuildError::input("catalog-shards.zip", e);
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let mut add = |name: &str, text: &str| -> Result<()> {
            zip.start_file(name, options)
                .map_err(|e| fail(e.to_string()))?;
            zip.write_all(text.as_bytes())
                .map_err(|e| fail(e.to_string()))
        };
        let buckets =
            shards::each_shard(built, |b, text| add(&format!("catalog/p/{b}.json"), text))?;
        add("catalog/index.json", &shards::index_json(built, buckets))?;
        let cursor = zip.finish().map_err(|e| fail(e.to_string()))?;
        Ok(cursor.into_inner())
    }
}

/// `crossbuy.toml` from the form (JSON with the file's keys): `{"ok":true,"toml":"…"}`, or the
/// named error `crossbuy.toml: rules.boost."tea": expected a factor > 0, got 0 …`.
pub fn config_from_form(form: &str) -> Value {
    match Config::from_json("crossbuy.toml", form) {
        Ok(c) => {
            let toml = c.to_toml();
            // What the form wrote must read back as itself.
            match Config::parse("crossbuy.toml", &toml) {
                Ok(back) if back == c => json!({"ok": true, "toml": toml}),
                Ok(_) => {
                    json!({"ok": false, "error": "crossbuy: crossbuy.toml: the form's values do not read back the same"})
                }
                Err(e) => error(&e),
            }
        }
        Err(e) => error(&e),
    }
}

/// A `crossbuy.toml` read back for the form: `{"ok":true,"config":{…}}` or the CLI's named
/// error (`crossbuy: crossbuy.toml: line 3, column 2: unknown field …`).
pub fn config_read(name: &str, text: &str) -> Value {
    match Config::parse(name, text) {
        Ok(c) => json!({"ok": true, "config": serde_json::to_value(&c).unwrap_or(Value::Null)}),
        Err(e) => error(&e),
    }
}
