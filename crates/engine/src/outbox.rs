//! The outbox: signals waiting to reach the shop's endpoint, delivered at least once.
//!
//! A pure state machine: the web shell enqueues ready-made requests, asks what is due at `now`,
//! sends those with `fetch`, and reports each result back. Every entry is *waiting* (with the
//! earliest time it may be sent) or *in flight* (since when). Delivery is at least once: an entry
//! leaves the outbox only on a 2xx answer, on an answer that retrying cannot fix (4xx), when it is
//! too old, or when the outbox is full. Receivers deduplicate by the entry's idempotency key,
//! which is fixed at enqueue time and stored with the entry, so it survives a reload.
//!
//! The whole outbox is serialised to JSON for `localStorage`; a stored value that cannot be
//! read starts an empty outbox (counted in [`Stats::corrupt`]), never a panic. See
//! `docs/signals.md`, "Delivery", for the policy in prose.

use super::json::{self, int, items, Value, Writer};
use super::time;

/// Tuning of the outbox. [`Config::default`] is what ships; tests and the e2e harness shorten
/// the times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Most entries kept; beyond it the oldest non-consent entry is dropped.
    pub capacity: usize,
    /// First retry delay after a failure, before jitter.
    pub base_backoff_ms: i64,
    /// Longest backoff delay.
    pub max_backoff_ms: i64,
    /// Longest wait honoured from a `Retry-After` header; a wait scheduled further ahead than
    /// this (the system clock went back) is treated as due.
    pub max_wait_ms: i64,
    /// An entry in flight this long without a result (the page closed mid-send) is sent again.
    pub in_flight_lease_ms: i64,
    /// An entry older than this is given up (counted in [`Stats::expired`]).
    pub max_age_ms: i64,
    /// How many keys of delivered or given-up entries are remembered, so that enqueueing the
    /// same key again (a reload of the thank-you page) is ignored.
    pub remembered_keys: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            capacity: 64,
            base_backoff_ms: 1_000,
            max_backoff_ms: 5 * 60_000,
            max_wait_ms: 24 * 3_600_000,
            in_flight_lease_ms: 15_000,
            max_age_ms: 30 * 24 * 3_600_000,
            remembered_keys: 256,
        }
    }
}

/// One HTTP `POST` as the shell sends it with `fetch(url, {method: "POST", headers, body,
/// keepalive: true})`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Absolute url.
    pub url: String,
    /// The headers, names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: String,
}

/// What is enqueued: a request with its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Idempotency key: the same key is delivered at most once by this outbox and is what the
    /// receiver deduplicates by.
    pub key: String,
    /// Carries the shopper's consent (`opted_in` and its subscription): kept over other
    /// entries when the outbox is full.
    pub consent: bool,
    /// The request.
    pub request: Request,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting { not_before: i64 },
    InFlight { since: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    message: Message,
    created: i64,
    attempts: u32,
    state: State,
}

/// Counters the shell may show or log; they persist with the outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Entries delivered (2xx).
    pub sent: u32,
    /// Entries dropped because the outbox was full.
    pub dropped: u32,
    /// Entries given up because they were older than [`Config::max_age_ms`].
    pub expired: u32,
    /// Entries given up on a 4xx answer.
    pub rejected: u32,
    /// Stored values (or stored entries) that could not be read and were discarded.
    pub corrupt: u32,
}

/// What [`Outbox::enqueue`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// Added.
    Added,
    /// Already queued, or already delivered or given up: ignored.
    Duplicate,
    /// Added; the outbox was full and the entry with this key was dropped to make room.
    Evicted(String),
    /// Not added: the outbox is full of consent entries and this one is not more important.
    Dropped,
}

/// The result of one send, as the shell saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP answer.
    Status {
        /// HTTP status code.
        code: u16,
        /// Until when the answer's `Retry-After` header asks to wait (unix ms), when it has a
        /// readable one: [`parse_retry_after`] reads it (the browser shell reads dates with the
        /// browser's own `Date.parse`).
        retry_at: Option<i64>,
    },
    /// `fetch` rejected: offline, DNS, CORS, connection reset, timeout.
    NetworkError,
}

/// What [`Outbox::finish`] did with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Delivered and removed.
    Sent,
    /// Will be sent again at this time (unix ms).
    RetryAt(i64),
    /// Given up and removed: retrying cannot help. Reported once per entry; the shell logs one
    /// console error.
    GaveUp {
        /// The status the endpoint answered.
        status: u16,
    },
    /// No entry has this key (already finished).
    Unknown,
}

/// The outbox. See the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbox {
    config: Config,
    entries: Vec<Entry>,
    done: Vec<String>,
    stats: Stats,
}

/// Version of the stored JSON.
const STORED_VERSION: i64 = 2;

impl Outbox {
    /// An empty outbox.
    pub fn new(config: Config) -> Outbox {
        Outbox {
            config,
            entries: Vec::new(),
            done: Vec::new(),
            stats: Stats::default(),
        }
    }

    /// Entries queued (waiting or in flight).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Nothing queued.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Adds a message unless its key is queued or was delivered or given up. When the outbox
    /// is full, the oldest entry that does not carry consent is dropped (the new one included);
    /// when every entry carries consent, the oldest entry is dropped.
    pub fn enqueue(&mut self, message: Message, now: i64) -> Enqueued {
        self.expire(now);
        if self.entries.iter().any(|e| e.message.key == message.key)
            || self.done.contains(&message.key)
        {
            return Enqueued::Duplicate;
        }
        let mut result = Enqueued::Added;
        if self.entries.len() >= self.config.capacity.max(1) {
            let victim = self.entries.iter().position(|e| !e.message.consent);
            let victim = match victim {
                Some(i) => Some(i),
                None if !message.consent => None,
                None => Some(0),
            };
            self.stats.dropped = self.stats.dropped.saturating_add(1);
            match victim {
                Some(i) => {
                    let gone = self.entries.remove(i);
                    result = Enqueued::Evicted(gone.message.key);
                }
                None => return Enqueued::Dropped,
            }
        }
        self.entries.push(Entry {
            message,
            created: now,
            attempts: 0,
            state: State::Waiting { not_before: now },
        });
        result
    }

    fn is_due(&self, e: &Entry, now: i64) -> bool {
        match e.state {
            State::Waiting { not_before } => {
                not_before <= now || not_before - now > self.config.max_wait_ms
            }
            // `since > now`: the clock went back; the lease cannot be trusted.
            State::InFlight { since } => {
                now - since >= self.config.in_flight_lease_ms || since > now
            }
        }
    }

    fn is_expired(&self, e: &Entry, now: i64) -> bool {
        now.saturating_sub(e.created) > self.config.max_age_ms
    }

    /// Removes entries older than [`Config::max_age_ms`].
    fn expire(&mut self, now: i64) {
        let mut i = 0;
        while i < self.entries.len() {
            if self.is_expired(&self.entries[i], now) {
                let e = self.entries.remove(i);
                self.remember(e.message.key);
                self.stats.expired = self.stats.expired.saturating_add(1);
            } else {
                i += 1;
            }
        }
    }

    fn remember(&mut self, key: String) {
        self.done.push(key);
        let limit = self.config.remembered_keys;
        if self.done.len() > limit {
            self.done.drain(..self.done.len() - limit);
        }
    }

    /// The messages that may be sent at `now`, oldest first: waiting ones whose time has come
    /// and in-flight ones whose lease ran out (the page closed before the answer came).
    pub fn due(&self, now: i64) -> Vec<&Message> {
        self.entries
            .iter()
            .filter(|e| self.is_due(e, now) && !self.is_expired(e, now))
            .map(|e| &e.message)
            .collect()
    }

    /// Marks up to `limit` due messages in flight and returns copies to send, oldest first.
    pub fn start_due(&mut self, now: i64, limit: usize) -> Vec<Message> {
        self.expire(now);
        let mut out = Vec::new();
        for i in 0..self.entries.len() {
            if out.len() >= limit {
                break;
            }
            if self.is_due(&self.entries[i], now) {
                let e = &mut self.entries[i];
                e.state = State::InFlight { since: now };
                out.push(e.message.clone());
            }
        }
        out
    }

    /// Records the result of sending `key`. `jitter` is a random value from the caller
    /// (`crypto.getRandomValues` or `Math.random() * 2^32`), spreading retries of many
    /// shoppers over time: a backoff delay `d` becomes `d/2 + (d/2) * jitter / (2^32 - 1)`,
    /// between half and all of `d` ("equal jitter").
    pub fn finish(&mut self, key: &str, outcome: Outcome, now: i64, jitter: u32) -> Finished {
        let Some(i) = self.entries.iter().position(|e| e.message.key == key) else {
            return Finished::Unknown;
        };
        let retry_at = match outcome {
            Outcome::Status {
                code: 200..=299, ..
            } => {
                let e = self.entries.remove(i);
                self.remember(e.message.key);
                self.stats.sent = self.stats.sent.saturating_add(1);
                return Finished::Sent;
            }
            Outcome::Status {
                code: 429 | 503,
                retry_at,
            } => match retry_at {
                Some(at) => at.clamp(now, now + self.config.max_wait_ms),
                None => self.backoff(i, now, jitter),
            },
            // 408 Request Timeout is the one 4xx that retrying can fix.
            Outcome::Status {
                code: code @ (300..=407 | 409..=499),
                ..
            } => {
                let e = self.entries.remove(i);
                self.remember(e.message.key);
                self.stats.rejected = self.stats.rejected.saturating_add(1);
                return Finished::GaveUp { status: code };
            }
            Outcome::Status { .. } | Outcome::NetworkError => self.backoff(i, now, jitter),
        };
        let e = &mut self.entries[i];
        e.attempts = e.attempts.saturating_add(1);
        e.state = State::Waiting {
            not_before: retry_at,
        };
        Finished::RetryAt(retry_at)
    }

    /// Exponential backoff with equal jitter for entry `i`'s next attempt.
    fn backoff(&self, i: usize, now: i64, jitter: u32) -> i64 {
        let attempts = self.entries[i].attempts.min(40);
        let base = self.config.base_backoff_ms.max(1);
        let delay = base
            .checked_mul(1i64 << attempts.min(40))
            .unwrap_or(i64::MAX)
            .min(self.config.max_backoff_ms.max(base));
        let half = delay / 2;
        // u64 arithmetic (no i128 helpers in the wasm); the spread is capped at 2^31 ms.
        let width = (delay - half).clamp(0, 1 << 31) as u64;
        let spread = width * u64::from(jitter) / u64::from(u32::MAX);
        now + half + spread as i64
    }

    /// When the shell should wake to send again: the earliest time an entry becomes due, or
    /// `None` when nothing is queued. May be `<= now` (something is due already).
    pub fn next_wake(&self, now: i64) -> Option<i64> {
        self.entries
            .iter()
            .map(|e| {
                if self.is_due(e, now) {
                    now
                } else {
                    match e.state {
                        State::Waiting { not_before } => not_before,
                        State::InFlight { since } => since + self.config.in_flight_lease_ms,
                    }
                }
            })
            .min()
    }

    /// Serialises everything (entries with their state, remembered keys, counters) for
    /// `localStorage`: `[version, [sent, dropped, expired, rejected, corrupt], [remembered
    /// keys], [[key, consent, created, attempts, in flight, at, url, headers, body], …]]`, the
    /// headers as the text of a JSON object (`"{\"content-type\":\"…\"}"`). The layout is
    /// the one every earlier version stored, so a page running an older module, in another
    /// tab or from a cache, reads what this one stores and the other way round.
    pub fn to_json(&self) -> String {
        let mut w = Writer(String::new());
        let s = self.stats;
        w.open('[').int(STORED_VERSION).open('[');
        for n in [s.sent, s.dropped, s.expired, s.rejected, s.corrupt] {
            w.int(i64::from(n));
        }
        w.close(']').open('[');
        for k in &self.done {
            w.str(k);
        }
        w.close(']').open('[');
        for e in &self.entries {
            let (in_flight, at) = match e.state {
                State::Waiting { not_before } => (false, not_before),
                State::InFlight { since } => (true, since),
            };
            let m = &e.message;
            w.open('[').str(&m.key).bool(m.consent).int(e.created);
            w.int(i64::from(e.attempts)).bool(in_flight).int(at);
            let r = &m.request;
            w.str(&r.url)
                .str(&Writer(String::new()).texts(&r.headers).0);
            w.str(&r.body);
            w.close(']');
        }
        w.close(']').close(']');
        w.0
    }

    /// Reads what [`Outbox::to_json`] stored. Never fails: a value that is not a stored outbox
    /// gives an empty one with [`Stats::corrupt`] counting it, and an unreadable entry is
    /// skipped and counted. Entries in flight stay in flight; their lease decides when they
    /// are sent again, so a reload right after a send does not send twice at once.
    pub fn from_json(text: &str, config: Config) -> Outbox {
        let mut out = Outbox::new(config);
        let parsed = json::parse(text);
        let (stats, done, entries) = match parsed.as_ref().map(|v| items(Some(v))) {
            Ok([version, stats, done, entries]) if int(Some(version)) == Some(STORED_VERSION) => {
                (stats, done, entries)
            }
            _ => {
                out.stats.corrupt = 1;
                return out;
            }
        };
        let mut n = items(Some(stats))
            .iter()
            .map(|v| int(Some(v)).map_or(0, |n| n.clamp(0, i64::from(u32::MAX)) as u32));
        let mut next = || n.next().unwrap_or(0);
        out.stats = Stats {
            sent: next(),
            dropped: next(),
            expired: next(),
            rejected: next(),
            corrupt: next(),
        };
        for k in items(Some(done)) {
            if let Some(k) = k.as_str() {
                out.remember(k.to_owned());
            }
        }
        for v in items(Some(entries)) {
            match read_entry(v) {
                Some(e) if !out.entries.iter().any(|x| x.message.key == e.message.key) => {
                    out.entries.push(e)
                }
                _ => out.stats.corrupt = out.stats.corrupt.saturating_add(1),
            }
        }
        let excess = out.entries.len().saturating_sub(out.config.capacity.max(1));
        out.entries.drain(..excess);
        out.stats.dropped = out.stats.dropped.saturating_add(excess as u32);
        out
    }
}

/// What [`Outbox::to_json`] wrote for the headers; `None` when it is not an object of strings.
#[inline(never)]
fn read_headers(text: &str) -> Option<Vec<(String, String)>> {
    let Ok(Value::Object(fields)) = json::parse(text) else {
        return None;
    };
    let mut out = Vec::with_capacity(fields.len());
    for (name, value) in &fields {
        out.push((name.clone(), value.as_str()?.to_owned()));
    }
    Some(out)
}

fn read_entry(v: &Value) -> Option<Entry> {
    let [key, consent, created, attempts, in_flight, at, url, headers, body] = items(Some(v))
    else {
        return None;
    };
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let at = int(Some(at))?;
    Some(Entry {
        message: Message {
            key: text(key).filter(|k| !k.is_empty())?,
            consent: *consent == Value::Bool(true),
            request: Request {
                url: text(url)?,
                headers: read_headers(headers.as_str()?)?,
                body: text(body)?,
            },
        },
        created: int(Some(created))?,
        attempts: u32::try_from(int(Some(attempts))?).ok()?,
        state: match in_flight {
            Value::Bool(true) => State::InFlight { since: at },
            Value::Bool(false) => State::Waiting { not_before: at },
            _ => return None,
        },
    })
}

/// Reads a `Retry-After` value (RFC 9110 §10.2.3): a number of seconds, or an HTTP-date in
/// the form servers send (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`). The two obsolete
/// date forms are not read (the outbox then backs off as without the header). Returns the
/// unix ms to wait until.
pub fn parse_retry_after(value: &str, now: i64) -> Option<i64> {
    let v = value.trim().as_bytes();
    if !v.is_empty() && v.iter().all(u8::is_ascii_digit) {
        let secs = v.iter().fold(0i64, |n, b| {
            n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
        });
        return Some(now.saturating_add(secs.saturating_mul(1000)));
    }
    // `Sun, 06 Nov 1994 08:49:37 GMT`: fixed positions.
    let at = |i: usize, n: usize| digits(v.get(i..i + n)?);
    if v.len() != 29 || v.get(3..5) != Some(b", ") || !v.ends_with(b" GMT") {
        return None;
    }
    let month = v.get(8..11).and_then(|m| {
        let i = b"JanFebMarAprMayJunJulAugSepOctNovDec"
            .chunks(3)
            .position(|c| c == m)?;
        Some(i as u32 + 1)
    })?;
    let (day, year, h, m, s) = (at(5, 2)?, at(12, 4)?, at(17, 2)?, at(20, 2)?, at(23, 2)?);
    let punctuation = [(7, b' '), (11, b' '), (16, b' '), (19, b':'), (22, b':')];
    if punctuation.iter().any(|&(i, c)| v[i] != c)
        || day == 0
        || day > i64::from(time::days_in_month(year, month))
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    let days = time::days_from_civil(year, month, day as u32);
    Some((((days * 24 + h) * 60 + m) * 60 + s.min(59)) * 1000)
}

/// A short ASCII number (all digits).
fn digits(s: &[u8]) -> Option<i64> {
    if s.iter().all(u8::is_ascii_digit) {
        Some(s.iter().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            capacity: 3,
            base_backoff_ms: 1_000,
            max_backoff_ms: 8_000,
            max_wait_ms: 3_600_000,
            in_flight_lease_ms: 10_000,
            max_age_ms: 86_400_000,
            remembered_keys: 4,
        }
    }

    fn message(key: &str, consent: bool) -> Message {
        Message {
            key: key.to_owned(),
            consent,
            request: Request {
                url: "https://hooks.example/crossbuy".to_owned(),
                headers: vec![("Idempotency-Key".to_owned(), key.to_owned())],
                body: ["{\"id\":\"", key, "\"}"].concat(),
            },
        }
    }

    /// Runs a script, one command a line, each `<now ms> <command>`, and compares what each
    /// command answered, one line each:
    /// - `add <key> [consent]` → what `enqueue` did
    /// - `due` → keys due; `start` → keys marked in flight; `wake` → `next_wake`
    /// - `fin <key> <status>|net [j=<jitter>|j=max] [| <Retry-After>]` → what `finish` did
    /// - `reload` → serialise and read back, answers the entry count
    /// - `load <text>` → read a stored text, answers the entry count
    /// - `stats` → the counters
    fn check(script: &str, expected: &str) {
        let mut outbox = Outbox::new(config());
        let mut got = Vec::new();
        for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (now, command) = line.split_once(' ').expect("<now> <command>");
            let now: i64 = now.parse().expect("now");
            let (command, retry_after) = match command.split_once(" | ") {
                Some((c, r)) => (c, Some(r)),
                None => (command, None),
            };
            let words: Vec<&str> = command.split_whitespace().collect();
            let keys = |list: Vec<String>| match list.is_empty() {
                true => "-".to_owned(),
                false => list.join(" "),
            };
            let answer = match words[..] {
                ["add", key] | ["add", key, _] => {
                    match outbox.enqueue(message(key, words.len() == 3), now) {
                        Enqueued::Added => "added".to_owned(),
                        Enqueued::Duplicate => "duplicate".to_owned(),
                        Enqueued::Evicted(k) => format!("added, dropped {k}"),
                        Enqueued::Dropped => "dropped".to_owned(),
                    }
                }
                ["due"] => keys(outbox.due(now).iter().map(|m| m.key.clone()).collect()),
                ["start"] => keys(
                    outbox
                        .start_due(now, 2)
                        .into_iter()
                        .map(|m| m.key)
                        .collect(),
                ),
                ["wake"] => format!("{:?}", outbox.next_wake(now)),
                ["fin", key, status, ref jitter @ ..] => {
                    let jitter = match jitter {
                        ["j=max"] => u32::MAX,
                        [j] => j.trim_start_matches("j=").parse().expect("jitter"),
                        _ => 0,
                    };
                    let outcome = match status {
                        "net" => Outcome::NetworkError,
                        code => Outcome::Status {
                            code: code.parse().expect("status"),
                            retry_at: retry_after.and_then(|h| parse_retry_after(h, now)),
                        },
                    };
                    match outbox.finish(key, outcome, now, jitter) {
                        Finished::Sent => "sent".to_owned(),
                        Finished::RetryAt(at) => format!("retry at {at}"),
                        Finished::GaveUp { status } => format!("gave up on {status}"),
                        Finished::Unknown => "unknown".to_owned(),
                    }
                }
                ["reload"] => {
                    let stored = outbox.to_json();
                    outbox = Outbox::from_json(&stored, config());
                    assert_eq!(outbox.to_json(), stored, "round trip");
                    format!("{} entries", outbox.len())
                }
                ["load", ..] => {
                    let text = command.trim_start_matches("load").trim();
                    outbox = Outbox::from_json(text, config());
                    format!("{} entries", outbox.len())
                }
                ["stats"] => {
                    let s = outbox.stats();
                    format!(
                        "sent {} dropped {} expired {} rejected {} corrupt {}",
                        s.sent, s.dropped, s.expired, s.rejected, s.corrupt
                    )
                }
                _ => panic!("unknown command: {line}"),
            };
            got.push(answer);
        }
        let expected: Vec<&str> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(got, expected, "script:\n{script}");
    }

    #[test]
    fn enqueue_send_and_deliver_once_by_key() {
        check(
            "0 add a
             0 add a
             0 due
             0 start
             0 due
             0 wake
             5 fin a 202
             6 due
             6 add a
             6 fin a 202
             6 stats",
            "added
             duplicate
             a
             a
             -
             Some(10000)
             sent
             -
             duplicate
             unknown
             sent 1 dropped 0 expired 0 rejected 0 corrupt 0",
        );
    }

    #[test]
    fn server_errors_back_off_exponentially_with_jitter_up_to_a_cap() {
        // Equal jitter: a delay d waits between d/2 (j=0) and d (j=max).
        check(
            "0 add a
             0 start
             100 fin a 500
             599 due
             600 wake
             600 start
             700 fin a net j=max
             2699 due
             2700 start
             2700 fin a 502 j=2147483648
             5700 start
             5700 fin a 599 j=max
             13700 start
             13700 fin a net j=max
             21700 start
             21700 fin a 504 j=0
             25700 start
             25700 fin a 200",
            "added
             a
             retry at 600
             -
             Some(600)
             a
             retry at 2700
             -
             a
             retry at 5700
             a
             retry at 13700
             a
             retry at 21700
             a
             retry at 25700
             a
             sent",
        );
        // 408 Request Timeout is retried like a server error; other status codes from outside
        // 1xx to 5xx like a network error.
        check(
            "0 add a
             0 start
             0 fin a 408
             500 start
             500 fin a 0 j=max
             2500 start
             2500 fin a 103
             4500 stats",
            "added
             a
             retry at 500
             a
             retry at 2500
             a
             retry at 4500
             sent 0 dropped 0 expired 0 rejected 0 corrupt 0",
        );
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_503() {
        // Seconds and IMF-fixdate; a time in the past is now; a wait beyond `max_wait_ms` (an
        // hour here) is cut to it. The obsolete RFC 850 and asctime forms, a malformed date and
        // anything else fall back to the backoff (capped from the fourth failure: 4 to 8 s),
        // as without the header.
        check(
            "1000 add a
             1000 start
             1000 fin a 429 | 120
             120999 due
             121000 start
             121000 fin a 503 | Thu, 01 Jan 1970 00:05:00 GMT
             300000 start
             300000 fin a 503 | Thursday, 01-Jan-70 00:06:40 GMT
             302000 start
             302000 fin a 429 | Thu Jan  1 00:08:20 1970
             306000 start
             306000 fin a 429 | 0
             306000 start
             306000 fin a 503 | Wed, 31 Dec 1969 23:00:00 GMT
             306000 start
             306000 fin a 429 | 999999999999999999999
             3906000 start
             3906000 fin a 503 | soon
             3910000 start
             3910000 fin a 429 | Thu, 01 Jan 1970 25:00:00 GMT
             3914000 start
             3914000 fin a 429 | Mon, 30 Feb 1970 00:00:00 GMT
             3918000 start
             3918000 fin a 503 | Thu, 01 jan 1970 00:00:00 GMT
             3922000 start
             3922000 fin a 503 | Thu,  1 Jan 1970 02:00:00 GMT
             3926000 start
             3926000 fin a 503 | Thu, 01 Jan 1970 02:00:00 GMT
             7200000 start
             7200000 fin a 503",
            "added
             a
             retry at 121000
             -
             a
             retry at 300000
             a
             retry at 302000
             a
             retry at 306000
             a
             retry at 306000
             a
             retry at 306000
             a
             retry at 3906000
             a
             retry at 3910000
             a
             retry at 3914000
             a
             retry at 3918000
             a
             retry at 3922000
             a
             retry at 3926000
             a
             retry at 7200000
             a
             retry at 7204000",
        );
        // A real date: 2026-11-20 10:30 UTC, half an hour after now.
        check(
            "1795168800000 add a
             1795168800000 start
             1795168800000 fin a 503 | Fri, 20 Nov 2026 10:30:00 GMT",
            "added
             a
             retry at 1795170600000",
        );
    }

    #[test]
    fn other_client_errors_give_up_once() {
        check(
            "0 add a
             0 add b
             0 add c
             0 start
             0 fin a 400
             0 fin a 400
             0 fin b 404
             0 start
             0 fin c 301
             0 add a
             0 stats",
            "added
             added
             added
             a b
             gave up on 400
             unknown
             gave up on 404
             c
             gave up on 301
             duplicate
             sent 0 dropped 0 expired 0 rejected 3 corrupt 0",
        );
    }

    #[test]
    fn in_flight_across_a_reload_is_sent_again_after_the_lease() {
        check(
            "0 add a
             0 add b
             0 start
             1000 reload
             1000 due
             1000 wake
             9999 due
             10000 due
             10000 start
             10500 fin b 202
             10600 fin a 202",
            "added
             added
             a b
             2 entries
             -
             Some(10000)
             -
             a b
             a b
             sent
             sent",
        );
        // A late answer to an attempt that was already sent again still counts.
        check(
            "0 add a
             0 start
             20000 start
             20001 fin a 200
             20002 fin a 200",
            "added
             a
             a
             sent
             unknown",
        );
    }

    #[test]
    fn a_clock_that_went_back_does_not_stall_delivery() {
        check(
            "5000000 add a
             5000000 add b
             5000000 start
             5000000 fin a net
             4000 due
             4000 start",
            "added
             added
             a b
             retry at 5000500
             a b
             a b",
        );
    }

    #[test]
    fn full_outbox_drops_the_oldest_entry_without_consent() {
        check(
            "0 add opt consent
             1 add view1
             2 add view2
             3 add view3
             4 add sub consent
             5 add view4
             6 due
             6 stats",
            "added
             added
             added
             added, dropped view1
             added, dropped view2
             added, dropped view3
             opt sub view4
             sent 0 dropped 3 expired 0 rejected 0 corrupt 0",
        );
        check(
            "0 add c1 consent
             1 add c2 consent
             2 add c3 consent
             3 add view
             4 add c4 consent
             4 due",
            "added
             added
             added
             dropped
             added, dropped c1
             c2 c3 c4",
        );
    }

    #[test]
    fn old_entries_expire_and_remembered_keys_are_bounded() {
        check(
            "0 add a
             1000 add b
             86400000 due
             86400001 start
             86400001 add a
             86400001 stats",
            "added
             added
             a b
             b
             duplicate
             sent 0 dropped 0 expired 1 rejected 0 corrupt 0",
        );
        // Four keys are remembered: the fifth delivered pushes out the first.
        check(
            "0 add k1
             0 add k2
             0 add k3
             0 start
             0 fin k1 200
             0 fin k2 200
             0 start
             0 fin k3 200
             0 add k4
             0 add k5
             0 start
             0 fin k4 200
             0 fin k5 200
             0 reload
             0 add k2
             0 add k1",
            "added
             added
             added
             k1 k2
             sent
             sent
             k3
             sent
             added
             added
             k4 k5
             sent
             sent
             0 entries
             duplicate
             added",
        );
    }

    #[test]
    fn a_stored_outbox_survives_a_reload_with_its_schedule() {
        check(
            "0 add a consent
             0 add b
             0 start
             0 fin a 503 | 60
             0 fin b net j=max
             0 reload
             999 due
             1000 due
             60000 due
             60000 stats",
            "added
             added
             a b
             retry at 60000
             retry at 1000
             2 entries
             -
             b
             a b
             sent 0 dropped 0 expired 0 rejected 0 corrupt 0",
        );
    }

    #[test]
    fn a_corrupted_stored_value_starts_empty_and_is_counted() {
        check(
            r#"0 load [2,[0,0,0,0,0],[],[
             0 stats
             0 load null
             0 load [1,[0,0,0,0,0],[],[]]
             0 load [2,[0,0,0,0,4],[],[["a"],7,["b",true,0,1,false,5,"https://x.example/","{}","{}"],["c",true,0,1,"no",5,"u","{}",""],["b",false,0,1,false,5,"u","{}",""]]]
             5 due
             5 stats
             5 load [2]
             5 add a
             5 due"#,
            "0 entries
             sent 0 dropped 0 expired 0 rejected 0 corrupt 1
             0 entries
             0 entries
             1 entries
             b
             sent 0 dropped 0 expired 0 rejected 0 corrupt 8
             0 entries
             added
             a",
        );
    }

    /// An outbox as the version before typed headers stored it (written by that version):
    /// an `opted_in` subscription in flight and a webhook `feedback` waiting.
    const STORED_BEFORE: &str = r#"[2,[0,0,0,0,0],[],[["cb_0123456789abcdef_sub",true,1795168800000,0,true,1795168860000,"https://a.klaviyo.com/client/subscriptions/?company_id=AbC123","{\"revision\":\"2026-07-15\",\"content-type\":\"application/vnd.api+json\"}","{\"data\":{\"type\":\"subscription\"}}"],["cb_fedcba9876543210",false,1795168860000,0,false,1795168860000,"https://hooks.example/crossbuy","{\"content-type\":\"application/json\",\"Idempotency-Key\":\"cb_fedcba9876543210\"}","{\"type\":\"feedback\",\"id\":\"cb_fedcba9876543210\"}"]]]"#;

    #[test]
    fn an_outbox_stored_by_the_previous_version_is_delivered_and_stored_alike() {
        let mut outbox = Outbox::from_json(STORED_BEFORE, Config::default());
        assert_eq!(outbox.stats(), Stats::default());
        // Stored again unchanged: a page still running the previous module reads it too.
        assert_eq!(outbox.to_json(), STORED_BEFORE);
        // The lease of the one in flight ran out: both are sent, each with its headers.
        let sent = outbox.start_due(1_795_168_860_000 + 15_000, 8);
        let requests: Vec<(&str, Vec<(&str, &str)>)> = sent
            .iter()
            .map(|m| {
                let headers = m.request.headers.iter();
                (
                    m.key.as_str(),
                    headers.map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                )
            })
            .collect();
        assert_eq!(
            requests,
            [
                (
                    "cb_0123456789abcdef_sub",
                    vec![
                        ("revision", "2026-07-15"),
                        ("content-type", "application/vnd.api+json")
                    ]
                ),
                (
                    "cb_fedcba9876543210",
                    vec![
                        ("content-type", "application/json"),
                        ("Idempotency-Key", "cb_fedcba9876543210")
                    ]
                ),
            ]
        );
        // Headers that are not an object of texts make the entry unreadable, as any other field.
        for bad in [r#""[]""#, r#""{\"a\":1}""#, r#""{""#, "{}"] {
            let text = STORED_BEFORE.replacen(
                r#""{\"content-type\":\"application/json\",\"Idempotency-Key\":\"cb_fedcba9876543210\"}""#,
                bad,
                1,
            );
            let outbox = Outbox::from_json(&text, Config::default());
            assert_eq!((outbox.len(), outbox.stats().corrupt), (1, 1), "{bad}");
        }
    }
}
