//! Sparse indexes kept next to each segment. Both are caches of facts the `.log` file already
//! holds: they are checked against the log on open and rebuilt from it when they disagree, so a lost
//! or damaged index never loses data.
//!
//! ```text
//! <base>.index      entries of 8 bytes:  | u32 offset − base | u32 byte position of that batch |
//! <base>.timeindex  entries of 12 bytes: | i64 timestamp T   | u32 offset − base              |
//! ```
//!
//! Invariants (all little-endian, entries strictly increasing in offset and position):
//! - an `.index` entry is written for the batch at position 0 and then for the first batch that
//!   starts at least [`INDEX_INTERVAL_BYTES`] after the previous entry's batch;
//! - a `.timeindex` entry is written at the same batches except position 0; its `T` is the largest
//!   timestamp of every record in the segment *before* that batch. So every record before the
//!   entry's offset has a timestamp ≤ T, which is what a timestamp seek needs to skip ahead safely.

/// Bytes of log between two sparse index entries.
pub const INDEX_INTERVAL_BYTES: u64 = 4096;
/// Size of one `.index` entry.
pub const OFFSET_ENTRY_LEN: usize = 8;
/// Size of one `.timeindex` entry.
pub const TIME_ENTRY_LEN: usize = 12;

/// `.index` entry: the batch starting at `offset` begins at byte `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetEntry {
    pub offset: u64,
    pub position: u64,
}

/// `.timeindex` entry: every record before `offset` has a timestamp ≤ `timestamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeEntry {
    pub timestamp: i64,
    pub offset: u64,
}

/// Encodes an `.index` entry relative to the segment's base offset.
#[must_use]
pub fn encode_offset_entry(base: u64, e: OffsetEntry) -> [u8; OFFSET_ENTRY_LEN] {
    let mut b = [0u8; OFFSET_ENTRY_LEN];
    // Segments are bounded far below 4 GiB and 2^32 records, so relative values fit.
    b[..4].copy_from_slice(&(e.offset.saturating_sub(base) as u32).to_le_bytes());
    b[4..].copy_from_slice(&(e.position as u32).to_le_bytes());
    b
}

/// Encodes a `.timeindex` entry relative to the segment's base offset.
#[must_use]
pub fn encode_time_entry(base: u64, e: TimeEntry) -> [u8; TIME_ENTRY_LEN] {
    let mut b = [0u8; TIME_ENTRY_LEN];
    b[..8].copy_from_slice(&e.timestamp.to_le_bytes());
    b[8..].copy_from_slice(&(e.offset.saturating_sub(base) as u32).to_le_bytes());
    b
}

/// Decodes every whole `.index` entry in `bytes`; a trailing partial entry is ignored (and
/// reported by `wal verify`).
#[must_use]
pub fn decode_offset_entries(base: u64, bytes: &[u8]) -> Vec<OffsetEntry> {
    bytes
        .chunks_exact(OFFSET_ENTRY_LEN)
        .map(|c| decode_offset_entry(base, c))
        .collect()
}

/// Decodes one `.index` entry from the first [`OFFSET_ENTRY_LEN`] bytes of `entry` (missing
/// bytes read as zero; callers pass whole entries).
#[must_use]
pub fn decode_offset_entry(base: u64, entry: &[u8]) -> OffsetEntry {
    let u32_at = |at: usize| {
        entry
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    };
    OffsetEntry {
        offset: base + u64::from(u32_at(0)),
        position: u64::from(u32_at(4)),
    }
}

/// Decodes every whole `.timeindex` entry in `bytes`.
#[must_use]
pub fn decode_time_entries(base: u64, bytes: &[u8]) -> Vec<TimeEntry> {
    bytes
        .chunks_exact(TIME_ENTRY_LEN)
        .map(|c| {
            let (t, o) = c.split_at(8);
            TimeEntry {
                timestamp: i64::from_le_bytes(t.try_into().unwrap_or_default()),
                offset: base + u64::from(u32::from_le_bytes(o.try_into().unwrap_or_default())),
            }
        })
        .collect()
}

/// Decides, batch by batch, which index entries a segment must have. Recovery, appends and
/// `wal verify` all use it, so the three agree by construction.
#[derive(Debug, Clone, Default)]
pub struct IndexPlanner {
    last_entry_position: Option<u64>,
    max_timestamp_so_far: Option<i64>,
}

impl IndexPlanner {
    /// Feeds the next batch of the segment; returns the entries to write for it.
    pub fn next_batch(
        &mut self,
        position: u64,
        base_offset: u64,
        max_timestamp: i64,
    ) -> (Option<OffsetEntry>, Option<TimeEntry>) {
        let due = match self.last_entry_position {
            None => true,
            Some(last) => position >= last + INDEX_INTERVAL_BYTES,
        };
        let mut out = (None, None);
        if due {
            self.last_entry_position = Some(position);
            out.0 = Some(OffsetEntry {
                offset: base_offset,
                position,
            });
            if let Some(ts) = self.max_timestamp_so_far {
                out.1 = Some(TimeEntry {
                    timestamp: ts,
                    offset: base_offset,
                });
            }
        }
        self.max_timestamp_so_far = Some(
            self.max_timestamp_so_far
                .map_or(max_timestamp, |t| t.max(max_timestamp)),
        );
        out
    }
}
