//! The merchant's `crossbuy.toml` (documented in docs/config.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::report::{BuildError, Result};
use super::score::{Method, DEFAULT_K};

/// The whole configuration; every section and key is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The shop.
    #[serde(default, skip_serializing_if = "unset")]
    pub shop: ShopConfig,
    /// How neighbours are chosen.
    #[serde(default, skip_serializing_if = "unset")]
    pub neighbours: NeighbourConfig,
    /// Merchant rules.
    #[serde(default, skip_serializing_if = "unset")]
    pub rules: RulesConfig,
    /// `[[offers]]`: the merchant's offers, in priority order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<OfferConfig>,
    /// `[experiment]`: arms shoppers are split into (docs/config.md, "Experiments").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<ExperimentConfig>,
}

/// `[experiment]` and its `[[experiment.arms]]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExperimentConfig {
    /// The experiment's name: part of the hash, so a new name reshuffles the shoppers.
    pub name: String,
    /// How many best-sellers the snapshot lists for a `bestsellers` arm (default 12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bestsellers: Option<usize>,
    /// The arms, at least two.
    #[serde(default)]
    pub arms: Vec<ArmConfig>,
}

/// One `[[experiment.arms]]` table, with the snapshot's field names.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ArmConfig {
    /// Reported in the order's attributes.
    pub name: String,
    /// Relative weight (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// `crossbuy` (default), `bestsellers` or `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show: Option<String>,
    /// Cards shown, 2 to 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cards: Option<u32>,
    /// False: no offer in this arm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<bool>,
}

impl ExperimentConfig {
    /// The snapshot's `experiment` object, checked by the engine's own reader (the widget's
    /// rules, once); errors name the key: `crossbuy.toml: experiment.arms[1].show: …`.
    pub fn resolve(&self, path: &str) -> Result<crossbuy_engine::experiment::Experiment> {
        use crossbuy_engine::experiment::Show;
        use crossbuy_engine::json::{self, Writer};
        for (i, a) in self.arms.iter().enumerate() {
            if let Some(show) = a.show.as_deref().filter(|s| Show::parse(s).is_none()) {
                return Err(BuildError::Config {
                    path: format!("{path}: experiment.arms[{i}].show"),
                    message: format!(
                        "expected \"crossbuy\", \"bestsellers\" or \"none\", got \"{show}\""
                    ),
                });
            }
        }
        let mut w = Writer(String::new());
        w.open('{')
            .key("name")
            .str(&self.name)
            .key("arms")
            .open('[');
        for a in &self.arms {
            w.open('{').key("name").str(&a.name);
            if let Some(x) = a.weight {
                w.key("weight").int(i64::from(x));
            }
            if let Some(x) = &a.show {
                w.key("show").str(x);
            }
            if let Some(x) = a.cards {
                w.key("cards").int(i64::from(x));
            }
            if let Some(x) = a.offer {
                w.key("offer").bool(x);
            }
            w.close('}');
        }
        w.close(']').close('}');
        let value = json::parse(&w.0).map_err(|e| BuildError::Config {
            path: format!("{path}: experiment"),
            message: e.to_string(),
        })?;
        let experiment = crossbuy_engine::experiment::Experiment::parse(&value).map_err(|e| {
            BuildError::Config {
                path: format!("{path}: {}", e.path),
                message: e.message.clone(),
            }
        })?;
        experiment
            .check()
            .map_err(|(at, key, message)| BuildError::Config {
                path: format!("{path}: {at}.{key}"),
                message,
            })?;
        Ok(experiment)
    }
}

/// A section left at its defaults is not written.
fn unset<T: Default + PartialEq>(section: &T) -> bool {
    *section == T::default()
}

/// `[shop]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShopConfig {
    /// Shop name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 4217 code of the prices; default: the orders' `Currency` column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Default locale (BCP 47).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Root path for cart requests, default `/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
}

/// `[neighbours]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NeighbourConfig {
    /// Neighbours kept per product (default 8, 1 to 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k: Option<usize>,
    /// Ignore pairs bought together fewer times than this (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_support: Option<u32>,
    /// The pair score (`crossbuy`, `confidence`, `cosine`, `lift`, `npmi`, `cooccurrence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    /// Multiplies scores of same-type neighbours (default 1: no demotion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_type_factor: Option<f64>,
    /// Cold start from type-level complements (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<bool>,
    /// Orders with more distinct items count for popularity only (default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_basket: Option<usize>,
    /// How many best-selling items get dense (EASE) weights; 0 turns them off (default 1500).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dense_items: Option<usize>,
    /// Regularisation of the dense weights (default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dense_lambda: Option<f64>,
    /// Weight of the popularity prior, ≥ 0 (0: none); unset: learned from the orders.
    pub popularity_prior: Option<f64>,
}

/// `[rules]` and `[rules.exclude]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Context product id → product ids always shown first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pin: BTreeMap<String, Vec<String>>,
    /// Product id → score multiplier (> 0).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub boost: BTreeMap<String, f64>,
    /// Never recommended.
    #[serde(default, skip_serializing_if = "unset")]
    pub exclude: ExcludeConfig,
}

/// `[rules.exclude]`: products never recommended (they may still be in a context).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExcludeConfig {
    /// By product id (the handle for Shopify).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// By tag (case-insensitive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// By product type (case-insensitive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// By vendor (case-insensitive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

/// One `[[offers]]` table, with the snapshot's field names (docs/snapshot.md, "Offers").
/// Money and times stay TOML values here: a money field may be integer minor units or a decimal
/// string, converted with the shop currency's exponent once the build knows it, and a time may be
/// a string or a TOML date-time. [`super::offers`] checks and converts them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OfferConfig {
    /// Unique id, reported in signals.
    pub id: String,
    /// `percent`, `amount`, `bundle_price` or `bundle_percent`.
    pub kind: String,
    /// Whole percent off, 1 to 100 (`percent`, `bundle_percent`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<i64>,
    /// Off each item (`amount`): minor units or a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<toml::Value>,
    /// For all the covered items together (`bundle_price`): minor units or a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle_price: Option<toml::Value>,
    /// Ticked items needed (`bundle_percent`), ≥ 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<i64>,
    /// The shop's discount code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// How long the offer lasts for one shopper, ≥ 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_hours: Option<i64>,
    /// Campaign start: RFC 3339 text or a TOML date-time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<toml::Value>,
    /// Campaign end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<toml::Value>,
    /// No offer price below this: minor units or a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_price: Option<toml::Value>,
    /// Pages it runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<String>>,
    /// Limited to these products, by id, handle or SKU…
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// …or to products with one of these tags…
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// …or of one of these types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
}

impl Config {
    /// Parses TOML text; `path` names the file in errors, which carry TOML's line and column.
    pub fn parse(path: &str, text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let place = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!(": line {line}, column {column}")
            });
            BuildError::Config {
                path: format!("{path}{place}"),
                message: e.message().to_owned(),
            }
        })?;
        config.validate(path)?;
        Ok(config)
    }

    /// The configuration a form gave as JSON (the same keys as the TOML), checked as
    /// [`Config::parse`] checks a file; `path` names it in errors.
    pub fn from_json(path: &str, json: &str) -> Result<Config> {
        let config: Config = serde_json::from_str(json).map_err(|e| BuildError::Config {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    /// `crossbuy.toml`'s text for this configuration (keys left unset are not written).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Reads and parses a file.
    pub fn load(path: &str) -> Result<Config> {
        let text = super::input::read_text(path)?;
        Config::parse(path, &text)
    }

    fn validate(&self, path: &str) -> Result<()> {
        let fail = |key: &str, message: String| {
            Err(BuildError::Config {
                path: format!("{path}: {key}"),
                message,
            })
        };
        if let Some(k) = self.neighbours.k {
            if !(1..=50).contains(&k) {
                return fail("neighbours.k", format!("expected 1 to 50, got {k}"));
            }
        }
        if let Some(s) = &self.neighbours.score {
            if Method::parse(s).is_none() {
                return fail(
                    "neighbours.score",
                    format!("unknown score \"{s}\" (crossbuy, confidence, cosine, lift, npmi, cooccurrence)"),
                );
            }
        }
        if let Some(f) = self.neighbours.same_type_factor {
            if !(f.is_finite() && f > 0.0 && f <= 1.0) {
                return fail(
                    "neighbours.same_type_factor",
                    format!("expected a number in (0, 1], got {f}"),
                );
            }
        }
        if let Some(l) = self.neighbours.dense_lambda {
            if !(l.is_finite() && l > 0.0) {
                return fail(
                    "neighbours.dense_lambda",
                    format!("expected a number > 0, got {l}"),
                );
            }
        }
        if let Some(w) = self.neighbours.popularity_prior {
            if !(w.is_finite() && w >= 0.0) {
                return fail(
                    "neighbours.popularity_prior",
                    format!("expected a number >= 0, got {w}"),
                );
            }
        }
        if let Some(c) = &self.shop.currency {
            if crossbuy_engine::Currency::parse(c).is_none() {
                return fail(
                    "shop.currency",
                    format!("expected an ISO 4217 code such as \"GBP\", got \"{c}\""),
                );
            }
        }
        for (id, f) in &self.rules.boost {
            if !(f.is_finite() && *f > 0.0) {
                return fail(
                    &format!("rules.boost.\"{id}\""),
                    format!("expected a factor > 0, got {f} (use rules.exclude to hide a product)"),
                );
            }
        }
        if let Some(e) = &self.experiment {
            e.resolve(path)?;
            if e.bestsellers.is_some_and(|n| !(1..=50).contains(&n)) {
                return fail("experiment.bestsellers", "expected 1 to 50".to_owned());
            }
        }
        // What can be checked before the exports are read; money and product references wait
        // for the shop currency and the catalog (`build::assemble`).
        super::offers::check(path, &self.offers)
    }

    /// K.
    pub fn k(&self) -> usize {
        self.neighbours.k.unwrap_or(DEFAULT_K)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &str) {
        let got = match Config::parse("crossbuy.toml", text) {
            Ok(c) => format!(
                "ok: k={} pins={} boosts={} excluded tags={:?}",
                c.k(),
                c.rules.pin.len(),
                c.rules.boost.len(),
                c.rules.exclude.tags
            ),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn a_form_writes_toml_that_reads_back_the_same() {
        let form = r#"{"shop":{"name":"Hearth & Tin","currency":"GBP"},
            "neighbours":{"k":4},
            "rules":{"pin":{"mug":["tea","spoon"]},"boost":{"tea":1.5},
                     "exclude":{"tags":["no-upsell"]}},
            "offers":[{"id":"tea10","kind":"percent","percent":10,"products":["tea"],
                       "amount":null,"min_price":"2.50","window_hours":48}]}"#;
        let config = Config::from_json("form", form).unwrap();
        let text = config.to_toml();
        assert_eq!(Config::parse("crossbuy.toml", &text).unwrap(), config);
        assert!(text.contains("[[offers]]"), "{text}");
        assert!(!text.contains("amount"), "{text}");
        assert_eq!(
            Config::from_json("form", r#"{"neighbours":{"k":60}}"#)
                .unwrap_err()
                .to_string(),
            "form: neighbours.k: expected 1 to 50, got 60"
        );
    }

    #[test]
    fn reads_and_checks_the_merchant_config() {
        check("", "ok: k=8 pins=0 boosts=0 excluded tags=[]");
        check(
            "[neighbours]\nk = 4\n[rules]\npin = { mug = [\"tea\"] }\nboost = { tea = 1.5 }\n[rules.exclude]\ntags = [\"no-upsell\"]\n",
            "ok: k=4 pins=1 boosts=1 excluded tags=[\"no-upsell\"]",
        );
        check(
            "[neighbours]\nk = 0\n",
            "crossbuy.toml: neighbours.k: expected 1 to 50, got 0",
        );
        check(
            "[rules]\nboost = { tea = 0 }\n",
            "crossbuy.toml: rules.boost.\"tea\": expected a factor > 0, got 0 (use rules.exclude to hide a product)",
        );
        check(
            "[shop]\ncurrency = \"pounds\"\n",
            "crossbuy.toml: shop.currency: expected an ISO 4217 code such as \"GBP\", got \"pounds\"",
        );
        check(
            "[neighbours]\nk = 4\n[neighbors]\nk = 4\n",
            "crossbuy.toml: line 3, column 2: unknown field `neighbors`, expected one of `shop`, `neighbours`, `rules`, `offers`, `experiment`",
        );
        check(
            "[experiment]\nname = \"fbt\"\n[[experiment.arms]]\nname = \"crossbuy\"\n[[experiment.arms]]\nname = \"holdout\"\nshow = \"nothing\"\n",
            "crossbuy.toml: experiment.arms[1].show: expected \"crossbuy\", \"bestsellers\" or \"none\", got \"nothing\"",
        );
        check(
            "[experiment]\nname = \"fbt\"\n[[experiment.arms]]\nname = \"crossbuy\"\n",
            "crossbuy.toml: experiment.arms: expected at least two arms",
        );
        check(
            "[experiment]\nname = \"fbt\"\n[[experiment.arms]]\nname = \"a\"\nwieght = 2\n",
            "crossbuy.toml: line 5, column 1: unknown field `wieght`, expected one of `name`, `weight`, `show`, `cards`, `offer`",
        );
        check(
            "[neighbours]\npopularity_prior = -1\n",
            "crossbuy.toml: neighbours.popularity_prior: expected a number >= 0, got -1",
        );
        check(
            "[neighbours]\npopularity_prior = 0\n",
            "ok: k=8 pins=0 boosts=0 excluded tags=[]",
        );
        check(
            "[rules]\npin = { a = \"b\" }\n",
            "crossbuy.toml: line 2, column 13: invalid type: string \"b\", expected a sequence",
        );
    }
}
