//! Replayed shoppers: feedback for `crossbuy eval --replay-feedback`, made from the shop's own
//! orders, so that what `--feedback` does to the next snapshot can be measured without a real
//! experiment report and without the test orders.
//!
//! The training orders are split by time once more: a snapshot is built from the first
//! [`1 - REPLAY_SHARE`](REPLAY_SHARE) of them (the snapshot "in force"), and the later orders are
//! its shoppers. Each one is a real order seen by the widget: on a cart page (basket task) one of
//! its items is still to come and the rest is the cart; on a thank-you page (next-order task)
//! the order is the context and the customer's next order within 30 days holds what they want.
//! The widget shows its top cards for the context, exactly as `crossbuy eval` ranks them. The
//! shopper looks at card `k` (1-based) with probability `k^-η` (the power-law position bias of
//! the click-model literature; `η` = [`POSITION_BIAS`] unless `--position-bias` says otherwise),
//! adds a card they looked at with probability [`TAKE_WANTED`] when it is an item they want and
//! [`IMPULSE`] when it is not. What was shown and taken, per card, becomes the same
//! [`Feedback`] a `crossbuy report --json` gives, and the evaluation applies it to crossbuy's
//! lists built from all the training orders, as `crossbuy snapshot --feedback` would.

use std::collections::HashMap;

use super::baskets::Baskets;
use super::eval::{case_of, next_order_cases, time_order, Case, Task};
use super::feedback::{Feedback, List, Record};
use super::score::NeighbourLists;
use super::simulate::Rng;

/// The share of the training orders (the latest) replayed as shoppers.
pub const REPLAY_SHARE: f64 = 0.25;
/// How steeply attention falls with the card's position: card `k` is looked at with
/// probability `k^-η`.
pub const POSITION_BIAS: f64 = 0.7;
/// A shopper adds a card they looked at and want with this probability.
pub const TAKE_WANTED: f64 = 0.5;
/// … and one they do not want (an impulse) with this probability.
pub const IMPULSE: f64 = 0.02;

/// How the replayed shoppers behave.
#[derive(Debug, Clone, Copy)]
pub struct Shoppers {
    /// `η`: card `k` is looked at with probability `k^-η`.
    pub position_bias: f64,
    /// Cards shown.
    pub cards: usize,
    /// Seed.
    pub seed: u64,
}

impl Default for Shoppers {
    fn default() -> Self {
        Shoppers {
            position_bias: POSITION_BIAS,
            cards: 4,
            seed: 1,
        }
    }
}

/// The replay's split of the training orders.
#[derive(Debug, Clone)]
pub struct Replay {
    /// What the snapshot in force is built from.
    pub earlier: Baskets,
    /// The shoppers.
    pub cases: Vec<Case>,
}

/// Splits `train` for the replay of `task`: the first orders by time build the snapshot in
/// force, the latest [`REPLAY_SHARE`] are its shoppers.
pub fn split(train: &Baskets, task: Task, seed: u64) -> Replay {
    let order = time_order(train);
    let cut = ((train.len() as f64) * (1.0 - REPLAY_SHARE)).round() as usize;
    let later = &order[cut..];
    let cases = match task {
        Task::Basket => later
            .iter()
            .filter(|&&i| train.basket(i).len() >= 2)
            .map(|&i| case_of(train.basket(i), i, seed))
            .collect(),
        Task::NextOrder => next_order_cases(train, later),
    };
    Replay {
        earlier: train.subset(&order[..cut]),
        cases,
    }
}

/// The top `cards` of `lists` for `context`, as `crossbuy eval` ranks them (the sum of each
/// context item's list scores; context items never shown; ties to the smaller id), each with
/// the context item that gave it most (the pair it is shown for, as the engine's `because`).
pub fn top_cards(
    lists: &NeighbourLists,
    context: &[u32],
    id_rank: &[u32],
    cards: usize,
) -> Vec<(u32, u32)> {
    // item, sum, because, its part
    let mut scores: Vec<(u32, f64, u32, f64)> = Vec::new();
    let mut at: HashMap<u32, usize> = HashMap::new();
    for &c in context {
        for nb in &lists.lists[c as usize] {
            if context.contains(&nb.item) {
                continue;
            }
            match at.get(&nb.item) {
                Some(&i) => {
                    let s = &mut scores[i];
                    s.1 += nb.score;
                    if nb.score > s.3 {
                        (s.2, s.3) = (c, nb.score);
                    }
                }
                None => {
                    at.insert(nb.item, scores.len());
                    scores.push((nb.item, nb.score, c, nb.score));
                }
            }
        }
    }
    scores.retain(|s| s.1 > 0.0);
    scores.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(id_rank[a.0 as usize].cmp(&id_rank[b.0 as usize]))
    });
    scores.iter().take(cards).map(|s| (s.0, s.2)).collect()
}

/// What the replayed shoppers did with the cards `lists` showed them, as feedback on `list`
/// (items named by `ids`).
pub fn feedback(
    lists: &NeighbourLists,
    cases: &[Case],
    ids: &[String],
    id_rank: &[u32],
    list: List,
    shoppers: &Shoppers,
) -> Feedback {
    let mut rng = Rng(shoppers.seed);
    let mut f = Feedback::default();
    for case in cases {
        for (k, (item, because)) in top_cards(lists, &case.context, id_rank, shoppers.cards)
            .into_iter()
            .enumerate()
        {
            let looked = rng.unit() < ((k + 1) as f64).powf(-shoppers.position_bias);
            let wanted = case.targets.contains(&item);
            let p = if wanted { TAKE_WANTED } else { IMPULSE };
            let taken = looked && rng.unit() < p;
            let key = (
                list,
                ids[because as usize].clone(),
                ids[item as usize].clone(),
            );
            f.pairs
                .entry(key)
                .or_insert_with(Record::default)
                .show(k, taken);
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{evaluate_cases, split_time, Ranker};
    use crate::score::Neighbour;
    use crate::stats::PairStats;

    /// Six items; a few hundred baskets drawn from three shapes, so lists have ties and sums.
    fn shop() -> (Baskets, NeighbourLists) {
        let shapes: [&[u32]; 4] = [&[0, 1, 2], &[0, 3], &[1, 4, 5], &[2, 3, 4]];
        let sets: Vec<Vec<u32>> = (0..400)
            .map(|i| shapes[(i * 7 + i / 3) % 4].to_vec())
            .collect();
        let times: Vec<i64> = (0..400).map(|i| i as i64 * 3600).collect();
        let b = Baskets::from_sets(6, &sets, &times, true);
        let nb = |item, score| Neighbour {
            item,
            score,
            count: 2,
        };
        let lists = NeighbourLists {
            lists: vec![
                vec![nb(1, 0.9), nb(2, 0.9), nb(3, 0.5), nb(4, 0.1)],
                vec![nb(0, 0.8), nb(2, 0.7), nb(5, 0.6), nb(4, 0.6)],
                vec![nb(3, 0.4), nb(0, 0.3), nb(4, 0.3)],
                vec![nb(0, 0.5), nb(4, 0.5), nb(2, 0.2)],
                vec![nb(5, 0.9), nb(1, 0.2)],
                vec![nb(4, 1.0), nb(1, 0.9)],
            ],
            cold_start: vec![false; 6],
        };
        (b, lists)
    }

    #[test]
    fn the_replayed_widget_shows_what_the_evaluation_ranks() {
        let (b, lists) = shop();
        let split = split_time(&b, 0.5, 3);
        let stats = PairStats::count(&split.train, 100);
        let id_rank: Vec<u32> = (0..6).collect();
        let mut hits = Vec::new();
        evaluate_cases(&Ranker::Lists(&lists), &split, &stats, &id_rank, &mut hits);
        for (case, hit) in split.cases.iter().zip(&hits) {
            let top = top_cards(&lists, &case.context, &id_rank, 4);
            let shown_hit = top.iter().any(|(item, _)| case.targets.contains(item));
            assert_eq!(shown_hit, *hit, "{case:?}: {top:?}");
            for (item, because) in &top {
                assert!(case.context.contains(because) && !case.context.contains(item));
            }
        }
        // Ties go to the smaller id; the pair is the context item that gave most.
        assert_eq!(
            top_cards(&lists, &[0], &id_rank, 4),
            [(1, 0), (2, 0), (3, 0), (4, 0)]
        );
        // Item 4: 0.1 from item 0 and 0.6 from item 1 beat item 5's 0.6 alone; shown for item 1.
        assert_eq!(top_cards(&lists, &[0, 1], &id_rank, 2), [(2, 0), (4, 1)]);
    }

    #[test]
    fn replayed_shoppers_take_what_they_want_and_look_less_at_later_cards() {
        let (b, lists) = shop();
        let ids: Vec<String> = ["a", "b", "c", "d", "e", "f"].map(str::to_owned).into();
        let id_rank: Vec<u32> = (0..6).collect();
        let r = split(&b, Task::Basket, 1);
        assert_eq!(r.earlier.len(), 300);
        let shoppers = Shoppers::default();
        let f = feedback(&lists, &r.cases, &ids, &id_rank, List::Basket, &shoppers);
        assert_eq!(
            f,
            feedback(&lists, &r.cases, &ids, &id_rank, List::Basket, &shoppers)
        );
        let shown: u64 = f.pairs.values().map(|p| p.shown).sum();
        let cards: usize = r
            .cases
            .iter()
            .map(|c| top_cards(&lists, &c.context, &id_rank, 4).len())
            .sum();
        assert_eq!(shown, cards as u64);
        // 2,000 shoppers with item 0 in the cart who want item 4, the widget's fourth card:
        // they look at it with probability 4^-0.7 and take it half the time; the first card
        // (item 1), looked at always, is an impulse 2% of the time.
        let want4 = vec![
            Case {
                context: vec![0],
                targets: vec![4],
            };
            2000
        ];
        let f = feedback(&lists, &want4, &ids, &id_rank, List::Basket, &shoppers);
        let pair = |to: &str| &f.pairs[&(List::Basket, "a".to_owned(), to.to_owned())];
        let e = pair("e");
        assert_eq!(
            (e.shown, e.shown_at.as_slice()),
            (2000, &[0, 0, 0, 2000][..])
        );
        let expected = 2000.0 * 4f64.powf(-0.7) * TAKE_WANTED; // 379
        assert!((e.taken as f64 - expected).abs() < 50.0, "{e:?}");
        let b = pair("b");
        assert_eq!(b.shown_at, [2000]);
        assert!((20..=60).contains(&b.taken), "{b:?}");
        // Nobody looks at the cards: nothing taken, no rates.
        let blind = Shoppers {
            position_bias: 1e9,
            ..shoppers
        };
        let f = feedback(&lists, &r.cases, &ids, &id_rank, List::Basket, &blind);
        let first_only: u64 = f
            .pairs
            .values()
            .map(|p| p.taken_at.iter().skip(1).sum::<u64>())
            .sum();
        assert_eq!(first_only, 0, "only the first card is looked at");
    }
}
