//! One retry policy for every command that writes: what is worth another try (backpressure,
//! 429; an unavailable server, 503), how long to wait (the server's `retry_after_ms`, else a
//! backoff from 100 ms doubling to 2 s), and until when (`--timeout`, counted from the first
//! refusal). On a terminal it keeps one progress line on stderr while it waits.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use crate::client::ClientError;

const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub struct Retry {
    timeout: Duration,
    deadline: Option<Instant>,
    delay: Duration,
    announced: bool,
}

impl Retry {
    #[must_use]
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            deadline: None,
            delay: FIRST_DELAY,
            announced: false,
        }
    }

    /// The `--timeout` this policy waits for.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether a failed call is worth another try.
    #[must_use]
    pub fn retryable(e: &ClientError) -> bool {
        matches!(e.status(), Some(429 | 503))
    }

    /// Waits before the next try (`hint`: the server's own advice); `false` once the deadline
    /// has passed, and then nothing was waited.
    pub fn wait(&mut self, hint: Option<Duration>, waiting_for: &str) -> bool {
        let now = Instant::now();
        let deadline = *self.deadline.get_or_insert(now + self.timeout);
        if now >= deadline {
            self.clear_line();
            return false;
        }
        let left = deadline - now;
        if std::io::stderr().is_terminal() {
            eprint!(
                "\rdriftq: {waiting_for}: waiting out backpressure ({}s left)   ",
                left.as_secs()
            );
            self.announced = true;
        }
        std::thread::sleep(hint.unwrap_or(self.delay).min(left));
        self.delay = (self.delay * 2).min(MAX_DELAY);
        true
    }

    /// The call went through: the next refusal starts a new deadline.
    pub fn succeeded(&mut self) {
        self.deadline = None;
        self.delay = FIRST_DELAY;
        self.clear_line();
    }

    fn clear_line(&mut self) {
        if self.announced {
            eprint!("\r{:60}\r", "");
            self.announced = false;
        }
    }
}
