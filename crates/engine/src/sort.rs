//! A tiny sort for the short lists the widget orders (a few dozen candidates at most).
//!
//! The standard library's sorts are fast on long slices but add several kilobytes of
//! WebAssembly per comparator; an insertion sort is a few hundred bytes and, on lists this
//! short, just as quick. It is stable: equal items keep their order.

use std::cmp::Ordering;

/// Sorts `items` in place by `cmp`, stably.
pub fn sort_by<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && cmp(&items[j - 1], &items[j]) == Ordering::Greater {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Sorts `items` in place by `cmp` in O(n log n) (a heapsort; not stable). For long lists,
/// such as a whole catalog's ids; still a few hundred bytes of WebAssembly.
pub fn heap_sort_by<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    // One loop, one sift: first the heap is built (`start` counts down to 0), then the largest
    // item is moved to the end of the shrinking heap (`end` counts down to 1).
    let mut start = items.len() / 2;
    let mut end = items.len();
    while end > 1 {
        if start > 0 {
            start -= 1;
        } else {
            end -= 1;
            items.swap(0, end);
        }
        let mut root = start;
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                break;
            }
            if child + 1 < end && cmp(&items[child], &items[child + 1]) == Ordering::Less {
                child += 1;
            }
            if cmp(&items[root], &items[child]) != Ordering::Less {
                break;
            }
            items.swap(root, child);
            root = child;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &[(u32, char)], expected: &str) {
        let mut v = input.to_vec();
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        let got: String = v.iter().map(|x| x.1).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn heap_sort_orders_long_lists() {
        for n in [0usize, 1, 2, 3, 10, 257] {
            let mut v: Vec<u64> = (0..n as u64).map(|i| (i * 7919 + 13) % 1009).collect();
            let mut want = v.clone();
            want.sort_unstable();
            heap_sort_by(&mut v, |a, b| a.cmp(b));
            assert_eq!(v, want, "n = {n}");
        }
    }

    #[test]
    fn sorts_stably() {
        check(&[], "");
        check(&[(1, 'a')], "a");
        check(&[(3, 'c'), (1, 'a'), (2, 'b')], "abc");
        check(&[(2, 'x'), (1, 'a'), (2, 'y'), (0, 'z'), (2, 'w')], "zaxyw");
    }
}
