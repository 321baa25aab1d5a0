//! Dense item weights for the best-selling items: EASE (Steck, "Embarrassingly Shallow
//! Autoencoders for Sparse Data", 2019), a closed-form linear model whose prediction for an
//! item is a *sum of weights over the items in the basket*, which is exactly how the widget
//! scores (neighbour scores summed over the context items).
//!
//! With `G` the item co-occurrence (Gram) matrix over the `M` most bought items and
//! `P = (G + λI)⁻¹`, the weight of `i → j` is `B_ij = −P_ij / P_jj` (and `B_ii = 0`). Unlike a
//! pair score, each weight is learned with all other items present, so an item bought with
//! everything gets no credit for what its partners already explain. The cost is `O(M³)`
//! (a Cholesky factorisation and a triangular inverse), which is why only the `M` most bought
//! items are modelled this way; the rest keep pair scores.

use super::stats::PairStats;

/// The matrix element type: `f32` halves memory and doubles SIMD width; λ keeps the system
/// well conditioned enough for single precision (tested against `A·P = I`).
type F = f32;

/// EASE settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EaseParams {
    /// L2 regularisation λ added to the diagonal.
    pub lambda: f64,
    /// At most this many (most bought) items are modelled densely.
    pub max_items: usize,
}

/// Default λ and M, chosen by `crossbuy eval` (docs/evaluation.md). `max_items` is the
/// upper bound; see [`auto_items`].
pub const DEFAULT_EASE: EaseParams = EaseParams {
    lambda: 50.0,
    max_items: 3000,
};

/// Catalogs with more products bought at least twice than this get [`LARGE_CATALOG_ITEMS`]
/// dense items instead of the default, to keep the build within its time budget.
pub const LARGE_CATALOG: usize = 5000;

/// Dense items for a large catalog.
pub const LARGE_CATALOG_ITEMS: usize = 1000;

/// How many items to model densely when the merchant did not say: the default for catalogs up
/// to [`LARGE_CATALOG`] products bought twice or more, [`LARGE_CATALOG_ITEMS`] above.
pub fn auto_items(stats: &PairStats) -> usize {
    let bought_twice = stats.item_count.iter().filter(|&&c| c >= 2).count();
    if bought_twice > LARGE_CATALOG {
        LARGE_CATALOG_ITEMS
    } else {
        DEFAULT_EASE.max_items
    }
}

/// The dense weights: `items[a]` is the item of row/column `a`; `weight(a, b)` = `B_ab`.
#[derive(Debug, Clone)]
pub struct Ease {
    /// Items modelled, most bought first.
    pub items: Vec<u32>,
    /// `P = (G + λI)⁻¹`, full symmetric, row-major.
    p: Vec<F>,
}

impl Ease {
    /// Fits the model on the `max_items` most bought items (bought at least twice). `None`
    /// when fewer than two qualify or the system is not positive definite.
    pub fn fit(stats: &PairStats, params: EaseParams) -> Option<Ease> {
        let mut items: Vec<u32> = (0..stats.n_items() as u32)
            .filter(|&i| stats.item_count[i as usize] >= 2)
            .collect();
        items.sort_by(|&a, &b| {
            stats.item_count[b as usize]
                .cmp(&stats.item_count[a as usize])
                .then(a.cmp(&b))
        });
        items.truncate(params.max_items);
        let m = items.len();
        if m < 2 {
            return None;
        }
        let mut dense = vec![u32::MAX; stats.n_items()];
        for (a, &i) in items.iter().enumerate() {
            dense[i as usize] = a as u32;
        }
        // Lower triangle of G + λI.
        let mut l = vec![F::default(); m * m];
        for (a, &i) in items.iter().enumerate() {
            l[a * m + a] = (f64::from(stats.item_count[i as usize]) + params.lambda) as F;
            for &(j, c) in stats.neighbours(i as usize) {
                let b = dense[j as usize];
                if (b as usize) < a {
                    l[a * m + b as usize] = c as F;
                }
            }
        }
        cholesky(&mut l, m)?;
        let w = lower_inverse(&l, m);
        drop(l);
        let p = gram_of_inverse(&w, m);
        Some(Ease { items, p })
    }

    /// Number of items modelled.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no item is modelled.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `B_ab`: the weight of dense item `b` given dense item `a` in the basket.
    pub fn weight(&self, a: usize, b: usize) -> f64 {
        let m = self.items.len();
        if a == b {
            0.0
        } else {
            f64::from(-self.p[a * m + b] / self.p[b * m + b])
        }
    }
}

/// Rows processed together: each earlier row is loaded once per block instead of once per row,
/// which keeps these `O(n³)` loops from waiting on memory (about 6× faster at n = 3000).
const BLOCK: usize = 16;

/// In-place Cholesky factorisation of the lower triangle of `a` (row-major, `n × n`):
/// afterwards the lower triangle holds `L` with `A = L Lᵀ`. `None` if `A` is not positive definite.
fn cholesky(a: &mut [F], n: usize) -> Option<()> {
    let mut lo = 0;
    while lo < n {
        let hi = (lo + BLOCK).min(n);
        let (done, block) = a.split_at_mut(lo * n);
        // Columns of finished rows: L_ij = (A_ij − L_i·L_j) / L_jj for j < lo, the block's
        // rows split between threads.
        let done: &[F] = done;
        let rows = hi - lo;
        par_rows(&mut block[..rows * n], n, |_, chunk| {
            for j in 0..lo {
                let row_j = &done[j * n..j * n + j];
                let ljj = done[j * n + j];
                for row_i in chunk.chunks_exact_mut(n) {
                    let row_i = &mut row_i[..=j];
                    let d = dot(&row_i[..j], row_j);
                    row_i[j] = (row_i[j] - d) / ljj;
                }
            }
        });
        // Inside the block.
        for i in lo..hi {
            for j in lo..=i {
                let (before, from_i) = block.split_at_mut((i - lo) * n);
                let row_i = &mut from_i[..n];
                let row_j: &[F] = if j == i {
                    &row_i[..j]
                } else {
                    &before[(j - lo) * n..(j - lo) * n + j]
                };
                let s = row_i[j] - dot(&row_i[..j], row_j);
                if j == i {
                    if s <= 0.0 || !s.is_finite() {
                        return None;
                    }
                    row_i[i] = s.sqrt();
                } else {
                    row_i[j] = s / before[(j - lo) * n + j];
                }
            }
        }
        lo = hi;
    }
    Some(())
}

/// A dot product with eight independent accumulators, so the additions pipeline and
/// vectorise (a single running sum is one long dependency chain).
fn dot(a: &[F], b: &[F]) -> F {
    let mut acc = [F::default(); 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: F = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<F>() + tail
}

/// Runs `f(first_row, rows)` on two halves of `rows` (whole rows of width `n`) in parallel when
/// there are enough rows and cores; `first_row` is the offset of the half within `rows`.
fn par_rows(rows: &mut [F], n: usize, f: impl Fn(usize, &mut [F]) + Sync) {
    let count = rows.len() / n.max(1);
    if count < 2 || super::parallel::threads() < 2 || n < 256 {
        f(0, rows);
        return;
    }
    let half = count / 2;
    let (a, b) = rows.split_at_mut(half * n);
    std::thread::scope(|s| {
        s.spawn(|| f(0, a));
        f(half, b);
    });
}

/// `y += f · x`.
fn axpy(y: &mut [F], f: F, x: &[F]) {
    for (a, b) in y.iter_mut().zip(x) {
        *a += f * b;
    }
}

/// `W = L⁻¹` (lower triangular), row by row: `W_i = (e_i − Σ_{k<i} L_ik W_k) / L_ii`.
fn lower_inverse(l: &[F], n: usize) -> Vec<F> {
    let mut w = vec![F::default(); n * n];
    let mut lo = 0;
    while lo < n {
        let hi = (lo + BLOCK).min(n);
        let (done, block) = w.split_at_mut(lo * n);
        for i in lo..hi {
            block[(i - lo) * n + i] = 1.0;
        }
        let done: &[F] = done;
        par_rows(&mut block[..(hi - lo) * n], n, |first, chunk| {
            for k in 0..lo {
                let wk = &done[k * n..k * n + k + 1];
                for (r, row) in chunk.chunks_exact_mut(n).enumerate() {
                    let f = l[(lo + first + r) * n + k];
                    if f != 0.0 {
                        axpy(&mut row[..=k], -f, wk);
                    }
                }
            }
        });
        for i in lo..hi {
            let (before, from_i) = block.split_at_mut((i - lo) * n);
            let row = &mut from_i[..n];
            for k in lo..i {
                let f = l[i * n + k];
                if f != 0.0 {
                    axpy(
                        &mut row[..=k],
                        -f,
                        &before[(k - lo) * n..(k - lo) * n + k + 1],
                    );
                }
            }
            let d = l[i * n + i];
            for x in &mut row[..=i] {
                *x /= d;
            }
        }
        lo = hi;
    }
    w
}

/// `P = Wᵀ W` (symmetric), split across threads by rows: `P_ij = Σ_{k ≥ max(i,j)} W_ki W_kj`.
fn gram_of_inverse(w: &[F], n: usize) -> Vec<F> {
    let mut p = vec![F::default(); n * n];
    let threads = super::parallel::threads();
    // Row i costs about (n − i)·i; cut rows into chunks of equal work, on block boundaries.
    let total: f64 = (0..n).map(|i| ((n - i) * (i + 1)) as f64).sum();
    let mut bounds = vec![0usize];
    let mut acc = 0.0;
    for i in 0..n {
        acc += ((n - i) * (i + 1)) as f64;
        if (i + 1) % BLOCK == 0
            && acc >= total * bounds.len() as f64 / threads as f64
            && bounds.len() < threads
        {
            bounds.push(i + 1);
        }
    }
    bounds.push(n);
    bounds.dedup();
    {
        let mut jobs = Vec::new();
        let mut rest: &mut [F] = &mut p;
        let mut start = 0;
        for win in bounds.windows(2) {
            let (lo, hi) = (win[0], win[1]);
            let (chunk, tail) = rest.split_at_mut((hi - start) * n);
            rest = tail;
            start = hi;
            jobs.push(move || {
                let mut b = lo;
                while b < hi {
                    let e = (b + BLOCK).min(hi);
                    // Lower part j ≤ i of rows b..e: Σ_{k ≥ i} W_ki W_k[0..=i].
                    for k in b..n {
                        let wk = &w[k * n..k * n + k + 1];
                        for i in b..e.min(k + 1) {
                            let f = wk[i];
                            if f != 0.0 {
                                axpy(&mut chunk[(i - lo) * n..(i - lo) * n + i + 1], f, &wk[..=i]);
                            }
                        }
                    }
                    b = e;
                }
            });
        }
        super::parallel::run(jobs);
    }
    // Mirror the lower triangle.
    for i in 0..n {
        for j in 0..i {
            p[j * n + i] = p[i * n + j];
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &[F], n: usize, expected: &[F]) {
        let mut l = a.to_vec();
        cholesky(&mut l, n).expect("positive definite");
        let p = gram_of_inverse(&lower_inverse(&l, n), n);
        let got: Vec<String> = p.iter().map(|x| format!("{x:.4}")).collect();
        let want: Vec<String> = expected.iter().map(|x| format!("{x:.4}")).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn inverts_symmetric_positive_definite_matrices() {
        check(&[4.0], 1, &[0.25]);
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8
        check(&[4.0, 0.0, 2.0, 3.0], 2, &[0.375, -0.25, -0.25, 0.5]);
        // [[2, −1, 0], [−1, 2, −1], [0, −1, 2]]⁻¹ = [[3, 2, 1], [2, 4, 2], [1, 2, 3]] / 4
        check(
            &[2.0, 0.0, 0.0, -1.0, 2.0, 0.0, 0.0, -1.0, 2.0],
            3,
            &[0.75, 0.5, 0.25, 0.5, 1.0, 0.5, 0.25, 0.5, 0.75],
        );
        // Larger than a block, and large enough to split rows between threads: A·P = I.
        for n in [37, 300] {
            let a: Vec<F> = (0..n * n)
                .map(|x| {
                    let (i, j) = (x / n, x % n);
                    if i == j {
                        50.0 + (i % 5) as F
                    } else {
                        ((i * j + i + j) % 7) as F / 40.0
                    }
                })
                .collect();
            let mut l = a.clone();
            cholesky(&mut l, n).expect("diagonally dominant");
            let p = gram_of_inverse(&lower_inverse(&l, n), n);
            for i in [0, 1, n / 2, n - 1] {
                for j in 0..n {
                    let v: F = (0..n).map(|k| a[i * n + k] * p[k * n + j]).sum();
                    assert!(
                        (v - F::from(u8::from(i == j))).abs() < 1e-4,
                        "n {n} ({i},{j}) = {v}"
                    );
                }
            }
        }
        let mut not_pd = vec![1.0, 0.0, 2.0, 1.0];
        assert_eq!(cholesky(&mut not_pd, 2), None);
    }
}
