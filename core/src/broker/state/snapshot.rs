//! The snapshot record (type 10): the whole state at one moment, so a restart replays only the
//! state log after it. Its layout is drawn in the parent module's docs.

use super::{
    CodecError, Counters, Reader, RetryEntry, RetryPolicy, TopicMeta, TopicOrdering, Writer,
    get_policy, get_topic, put_policy, put_topic,
};

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct GroupPartitionSnapshot {
    pub floor: u64,
    pub acked: Vec<u64>,
    pub retries: Vec<(u64, RetryEntry)>,
    pub counters: Counters,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct GroupSnapshot {
    pub topic: String,
    pub group: String,
    pub partitions: Vec<GroupPartitionSnapshot>,
    /// Consumer-side idempotency scopes this group acked, with their expiry.
    pub committed_keys: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Snapshot {
    pub topics: Vec<TopicMeta>,
    pub groups: Vec<GroupSnapshot>,
    /// (scope, partition, offset, expires_ms)
    pub producer_keys: Vec<(String, u32, u64, i64)>,
    /// (dlq topic, partition, offset, moved)
    pub replayed: Vec<(String, u32, u64, bool)>,
}

fn put_counters(w: &mut Writer, c: &Counters) {
    for v in [
        c.acks,
        c.nacks,
        c.lease_timeouts,
        c.redeliveries,
        c.dead_lettered,
        c.skipped_duplicates,
        c.skipped_by_retention,
        c.exhausted,
    ] {
        w.u64(v);
    }
}

fn get_counters(r: &mut Reader<'_>) -> Result<Counters, CodecError> {
    Ok(Counters {
        acks: r.u64()?,
        nacks: r.u64()?,
        lease_timeouts: r.u64()?,
        redeliveries: r.u64()?,
        dead_lettered: r.u64()?,
        skipped_duplicates: r.u64()?,
        skipped_by_retention: r.u64()?,
        exhausted: r.u64()?,
        // Carried by the snapshot's last section (older snapshots did not count them apart).
        dead_letter_nacks: 0,
    })
}

/// `| u32 n topics | topics | u32 n groups | groups | u32 n keys | keys | u32 n replayed | … |`
pub(super) fn put_snapshot(w: &mut Writer, s: &Snapshot) {
    w.count(s.topics.len());
    for t in &s.topics {
        put_topic(w, t);
    }
    w.count(s.groups.len());
    for g in &s.groups {
        w.str(&g.topic).str(&g.group).count(g.partitions.len());
        for p in &g.partitions {
            w.u64(p.floor).u64s(&p.acked).count(p.retries.len());
            for (offset, e) in &p.retries {
                w.u64(*offset)
                    .u32(e.attempts)
                    .i64(e.next_eligible_ms)
                    .strs(&e.errors);
            }
            put_counters(w, &p.counters);
        }
        w.count(g.committed_keys.len());
        for (k, exp) in &g.committed_keys {
            w.str(k).i64(*exp);
        }
    }
    w.count(s.producer_keys.len());
    for (scope, p, o, exp) in &s.producer_keys {
        w.str(scope).u32(*p).u64(*o).i64(*exp);
    }
    w.count(s.replayed.len());
    for (t, p, o, moved) in &s.replayed {
        w.str(t).u32(*p).u64(*o).bool(*moved);
    }
    let with_policy: Vec<(&str, &RetryPolicy)> = s
        .topics
        .iter()
        .filter_map(|t| Some((t.name.as_str(), t.retry.as_ref()?)))
        .collect();
    w.count(with_policy.len());
    for (topic, p) in with_policy {
        w.str(topic);
        put_policy(w, p);
    }
    let ordered: Vec<&str> = s
        .topics
        .iter()
        .filter(|t| t.ordering == TopicOrdering::Key)
        .map(|t| t.name.as_str())
        .collect();
    w.count(ordered.len());
    for topic in ordered {
        w.str(topic);
    }
    let nacked: Vec<(&GroupSnapshot, usize, u64)> = s
        .groups
        .iter()
        .flat_map(|g| {
            g.partitions
                .iter()
                .enumerate()
                .filter(|(_, p)| p.counters.dead_letter_nacks > 0)
                .map(move |(i, p)| (g, i, p.counters.dead_letter_nacks))
        })
        .collect();
    w.count(nacked.len());
    for (g, partition, count) in nacked {
        w.str(&g.topic)
            .str(&g.group)
            .u32(u32::try_from(partition).unwrap_or(u32::MAX))
            .u64(count);
    }
}

pub(super) fn get_snapshot(r: &mut Reader<'_>) -> Result<Snapshot, CodecError> {
    let mut s = Snapshot::default();
    for _ in 0..r.count()? {
        s.topics.push(get_topic(r)?);
    }
    for _ in 0..r.count()? {
        let mut g = GroupSnapshot {
            topic: r.str()?,
            group: r.str()?,
            ..GroupSnapshot::default()
        };
        for _ in 0..r.count()? {
            let mut p = GroupPartitionSnapshot {
                floor: r.u64()?,
                acked: r.u64s()?,
                ..Default::default()
            };
            for _ in 0..r.count()? {
                let offset = r.u64()?;
                p.retries.push((
                    offset,
                    RetryEntry {
                        attempts: r.u32()?,
                        next_eligible_ms: r.i64()?,
                        errors: r.strs()?,
                    },
                ));
            }
            p.counters = get_counters(r)?;
            g.partitions.push(p);
        }
        for _ in 0..r.count()? {
            g.committed_keys.push((r.str()?, r.i64()?));
        }
        s.groups.push(g);
    }
    for _ in 0..r.count()? {
        s.producer_keys
            .push((r.str()?, r.u32()?, r.u64()?, r.i64()?));
    }
    for _ in 0..r.count()? {
        s.replayed.push((r.str()?, r.u32()?, r.u64()?, r.bool()?));
    }
    // Absent from snapshots written before topics had retry policies.
    if !r.is_done() {
        for _ in 0..r.count()? {
            let topic = r.str()?;
            let policy = get_policy(r)?;
            if let Some(t) = s.topics.iter_mut().find(|t| t.name == topic) {
                t.retry = Some(policy);
            }
        }
    }
    // Absent from snapshots written before topics had an ordering.
    if !r.is_done() {
        for _ in 0..r.count()? {
            let topic = r.str()?;
            if let Some(t) = s.topics.iter_mut().find(|t| t.name == topic) {
                t.ordering = TopicOrdering::Key;
            }
        }
    }
    // Absent from snapshots written before dead-letter nacks were counted apart.
    if !r.is_done() {
        for _ in 0..r.count()? {
            let (topic, group, partition, count) = (r.str()?, r.str()?, r.u32()?, r.u64()?);
            if let Some(p) = s
                .groups
                .iter_mut()
                .find(|g| g.topic == topic && g.group == group)
                .and_then(|g| g.partitions.get_mut(partition as usize))
            {
                p.counters.dead_letter_nacks = count;
            }
        }
    }
    Ok(s)
}
