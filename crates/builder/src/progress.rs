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
