//! Broker settings and every limit the broker enforces, each with its reason, with the
//! validation of names, leases and retention that the limits imply.

use std::path::PathBuf;

use crate::storage::{Durability, LogConfig};

use super::envelope::RetryPolicy;
use super::error::{BrokerError, Result};
use super::topic::Topic;

/// Broker settings. Limits apply per partition.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    pub data_dir: PathBuf,
    pub durability: Durability,
    pub segment_bytes: u64,
    /// Leases a group may hold per partition at once.
    pub max_inflight: usize,
    /// Unacked messages (relative to the slowest group) before produce is refused.
    pub max_partition_msgs: u64,
    /// Unacked bytes (relative to the slowest group) before produce is refused.
    pub max_partition_bytes: u64,
    pub idempotency_ttl_ms: i64,
    /// Write a snapshot (and drop the state log before it) after this many state records.
    pub snapshot_every: u64,
    /// Truncate damaged logs at the damage instead of refusing to start.
    pub repair: bool,
    /// Told the duration of every fdatasync (metrics).
    pub on_sync: Option<crate::storage::SyncObserver>,
    /// Fault injection for tests of a failing disk (see [`crate::storage::SyncFault`]).
    pub sync_fault: Option<crate::storage::SyncFault>,
    /// Told of every name operation and directory fsync (tests of power loss; see
    /// [`crate::storage::FsWatch`]).
    pub fs_watch: Option<crate::storage::FsWatch>,
}

impl BrokerConfig {
    #[must_use]
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            durability: Durability::Always,
            segment_bytes: 64 * 1024 * 1024,
            max_inflight: 1024,
            max_partition_msgs: 1_000_000,
            max_partition_bytes: 1 << 30,
            idempotency_ttl_ms: 10 * 60 * 1000,
            snapshot_every: 100_000,
            repair: false,
            on_sync: None,
            sync_fault: None,
            fs_watch: None,
        }
    }

    pub(super) fn log_config(&self) -> LogConfig {
        LogConfig {
            segment_bytes: self.segment_bytes,
            segment_age_ms: None,
            durability: self.durability,
            repair: self.repair,
            on_sync: self.on_sync.clone(),
            sync_fault: self.sync_fault.clone(),
            fs_watch: self.fs_watch.clone(),
        }
    }
}

/// The longest produce delay: 15 minutes, SQS's maximum. A group keeps each delayed message it
/// has passed in memory until it is due, so the bound also bounds that memory by the produce
/// rate.
pub const MAX_DELAY_MS: u64 = 15 * 60 * 1000;

/// The longest lease a poll or extend grants: 12 hours, SQS's maximum visibility timeout. A
/// consumer that needs longer extends; an unbounded lease would hold a message out of its group
/// for good after a typo.
pub const MAX_LEASE_MS: i64 = 12 * 60 * 60 * 1000;

pub(super) fn check_lease(lease_ms: i64) -> Result<()> {
    if lease_ms <= 0 {
        return Err(BrokerError::InvalidArgument(
            "lease must be positive".into(),
        ));
    }
    if lease_ms > MAX_LEASE_MS {
        return Err(BrokerError::InvalidArgument(format!(
            "lease of {lease_ms} ms is longer than the maximum of {MAX_LEASE_MS} ms (12 h); extend the lease instead"
        )));
    }
    Ok(())
}

/// Most key + value bytes one poll hands out or one DLQ peek returns, beyond the message that
/// crosses it (a message bigger than this still goes out, alone). A count limit alone let
/// 10,000 one-MiB messages become a 10 GiB reply; Kafka bounds a fetch by `fetch.max.bytes`
/// for the same reason.
pub const REPLY_BYTES: usize = 16 << 20;

/// On a topic ordered by key, the most messages a group keeps waiting for an earlier message of
/// their key, per partition. Past it the group reads no further until some are delivered: other
/// keys' messages then wait too, but memory stays bounded whatever one key's backlog is.
pub const MAX_KEY_BLOCKED: u64 = 100_000;

/// Most partitions a topic may have.
pub const MAX_PARTITIONS: u32 = 10_000;

pub(super) fn validate_partition_count(partitions: u32) -> Result<()> {
    if partitions == 0 || partitions > MAX_PARTITIONS {
        return Err(BrokerError::InvalidArgument(format!(
            "invalid partitions {partitions}: use 1 to {MAX_PARTITIONS}"
        )));
    }
    Ok(())
}

/// A topic's default retry policy must end somewhere: "retry forever" is no policy at all.
pub(super) fn validate_topic_retry(p: &RetryPolicy) -> Result<()> {
    if p.max_attempts == 0 {
        return Err(BrokerError::InvalidArgument(
            "a topic's retry policy needs max_attempts of at least 1 (remove the policy to retry forever)".into(),
        ));
    }
    Ok(())
}

pub(super) fn check_growth(t: &Topic, total: u32) -> Result<()> {
    validate_partition_count(total)?;
    let now = t.partition_count();
    let name = &t.meta.name;
    match total.cmp(&now) {
        std::cmp::Ordering::Greater => Ok(()),
        std::cmp::Ordering::Equal => Err(BrokerError::InvalidArgument(format!(
            "topic {name} already has {now} partitions"
        ))),
        std::cmp::Ordering::Less => Err(BrokerError::InvalidArgument(format!(
            "topic {name} has {now} partitions; partitions can be added, never removed (removing one would drop its messages)"
        ))),
    }
}

/// Longest nack reason kept: a message keeps its last ten errors in every lease, state record and
/// DLQ copy, and a client that sends a whole stack trace should not multiply it by ten.
pub const MAX_REASON_BYTES: usize = 2048;

/// `reason` cut to [`MAX_REASON_BYTES`] at a character boundary.
pub(super) fn cut_reason(reason: &str) -> &str {
    if reason.len() <= MAX_REASON_BYTES {
        return reason;
    }
    let mut end = MAX_REASON_BYTES;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

/// Group names: 1 to 249 bytes, like topic names, of any characters but control characters,
/// and no whitespace at either end (DriftQ's v1 API trims names, so " g" and "g" would be two
/// names for one group). Every state record of a group carries its name.
pub fn validate_group_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 249
        && name.trim() == name
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(BrokerError::InvalidArgument(format!(
            "invalid group name {:?}: use 1 to 249 bytes, no control characters, no spaces at either end",
            name.chars().take(64).collect::<String>()
        )))
    }
}

/// Owners (consumer names): 1 to 1024 bytes, no control characters. Every lease keeps one.
pub fn validate_owner(owner: &str) -> Result<()> {
    let ok = !owner.is_empty() && owner.len() <= 1024 && !owner.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(BrokerError::InvalidArgument(format!(
            "invalid owner {:?}: use 1 to 1024 bytes, no control characters",
            owner.chars().take(64).collect::<String>()
        )))
    }
}

/// Topic names: `[A-Za-z0-9._-]{1,249}`.
pub fn validate_topic_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(BrokerError::InvalidArgument(format!(
            "invalid topic name {name:?}: use 1 to 249 of A-Z a-z 0-9 . _ -"
        )))
    }
}

pub(super) fn validate_retention(age_ms: Option<i64>, bytes: Option<u64>) -> Result<()> {
    if age_ms.is_some_and(|a| a <= 0) {
        return Err(BrokerError::InvalidArgument(
            "retention age must be positive".into(),
        ));
    }
    if bytes == Some(0) {
        return Err(BrokerError::InvalidArgument(
            "retention bytes must be positive".into(),
        ));
    }
    Ok(())
}

/// A group polled within this long has consumers (a stream polls every 250 ms; a pull consumer
/// waits at most 30 s per poll).
pub(super) const ACTIVE_GROUP_WINDOW_MS: i64 = 30_000;
