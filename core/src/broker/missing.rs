//! Partitions the state log knows whose directory is gone from the disk (deleted by hand, a
//! restore that missed it, a file system that lost it).
//!
//! Invariants:
//! - The broker never starts on such a data directory as if nothing happened: a partition
//!   recreated empty at offset 0 would hand out offsets its groups have already acked, and
//!   their positions would then point at other messages.
//! - Without `repair` the start is refused, naming each directory and the offsets at stake, and
//!   the disk is left as it was found.
//! - With `repair` each partition is recreated empty at the next offset the state log knows
//!   (the highest its groups have seen, plus one), so no offset is ever used twice; what lay
//!   below it is reported as gone.

use super::error::{BrokerError, Result};
use super::topic::{Partition, Topic};
use super::{Broker, lock, read, write};
use crate::storage::PartitionLog;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// One missing partition directory and what the state log knows of it.
struct Missing {
    topic: Arc<Topic>,
    partition: u32,
    /// The next offset the state log knows: every offset below it may have held a message.
    next_offset: u64,
}

impl Broker {
    /// Refuses to start with missing partition directories, or (with `repair`) recreates them
    /// at the next known offset. Runs after replay, before positions are clamped to the logs.
    pub(super) fn settle_missing_partitions(&self) -> Result<()> {
        let named = std::mem::take(&mut *lock(&self.missing));
        if named.is_empty() {
            return Ok(());
        }
        let topics = read(&self.topics).clone();
        let mut found = Vec::new();
        for (name, partition) in named {
            let Some(topic) = topics.get(&name) else {
                continue; // deleted later in the log: nothing is missing
            };
            let next_offset = known_next_offset(topic, partition);
            found.push(Missing {
                topic: Arc::clone(topic),
                partition,
                next_offset,
            });
        }
        if found.is_empty() {
            return Ok(());
        }
        if !self.config.repair {
            for m in &found {
                // Opening created it empty; leave the disk as it was found (and the topic's
                // directory too, when it was missing whole).
                let _ = std::fs::remove_dir_all(m.topic.dir.join(m.partition.to_string()));
                let _ = std::fs::remove_dir(&m.topic.dir);
            }
            return Err(BrokerError::MissingPartitions(refusal(&found)));
        }
        for m in &found {
            self.recreate_at(m)?;
        }
        Ok(())
    }

    fn recreate_at(&self, m: &Missing) -> Result<()> {
        let dir = m.topic.dir.join(m.partition.to_string());
        let mut parts = (*m.topic.parts()).clone();
        let Some(slot) = parts.get_mut(m.partition as usize) else {
            return Ok(());
        };
        slot.log.close()?;
        std::fs::remove_dir_all(&dir)
            .map_err(|e| super::error::storage_io(format!("remove {}", dir.display()), e))?;
        let (log, _) = PartitionLog::create_at(&dir, m.next_offset, self.config.log_config())?;
        *slot = Arc::new(Partition {
            log: Arc::new(log),
            produced_messages: AtomicU64::new(0),
            produced_bytes: AtomicU64::new(0),
            min_floor: AtomicU64::new(u64::MAX),
            read_ahead: std::sync::Mutex::new(Vec::new()),
        });
        *write(&m.topic.partitions) = Arc::new(parts);
        tracing::warn!(
            topic = %m.topic.meta.name,
            partition = m.partition,
            dir = %dir.display(),
            next_offset = m.next_offset,
            lost_offsets = m.next_offset,
            "--repair: a missing partition directory was recreated empty at the next offset the state log knows; offsets below it are gone"
        );
        Ok(())
    }
}

/// The next offset the state log knows for `partition` of `topic`: past everything any group
/// has acked, failed, or moved its position to.
fn known_next_offset(topic: &Topic, partition: u32) -> u64 {
    let groups = lock(&topic.groups);
    groups
        .values()
        .filter_map(|g| g.partitions.get(partition as usize))
        .map(|gp| {
            let acked = gp.acked.last().map_or(0, |o| o + 1);
            let retried = gp.retries.keys().next_back().map_or(0, |o| o + 1);
            gp.floor.max(gp.cursor).max(acked).max(retried)
        })
        .max()
        .unwrap_or(0)
}

fn refusal(found: &[Missing]) -> String {
    let each: Vec<String> = found
        .iter()
        .map(|m| {
            let at_stake = if m.next_offset == 0 {
                "no offsets known to the state log (whatever it held is gone)".to_owned()
            } else {
                format!("offsets 0..{} at stake", m.next_offset)
            };
            format!(
                "topic {} partition {}: {} is missing ({at_stake})",
                m.topic.meta.name,
                m.partition,
                m.topic.dir.join(m.partition.to_string()).display()
            )
        })
        .collect();
    format!(
        "{}; restore the directories, or start with --repair to recreate them empty at the next offset the state log knows (no offset is used twice; the messages are gone)",
        each.join("; ")
    )
}

/// The partition directories the state log of `data_dir` says exist and the disk lacks, read
/// offline (`wal verify`): topic records are followed in order — creations, deletions, growth,
/// snapshots. Damaged state records are skipped: `wal verify` reports them on their own.
#[must_use]
pub fn missing_partition_dirs(data_dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    use super::StateRecord;
    use crate::storage::segment::{SegmentWalker, WalkItem, list_segments};
    let Ok((segments, _)) = list_segments(&data_dir.join("state")) else {
        return Vec::new();
    };
    let mut topics: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for (_, path) in segments {
        let Ok(walker) = SegmentWalker::open(&path) else {
            continue;
        };
        for item in walker {
            let Ok(WalkItem::Batch { batch, crc_ok, .. }) = item else {
                continue;
            };
            if !crc_ok {
                continue;
            }
            for stored in batch.records {
                match StateRecord::decode(&stored.record.value) {
                    Ok(StateRecord::TopicCreated(meta)) => {
                        topics.insert(meta.name, meta.partitions);
                    }
                    Ok(StateRecord::TopicDeleted { name }) => {
                        topics.remove(&name);
                    }
                    Ok(StateRecord::PartitionsGrown { topic, partitions }) => {
                        topics.insert(topic, partitions);
                    }
                    Ok(StateRecord::Snapshot(snap)) => {
                        topics = snap
                            .topics
                            .iter()
                            .map(|m| (m.name.clone(), m.partitions))
                            .collect();
                    }
                    _ => {}
                }
            }
        }
    }
    topics
        .iter()
        .flat_map(|(name, n)| {
            (0..*n).map(move |p| data_dir.join("topics").join(name).join(p.to_string()))
        })
        .filter(|dir| !dir.is_dir())
        .collect()
}
