//! Dead-letter queues: peek, and replay (copy or move) back to the origin or another topic.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::config::REPLY_BYTES;
use super::envelope::ReplayMark;
use super::error::{BrokerError, Result};
use super::poll::Message;
use super::produce::{ProduceMessage, Produced};
use super::router::glob_match;
use super::state::StateRecord;
use super::topic::Topic;
use super::{Broker, DLQ_PREFIX, key_partition, lock, read};

/// Selection and mode of a DLQ replay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayRequest {
    /// Source topic (`jobs`) or DLQ topic (`dlq.jobs`).
    pub topic: String,
    /// Where to put the messages; default: each message's origin topic.
    pub to: Option<String>,
    pub partition: Option<u32>,
    /// Inclusive range of DLQ offsets.
    pub offsets: Option<(u64, u64)>,
    /// DLQ write time range, inclusive, ms.
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub key_glob: Option<String>,
    pub header_glob: Option<(String, String)>,
    pub error_glob: Option<String>,
    pub limit: Option<usize>,
    pub dry_run: bool,
    /// Copy leaves the DLQ depth as it is; move takes the message out of it. Both mark the
    /// message replayed.
    pub copy: bool,
    /// Replay messages already replayed before.
    pub include_replayed: bool,
}

/// One message a replay moved (or would move).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayItem {
    pub dlq_topic: String,
    pub dlq_partition: u32,
    pub dlq_offset: u64,
    pub target_topic: String,
    /// Set when the replay was done (not a dry run) and the write succeeded.
    pub produced: Option<Produced>,
    pub error: Option<String>,
}

/// A DLQ message as `dlq peek` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlqMessage {
    pub message: Message,
    pub replayed: bool,
    pub moved: bool,
}

/// Source topic of a DLQ name or the name itself.
#[must_use]
pub fn dlq_topic_for(source_or_dlq: &str) -> String {
    if source_or_dlq.starts_with(DLQ_PREFIX) {
        source_or_dlq.to_owned()
    } else {
        format!("{DLQ_PREFIX}{source_or_dlq}")
    }
}

pub(super) fn replay_matches(req: &ReplayRequest, m: &Message) -> bool {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if req.since_ms.is_some_and(|s| m.timestamp_ms < s)
        || req.until_ms.is_some_and(|u| m.timestamp_ms > u)
    {
        return false;
    }
    if let Some(g) = &req.key_glob
        && !m.key.as_deref().is_some_and(|k| glob_match(g, &text(k)))
    {
        return false;
    }
    if let Some((name, g)) = &req.header_glob
        && !m
            .headers
            .iter()
            .any(|(n, v)| n == name && glob_match(g, &text(v)))
    {
        return false;
    }
    if let Some(g) = &req.error_glob {
        let errors = m
            .meta
            .dlq
            .as_ref()
            .map(|d| d.errors.clone())
            .unwrap_or_default();
        if !errors.iter().any(|e| glob_match(g, e)) {
            return false;
        }
    }
    true
}

impl Broker {
    /// The DLQ topic of `topic` (`jobs` or `dlq.jobs`), or `None` while nothing has been
    /// dead-lettered from it: a DLQ is created by its first message, so its absence is an empty
    /// DLQ when the source topic exists, and the source's absence is what to report otherwise.
    pub(super) fn dlq_of(&self, topic: &str) -> Result<(String, Option<Arc<Topic>>)> {
        let dlq_name = dlq_topic_for(topic);
        match self.topic(&dlq_name) {
            Ok(t) => Ok((dlq_name, Some(t))),
            Err(BrokerError::TopicNotFound(_)) => {
                self.topic(&dlq_name[DLQ_PREFIX.len()..])?;
                Ok((dlq_name, None))
            }
            Err(e) => Err(e),
        }
    }

    /// Messages of the DLQ of `topic` (`jobs` or `dlq.jobs`), oldest first, from every partition.
    pub fn dlq_peek(&self, topic: &str, max: usize) -> Result<Vec<DlqMessage>> {
        let (dlq_name, t) = self.dlq_of(topic)?;
        let Some(t) = t else { return Ok(Vec::new()) };
        let replayed = lock(&self.replayed).clone();
        let mut out = Vec::new();
        let mut bytes = 0;
        for (p, part) in t.parts().iter().enumerate() {
            let mut next = part.log.low_watermark();
            while out.len() < max && bytes < REPLY_BYTES && next < part.log.high_watermark() {
                let batch = part.log.read(next, 1024, 8 << 20)?;
                let Some(last) = batch.last() else { break };
                next = last.offset + 1;
                for s in batch {
                    if out.len() >= max || bytes >= REPLY_BYTES {
                        break;
                    }
                    bytes += s.record.value.len() + s.record.key.as_ref().map_or(0, Vec::len);
                    let moved = replayed
                        .get(&(dlq_name.clone(), p as u32, s.offset))
                        .copied();
                    out.push(DlqMessage {
                        message: Self::to_message(&dlq_name, p as u32, s),
                        replayed: moved.is_some(),
                        moved: moved.unwrap_or(false),
                    });
                }
            }
        }
        out.sort_by_key(|m| {
            (
                m.message.timestamp_ms,
                m.message.partition,
                m.message.offset,
            )
        });
        Ok(out)
    }

    /// Replays DLQ messages back to their origin (or `to`). Returns what moved, or with
    /// `dry_run` what would.
    pub fn dlq_replay(&self, req: &ReplayRequest, now_ms: i64) -> Result<Vec<ReplayItem>> {
        let (dlq_name, t) = self.dlq_of(&req.topic)?;
        if let (Some(t), Some(p)) = (&t, req.partition) {
            t.partition(p)?;
        }
        if let Some(to) = &req.to {
            self.topic(to)?;
            if *to == dlq_name {
                return Err(BrokerError::InvalidArgument(format!(
                    "cannot replay {dlq_name} into itself: name the topic the messages should go back to"
                )));
            }
        }
        if let (Some(since), Some(until)) = (req.since_ms, req.until_ms)
            && since > until
        {
            return Err(BrokerError::InvalidArgument(
                "the time range ends before it starts (since is after until)".into(),
            ));
        }
        let Some(t) = t else { return Ok(Vec::new()) };
        let selected = self.select_for_replay(&t, &dlq_name, req)?;
        let mut items = Vec::new();
        let mut done: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
        for m in selected {
            let origin = m.meta.dlq.clone().unwrap_or_default();
            let target = req.to.clone().unwrap_or_else(|| {
                if origin.topic.is_empty() {
                    req.topic.trim_start_matches(DLQ_PREFIX).to_owned()
                } else {
                    origin.topic.clone()
                }
            });
            let mut item = ReplayItem {
                dlq_topic: dlq_name.clone(),
                dlq_partition: m.partition,
                dlq_offset: m.offset,
                target_topic: target.clone(),
                produced: None,
                error: None,
            };
            if !req.dry_run {
                let msg = ProduceMessage {
                    key: m.key.clone(),
                    headers: m.headers.clone(),
                    value: m.value.clone(),
                    envelope: None,
                    partition: Some(origin.partition),
                    delay_ms: None,
                };
                match self.produce_replayed(&target, msg, &m, now_ms) {
                    Ok(p) => {
                        done.entry(m.partition).or_default().push(m.offset);
                        item.produced = Some(p);
                    }
                    Err(e) => item.error = Some(e.to_string()),
                }
            }
            items.push(item);
        }
        if !done.is_empty() {
            self.mark_replayed(&dlq_name, done, !req.copy, now_ms)?;
        }
        Ok(items)
    }

    /// The DLQ messages `req` selects, in partition and offset order, at most `limit`.
    fn select_for_replay(
        &self,
        t: &Topic,
        dlq_name: &str,
        req: &ReplayRequest,
    ) -> Result<Vec<Message>> {
        let replayed = lock(&self.replayed).clone();
        let limit = req.limit.unwrap_or(usize::MAX);
        let mut selected: Vec<Message> = Vec::new();
        'parts: for (p, part) in t.parts().iter().enumerate() {
            if req.partition.is_some_and(|x| x as usize != p) {
                continue;
            }
            let mut next = part.log.low_watermark().max(req.offsets.map_or(0, |r| r.0));
            let end = part
                .log
                .high_watermark()
                .min(req.offsets.map_or(u64::MAX, |r| r.1.saturating_add(1)));
            while next < end {
                let batch = part.log.read(next, 1024, 8 << 20)?;
                let Some(last) = batch.last() else { break };
                next = last.offset + 1;
                for s in batch {
                    if selected.len() >= limit {
                        break 'parts;
                    }
                    // The offset range is per partition: past its end, go on with the next one.
                    if s.offset >= end {
                        continue 'parts;
                    }
                    if !req.include_replayed
                        && replayed.contains_key(&(dlq_name.to_owned(), p as u32, s.offset))
                    {
                        continue;
                    }
                    let m = Self::to_message(dlq_name, p as u32, s);
                    if replay_matches(req, &m) {
                        selected.push(m);
                    }
                }
            }
        }
        Ok(selected)
    }

    /// Marks replayed DLQ messages (memory and the state log): later replays skip them, and a
    /// move takes them out of the DLQ's depth.
    fn mark_replayed(
        &self,
        dlq_name: &str,
        done: BTreeMap<u32, Vec<u64>>,
        moved: bool,
        now_ms: i64,
    ) -> Result<()> {
        let records: Vec<StateRecord> = done
            .into_iter()
            .map(|(partition, offsets)| StateRecord::Replayed {
                dlq_topic: dlq_name.to_owned(),
                partition,
                offsets,
                moved,
            })
            .collect();
        let _snap = read(&self.snapshot);
        let appended = {
            let mut r = lock(&self.replayed);
            for rec in &records {
                if let StateRecord::Replayed {
                    dlq_topic,
                    partition,
                    offsets,
                    moved,
                } = rec
                {
                    for o in offsets {
                        r.insert((dlq_topic.clone(), *partition, *o), *moved);
                    }
                }
            }
            self.log_state(&records, now_ms)?
        };
        self.wait_state(appended)?;
        Ok(())
    }

    pub(super) fn produce_replayed(
        &self,
        target: &str,
        msg: ProduceMessage,
        dlq_msg: &Message,
        now_ms: i64,
    ) -> Result<Produced> {
        let t = self.topic(target)?;
        let partition = msg
            .partition
            .filter(|p| *p < t.partition_count())
            .unwrap_or_else(|| match msg.key.as_deref() {
                Some(k) if !k.is_empty() => key_partition(k, t.partition_count()),
                _ => 0,
            });
        let part = t.partition(partition)?;
        let mut meta = dlq_msg.meta.clone();
        meta.dlq = None;
        meta.replay = Some(ReplayMark {
            dlq_topic: dlq_msg.topic.clone(),
            partition: dlq_msg.partition,
            offset: dlq_msg.offset,
        });
        let record = msg.into_record(&meta, now_ms);
        let a = part.log.append(std::slice::from_ref(&record), now_ms)?;
        part.produced_messages.fetch_add(1, Ordering::Relaxed);
        part.produced_bytes
            .fetch_add(record.value.len() as u64, Ordering::Relaxed);
        Ok(Produced {
            topic: target.to_owned(),
            partition,
            offset: a.base_offset,
            duplicate: false,
        })
    }
}
