//! How far the readers are in a file, for a progress bar. The builder draws nothing itself: the
//! `crossbuy` command passes an implementation that draws on a terminal (indicatif), tests and
//! other callers pass [`Silent`].

/// Receives a reader's position in the file it reads.
pub trait Progress {
    /// A phase starts over `total` bytes (0: unknown), such as "reading orders".
    fn start(&mut self, label: &'static str, total: u64);
    /// The reader reached byte `position`. Called once per row: keep it cheap.
    fn at(&mut self, position: u64);
    /// The phase is over.
    fn done(&mut self);
}

/// Reports nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&mut self, _label: &'static str, _total: u64) {}
    fn at(&mut self, _position: u64) {}
    fn done(&mut self) {}
}

/// Time spent per phase for `--timings`: measured natively, zero on wasm32 (which has no
/// `Instant`; the console times the whole build itself).
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    #[cfg(not(target_arch = "wasm32"))]
    started: std::time::Instant,
}

impl Stopwatch {
    /// Starts now.
    pub fn start() -> Stopwatch {
        Stopwatch {
            #[cfg(not(target_arch = "wasm32"))]
            started: std::time::Instant::now(),
        }
    }

    /// The time since the start (zero on wasm32).
    pub fn elapsed(&self) -> std::time::Duration {
        #[cfg(not(target_arch = "wasm32"))]
        return self.started.elapsed();
        #[cfg(target_arch = "wasm32")]
        return std::time::Duration::ZERO;
    }
}
