//! Repurchase intervals: the median days between one customer's repeat purchases of a product,
//! for replenishment reminders.

use super::baskets::{Baskets, NO_CUSTOMER};

/// Products need at least this many repeat intervals (over all customers) to get one.
pub const MIN_INTERVALS: usize = 3;

/// Per item, the median whole days between repeat purchases by the same customer, when at least
/// [`MIN_INTERVALS`] repeats were seen. Repeats within the same day are one purchase. Empty when
/// the baskets have no customers or no real times.
pub fn repurchase_days(baskets: &Baskets) -> Vec<Option<u32>> {
    let mut out = vec![None; baskets.n_items];
    if baskets.customers.is_empty() || !baskets.has_times {
        return out;
    }
    let mut events: Vec<(u32, u32, i64)> = Vec::new();
    for b in 0..baskets.len() {
        let who = baskets.customers[b];
        if who == NO_CUSTOMER {
            continue;
        }
        for &item in baskets.basket(b) {
            events.push((item, who, baskets.times[b]));
        }
    }
    events.sort_unstable();
    let mut intervals: Vec<Vec<u32>> = vec![Vec::new(); baskets.n_items];
    for w in events.windows(2) {
        let ((i0, c0, t0), (i1, c1, t1)) = (w[0], w[1]);
        if i0 == i1 && c0 == c1 {
            let days = (t1 - t0) / 86_400;
            if days >= 1 {
                intervals[i0 as usize].push(days as u32);
            }
        }
    }
    for (item, mut v) in intervals.into_iter().enumerate() {
        if v.len() >= MIN_INTERVALS {
            v.sort_unstable();
            out[item] = Some(v[v.len() / 2]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events `customer@day:item` separated by spaces; expected medians per item (`-` for none).
    fn check(spec: &str, expected: &str) {
        let mut pairs = Vec::new();
        let mut times = Vec::new();
        let mut customers = Vec::new();
        for (o, ev) in spec.split_whitespace().enumerate() {
            let (who, rest) = ev.split_once('@').expect("who@day:item");
            let (day, item) = rest.split_once(':').expect("day:item");
            pairs.push((o as u32, item.parse::<u32>().expect("item")));
            times.push(day.parse::<i64>().expect("day") * 86_400);
            customers.push(who.parse::<u32>().expect("customer"));
        }
        let b = Baskets::from_pairs(2, &pairs, &times, true, &customers);
        let got: Vec<String> = repurchase_days(&b)
            .iter()
            .map(|d| d.map_or("-".to_owned(), |d| d.to_string()))
            .collect();
        assert_eq!(got.join(" "), expected);
    }

    #[test]
    fn medians_of_repeat_purchases() {
        // Customer 1 buys item 0 every 30 days, customer 2 every 20 days: median of 30,30,20,20 is 30.
        check("1@0:0 1@30:0 1@60:0 2@5:0 2@25:0 2@45:0", "30 -");
        // Too few repeats, and a same-day repeat is not a repeat.
        check("1@0:0 1@10:0 2@3:1 2@3:1 2@4:1", "- -");
    }
}
