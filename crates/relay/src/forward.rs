//! Forwarding one signal to the configured platforms with their keys, and the optional check
//! that the order exists and belongs to the email (Shopify's Admin API).

use std::time::Duration;

use crossbuy_engine::platforms::activecampaign::ActiveCampaign;
use crossbuy_engine::platforms::mailchimp::Mailchimp;
use crossbuy_engine::platforms::omnisend::{OmnisendApi, API_VERSION as OMNISEND_VERSION};
use crossbuy_engine::platforms::Call;
use crossbuy_engine::signals::{Kind, Signal};
use crossbuy_engine::url::percent_encode;
use reqwest::header::RETRY_AFTER;

use crate::config::{Config, Secret, ShopifyConfig};
use crate::store::{Store, StoreError};

/// How forwarding a signal ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every platform accepted every call.
    Delivered,
    /// A platform asked to wait (HTTP 429): this many seconds.
    Throttled {
        /// Which platform.
        platform: &'static str,
        /// Its `Retry-After`, or the relay's default.
        retry_after: u64,
    },
    /// A platform could not be reached, timed out or failed (5xx, 408): try again later.
    Unavailable {
        /// Which platform.
        platform: &'static str,
        /// What happened (no personal data).
        why: String,
    },
    /// A platform refused the call for good (another 4xx): sending it again cannot help.
    Rejected {
        /// Which platform.
        platform: &'static str,
        /// Its status.
        status: u16,
    },
}

/// How one platform's calls are authenticated.
enum Auth<'a> {
    /// HTTP basic auth with the key as password (Mailchimp).
    Basic(&'a Secret),
    /// Omnisend: `Authorization: Omnisend-API-Key …` and `Omnisend-Version`.
    Omnisend(&'a Secret),
    /// ActiveCampaign: the `Api-Token` header on its API, the event key in event tracking's form.
    ActiveCampaign {
        events: String,
        token: &'a Secret,
        event_key: &'a Secret,
    },
}

/// The configured platforms and the HTTP client that reaches them.
pub struct Forwarder {
    client: reqwest::Client,
    config: Config,
    store: Store,
}

/// The relay's user agent.
const USER_AGENT: &str = concat!("crossbuy-relay/", env!("CARGO_PKG_VERSION"));

impl Forwarder {
    /// A forwarder for `config`, remembering accepted calls in `store`.
    pub fn new(config: Config, store: Store) -> Result<Forwarder, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .build()?;
        Ok(Forwarder {
            client,
            config,
            store,
        })
    }

    /// The platforms configured, by name.
    pub fn platforms(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.config.mailchimp.is_some() {
            out.push("mailchimp");
        }
        if self.config.activecampaign.is_some() {
            out.push("activecampaign");
        }
        if self.config.omnisend.is_some() {
            out.push("omnisend");
        }
        out
    }

    /// Sends `signal` to every platform, in order. A call a platform accepted on an earlier
    /// attempt is not sent again (an upsert whose answer the next call needs excepted), so every
    /// attempt gets further and an event reaches a platform once.
    pub async fn forward(&self, signal: &Signal) -> Result<Outcome, StoreError> {
        let double_opt_in = self.config.double_opt_in;
        if let Some(mc) = &self.config.mailchimp {
            let calls = Mailchimp {
                base: mc.base.clone(),
                list: mc.list.clone(),
                double_opt_in,
            }
            .calls(signal);
            let outcome = self
                .send("mailchimp", &calls, &Auth::Basic(&mc.key))
                .await?;
            if outcome != Outcome::Delivered {
                return Ok(outcome);
            }
        }
        if let Some(ac) = &self.config.activecampaign {
            let calls = ActiveCampaign {
                base: ac.base.clone(),
                events_base: ac.events_base.clone(),
                actid: ac.actid.clone(),
                list: ac.list.clone(),
                double_opt_in,
            }
            .calls(signal);
            let auth = Auth::ActiveCampaign {
                events: [ac.events_base.as_str(), "/event"].concat(),
                token: &ac.token,
                event_key: &ac.event_key,
            };
            let outcome = self.send("activecampaign", &calls, &auth).await?;
            if outcome != Outcome::Delivered {
                return Ok(outcome);
            }
        }
        if let Some(om) = &self.config.omnisend {
            let calls = OmnisendApi {
                base: om.base.clone(),
                double_opt_in,
            }
            .calls(signal);
            let outcome = self
                .send("omnisend", &calls, &Auth::Omnisend(&om.key))
                .await?;
            if outcome != Outcome::Delivered {
                return Ok(outcome);
            }
        }
        Ok(Outcome::Delivered)
    }

    async fn send(
        &self,
        platform: &'static str,
        calls: &[Call],
        auth: &Auth<'_>,
    ) -> Result<Outcome, StoreError> {
        let mut previous: Option<serde_json::Value> = None;
        for (i, call) in calls.iter().enumerate() {
            let done_key = [platform, ":", &call.key].concat();
            // A call the platform accepted on an earlier attempt is not sent again, unless the
            // next call needs its answer (and it is an upsert, so sending it again is harmless).
            let needed = call.repeatable && calls.get(i + 1).is_some_and(|c| c.fill.is_some());
            if !needed && self.store.is_done(&done_key).await? {
                previous = None;
                continue;
            }
            let mut body = call.body.clone();
            if let Some((placeholder, path)) = call.fill {
                let found = previous
                    .as_ref()
                    .and_then(|v| path.iter().try_fold(v, |v, k| v.get(k)))
                    .and_then(|v| match v {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    });
                let Some(value) = found else {
                    return Ok(Outcome::Unavailable {
                        platform,
                        why: ["the previous answer has no ", &path.join(".")].concat(),
                    });
                };
                body = body.replace(placeholder, &value);
            }
            let method = match call.method {
                "PUT" => reqwest::Method::PUT,
                _ => reqwest::Method::POST,
            };
            let mut request = self
                .client
                .request(method, &call.url)
                .header(reqwest::header::CONTENT_TYPE, call.content_type);
            match auth {
                Auth::Basic(key) => request = request.basic_auth("crossbuy", Some(&key.0)),
                Auth::Omnisend(key) => {
                    request = request
                        .header(
                            reqwest::header::AUTHORIZATION,
                            ["Omnisend-API-Key ", &key.0].concat(),
                        )
                        .header("Omnisend-Version", OMNISEND_VERSION);
                }
                Auth::ActiveCampaign {
                    events,
                    token,
                    event_key,
                } => {
                    if call.url == *events {
                        body.push_str("&key=");
                        percent_encode(&mut body, &event_key.0, b"");
                    } else {
                        request = request.header("Api-Token", &token.0);
                    }
                }
            }
            let response = match request.body(body).send().await {
                Ok(r) => r,
                Err(e) => {
                    let why = if e.is_timeout() {
                        "timed out"
                    } else if e.is_connect() {
                        "could not connect"
                    } else {
                        "the request failed"
                    };
                    return Ok(Outcome::Unavailable {
                        platform,
                        why: why.to_owned(),
                    });
                }
            };
            let status = response.status().as_u16();
            match status {
                200..=299 => {
                    let bytes = response.bytes().await.unwrap_or_default();
                    previous = serde_json::from_slice(&bytes).ok();
                    // ActiveCampaign's event tracking answers 200 with `"success": 0` when it
                    // refuses (a wrong key or actid, tracking off): refused for good.
                    let refused = previous
                        .as_ref()
                        .and_then(|v| v.get("success"))
                        .is_some_and(|s| s == 0 || s == "0");
                    if refused {
                        return Ok(Outcome::Rejected { platform, status });
                    }
                    self.store.finish(&done_key).await?;
                }
                429 => {
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(retry_after_seconds)
                        .unwrap_or(self.config.retry_after_seconds);
                    return Ok(Outcome::Throttled {
                        platform,
                        retry_after,
                    });
                }
                408 | 500..=599 => {
                    return Ok(Outcome::Unavailable {
                        platform,
                        why: ["answered HTTP ", &status.to_string()].concat(),
                    })
                }
                // Mailchimp: no such member yet. The opt-in that creates it may still be on its way
                // (the widget retries it), so the event waits instead of being given up.
                404 if platform == "mailchimp" && call.url.ends_with("/events") => {
                    return Ok(Outcome::Unavailable {
                        platform,
                        why: "no such member yet (the opt-in may still be on its way)".into(),
                    })
                }
                _ => return Ok(Outcome::Rejected { platform, status }),
            }
        }
        Ok(Outcome::Delivered)
    }

    /// Whether the order of an `opted_in` exists and belongs to its email, when verification
    /// is configured (`Delivered` means it does, or nothing is checked).
    pub async fn verify(&self, signal: &Signal) -> Outcome {
        match (&self.config.shopify, signal.kind) {
            (Some(shopify), Kind::OptedIn) => self.verify_shopify(shopify, signal).await,
            _ => Outcome::Delivered,
        }
    }

    async fn verify_shopify(&self, shopify: &ShopifyConfig, signal: &Signal) -> Outcome {
        const PLATFORM: &str = "shopify";
        let rejected = |status| Outcome::Rejected {
            platform: PLATFORM,
            status,
        };
        // Shopify's order ids are numbers; anything else cannot be one of the shop's orders.
        let Some(order) = signal
            .order_id
            .as_deref()
            .filter(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()))
        else {
            return rejected(422);
        };
        let url = [
            &shopify.base,
            "/admin/api/",
            &shopify.api_version,
            "/orders/",
            order,
            ".json?fields=id,email",
        ]
        .concat();
        let response = match self
            .client
            .get(&url)
            .header("X-Shopify-Access-Token", &shopify.token.0)
            .send()
            .await
        {
            Ok(r) => r,
            Err(_) => {
                return Outcome::Unavailable {
                    platform: PLATFORM,
                    why: "could not reach the Admin API".into(),
                }
            }
        };
        match response.status().as_u16() {
            200 => {
                let body: serde_json::Value = match response.json_bytes().await {
                    Some(v) => v,
                    None => {
                        return Outcome::Unavailable {
                            platform: PLATFORM,
                            why: "the order answer is not JSON".into(),
                        }
                    }
                };
                let email = body
                    .get("order")
                    .and_then(|o| o.get("email"))
                    .and_then(|e| e.as_str())
                    .map(|e| e.trim().to_ascii_lowercase());
                if email.as_deref() == Some(signal.email.as_str()) {
                    Outcome::Delivered
                } else {
                    rejected(403)
                }
            }
            404 => rejected(404),
            429 => Outcome::Throttled {
                platform: PLATFORM,
                retry_after: response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry_after_seconds)
                    .unwrap_or(self.config.retry_after_seconds),
            },
            status => Outcome::Unavailable {
                platform: PLATFORM,
                why: ["the Admin API answered HTTP ", &status.to_string()].concat(),
            },
        }
    }
}

/// A response's JSON body, when it is JSON.
trait JsonBytes {
    async fn json_bytes(self) -> Option<serde_json::Value>;
}

impl JsonBytes for reqwest::Response {
    async fn json_bytes(self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.bytes().await.ok()?).ok()
    }
}

/// A `Retry-After` value in seconds: delay-seconds, or an HTTP-date from now.
pub fn retry_after_seconds(value: &str) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .as_secs(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after_seconds("7"), Some(7));
        assert_eq!(retry_after_seconds(" 0 "), Some(0));
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(0),
            "in the past"
        );
        let later =
            httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        let secs = retry_after_seconds(&later).unwrap();
        assert!((118..=120).contains(&secs), "{secs}");
        assert_eq!(retry_after_seconds("soon"), None);
    }
}
