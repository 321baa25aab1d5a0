//! The relay's configuration file (TOML) and the keys it names in the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What went wrong reading the configuration, naming the file (and line, for TOML errors) or the
/// environment variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The configuration file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a field has the wrong type or is unknown.
    #[error("{path}: {message}")]
    Toml {
        /// The configuration file.
        path: String,
        /// toml's message, with the line and column.
        message: String,
    },
    /// A value is out of range or missing.
    #[error("{path}: {field}: {message}")]
    Invalid {
        /// The configuration file.
        path: String,
        /// `mailchimp.list`, `allowed_origins[2]`, …
        field: String,
        /// What was expected.
        message: String,
    },
    /// An environment variable the file names is not set (its value is never shown).
    #[error("{path}: {field}: the environment variable {var} is not set")]
    MissingEnv {
        /// The configuration file.
        path: String,
        /// The field naming the variable.
        field: String,
        /// The variable.
        var: String,
    },
}

/// The file as written. Unknown fields are errors, so a typo is not silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<String>,
    shop: Option<String>,
    allowed_origins: Vec<String>,
    body_limit: Option<usize>,
    double_opt_in: Option<bool>,
    timeout_seconds: Option<u64>,
    retry_after_seconds: Option<u64>,
    trust_forwarded_for: Option<bool>,
    #[serde(default)]
    store: StoreFile,
    #[serde(default)]
    limits: LimitsFile,
    mailchimp: Option<MailchimpFile>,
    activecampaign: Option<ActiveCampaignFile>,
    omnisend: Option<OmnisendFile>,
    verify: Option<VerifyFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OmnisendFile {
    api_key_env: String,
    base: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    sqlite: Option<PathBuf>,
    redis: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    per_ip_per_minute: Option<u32>,
    per_email_per_hour: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailchimpFile {
    list: String,
    api_key_env: String,
    base: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActiveCampaignFile {
    base: String,
    api_token_env: String,
    actid: String,
    event_key_env: String,
    list: Option<String>,
    events_base: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyFile {
    shopify: Option<ShopifyFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShopifyFile {
    base: String,
    token_env: String,
    api_version: Option<String>,
}

/// Where the relay remembers the idempotency keys it has seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// An SQLite file (the default, `relay-keys.sqlite` beside the configuration).
    Sqlite(PathBuf),
    /// A Redis shared by several relays (`redis://host:port/`).
    Redis(String),
}

/// A secret read from the environment; its `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Mailchimp's settings with its key.
#[derive(Debug, Clone)]
pub struct MailchimpConfig {
    /// The API base (`https://us6.api.mailchimp.com/3.0`).
    pub base: String,
    /// The audience id.
    pub list: String,
    /// The API key.
    pub key: Secret,
}

/// ActiveCampaign's settings with its keys.
#[derive(Debug, Clone)]
pub struct ActiveCampaignConfig {
    /// The account's API url.
    pub base: String,
    /// Event tracking's base (`https://trackcmp.net`).
    pub events_base: String,
    /// Event tracking's account id.
    pub actid: String,
    /// The list an opt-in subscribes to (without double opt-in).
    pub list: Option<String>,
    /// The API token.
    pub token: Secret,
    /// The event tracking key.
    pub event_key: Secret,
}

/// Omnisend's REST API settings with its key.
#[derive(Debug, Clone)]
pub struct OmnisendConfig {
    /// `https://api.omnisend.com/api`, or a stand-in.
    pub base: String,
    /// The API key.
    pub key: Secret,
}

/// Shopify's Admin API, to check that an order exists and belongs to the email.
#[derive(Debug, Clone)]
pub struct ShopifyConfig {
    /// `https://your-store.myshopify.com`.
    pub base: String,
    /// The Admin API version (`2026-10`).
    pub api_version: String,
    /// The Admin API access token (`read_orders`).
    pub token: Secret,
}

/// The relay's configuration, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:8787`; port 0 picks a free one).
    pub listen: SocketAddr,
    /// Only signals of this shop (the snapshot's `shop.name`) are accepted, when set.
    pub shop: Option<String>,
    /// Origins allowed to post (`https://shop.example`).
    pub allowed_origins: Vec<String>,
    /// Largest body accepted, in bytes.
    pub body_limit: usize,
    /// New subscribers are pending until they confirm.
    pub double_opt_in: bool,
    /// Longest wait for one platform request.
    pub timeout: std::time::Duration,
    /// `Retry-After` sent with a 503 when a platform is down.
    pub retry_after_seconds: u64,
    /// Take the client address from the first `X-Forwarded-For` hop (behind a load balancer).
    pub trust_forwarded_for: bool,
    /// The key store.
    pub store: StoreConfig,
    /// Posts per client address per minute.
    pub per_ip_per_minute: u32,
    /// Signals per email address per hour.
    pub per_email_per_hour: u32,
    /// Mailchimp, when configured.
    pub mailchimp: Option<MailchimpConfig>,
    /// ActiveCampaign, when configured.
    pub activecampaign: Option<ActiveCampaignConfig>,
    /// Omnisend's REST API, when configured.
    pub omnisend: Option<OmnisendConfig>,
    /// Order verification, when configured.
    pub shopify: Option<ShopifyConfig>,
}

impl Config {
    /// Reads and checks `path`, taking the keys it names from `env`.
    pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, &shown, dir, env)
    }

    /// Checks the text of a configuration file named `path` (for messages); relative paths are
    /// taken from `dir`.
    pub fn parse(
        text: &str,
        path: &str,
        dir: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError::Toml {
            path: path.to_owned(),
            message: e.to_string().trim().to_owned(),
        })?;
        let invalid = |field: &str, message: &str| ConfigError::Invalid {
            path: path.to_owned(),
            field: field.to_owned(),
            message: message.to_owned(),
        };
        let secret = |field: &str, var: &str| match env(var) {
            Some(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_owned())),
            _ => Err(ConfigError::MissingEnv {
                path: path.to_owned(),
                field: field.to_owned(),
                var: var.to_owned(),
            }),
        };
        let http_url = |field: &str, url: &str| {
            if url.starts_with("https://") || url.starts_with("http://") {
                Ok(url.trim_end_matches('/').to_owned())
            } else {
                Err(invalid(field, "expected an http(s) url"))
            }
        };
        let listen = file.listen.as_deref().unwrap_or("127.0.0.1:8787");
        let listen = listen.parse().map_err(|_| {
            invalid(
                "listen",
                "expected an address and port, like 127.0.0.1:8787",
            )
        })?;
        if file.allowed_origins.is_empty() {
            return Err(invalid(
                "allowed_origins",
                "name the shop's origins (https://your-shop.example); the relay accepts no other",
            ));
        }
        let mut origins = Vec::new();
        for (i, o) in file.allowed_origins.iter().enumerate() {
            let field = format!("allowed_origins[{i}]");
            let o = http_url(&field, o.trim())?;
            if o.matches('/').count() != 2 {
                return Err(invalid(
                    &field,
                    "expected an origin: scheme and host, no path",
                ));
            }
            origins.push(o);
        }
        let store = match (file.store.sqlite, file.store.redis) {
            (Some(_), Some(_)) => {
                return Err(invalid("store", "either sqlite or redis, not both"));
            }
            (_, Some(url)) if !url.starts_with("redis://") => {
                return Err(invalid("store.redis", "expected a redis:// url"));
            }
            (_, Some(url)) => StoreConfig::Redis(url),
            (Some(file), None) => StoreConfig::Sqlite(dir.join(file)),
            (None, None) => StoreConfig::Sqlite(dir.join("relay-keys.sqlite")),
        };
        let mailchimp = match file.mailchimp {
            None => None,
            Some(m) => {
                let key = secret("mailchimp.api_key_env", &m.api_key_env)?;
                let base = match m.base {
                    Some(b) => http_url("mailchimp.base", &b)?,
                    None => crossbuy_engine::platforms::mailchimp::base_for_key(&key.0)
                        .ok_or_else(|| {
                            invalid(
                                "mailchimp.api_key_env",
                                "the key has no data centre suffix (like -us6); set mailchimp.base",
                            )
                        })?,
                };
                if m.list.trim().is_empty() {
                    return Err(invalid("mailchimp.list", "the audience id is empty"));
                }
                Some(MailchimpConfig {
                    base,
                    list: m.list.trim().to_owned(),
                    key,
                })
            }
        };
        let activecampaign = match file.activecampaign {
            None => None,
            Some(a) => Some(ActiveCampaignConfig {
                base: http_url("activecampaign.base", &a.base)?,
                events_base: http_url(
                    "activecampaign.events_base",
                    a.events_base
                        .as_deref()
                        .unwrap_or(crossbuy_engine::platforms::activecampaign::EVENTS_BASE),
                )?,
                actid: a.actid,
                list: a.list,
                token: secret("activecampaign.api_token_env", &a.api_token_env)?,
                event_key: secret("activecampaign.event_key_env", &a.event_key_env)?,
            }),
        };
        let omnisend = match file.omnisend {
            None => None,
            Some(o) => Some(OmnisendConfig {
                base: http_url(
                    "omnisend.base",
                    o.base
                        .as_deref()
                        .unwrap_or(crossbuy_engine::platforms::omnisend::API_BASE),
                )?,
                key: secret("omnisend.api_key_env", &o.api_key_env)?,
            }),
        };
        if mailchimp.is_none() && activecampaign.is_none() && omnisend.is_none() {
            return Err(invalid(
                "mailchimp",
                "no platform configured: add [mailchimp], [activecampaign] or [omnisend]",
            ));
        }
        let shopify = match file.verify.and_then(|v| v.shopify) {
            None => None,
            Some(s) => Some(ShopifyConfig {
                base: http_url("verify.shopify.base", &s.base)?,
                api_version: s.api_version.unwrap_or_else(|| "2026-10".to_owned()),
                token: secret("verify.shopify.token_env", &s.token_env)?,
            }),
        };
        let positive = |field: &str, v: Option<u32>, default: u32| match v {
            Some(0) => Err(invalid(field, "expected a number above 0")),
            Some(n) => Ok(n),
            None => Ok(default),
        };
        Ok(Config {
            listen,
            shop: file.shop,
            allowed_origins: origins,
            body_limit: file.body_limit.unwrap_or(64 * 1024),
            double_opt_in: file.double_opt_in.unwrap_or(true),
            timeout: std::time::Duration::from_secs(file.timeout_seconds.unwrap_or(10).max(1)),
            retry_after_seconds: file.retry_after_seconds.unwrap_or(30),
            trust_forwarded_for: file.trust_forwarded_for.unwrap_or(false),
            store,
            per_ip_per_minute: positive(
                "limits.per_ip_per_minute",
                file.limits.per_ip_per_minute,
                120,
            )?,
            per_email_per_hour: positive(
                "limits.per_email_per_hour",
                file.limits.per_email_per_hour,
                60,
            )?,
            mailchimp,
            activecampaign,
            omnisend,
            shopify,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "MC" => Some("0123abcd-us6".into()),
            "AC" | "ACE" | "SHOP" => Some("secret".into()),
            _ => None,
        }
    }

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, "relay.toml", Path::new("/srv"), &env).map_err(|e| e.to_string())
    }

    const MINIMAL: &str = "allowed_origins = [\"https://shop.example\"]\n[mailchimp]\nlist = \"L1\"\napi_key_env = \"MC\"\n";

    #[test]
    fn a_minimal_file_takes_the_defaults() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8787");
        assert_eq!(
            c.store,
            StoreConfig::Sqlite("/srv/relay-keys.sqlite".into())
        );
        assert!(c.double_opt_in);
        assert_eq!(c.body_limit, 65536);
        let mc = c.mailchimp.unwrap();
        assert_eq!(mc.base, "https://us6.api.mailchimp.com/3.0");
        assert_eq!(format!("{:?}", mc.key), "Secret(…)", "keys never show");
    }

    #[test]
    fn mistakes_are_named_with_the_file_and_field() {
        for (text, expected) in [
            ("allowed_origins = []\n[mailchimp]\nlist=\"L\"\napi_key_env=\"MC\"", "relay.toml: allowed_origins: name the shop's origins"),
            ("allowed_origins = [\"shop.example\"]\n[mailchimp]\nlist=\"L\"\napi_key_env=\"MC\"", "relay.toml: allowed_origins[0]: expected an http(s) url"),
            ("allowed_origins = [\"https://shop.example/x\"]\n[mailchimp]\nlist=\"L\"\napi_key_env=\"MC\"", "relay.toml: allowed_origins[0]: expected an origin"),
            ("allowed_origins = [\"https://s.example\"]", "relay.toml: mailchimp: no platform configured"),
            ("allowed_origins = [\"https://s.example\"]\n[mailchimp]\nlist=\"L\"\napi_key_env=\"NOPE\"", "relay.toml: mailchimp.api_key_env: the environment variable NOPE is not set"),
            ("allowed_origins = [\"https://s.example\"]\nlisten = \"here\"\n[mailchimp]\nlist=\"L\"\napi_key_env=\"MC\"", "relay.toml: listen: expected an address"),
            ("allowed_origins = [\"https://s.example\"]\ncolour = 1\n[mailchimp]\nlist=\"L\"\napi_key_env=\"MC\"", "relay.toml: TOML parse error at line 2"),
            ("allowed_origins = [\"https://s.example\"]\n[store]\nredis = \"http://x\"\n[mailchimp]\nlist=\"L\"\napi_key_env=\"MC\"", "relay.toml: store.redis: expected a redis:// url"),
            ("allowed_origins = [\"https://s.example\"]\n[limits]\nper_ip_per_minute = 0\n[mailchimp]\nlist=\"L\"\napi_key_env=\"MC\"", "relay.toml: limits.per_ip_per_minute: expected a number above 0"),
        ] {
            let got = parse(text).err().unwrap_or_default();
            assert!(got.starts_with(expected), "{text:?}: {got}");
            assert!(!got.contains("0123abcd"), "no key in messages: {got}");
        }
    }

    #[test]
    fn every_platform_and_the_verification() {
        let c = parse(
            "allowed_origins = [\"https://s.example\", \"http://127.0.0.1:9\"]\ndouble_opt_in = false\n\
             [store]\nredis = \"redis://127.0.0.1:6379/\"\n\
             [activecampaign]\nbase = \"https://h.api-us1.com/\"\napi_token_env = \"AC\"\nactid = \"1\"\nevent_key_env = \"ACE\"\nlist = \"3\"\n\
             [omnisend]\napi_key_env = \"AC\"\n\
             [verify.shopify]\nbase = \"https://h.myshopify.com\"\ntoken_env = \"SHOP\"\n",
        )
        .unwrap();
        assert!(!c.double_opt_in);
        assert_eq!(
            c.store,
            StoreConfig::Redis("redis://127.0.0.1:6379/".into())
        );
        let ac = c.activecampaign.unwrap();
        assert_eq!(
            (ac.base.as_str(), ac.events_base.as_str()),
            ("https://h.api-us1.com", "https://trackcmp.net")
        );
        assert_eq!(c.shopify.unwrap().api_version, "2026-10");
        assert_eq!(c.omnisend.unwrap().base, "https://api.omnisend.com/api");
        assert_eq!(c.allowed_origins[1], "http://127.0.0.1:9");
    }
}
