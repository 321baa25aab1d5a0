//! How far a long import is: a progress line on stderr (the command line, drawn only when
//! stderr is a terminal) or a callback (the browser console's progress bar).

use std::io::{IsTerminal, Write};

/// Called with the phase, the bytes read so far and the total (0: unknown).
pub type Callback = Box<dyn FnMut(&'static str, u64, u64)>;

/// Redraws at most every 100 ms (the callback: at most every 64 K rows and every 1% of the
/// input); checks the clock only every few thousand rows.
pub struct Progress {
    enabled: bool,
    label: &'static str,
    total: u64,
    calls: u32,
    last: Option<Clock>,
    drawn: bool,
    callback: Option<Callback>,
    reported: u64,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("enabled", &self.enabled)
            .field("label", &self.label)
            .field("callback", &self.callback.is_some())
            .finish()
    }
}

/// The time of a redraw (native only: wasm32 has no `Instant`).
#[cfg(not(target_arch = "wasm32"))]
type Clock = std::time::Instant;
#[cfg(target_arch = "wasm32")]
type Clock = ();

impl Progress {
    /// A progress line when stderr is a terminal, silence otherwise.
    pub fn on_terminal() -> Progress {
        Progress::new(std::io::stderr().is_terminal())
    }

    /// Enabled or silent.
    pub fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            label: "",
            total: 0,
            calls: 0,
            last: None,
            drawn: false,
            callback: None,
            reported: 0,
        }
    }

    /// Reports to `callback` instead of drawing.
    pub fn with_callback(callback: Callback) -> Progress {
        Progress {
            callback: Some(callback),
            ..Progress::new(false)
        }
    }

    /// Starts a phase over `total` bytes (0: unknown).
    pub fn start(&mut self, label: &'static str, total: u64) {
        self.label = label;
        self.total = total;
        self.calls = 0;
        self.last = None;
        self.reported = 0;
        if let Some(f) = self.callback.as_mut() {
            f(label, 0, total);
        }
    }

    /// Reports the position reached.
    pub fn at(&mut self, position: u64) {
        if let Some(f) = self.callback.as_mut() {
            self.calls = self.calls.wrapping_add(1);
            if self.calls % 1024 == 0
                && (position - self.reported.min(position)) * 100 >= self.total.max(1 << 20)
            {
                self.reported = position;
                f(self.label, position, self.total);
            }
            return;
        }
        if !self.enabled {
            return;
        }
        self.calls = self.calls.wrapping_add(1);
        if self.calls % 4096 != 0 {
            return;
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let now = std::time::Instant::now();
            if self
                .last
                .is_some_and(|t| now.duration_since(t) < std::time::Duration::from_millis(100))
            {
                return;
            }
            self.last = Some(now);
        }
        let mut err = std::io::stderr().lock();
        let _ = if let Some(pct) = (position.min(self.total) * 100).checked_div(self.total) {
            let pct = pct as usize;
            let bar = "#".repeat(pct / 4) + &" ".repeat(25 - pct / 4);
            write!(err, "\r{} [{bar}] {pct:>3}%", self.label)
        } else {
            write!(err, "\r{}: {} MB", self.label, position >> 20)
        };
        self.drawn = true;
    }

    /// Clears the line (the callback hears the phase's end).
    pub fn done(&mut self) {
        if let Some(f) = self.callback.as_mut() {
            f(self.label, self.total, self.total);
        }
        if self.enabled && self.drawn {
            let _ = write!(std::io::stderr().lock(), "\r{:60}\r", "");
            self.drawn = false;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn the_callback_hears_the_start_a_few_positions_and_the_end() {
        let heard = Rc::new(RefCell::new(Vec::new()));
        let sink = heard.clone();
        let mut p = Progress::with_callback(Box::new(move |label, at, total| {
            sink.borrow_mut().push((label, at, total))
        }));
        let total = 100 << 20;
        p.start("reading orders", total);
        for row in 1..=200_000u64 {
            p.at(row * 512);
        }
        p.done();
        let heard = heard.borrow();
        assert_eq!(heard[0], ("reading orders", 0, total));
        assert_eq!(*heard.last().unwrap(), ("reading orders", total, total));
        // Every 1% at most, in order.
        assert!(heard.len() <= 102, "{} reports", heard.len());
        assert!(heard.len() > 50, "{} reports", heard.len());
        assert!(heard.windows(2).all(|w| w[0].1 <= w[1].1));
    }
}
