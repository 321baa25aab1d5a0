//! A small client of Shopify's Admin GraphQL API: one POST per operation with the merchant's
//! access token, every wait bounded, and Shopify's limits respected:
//!
//! - a `THROTTLED` answer (HTTP 200 with `errors[].extensions.code = "THROTTLED"` and
//!   `extensions.cost.throttleStatus`) waits until the bucket holds the requested cost again
//!   (`(requestedQueryCost − currentlyAvailable) / restoreRate` seconds) and retries;
//! - HTTP 429 waits `Retry-After` seconds (1 when absent); HTTP 5xx and network failures wait
//!   1, 2, 4, … seconds (at most 30); each request is tried at most `max_attempts` times;
//! - 401 and 403 stop at once: the token is wrong or lacks a scope.
//!
//! The waits go through a [`Sleeper`], so tests pass one that records instead of sleeping.

use std::time::Duration;

use serde_json::{json, Value};

/// The Admin API version the requests are written for.
pub const API_VERSION: &str = "2026-07";

/// Where and as whom the requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminOptions {
    /// The shop's permanent domain, `your-store.myshopify.com`.
    pub shop: String,
    /// An Admin API access token with the scopes the command needs (`write_products` for
    /// publish, `write_discounts` for discount).
    pub token: String,
    /// The full GraphQL url instead of `https://{shop}/admin/api/{API_VERSION}/graphql.json`
    /// (a local stand-in, for tests).
    pub endpoint: Option<String>,
    /// How many times one request is tried before giving up (≥ 1).
    pub max_attempts: u32,
    /// The longest wait for one answer.
    pub timeout: Duration,
}

impl AdminOptions {
    /// Options for `shop` with `token`, and the defaults: 6 attempts, 30 s per answer.
    pub fn new(shop: &str, token: &str) -> AdminOptions {
        AdminOptions {
            shop: shop.trim().to_owned(),
            token: token.trim().to_owned(),
            endpoint: None,
            max_attempts: 6,
            timeout: Duration::from_secs(30),
        }
    }

    /// The GraphQL url, or why the shop domain cannot be used.
    pub fn url(&self) -> Result<String, AdminError> {
        if let Some(e) = &self.endpoint {
            return Ok(e.clone());
        }
        let shop = &self.shop;
        let valid = shop.ends_with(".myshopify.com")
            && shop.len() > ".myshopify.com".len()
            && shop
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !valid {
            return Err(AdminError::Options {
                name: "--shop",
                message: format!(
                    "expected the shop's permanent domain such as your-store.myshopify.com, got \"{shop}\""
                ),
            });
        }
        Ok(format!(
            "https://{shop}/admin/api/{API_VERSION}/graphql.json"
        ))
    }
}

/// Why a request to the Admin API failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// An option cannot be used.
    #[error("{name}: {message}")]
    Options {
        /// The option.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No answer after every attempt.
    #[error("POST {url}: no answer after {attempts} attempts: {message}")]
    Unreachable {
        /// The url.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        message: String,
    },
    /// The token was refused.
    #[error("POST {url} answered {status}: the access token is wrong or lacks the {scope} scope")]
    Refused {
        /// The url.
        url: String,
        /// 401 or 403.
        status: u16,
        /// The scope the command needs.
        scope: &'static str,
    },
    /// Another HTTP error.
    #[error("POST {url} answered {status}: {body}")]
    Http {
        /// The url.
        url: String,
        /// The status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// GraphQL errors (a query Shopify refused).
    #[error("POST {url}: {operation}: {messages}")]
    GraphQl {
        /// The url.
        url: String,
        /// The operation's name.
        operation: String,
        /// The errors' messages, joined.
        messages: String,
    },
    /// An answer that is not what the API documents.
    #[error("POST {url}: {operation}: unexpected answer: {message}")]
    Answer {
        /// The url.
        url: String,
        /// The operation's name.
        operation: String,
        /// What was wrong.
        message: String,
    },
}

/// How the client waits between attempts.
pub trait Sleeper {
    /// Waits `d`.
    fn sleep(&self, d: Duration);
}

/// Waits for real.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealSleeper;

impl Sleeper for RealSleeper {
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// The longest wait between two attempts.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// A client for one shop.
pub struct Client<'a> {
    agent: ureq::Agent,
    url: String,
    options: AdminOptions,
    sleeper: &'a dyn Sleeper,
    /// The scope named when the token is refused.
    pub scope: &'static str,
    /// Requests sent so far (attempts included).
    pub requests: u32,
}

impl<'a> Client<'a> {
    /// A client for `options`, waiting through `sleeper`.
    pub fn new(options: AdminOptions, sleeper: &'a dyn Sleeper) -> Result<Client<'a>, AdminError> {
        let url = options.url()?;
        if options.token.is_empty() {
            return Err(AdminError::Options {
                name: "--token",
                message: "expected the Admin API access token (or SHOPIFY_ADMIN_TOKEN)".to_owned(),
            });
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Client {
            agent,
            url,
            options,
            sleeper,
            scope: "needed",
            requests: 0,
        })
    }

    /// Runs `query` (named `operation`, for messages) with `variables`; the answer's `data`.
    pub fn graphql(
        &mut self,
        operation: &str,
        query: &str,
        variables: Value,
    ) -> Result<Value, AdminError> {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let attempts = self.options.max_attempts.max(1);
        let mut last = String::new();
        for attempt in 1..=attempts {
            self.requests += 1;
            let wait = match self.send(&body) {
                Err(message) => {
                    last = message;
                    backoff(attempt)
                }
                Ok((status, retry_after, text)) => match status {
                    200 => {
                        let answer: Value = serde_json::from_str(&text)
                            .map_err(|e| self.answer(operation, format!("not JSON: {e}")))?;
                        match throttled(&answer) {
                            Some(wait) => {
                                last = "throttled (THROTTLED)".to_owned();
                                wait
                            }
                            None => return self.data(operation, answer),
                        }
                    }
                    401 | 403 => {
                        return Err(AdminError::Refused {
                            url: self.url.clone(),
                            status,
                            scope: self.scope,
                        })
                    }
                    429 => {
                        last = "answered 429".to_owned();
                        retry_after.unwrap_or(Duration::from_secs(1))
                    }
                    500..=599 => {
                        last = format!("answered {status}");
                        backoff(attempt)
                    }
                    _ => {
                        return Err(AdminError::Http {
                            url: self.url.clone(),
                            status,
                            body: text.chars().take(300).collect(),
                        })
                    }
                },
            };
            if attempt < attempts {
                self.sleeper.sleep(wait.min(MAX_WAIT));
            }
        }
        Err(AdminError::Unreachable {
            url: self.url.clone(),
            attempts,
            message: last,
        })
    }

    /// One POST: `(status, Retry-After, body)`, or the network failure.
    fn send(&self, body: &str) -> Result<(u16, Option<Duration>, String), String> {
        let mut response = self
            .agent
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("X-Shopify-Access-Token", &self.options.token)
            .send(body)
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
        let text = response
            .body_mut()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| e.to_string())?;
        Ok((status, retry_after, text))
    }

    fn answer(&self, operation: &str, message: String) -> AdminError {
        AdminError::Answer {
            url: self.url.clone(),
            operation: operation.to_owned(),
            message,
        }
    }

    fn data(&self, operation: &str, answer: Value) -> Result<Value, AdminError> {
        if let Some(errors) = answer
            .get("errors")
            .and_then(Value::as_array)
            .filter(|e| !e.is_empty())
        {
            let messages: Vec<String> = errors
                .iter()
                .map(|e| {
                    e.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("(no message)")
                        .to_owned()
                })
                .collect();
            return Err(AdminError::GraphQl {
                url: self.url.clone(),
                operation: operation.to_owned(),
                messages: messages.join("; "),
            });
        }
        match answer.get("data") {
            Some(d) if d.is_object() => Ok(d.clone()),
            _ => Err(self.answer(operation, "no data".to_owned())),
        }
    }
}

/// 1, 2, 4, … seconds, at most 30.
fn backoff(attempt: u32) -> Duration {
    Duration::from_secs((1u64 << attempt.saturating_sub(1).min(5)).min(30))
}

/// The wait a `THROTTLED` answer asks for, or `None` when the answer is not one.
fn throttled(answer: &Value) -> Option<Duration> {
    let errors = answer.get("errors")?.as_array()?;
    let is_throttled = errors.iter().any(|e| {
        e.pointer("/extensions/code").and_then(Value::as_str) == Some("THROTTLED")
            || e.get("message").and_then(Value::as_str) == Some("Throttled")
    });
    if !is_throttled {
        return None;
    }
    let cost = answer.pointer("/extensions/cost");
    let number = |p: &str| cost.and_then(|c| c.pointer(p)).and_then(Value::as_f64);
    let seconds = match (
        number("/requestedQueryCost"),
        number("/throttleStatus/currentlyAvailable"),
        number("/throttleStatus/restoreRate"),
    ) {
        (Some(requested), Some(available), Some(rate)) if rate > 0.0 => {
            ((requested - available) / rate).ceil().max(1.0)
        }
        _ => 1.0,
    };
    Some(Duration::from_secs_f64(seconds.min(MAX_WAIT.as_secs_f64())))
}
