//! The offer countdown: [`Window`], how long an offer lasts for one order; [`Deadline`], the
//! record that keeps an order's deadline honest across reloads, new tabs and changed clocks;
//! [`countdown`], what the timer shows and when it next changes; and [`order_time`], the order
//! time that anchors the window on a thank-you page. Times are unix milliseconds, passed in.

use super::context::{PageContext, PageKind};
use super::json::{self, Value, Writer};
use super::time::{self, TimeError, HOUR_MS, MINUTE_MS, SECOND_MS};

/// A unit of a countdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Days.
    Day,
    /// Hours.
    Hour,
    /// Minutes.
    Minute,
    /// Seconds.
    Second,
}

/// What a countdown shows now, and when that changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    /// Two figures: days and hours from one day up, hours and minutes from one hour up,
    /// minutes and seconds in the last hour. Larger units are whole units left (`1 d 3 h`
    /// from 27 h to 27 h 59 min 59 s); seconds round up, so `0 s` never shows while the offer
    /// is still on.
    pub parts: [(u64, TimeUnit); 2],
    /// Milliseconds until the text changes (1 to 1,000 in the last hour, at most
    /// [`MAX_TICK_MS`]), so the widget ticks at most once a second and no more often than
    /// its text changes.
    pub next_tick_ms: i64,
}

/// The longest wait between two countdown updates, so a sleeping laptop or a throttled tab
/// catches up within a minute.
pub const MAX_TICK_MS: i64 = MINUTE_MS;

/// The countdown for `remaining_ms`, or `None` once nothing is left.
pub fn countdown(remaining_ms: i64) -> Option<Countdown> {
    if remaining_ms <= 0 {
        return None;
    }
    // Whole seconds, rounded up: 0.4 s left shows as "0 min 1 s".
    let secs = (remaining_ms + SECOND_MS - 1) / SECOND_MS;
    let secs_u = secs as u64;
    let (parts, step) = if secs >= 86_400 {
        let d = secs_u / 86_400;
        (
            [(d, TimeUnit::Day), (secs_u % 86_400 / 3600, TimeUnit::Hour)],
            3600,
        )
    } else if secs >= 3600 {
        (
            [
                (secs_u / 3600, TimeUnit::Hour),
                (secs_u % 3600 / 60, TimeUnit::Minute),
            ],
            60,
        )
    } else {
        (
            [
                (secs_u / 60, TimeUnit::Minute),
                (secs_u % 60, TimeUnit::Second),
            ],
            1,
        )
    };
    // The text changes when the whole seconds left drop below this step's boundary.
    let boundary_secs = secs / step * step - 1;
    let next_tick_ms = (remaining_ms - boundary_secs * SECOND_MS).min(MAX_TICK_MS);
    Some(Countdown {
        parts,
        next_tick_ms,
    })
}

/// Windows shorter than this offer "Give me more time" (WCAG 2.2.1 exempts longer limits).
pub const EXTENDABLE_BELOW_MS: i64 = 20 * HOUR_MS;
/// How often a shopper may extend: WCAG 2.2.1 asks for at least ten extensions.
pub const MAX_EXTENSIONS: u32 = 10;

/// How long an offer lasts for one order: `length_ms` from the order (or the first view), and
/// never past the merchant's `ends_at_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The window's length.
    pub length_ms: i64,
    /// The campaign's end, when the merchant set one.
    pub ends_at_ms: Option<i64>,
}

impl Window {
    /// `start + (1 + extensions) × length`, capped at the campaign's end.
    fn deadline_from(self, start_ms: i64, extensions: u32) -> i64 {
        let length = self.length_ms.saturating_mul(i64::from(extensions) + 1);
        let end = start_ms.saturating_add(length);
        self.ends_at_ms.map_or(end, |e| end.min(e))
    }
}

/// One order's countdown as the web shell stores it (`localStorage`, see
/// [`Deadline::to_json`]): the deadline belongs to the order, and neither a reload, a new tab
/// nor a changed clock moves it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The first time this order's offer was seen (unix ms).
    pub first_seen_ms: i64,
    /// When the offer ends (unix ms).
    pub deadline_ms: i64,
    /// The latest time observed; a clock that goes back is read as this.
    pub last_seen_ms: i64,
    /// "Give me more time" presses so far.
    pub extensions: u32,
    /// Once true, stays true.
    pub expired: bool,
}

impl Deadline {
    /// The deadline on this page view. `stored` is the record saved on an earlier view (none
    /// on the first); `order_ms` the order's time on the thank-you page, which anchors the
    /// window; otherwise the first view does. The result is never later than `stored`'s
    /// deadline, and an expired record stays expired.
    pub fn start(
        stored: Option<&Deadline>,
        order_ms: Option<i64>,
        window: Window,
        now_ms: i64,
    ) -> Deadline {
        let first_seen_ms = stored.map_or(now_ms, |s| s.first_seen_ms);
        let extensions = stored.map_or(0, |s| s.extensions);
        let anchor = order_ms.unwrap_or(first_seen_ms);
        let mut deadline_ms = window.deadline_from(anchor, extensions);
        if let Some(s) = stored {
            deadline_ms = deadline_ms.min(s.deadline_ms);
        }
        // A clock behind the order time or behind an earlier view does not add time.
        let last_seen_ms = now_ms
            .max(anchor)
            .max(stored.map_or(i64::MIN, |s| s.last_seen_ms));
        let mut d = Deadline {
            first_seen_ms,
            deadline_ms,
            last_seen_ms,
            extensions,
            expired: stored.is_some_and(|s| s.expired),
        };
        d.observe(now_ms);
        d
    }

    /// Records that `now_ms` was seen and returns the milliseconds left (0 once expired).
    pub fn observe(&mut self, now_ms: i64) -> i64 {
        self.last_seen_ms = self.last_seen_ms.max(now_ms);
        if self.last_seen_ms >= self.deadline_ms {
            self.expired = true;
        }
        self.remaining_ms(now_ms)
    }

    /// Milliseconds left at `now_ms` (0 once expired), counting from the latest time seen so a
    /// clock set back shows no extra time.
    pub fn remaining_ms(&self, now_ms: i64) -> i64 {
        if self.expired {
            return 0;
        }
        (self.deadline_ms - now_ms.max(self.last_seen_ms)).max(0)
    }

    /// True when "Give me more time" is offered: the window is shorter than 20 hours, the
    /// offer is still on, fewer than [`MAX_EXTENSIONS`] were used, and the campaign's end
    /// leaves room.
    pub fn can_extend(&self, window: Window, now_ms: i64) -> bool {
        window.length_ms < EXTENDABLE_BELOW_MS
            && self.remaining_ms(now_ms) > 0
            && self.extensions < MAX_EXTENSIONS
            && window.ends_at_ms.map_or(true, |e| self.deadline_ms < e)
    }

    /// Adds one window's length to the deadline (capped at the campaign's end) when
    /// [`Deadline::can_extend`]; returns whether it did. The web shell stores the record.
    pub fn extend(&mut self, window: Window, now_ms: i64) -> bool {
        self.observe(now_ms);
        if !self.can_extend(window, now_ms) {
            return false;
        }
        self.extensions += 1;
        let longer = self.deadline_ms.saturating_add(window.length_ms);
        self.deadline_ms = window.ends_at_ms.map_or(longer, |e| longer.min(e));
        true
    }

    /// The record as compact JSON for storage:
    /// `{"first_seen":…,"deadline":…,"last_seen":…,"extensions":…,"expired":false}`.
    pub fn to_json(&self) -> String {
        let mut w = Writer(String::new());
        w.open('{');
        w.key("first_seen").int(self.first_seen_ms);
        w.key("deadline").int(self.deadline_ms);
        w.key("last_seen").int(self.last_seen_ms);
        w.key("extensions").int(i64::from(self.extensions));
        w.key("expired").bool(self.expired);
        w.close('}');
        w.0
    }

    /// Reads a record [`Deadline::to_json`] stored; `None` when it is not one (the caller
    /// then starts afresh, as when storage was cleared: from the order, or from this view).
    pub fn parse(text: &str) -> Option<Deadline> {
        let v = json::parse(text).ok()?;
        let n = |key: &str| match v.get(key)? {
            Value::Number(n) => json::integer(n),
            _ => None,
        };
        Some(Deadline {
            first_seen_ms: n("first_seen")?,
            deadline_ms: n("deadline")?,
            last_seen_ms: n("last_seen")?,
            extensions: u32::try_from(n("extensions")?).ok()?,
            expired: match v.get("expired")? {
                Value::Bool(b) => *b,
                _ => return None,
            },
        })
    }
}

/// The order time that anchors the offer window: the context's `created_at` on a thank-you
/// page; `None` elsewhere or when the context has none.
pub fn order_time(context: &PageContext) -> Result<Option<i64>, TimeError> {
    match (&context.page, &context.created_at) {
        (PageKind::ThankYou, Some(t)) => time::parse(t).map(Some),
        _ => Ok(None),
    }
}

/// Where an offer's window starts on a page ([`anchor`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// At the order: a thank-you page with a readable `created_at` (unix ms).
    Order(i64),
    /// At the shopper's first view, which the shell stores: a page without an order time.
    FirstView,
    /// Nowhere: a thank-you page whose `created_at` cannot be read. A window started at the
    /// first view would start again whenever the shopper's storage is cleared, so the page
    /// shows no offer; `warning` says why, for the shell to report once.
    Unreadable {
        /// `page context created_at: …, got "yesterday"; …`.
        warning: String,
    },
}

/// Where this page's offer window starts: the order's time on a thank-you page, else the
/// first view; [`Anchor::Unreadable`] (no offer) when the order's time is there but cannot be
/// read.
pub fn anchor(context: &PageContext) -> Anchor {
    match order_time(context) {
        Ok(Some(ms)) => Anchor::Order(ms),
        Ok(None) => Anchor::FirstView,
        Err(e) => Anchor::Unreadable {
            warning: [
                "page context created_at: ",
                &e.to_string(),
                ", got \"",
                context.created_at.as_deref().unwrap_or_default(),
                "\"; without the order's time no offer is shown on this page",
            ]
            .concat(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::DAY_MS;

    /// One test input of this module.
    enum Input<'a> {
        /// Milliseconds left: shows the countdown figures and the next tick.
        Countdown(i64),
        /// A story of page views, one event per `;`, times as offsets from
        /// 2026-11-20T10:00:00Z such as `+2h`, `-30m`, `+1d2h3m4s`:
        /// `window 48h [ends +60h]`, `order +0`, `view +2h` (a page load: start from the
        /// stored record, then store it), `tick +3h` (the same page later), `extend +3h`,
        /// `clear` (storage lost). Shows what each view, tick and extend leaves.
        Story(&'a str),
    }

    fn check(input: Input, expected: &str) {
        let got = match input {
            Input::Countdown(ms) => match countdown(ms) {
                Some(c) => [
                    c.parts[0].0.to_string(),
                    unit(c.parts[0].1),
                    c.parts[1].0.to_string(),
                    unit(c.parts[1].1),
                    "next".into(),
                    c.next_tick_ms.to_string(),
                ]
                .join(" "),
                None => "ended".into(),
            },
            Input::Story(story) => run_story(story),
        };
        assert_eq!(got, expected);
    }

    fn unit(u: TimeUnit) -> String {
        match u {
            TimeUnit::Day => "d",
            TimeUnit::Hour => "h",
            TimeUnit::Minute => "min",
            TimeUnit::Second => "s",
        }
        .into()
    }

    const T0: i64 = 1_795_168_800_000; // 2026-11-20T10:00:00Z

    /// `+1d2h3m4s`, `-30m`, `+0`: milliseconds from T0.
    fn at(offset: &str) -> i64 {
        let (sign, rest) = match offset.as_bytes()[0] {
            b'-' => (-1, &offset[1..]),
            b'+' => (1, &offset[1..]),
            _ => panic!("offset {offset} needs a sign"),
        };
        T0 + sign * duration(rest)
    }

    fn duration(text: &str) -> i64 {
        let mut total = 0;
        let mut n = 0;
        for c in text.chars() {
            match c {
                '0'..='9' => n = n * 10 + i64::from(c as u8 - b'0'),
                'd' => (total, n) = (total + n * DAY_MS, 0),
                'h' => (total, n) = (total + n * HOUR_MS, 0),
                'm' => (total, n) = (total + n * MINUTE_MS, 0),
                's' => (total, n) = (total + n * SECOND_MS, 0),
                _ => panic!("bad duration {text}"),
            }
        }
        total + n
    }

    /// `h:mm:ss` left, or `expired`; `+more` when "Give me more time" is offered.
    fn show(d: &Deadline, window: Window, now: i64) -> String {
        let left = d.remaining_ms(now);
        let mut out = if left == 0 {
            "expired".to_owned()
        } else {
            let s = (left + 999) / 1000;
            let mut t = (s / 3600).to_string();
            for part in [s / 60 % 60, s % 60] {
                t.push(':');
                if part < 10 {
                    t.push('0');
                }
                t.push_str(&part.to_string());
            }
            t
        };
        if d.can_extend(window, now) {
            out.push_str(" +more");
        }
        out
    }

    fn run_story(story: &str) -> String {
        let mut window = Window {
            length_ms: 48 * HOUR_MS,
            ends_at_ms: None,
        };
        let mut order = None;
        let mut stored: Option<String> = None;
        let mut page: Option<Deadline> = None;
        let mut out = Vec::new();
        for event in story.split(';').map(str::trim) {
            let words: Vec<&str> = event.split_whitespace().collect();
            match words.as_slice() {
                ["window", len] => window.length_ms = duration(len),
                ["window", len, "ends", end] => {
                    window = Window {
                        length_ms: duration(len),
                        ends_at_ms: Some(at(end)),
                    }
                }
                ["order", t] => order = Some(at(t)),
                ["clear"] => stored = None,
                ["view", t] => {
                    let now = at(t);
                    let previous = stored.as_deref().and_then(Deadline::parse);
                    let d = Deadline::start(previous.as_ref(), order, window, now);
                    stored = Some(d.to_json());
                    out.push(show(&d, window, now));
                    page = Some(d);
                }
                ["tick", t] => {
                    let now = at(t);
                    let d = page.as_mut().expect("tick after a view");
                    d.observe(now);
                    stored = Some(d.to_json());
                    out.push(show(d, window, now));
                }
                ["extend", t] => {
                    let now = at(t);
                    let d = page.as_mut().expect("extend after a view");
                    let done = d.extend(window, now);
                    stored = Some(d.to_json());
                    out.push(
                        [
                            if done { "extended " } else { "refused " },
                            &show(d, window, now),
                        ]
                        .concat(),
                    );
                }
                _ => panic!("unknown event {event}"),
            }
        }
        out.join(" | ")
    }

    #[test]
    fn countdown_shows_two_units_and_ticks_when_they_change() {
        for (left, expected) in [
            // "1 d 2 h" comes in 20 min 1 s, but the wait is capped at a minute.
            (duration("1d3h20m"), "1 d 3 h next 60000"),
            (duration("1d3h") + 500, "1 d 3 h next 1500"),
            (duration("2d"), "2 d 0 h next 1000"),
            (duration("1d"), "1 d 0 h next 1000"),
            (duration("23h59m59s"), "23 h 59 min next 60000"),
            (duration("5h12m30s"), "5 h 12 min next 31000"),
            (duration("1h"), "1 h 0 min next 1000"),
            (duration("59m59s"), "59 min 59 s next 1000"),
            (duration("59m59s") - 1, "59 min 59 s next 999"),
            (duration("4m9s") + 250, "4 min 10 s next 250"),
            (1, "0 min 1 s next 1"),
            (0, "ended"),
            (-5, "ended"),
            // Long waits are capped so a slept laptop catches up.
            (duration("3d") + duration("30m"), "3 d 0 h next 60000"),
        ] {
            check(Input::Countdown(left), expected);
        }
    }

    #[test]
    fn deadline_belongs_to_the_order() {
        // Thank-you page: 48 h from the order, whenever the page is first opened.
        check(
            Input::Story("order +0; view +2h; view +30h; view +47h59m59s; view +48h; view +49h"),
            "46:00:00 | 18:00:00 | 0:00:01 | expired | expired",
        );
        // Reloads, new tabs and lost storage on the thank-you page cannot restart it.
        check(
            Input::Story("order +0; view +1h; clear; view +3h"),
            "47:00:00 | 45:00:00",
        );
        // Checkout: from the first view, kept across reloads.
        check(
            Input::Story("view +0; view +10h; tick +11h"),
            "48:00:00 | 38:00:00 | 37:00:00",
        );
        // The merchant's campaign end comes first.
        check(
            Input::Story("window 48h ends +5h; order +0; view +1h"),
            "4:00:00",
        );
        // A window shortened by the merchant after the first view applies; a longer one does not.
        check(
            Input::Story("window 24h; view +0; window 12h; view +1h; window 72h; view +2h"),
            "24:00:00 | 11:00:00 +more | 10:00:00",
        );
    }

    #[test]
    fn a_changed_clock_never_adds_time() {
        // Clock set back two hours after a view: the time already seen counts.
        check(
            Input::Story("view +0; view +5h; view +3h; tick +6h"),
            "48:00:00 | 43:00:00 | 43:00:00 | 42:00:00",
        );
        // The shopper's clock is behind the shop's order time: no more than the window.
        check(Input::Story("order +0; view -10m"), "48:00:00");
        // Expired stays expired, even with the clock turned back before the deadline.
        check(
            Input::Story("window 1h; view +0; view +2h; view +30m"),
            "1:00:00 +more | expired | expired",
        );
        // A clock jumped forward ends the offer; going back does not revive it.
        check(
            Input::Story("view +0; view +3d; view +1h"),
            "48:00:00 | expired | expired",
        );
    }

    #[test]
    fn short_windows_can_be_extended_ten_times() {
        check(
            Input::Story("window 2h; view +0; extend +1h; view +1h30m"),
            "2:00:00 +more | extended 3:00:00 +more | 2:30:00 +more",
        );
        // Twenty hours and more: exempt (WCAG 2.2.1), no control.
        check(
            Input::Story("window 20h; view +0; extend +1h"),
            "20:00:00 | refused 19:00:00",
        );
        // Not once it has ended.
        check(
            Input::Story("window 1h; view +0; view +1h; extend +1h"),
            "1:00:00 +more | expired | refused expired",
        );
        // Never past the merchant's end date.
        check(
            Input::Story("window 2h ends +3h; view +0; extend +1h; extend +1h"),
            "2:00:00 +more | extended 2:00:00 | refused 2:00:00",
        );
        // Extensions are stored: a reload keeps them, and the eleventh is refused.
        let mut story = String::from("window 10m; view +0");
        for _ in 0..10 {
            story.push_str("; extend +1m");
        }
        story.push_str("; view +2m; extend +2m");
        check(
            Input::Story(&story),
            "0:10:00 +more | extended 0:19:00 +more | extended 0:29:00 +more | extended 0:39:00 +more \
             | extended 0:49:00 +more | extended 0:59:00 +more | extended 1:09:00 +more \
             | extended 1:19:00 +more | extended 1:29:00 +more | extended 1:39:00 +more \
             | extended 1:49:00 | 1:48:00 | refused 1:48:00",
        );
    }

    #[test]
    fn stored_records_round_trip_and_anything_else_is_ignored() {
        let d = Deadline {
            first_seen_ms: T0,
            deadline_ms: T0 + 2 * DAY_MS,
            last_seen_ms: T0 + HOUR_MS,
            extensions: 1,
            expired: false,
        };
        assert_eq!(
            d.to_json(),
            r#"{"first_seen":1795168800000,"deadline":1795341600000,"last_seen":1795172400000,"extensions":1,"expired":false}"#
        );
        assert_eq!(Deadline::parse(&d.to_json()), Some(d));
        for text in [
            "{",
            "",
            r#"{"first_seen":"soon","deadline":1,"last_seen":1,"extensions":0,"expired":false}"#,
            r#"{"first_seen":1,"deadline":1,"last_seen":1,"extensions":0}"#,
            r#"{"first_seen":1,"deadline":1,"last_seen":1,"extensions":-1,"expired":false}"#,
            r#"{"first_seen":1,"deadline":1,"last_seen":1,"extensions":0,"expired":"no"}"#,
        ] {
            assert_eq!(Deadline::parse(text), None, "{text}");
        }
    }

    /// An unreadable order time shows no offer, so clearing storage cannot restart the
    /// countdown of an order's page; a readable one anchors the window whatever is stored.
    #[test]
    fn an_unreadable_order_time_shows_no_offer_and_says_why() {
        let window = Window {
            length_ms: 48 * HOUR_MS,
            ends_at_ms: None,
        };
        let at = |context: &str| anchor(&PageContext::parse(context).expect("test context"));
        assert_eq!(
            at(r#"{"page":"thank_you","order_id":"1","created_at":"yesterday"}"#),
            Anchor::Unreadable {
                warning: "page context created_at: expected a four-digit year at character 0, got \"yesterday\"; without the order's time no offer is shown on this page".into()
            }
        );
        assert_eq!(
            at(r#"{"page":"thank_you","order_id":"1","created_at":"2026-11-20T10:00"}"#),
            Anchor::Unreadable {
                warning: "page context created_at: no UTC offset: add Z or an offset such as +01:00, got \"2026-11-20T10:00\"; without the order's time no offer is shown on this page".into()
            }
        );
        assert_eq!(
            at(r#"{"page":"thank_you","order_id":"1"}"#),
            Anchor::FirstView
        );
        assert_eq!(
            at(r#"{"page":"checkout","created_at":"yesterday"}"#),
            Anchor::FirstView
        );
        let order = r#"{"page":"thank_you","order_id":"1","created_at":"2026-11-20T10:00:00Z"}"#;
        let Anchor::Order(order_ms) = at(order) else {
            panic!("a readable order time")
        };
        // Ten hours after the order, with storage cleared (no record): 38 hours left, as
        // with the record kept.
        let now = order_ms + 10 * HOUR_MS;
        let kept = Deadline::start(None, Some(order_ms), window, order_ms + HOUR_MS);
        let cleared = Deadline::start(None, Some(order_ms), window, now);
        assert_eq!(cleared.remaining_ms(now), 38 * HOUR_MS);
        assert_eq!(
            Deadline::start(Some(&kept), Some(order_ms), window, now).remaining_ms(now),
            cleared.remaining_ms(now)
        );
    }

    #[test]
    fn the_window_starts_at_the_order_on_a_thank_you_page() {
        for (context, expected) in [
            (
                r#"{"page":"thank_you","order_id":"1001","created_at":"2026-11-20 05:00:00 -0500"}"#,
                "2026-11-20T10:00:00Z",
            ),
            (
                r#"{"page":"checkout","created_at":"2026-11-20T10:00:00Z"}"#,
                "no order time",
            ),
            (r#"{"page":"thank_you","order_id":"1"}"#, "no order time"),
            (
                r#"{"page":"thank_you","order_id":"1","created_at":"yesterday"}"#,
                "expected a four-digit year at character 0",
            ),
        ] {
            let context = PageContext::parse(context).expect("test context");
            let got = match order_time(&context) {
                Ok(Some(ms)) => time::format(ms),
                Ok(None) => "no order time".into(),
                Err(e) => e.to_string(),
            };
            assert_eq!(got, expected);
        }
    }
}
