//! Work split between threads natively, and run in turn on wasm32 (the browser console's
//! module has no threads: spawning one would trap).

/// How many threads to split work between (1 on wasm32; at most 8).
pub fn threads() -> usize {
    if cfg!(target_arch = "wasm32") {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .clamp(1, 8)
}

/// Runs the jobs, in parallel when there are threads and more than one job; their results
/// in order. A job's panic goes on in the caller.
pub fn run<T: Send, F: FnOnce() -> T + Send>(jobs: Vec<F>) -> Vec<T> {
    if jobs.len() < 2 || threads() < 2 {
        return jobs.into_iter().map(|f| f()).collect();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs.into_iter().map(|f| s.spawn(f)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
