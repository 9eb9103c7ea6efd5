//! What the broker can refuse with ([`BrokerError`]) and how storage failures become refusals.

use crate::storage::StorageError;

use super::{codec, dirlock};

/// Everything the broker can refuse with. [`BrokerError::code`] is the stable wire code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrokerError {
    #[error("topic {0} does not exist")]
    TopicNotFound(String),
    #[error("topic {0} already exists")]
    TopicExists(String),
    #[error("consumer group {group} has never consumed from topic {topic}")]
    GroupNotFound { topic: String, group: String },
    #[error("{0}")]
    InvalidArgument(String),
    #[error("partition {partition} out of range: topic {topic} has {partitions} partitions")]
    PartitionOutOfRange {
        topic: String,
        partition: u32,
        partitions: u32,
    },
    #[error("offset {offset} of {topic}/{partition} is not in flight for this group ({why})")]
    NotInflight {
        topic: String,
        partition: u32,
        offset: u64,
        why: &'static str,
    },
    #[error("offset {offset} of {topic}/{partition} is leased to {holder}, not to {owner}")]
    WrongOwner {
        topic: String,
        partition: u32,
        offset: u64,
        holder: String,
        owner: String,
    },
    #[error("message deadline exceeded")]
    DeadlineExceeded,
    #[error("idempotency: key already in-flight")]
    IdempotencyInFlight,
    #[error("producer overload: {reason}")]
    Overloaded {
        reason: &'static str,
        retry_after_ms: u64,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    /// A message's write or fdatasync failed: the storage error's text, once per message of
    /// the batch (the storage error itself is not `Clone`).
    #[error("storage: {0}")]
    WriteFailed(String),
    /// The machine ran out of something storage needs: nothing stored was harmed, and the
    /// operator can fix it (the storage error's text, once per message of a batch).
    #[error("storage: {message}")]
    OutOfResources {
        message: String,
        resource: OsResource,
    },
    #[error("state log: {0}")]
    State(#[from] codec::CodecError),
    #[error(transparent)]
    DataDir(#[from] dirlock::LockError),
    /// Directories the state log knows are gone from the disk (see `Broker::open`).
    #[error("{0}")]
    MissingPartitions(String),
}

impl BrokerError {
    /// Stable code for the wire (`{"error": CODE}`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::TopicNotFound(_) | Self::GroupNotFound { .. } => "NOT_FOUND",
            Self::TopicExists(_) => "ALREADY_EXISTS",
            Self::InvalidArgument(_)
            | Self::PartitionOutOfRange { .. }
            | Self::NotInflight { .. }
            | Self::DeadlineExceeded
            | Self::IdempotencyInFlight => "INVALID_ARGUMENT",
            Self::WrongOwner { .. } | Self::Conflict(_) => "FAILED_PRECONDITION",
            Self::Overloaded { .. } => "RESOURCE_EXHAUSTED",
            Self::DataDir(dirlock::LockError::InUse(_)) => "FAILED_PRECONDITION",
            Self::OutOfResources { .. } => "UNAVAILABLE",
            Self::MissingPartitions(_) => "FAILED_PRECONDITION",
            Self::Storage(_)
            | Self::WriteFailed(_)
            | Self::State(_)
            | Self::DataDir(dirlock::LockError::Io { .. }) => "INTERNAL",
        }
    }
}

pub type Result<T, E = BrokerError> = std::result::Result<T, E>;

/// What the machine ran out of (see [`BrokerError::OutOfResources`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsResource {
    /// The open-file limit (EMFILE, ENFILE).
    FileDescriptors,
    /// Disk space or quota (ENOSPC, EDQUOT).
    DiskSpace,
}

impl OsResource {
    /// What `e` ran out of, if it is the machine's limit rather than a fault.
    #[must_use]
    pub fn of(e: &std::io::Error) -> Option<Self> {
        match e.raw_os_error()? {
            libc_errno::EMFILE | libc_errno::ENFILE => Some(Self::FileDescriptors),
            libc_errno::ENOSPC | libc_errno::EDQUOT => Some(Self::DiskSpace),
            _ => None,
        }
    }
}

/// The Linux errno values [`OsResource::of`] tells apart.
pub(super) mod libc_errno {
    pub const ENFILE: i32 = 23;
    pub const EMFILE: i32 = 24;
    pub const ENOSPC: i32 = 28;
    pub const EDQUOT: i32 = 122;
}

pub(super) fn group_not_found(topic: &str, group: &str) -> BrokerError {
    BrokerError::GroupNotFound {
        topic: topic.to_owned(),
        group: group.to_owned(),
    }
}

/// A message's write failed (one error per message of a failed batch).
pub(super) fn write_failure(msg: &str) -> BrokerError {
    BrokerError::WriteFailed(msg.to_owned())
}

/// A failed append, for each message of its batch: what the machine ran out of stays visible.
pub(super) fn append_failure(e: &StorageError) -> BrokerError {
    match e {
        StorageError::Io { source, .. } => match OsResource::of(source) {
            Some(resource) => BrokerError::OutOfResources {
                message: e.to_string(),
                resource,
            },
            None => write_failure(&e.to_string()),
        },
        _ => write_failure(&e.to_string()),
    }
}

/// The same failure for another message (a duplicate within one call).
pub(super) fn same_failure(e: &BrokerError) -> BrokerError {
    match e {
        BrokerError::OutOfResources { message, resource } => BrokerError::OutOfResources {
            message: message.clone(),
            resource: *resource,
        },
        other => write_failure(&other.to_string()),
    }
}

pub(super) fn storage_io(context: String, e: std::io::Error) -> BrokerError {
    BrokerError::Storage(StorageError::Io { context, source: e })
}
