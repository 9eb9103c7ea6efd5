//! The one place the server reads the wall clock for the broker: handlers and the ticker pass
//! the time in, the broker never reads it.

/// Wall-clock milliseconds: the only place the server reads the time for the broker.
pub(crate) fn now_ms() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
