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
    fn sorts_stably() {
        check(&[], "");
        check(&[(1, 'a')], "a");
        check(&[(3, 'c'), (1, 'a'), (2, 'b')], "abc");
        check(&[(2, 'x'), (1, 'a'), (2, 'y'), (0, 'z'), (2, 'w')], "zaxyw");
    }
}
