//! The idempotency key store: which signals (and which of their calls) a platform has accepted,
//! and which are being forwarded right now. An SQLite file for one relay (the default); a Redis
//! shared by several relays behind a load balancer, so that every instance agrees.
//!
//! A key is **claimed** for the time a forward may take (a lease), then either **finished** (kept
//! for [`KEEP`], longer than the widget's outbox retries a signal) or **released** when the
//! platform did not accept it, so the next attempt forwards it again.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::StoreConfig;

/// How long a finished key is remembered: the widget's outbox gives a signal up after 30 days.
pub const KEEP: Duration = Duration::from_secs(40 * 24 * 3600);

/// The marker of a finished key.
const DONE: &str = "done";

/// What [`Store::claim`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This request forwards the key; the token releases it.
    Acquired(String),
    /// Already delivered: a duplicate.
    Done,
    /// Another request (or relay) is forwarding it now.
    Busy,
}

/// The store could not be used.
#[derive(Debug, thiserror::Error)]
#[error("key store ({kind}): {message}")]
pub struct StoreError {
    kind: &'static str,
    message: String,
}

/// The key store.
#[derive(Clone)]
pub enum Store {
    /// One relay's SQLite file.
    Sqlite(Arc<Mutex<rusqlite::Connection>>),
    /// A Redis several relays share.
    Redis(redis::aio::MultiplexedConnection),
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Keys in Redis are prefixed, so the relay can share a Redis with other things.
const PREFIX: &str = "crossbuy:relay:";

/// A token that tells this claim from any other (the process, a counter and the time).
fn token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        now_ms()
    )
}

impl Store {
    /// Opens the configured store: creates the SQLite file and its table (forgetting claims a
    /// crashed run left: one relay owns the file), or connects to Redis.
    pub async fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        match config {
            StoreConfig::Sqlite(path) => {
                let path = path.clone();
                let conn = tokio::task::spawn_blocking(move || open_sqlite(&path))
                    .await
                    .map_err(|e| sqlite_error(e.to_string()))??;
                Ok(Store::Sqlite(Arc::new(Mutex::new(conn))))
            }
            StoreConfig::Redis(url) => {
                let client = redis::Client::open(url.as_str()).map_err(redis_error)?;
                let conn = client
                    .get_multiplexed_async_connection()
                    .await
                    .map_err(redis_error)?;
                let store = Store::Redis(conn);
                store.ping().await?;
                Ok(store)
            }
        }
    }

    /// `sqlite` or `redis`, for the health endpoint and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Redis(_) => "redis",
        }
    }

    /// Checks the store answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(_) => {
                self.sqlite(|c| c.query_row("SELECT 1", [], |_| Ok(())))
                    .await
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                redis::cmd("PING")
                    .query_async::<String>(&mut conn)
                    .await
                    .map(|_| ())
                    .map_err(redis_error)
            }
        }
    }

    /// Claims `key` for `lease`, unless it is finished or claimed by someone else.
    pub async fn claim(&self, key: &str, lease: Duration) -> Result<Claim, StoreError> {
        let token = token();
        match self {
            Store::Sqlite(_) => {
                let key = key.to_owned();
                self.sqlite(move |c| {
                    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                    let now = now_ms();
                    let found: Option<(String, i64)> = tx
                        .query_row(
                            "SELECT token, until FROM relay_keys WHERE key = ?1",
                            [&key],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .map(Some)
                        .or_else(|e| match e {
                            rusqlite::Error::QueryReturnedNoRows => Ok(None),
                            e => Err(e),
                        })?;
                    let claim = match found {
                        Some((t, until)) if until >= now && t == DONE => Claim::Done,
                        Some((_, until)) if until >= now => Claim::Busy,
                        _ => {
                            tx.execute(
                                "INSERT OR REPLACE INTO relay_keys (key, token, until) VALUES (?1, ?2, ?3)",
                                rusqlite::params![key, token, now.saturating_add(ms(lease))],
                            )?;
                            Claim::Acquired(token)
                        }
                    };
                    tx.commit()?;
                    Ok(claim)
                })
                .await
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                let set: Option<String> = redis::cmd("SET")
                    .arg([PREFIX, key].concat())
                    .arg(&token)
                    .arg("NX")
                    .arg("PX")
                    .arg(ms(lease).max(1))
                    .query_async(&mut conn)
                    .await
                    .map_err(redis_error)?;
                if set.is_some() {
                    return Ok(Claim::Acquired(token));
                }
                let current: Option<String> = redis::cmd("GET")
                    .arg([PREFIX, key].concat())
                    .query_async(&mut conn)
                    .await
                    .map_err(redis_error)?;
                Ok(match current.as_deref() {
                    Some(DONE) => Claim::Done,
                    Some(_) => Claim::Busy,
                    // Expired between the two commands: let the client try again.
                    None => Claim::Busy,
                })
            }
        }
    }

    /// Records `key` as delivered (kept for [`KEEP`]).
    pub async fn finish(&self, key: &str) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(_) => {
                let key = key.to_owned();
                self.sqlite(move |c| {
                    c.execute(
                        "INSERT OR REPLACE INTO relay_keys (key, token, until) VALUES (?1, ?2, ?3)",
                        rusqlite::params![key, DONE, now_ms().saturating_add(ms(KEEP))],
                    )
                    .map(|_| ())
                })
                .await
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                redis::cmd("SET")
                    .arg([PREFIX, key].concat())
                    .arg(DONE)
                    .arg("PX")
                    .arg(ms(KEEP))
                    .query_async::<()>(&mut conn)
                    .await
                    .map_err(redis_error)
            }
        }
    }

    /// Gives up the claim `token` holds on `key`, so the next attempt forwards it.
    pub async fn release(&self, key: &str, token: &str) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(_) => {
                let (key, token) = (key.to_owned(), token.to_owned());
                self.sqlite(move |c| {
                    c.execute(
                        "DELETE FROM relay_keys WHERE key = ?1 AND token = ?2",
                        rusqlite::params![key, token],
                    )
                    .map(|_| ())
                })
                .await
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                redis::Script::new(
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                     return redis.call('DEL', KEYS[1]) else return 0 end",
                )
                .key([PREFIX, key].concat())
                .arg(token)
                .invoke_async::<i64>(&mut conn)
                .await
                .map(|_| ())
                .map_err(redis_error)
            }
        }
    }

    /// Whether `key` was finished.
    pub async fn is_done(&self, key: &str) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(_) => {
                let key = key.to_owned();
                self.sqlite(move |c| {
                    c.query_row(
                        "SELECT COUNT(*) FROM relay_keys WHERE key = ?1 AND token = ?2 AND until >= ?3",
                        rusqlite::params![key, DONE, now_ms()],
                        |r| r.get::<_, i64>(0),
                    )
                    .map(|n| n > 0)
                })
                .await
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                let v: Option<String> = redis::cmd("GET")
                    .arg([PREFIX, key].concat())
                    .query_async(&mut conn)
                    .await
                    .map_err(redis_error)?;
                Ok(v.as_deref() == Some(DONE))
            }
        }
    }

    /// Runs `f` on the SQLite connection off the async threads.
    async fn sqlite<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let Store::Sqlite(conn) = self else {
            return Err(sqlite_error("not an SQLite store".into()));
        };
        let conn = Arc::clone(conn);
        tokio::task::spawn_blocking(move || {
            let mut c = conn
                .lock()
                .map_err(|_| sqlite_error("a thread panicked holding the connection".into()))?;
            f(&mut c).map_err(|e| sqlite_error(e.to_string()))
        })
        .await
        .map_err(|e| sqlite_error(e.to_string()))?
    }
}

fn open_sqlite(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    let shown = |e: rusqlite::Error| sqlite_error(format!("{}: {e}", path.display()));
    let c = rusqlite::Connection::open(path).map_err(shown)?;
    c.busy_timeout(Duration::from_secs(5)).map_err(shown)?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE IF NOT EXISTS relay_keys (key TEXT PRIMARY KEY, token TEXT NOT NULL, until INTEGER NOT NULL);",
    )
    .map_err(shown)?;
    // Claims of a run that crashed, and keys past their time.
    c.execute(
        "DELETE FROM relay_keys WHERE token != ?1 OR until < ?2",
        rusqlite::params![DONE, now_ms()],
    )
    .map_err(shown)?;
    Ok(c)
}

fn sqlite_error(message: String) -> StoreError {
    StoreError {
        kind: "sqlite",
        message,
    }
}

fn redis_error(e: redis::RedisError) -> StoreError {
    StoreError {
        kind: "redis",
        message: e.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::process::{Child, Command, Stdio};

    /// Debian's redis-server on a free 127.0.0.1 port, stopped when dropped.
    pub(crate) struct Redis {
        child: Child,
        /// `redis://127.0.0.1:<port>/`.
        pub url: String,
    }

    impl Redis {
        pub(crate) fn start() -> Redis {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free port");
            let child = Command::new("redis-server")
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .stdout(Stdio::null())
                .spawn()
                .expect("redis-server (Debian's package; scripts/setup.sh installs it)");
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "redis-server did not start"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            Redis {
                child,
                url: format!("redis://127.0.0.1:{port}/"),
            }
        }
    }

    impl Drop for Redis {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// The claim protocol, as every store must keep it.
    async fn protocol(a: &Store, b: &Store) {
        let lease = Duration::from_secs(60);
        let Claim::Acquired(t) = a.claim("k1", lease).await.unwrap() else {
            panic!("first claim")
        };
        assert_eq!(
            b.claim("k1", lease).await.unwrap(),
            Claim::Busy,
            "claimed elsewhere"
        );
        b.release("k1", "not-the-token").await.unwrap();
        assert_eq!(
            b.claim("k1", lease).await.unwrap(),
            Claim::Busy,
            "only the owner releases"
        );
        a.release("k1", &t).await.unwrap();
        let Claim::Acquired(_) = b.claim("k1", lease).await.unwrap() else {
            panic!("released, so claimable")
        };
        b.finish("k1").await.unwrap();
        assert_eq!(a.claim("k1", lease).await.unwrap(), Claim::Done);
        assert!(a.is_done("k1").await.unwrap());
        assert!(!a.is_done("k2").await.unwrap());
        // A lease runs out: a relay that died mid-forward does not hold the key for ever.
        let Claim::Acquired(_) = a.claim("k3", Duration::from_millis(50)).await.unwrap() else {
            panic!("k3")
        };
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(matches!(
            b.claim("k3", lease).await.unwrap(),
            Claim::Acquired(_)
        ));
        a.ping().await.unwrap();
    }

    #[tokio::test]
    async fn sqlite_keeps_the_protocol_and_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("crossbuy-relay-test-{}", token()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = StoreConfig::Sqlite(dir.join("keys.sqlite"));
        let a = Store::open(&config).await.unwrap();
        protocol(&a, &a.clone()).await;
        let Claim::Acquired(_) = a.claim("in-flight", Duration::from_secs(60)).await.unwrap()
        else {
            panic!()
        };
        drop(a);
        // The next run: finished keys are kept, the crashed run's claims are not.
        let b = Store::open(&config).await.unwrap();
        assert_eq!(
            b.claim("k1", Duration::from_secs(60)).await.unwrap(),
            Claim::Done
        );
        assert!(matches!(
            b.claim("in-flight", Duration::from_secs(60)).await.unwrap(),
            Claim::Acquired(_)
        ));
        assert_eq!(b.kind(), "sqlite");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn two_relays_agree_through_redis() {
        let redis = Redis::start();
        let config = StoreConfig::Redis(redis.url.clone());
        let a = Store::open(&config).await.unwrap();
        let b = Store::open(&config).await.unwrap();
        protocol(&a, &b).await;
        assert_eq!(a.kind(), "redis");
    }

    #[tokio::test]
    async fn an_unreachable_store_is_an_error_not_a_panic() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = Store::open(&StoreConfig::Redis(format!("redis://127.0.0.1:{port}/")))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("key store (redis): "), "{err}");
        let err = Store::open(&StoreConfig::Sqlite("/proc/no/such/dir/keys.sqlite".into()))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("key store (sqlite): /proc/no/such/dir/keys.sqlite"),
            "{err}"
        );
    }
}
