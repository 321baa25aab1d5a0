//! The statistics of `crossbuy report`: the difference of two means with its 95% confidence
//! interval (Welch's unequal-variance standard error, normal quantile), and how many more
//! orders per arm would show a difference of the size seen.
//!
//! Orders are independent units (each assigned to its arm by a hash), so the means of a few
//! hundred orders are close to normal even when single orders are skewed; the simulator test
//! (`crates/builder/tests/measure.rs`) checks that the interval covers the true lift in about
//! 95% of simulated shops and calls a zero lift significant in about 5%.

use serde::Serialize;

/// The normal quantile for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;
/// The normal quantile for 80% power.
pub const Z80: f64 = 0.841_621_233_572_914_3;

/// An estimated difference and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Mean of the arm minus mean of the holdout.
    pub estimate: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Standard error of the estimate.
    pub standard_error: f64,
    /// Sample sizes (arm, holdout).
    pub n: (u64, u64),
}

impl Interval {
    /// The interval excludes zero.
    pub fn significant(&self) -> bool {
        self.n.0 >= 2 && self.n.1 >= 2 && (self.low > 0.0 || self.high < 0.0)
    }
}

/// Mean and unbiased variance (0 for fewer than two values).
pub fn mean_var(x: &[f64]) -> (f64, f64) {
    if x.is_empty() {
        return (0.0, 0.0);
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    if x.len() < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, ss / (n - 1.0))
}

/// `mean(a) - mean(b)` with its 95% interval.
pub fn difference(a: &[f64], b: &[f64]) -> Interval {
    let (ma, va) = mean_var(a);
    let (mb, vb) = mean_var(b);
    let na = a.len().max(1) as f64;
    let nb = b.len().max(1) as f64;
    let se = (va / na + vb / nb).sqrt();
    let estimate = ma - mb;
    Interval {
        estimate,
        low: estimate - Z95 * se,
        high: estimate + Z95 * se,
        standard_error: se,
        n: (a.len() as u64, b.len() as u64),
    }
}

/// Orders each arm still needs so that a difference as large as the one seen (at least 5% of
/// the holdout's mean, so a near-zero estimate does not ask for millions) would be found with
/// 80% power at the 5% level: `(z₀.₉₇₅ + z₀.₈)² (s²ₐ + s²ᵦ) / δ²` minus the smaller arm's
/// orders. 0 when there are enough.
pub fn more_orders_needed(a: &[f64], b: &[f64]) -> u64 {
    let (ma, va) = mean_var(a);
    let (mb, vb) = mean_var(b);
    let delta = (ma - mb).abs().max(0.05 * mb.abs());
    if delta <= 0.0 || !(va + vb).is_finite() {
        return 0;
    }
    let need = ((Z95 + Z80).powi(2) * (va + vb) / (delta * delta)).ceil();
    let have = a.len().min(b.len()) as f64;
    if need > have {
        (need - have).min(1e12) as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        // Two samples with known means and variances: a = 1..=5 (mean 3, var 2.5),
        // b = 2, 4, 6 (mean 4, var 4): se = sqrt(2.5/5 + 4/3) = 1.3540.
        let i = difference(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 4.0, 6.0]);
        assert!((i.estimate + 1.0).abs() < 1e-12);
        assert!((i.standard_error - (2.5f64 / 5.0 + 4.0 / 3.0).sqrt()).abs() < 1e-12);
        assert!((i.low - (-1.0 - Z95 * i.standard_error)).abs() < 1e-12);
        assert!(!i.significant());
        let j = difference(&[10.0, 11.0, 12.0], &[1.0, 2.0, 3.0]);
        assert!(j.significant() && j.low > 0.0);
        // Orders needed: var 1 each, delta 1 -> 7.85 * 2 = 15.7 -> 16, minus the 3 there.
        assert_eq!(more_orders_needed(&[2.0, 3.0, 4.0], &[1.0, 2.0, 3.0]), 13);
        assert_eq!(more_orders_needed(&[], &[]), 0);
    }
}
