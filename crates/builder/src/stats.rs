//! Pair statistics: how many baskets hold each item, and each pair of items.
//!
//! Counting goes item by item over an inverted index (item → baskets) into a dense scratch
//! array, which is faster than hashing pairs and gives each item's co-counts already grouped.
//! Items are split between threads.

use super::baskets::Baskets;

/// Orders with more distinct items than this count for popularity but not for pairs: a
/// wholesale order of 300 items says little about what goes with what, and costs 45,000 pairs.
pub const DEFAULT_MAX_BASKET: usize = 100;

/// Item and pair counts over a set of baskets.
#[derive(Debug, Clone, Default)]
pub struct PairStats {
    /// Baskets counted.
    pub n_baskets: u32,
    /// Baskets holding each item.
    pub item_count: Vec<u32>,
    start: Vec<usize>,
    adj: Vec<(u32, u32)>,
    /// Baskets left out of pair counting for their size.
    pub too_large: u32,
}

impl PairStats {
    /// Counts items and pairs. Baskets with more than `max_basket` items count only for items.
    pub fn count(baskets: &Baskets, max_basket: usize) -> PairStats {
        let n = baskets.n_items;
        let mut item_count = vec![0u32; n];
        // Inverted index over the baskets that count for pairs.
        let mut deg = vec![0u32; n + 1];
        let mut too_large = 0u32;
        for b in 0..baskets.len() {
            let items = baskets.basket(b);
            for &i in items {
                item_count[i as usize] += 1;
            }
            if items.len() > max_basket {
                too_large += 1;
            } else if items.len() > 1 {
                for &i in items {
                    deg[i as usize + 1] += 1;
                }
            }
        }
        for i in 1..deg.len() {
            deg[i] += deg[i - 1];
        }
        let mut fill = deg.clone();
        let mut postings = vec![0u32; deg[n] as usize];
        for b in 0..baskets.len() {
            let items = baskets.basket(b);
            if items.len() > max_basket || items.len() < 2 {
                continue;
            }
            for &i in items {
                postings[fill[i as usize] as usize] = b as u32;
                fill[i as usize] += 1;
            }
        }
        let threads = super::parallel::threads();
        // Split items into ranges of about equal work (sum of posting lengths).
        let total = deg[n] as usize;
        let mut bounds = vec![0usize];
        let per = total / threads + 1;
        let mut acc = 0usize;
        for i in 0..n {
            acc += (deg[i + 1] - deg[i]) as usize;
            if acc >= per * bounds.len() && bounds.len() < threads {
                bounds.push(i + 1);
            }
        }
        bounds.push(n);
        bounds.dedup();
        let (deg, postings) = (&deg, &postings);
        let parts: Vec<Rows> = super::parallel::run(
            bounds
                .windows(2)
                .map(|w| {
                    let (lo, hi) = (w[0], w[1]);
                    move || count_range(baskets, deg, postings, lo, hi, n)
                })
                .collect(),
        );
        let mut start = Vec::with_capacity(n + 1);
        start.push(0usize);
        let mut adj = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
        for (lens, rows) in parts {
            for len in lens {
                start.push(start[start.len() - 1] + len);
            }
            adj.extend_from_slice(&rows);
        }
        while start.len() < n + 1 {
            start.push(adj.len());
        }
        PairStats {
            n_baskets: baskets.len() as u32,
            item_count,
            start,
            adj,
            too_large,
        }
    }

    /// Items bought with `i` and in how many baskets, sorted by item.
    pub fn neighbours(&self, i: usize) -> &[(u32, u32)] {
        &self.adj[self.start[i]..self.start[i + 1]]
    }

    /// Number of items.
    pub fn n_items(&self) -> usize {
        self.item_count.len()
    }

    /// Distinct unordered pairs bought together.
    pub fn n_pairs(&self) -> usize {
        self.adj.len() / 2
    }

    /// Baskets holding both `i` and `j`.
    pub fn pair(&self, i: usize, j: u32) -> u32 {
        let row = self.neighbours(i);
        row.binary_search_by_key(&j, |&(k, _)| k)
            .map_or(0, |at| row[at].1)
    }
}

/// Per item the row length, and the rows concatenated.
type Rows = (Vec<usize>, Vec<(u32, u32)>);

/// Co-counts of items `lo..hi`.
fn count_range(
    baskets: &Baskets,
    deg: &[u32],
    postings: &[u32],
    lo: usize,
    hi: usize,
    n: usize,
) -> Rows {
    let mut scratch = vec![0u32; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut lens = Vec::with_capacity(hi - lo);
    let mut rows = Vec::new();
    for i in lo..hi {
        for &b in &postings[deg[i] as usize..deg[i + 1] as usize] {
            for &j in baskets.basket(b as usize) {
                if j as usize == i {
                    continue;
                }
                let c = &mut scratch[j as usize];
                if *c == 0 {
                    touched.push(j);
                }
                *c += 1;
            }
        }
        touched.sort_unstable();
        lens.push(touched.len());
        for &j in &touched {
            rows.push((j, scratch[j as usize]));
            scratch[j as usize] = 0;
        }
        touched.clear();
    }
    (lens, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Baskets as `a b c | b c | …` over single-letter items; expected `item:count (pairs…)`.
    fn check(spec: &str, max_basket: usize, expected: &str) {
        let sets: Vec<Vec<u32>> = spec
            .split('|')
            .map(|b| {
                let mut v: Vec<u32> = b
                    .split_whitespace()
                    .map(|s| u32::from(s.as_bytes()[0] - b'a'))
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let n = sets.iter().flatten().max().map_or(0, |&m| m as usize + 1);
        let times: Vec<i64> = (0..sets.len() as i64).collect();
        let stats = PairStats::count(&Baskets::from_sets(n, &sets, &times, false), max_basket);
        let got: Vec<String> = (0..n)
            .map(|i| {
                let pairs: Vec<String> = stats
                    .neighbours(i)
                    .iter()
                    .map(|&(j, c)| format!("{}{c}", (b'a' + j as u8) as char))
                    .collect();
                format!(
                    "{}:{} ({})",
                    (b'a' + i as u8) as char,
                    stats.item_count[i],
                    pairs.join(" ")
                )
            })
            .collect();
        assert_eq!(got.join(", "), expected);
    }

    #[test]
    fn counts_items_and_pairs() {
        check(
            "a b c | b c | a | c d",
            100,
            "a:2 (b1 c1), b:2 (a1 c2), c:3 (a1 b2 d1), d:1 (c1)",
        );
        check("a b | a b | a b", 100, "a:3 (b3), b:3 (a3)");
    }

    #[test]
    fn large_baskets_count_for_items_only() {
        check("a b c d | a b", 3, "a:2 (b1), b:2 (a1), c:1 (), d:1 ()");
    }
}
