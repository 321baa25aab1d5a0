//! The HTTP side: `POST /signals` takes the widget's webhook body, `GET /healthz` answers
//! whether the relay can work. Every refusal is cheap and comes before any platform call:
//! origin, rate per client address, body size, the body itself, the shop, rate per email, the
//! key store.

use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use crossbuy_engine::platforms::inbound::from_webhook;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::Config;
use crate::forward::{Forwarder, Outcome};
use crate::store::{Claim, Store};

/// What every request shares.
pub struct App {
    config: Config,
    store: Store,
    forwarder: Forwarder,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_email: DefaultKeyedRateLimiter<u64>,
}

impl App {
    /// The application for `config` over `store`.
    pub fn new(config: Config, store: Store) -> Result<Arc<App>, reqwest::Error> {
        let forwarder = Forwarder::new(config.clone(), store.clone())?;
        let ip = NonZeroU32::new(config.per_ip_per_minute).unwrap_or(NonZeroU32::MIN);
        let email = NonZeroU32::new(config.per_email_per_hour).unwrap_or(NonZeroU32::MIN);
        Ok(Arc::new(App {
            per_ip: RateLimiter::keyed(Quota::per_minute(ip)),
            per_email: RateLimiter::keyed(Quota::per_hour(email)),
            config,
            store,
            forwarder,
        }))
    }

    /// Forgets rate-limit state of clients not seen lately (called every minute).
    pub fn tidy(&self) {
        self.per_ip.retain_recent();
        self.per_email.retain_recent();
    }
}

/// The routes with their layers: CORS for the shop's origins, the body size limit.
pub fn router(app: Arc<App>) -> Router {
    let origins: Vec<HeaderValue> = app
        .config
        .allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            "idempotency-key".parse().unwrap_or(header::CONTENT_TYPE),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));
    Router::new()
        .route("/signals", post(signals))
        .route("/healthz", get(health))
        .layer(DefaultBodyLimit::max(app.config.body_limit))
        .layer(cors)
        .with_state(app)
}

/// A JSON answer `{"status": …}` or `{"error": …}`, with `Retry-After` when given.
fn answer(status: StatusCode, field: &str, text: &str, retry_after: Option<u64>) -> Response {
    let body = serde_json::json!({ field: text }).to_string();
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let platforms = app.forwarder.platforms();
    match app.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({
                "status": "ok",
                "store": app.store.kind(),
                "platforms": platforms,
            })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(event = "health", error = %e);
            answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "error",
                "the key store does not answer",
                Some(app.config.retry_after_seconds),
            )
        }
    }
}

/// The client's address: the connection's, or the first `X-Forwarded-For` hop behind a load
/// balancer the merchant trusts.
fn client_ip(app: &App, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if app.config.trust_forwarded_for {
        let first = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok());
        if let Some(ip) = first {
            return ip;
        }
    }
    peer.ip()
}

/// Seconds until a limiter lets the next request through (at least 1).
fn wait_seconds(not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> u64 {
    not_until
        .wait_time_from(DefaultClock::default().now())
        .as_secs()
        + 1
}

async fn signals(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if !origin.is_some_and(|o| app.config.allowed_origins.iter().any(|a| a == o)) {
        tracing::warn!(
            event = "refused",
            reason = "origin not allowed",
            origin = origin.unwrap_or("(none)")
        );
        return answer(
            StatusCode::FORBIDDEN,
            "error",
            "this origin may not post signals here",
            None,
        );
    }
    if let Err(not_until) = app.per_ip.check_key(&client_ip(&app, peer, &headers)) {
        let wait = wait_seconds(&not_until);
        tracing::warn!(
            event = "refused",
            reason = "rate per client address",
            retry_after = wait
        );
        return answer(
            StatusCode::TOO_MANY_REQUESTS,
            "error",
            "too many signals from this address",
            Some(wait),
        );
    }
    let text = match std::str::from_utf8(&body) {
        Ok(t) => t,
        Err(_) => {
            return answer(
                StatusCode::BAD_REQUEST,
                "error",
                "the body is not UTF-8",
                None,
            )
        }
    };
    let signal = match from_webhook(text) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(event = "refused", reason = "bad body", error = %e);
            return answer(StatusCode::BAD_REQUEST, "error", &e.to_string(), None);
        }
    };
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    if key != Some(signal.key.as_str()) {
        tracing::warn!(event = "refused", reason = "Idempotency-Key differs from the body's id", key = %signal.key);
        return answer(
            StatusCode::BAD_REQUEST,
            "error",
            "expected an Idempotency-Key header equal to the body's id",
            None,
        );
    }
    let (key, kind) = (signal.key.clone(), signal.kind.as_str());
    if app.config.shop.as_ref().is_some_and(|s| *s != signal.shop) {
        tracing::warn!(event = "refused", reason = "another shop", key = %key, kind);
        return answer(
            StatusCode::FORBIDDEN,
            "error",
            "this relay serves another shop",
            None,
        );
    }
    let mut hasher = std::hash::DefaultHasher::new();
    signal.email.hash(&mut hasher);
    if let Err(not_until) = app.per_email.check_key(&hasher.finish()) {
        let wait = wait_seconds(&not_until);
        tracing::warn!(event = "refused", reason = "rate per email", key = %key, kind, retry_after = wait);
        return answer(
            StatusCode::TOO_MANY_REQUESTS,
            "error",
            "too many signals for this address",
            Some(wait),
        );
    }
    let unavailable = |why: &str| {
        answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "error",
            why,
            Some(app.config.retry_after_seconds),
        )
    };
    // A claim lasts as long as the forward may: every call's timeout, and some.
    let lease = app.config.timeout * 6 + Duration::from_secs(5);
    let token = match app.store.claim(&key, lease).await {
        Ok(Claim::Acquired(token)) => token,
        Ok(Claim::Done) => {
            tracing::info!(event = "duplicate", key = %key, kind);
            return answer(StatusCode::OK, "status", "duplicate", None);
        }
        Ok(Claim::Busy) => {
            tracing::info!(event = "busy", key = %key, kind);
            return answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "error",
                "this signal is being forwarded now",
                Some(1),
            );
        }
        Err(e) => {
            tracing::error!(event = "store", key = %key, error = %e);
            return unavailable("the key store does not answer");
        }
    };
    let mut outcome = app.forwarder.verify(&signal).await;
    if outcome == Outcome::Delivered {
        outcome = match app.forwarder.forward(&signal).await {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(event = "store", key = %key, error = %e);
                let _ = app.store.release(&key, &token).await;
                return unavailable("the key store does not answer");
            }
        };
    }
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match outcome {
        Outcome::Delivered => {
            if let Err(e) = app.store.finish(&key).await {
                // Delivered, but not remembered: a retry would be forwarded again. Say so.
                tracing::error!(event = "store", key = %key, error = %e);
            }
            tracing::info!(event = "delivered", key = %key, kind, ms);
            answer(StatusCode::ACCEPTED, "status", "delivered", None)
        }
        Outcome::Throttled {
            platform,
            retry_after,
        } => {
            let _ = app.store.release(&key, &token).await;
            tracing::warn!(event = "throttled", key = %key, kind, platform, retry_after, ms);
            answer(
                StatusCode::TOO_MANY_REQUESTS,
                "error",
                &[platform, " asks to wait"].concat(),
                Some(retry_after),
            )
        }
        Outcome::Unavailable { platform, why } => {
            let _ = app.store.release(&key, &token).await;
            tracing::warn!(event = "unavailable", key = %key, kind, platform, why = %why, ms);
            unavailable(&[platform, ": ", &why].concat())
        }
        Outcome::Rejected { platform, status } => {
            // Given up for good: remembered, so a resend is not forwarded again.
            let _ = app.store.finish(&key).await;
            tracing::warn!(event = "rejected", key = %key, kind, platform, status, ms);
            let why = if platform == "shopify" {
                "the order was not found for this email".to_owned()
            } else {
                [
                    platform,
                    " refused the signal (HTTP ",
                    &status.to_string(),
                    ")",
                ]
                .concat()
            };
            answer(StatusCode::UNPROCESSABLE_ENTITY, "error", &why, None)
        }
    }
}
