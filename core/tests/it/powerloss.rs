//! Power loss on a strict POSIX file system at every kind of moment: a broker workload (topics
//! created and deleted, produces across segment rolls, acks, snapshots) runs with
//! [`StrictDisk`] watching; at a chosen event the data directory is copied as such a disk would
//! come back, the broker is opened on the copy, and everything acknowledged before that event
//! must be there. `DRIFTQ_CRASH_POINTS=N` sets how many events are tried (default 120; the
//! points are spread over the whole run).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use driftq_core::broker::{Broker, BrokerConfig, Deferred, LeaseRef, ProduceMessage, ReadFrom};
use driftq_core::storage::Durability;

use crate::power::StrictDisk;

/// What the workload was told was done, in order.
#[derive(Debug, Clone)]
enum Done {
    Created(&'static str),
    Deleted(&'static str),
    Produced {
        topic: &'static str,
        partition: u32,
        offset: u64,
        value: Vec<u8>,
    },
    Acked {
        topic: &'static str,
        partition: u32,
        offset: u64,
    },
}

struct Log {
    done: Vec<Done>,
    counted: Arc<AtomicUsize>,
}

impl Log {
    fn push(&mut self, d: Done) {
        self.done.push(d);
        self.counted.store(self.done.len(), Ordering::SeqCst);
    }
}

const NOW: i64 = 1_700_000_000_000;

fn config(dir: &std::path::Path, disk: Option<&StrictDisk>) -> BrokerConfig {
    let mut c = BrokerConfig::new(dir);
    c.durability = Durability::Always;
    c.segment_bytes = 2 * 1024;
    c.snapshot_every = 20;
    if let Some(d) = disk {
        c.sync_fault = Some(d.sync_fault());
        c.fs_watch = Some(d.fs_watch());
    }
    c
}

fn produce(b: &Broker, log: &mut Log, topic: &'static str, n: usize) {
    for i in 0..n {
        let value = format!("{topic}-{i}-{}", "x".repeat(150)).into_bytes();
        let msg = ProduceMessage {
            value: value.clone(),
            ..ProduceMessage::default()
        };
        let r = b
            .produce(topic, vec![msg], NOW)
            .wait(b)
            .pop()
            .expect("one result")
            .expect("produce");
        log.push(Done::Produced {
            topic,
            partition: r.partition,
            offset: r.offset,
            value,
        });
    }
}

fn consume(b: &Broker, log: &mut Log, topic: &'static str, max: usize) {
    for d in b
        .poll(topic, "g", "w", max, 600_000, NOW)
        .and_then(Deferred::wait)
        .expect("poll")
    {
        if d.message.offset % 2 == 0 {
            let lease = LeaseRef {
                topic,
                group: "g",
                owner: "w",
                partition: d.message.partition,
                offset: d.message.offset,
            };
            b.ack(&lease, NOW).and_then(Deferred::wait).expect("ack");
            log.push(Done::Acked {
                topic,
                partition: d.message.partition,
                offset: d.message.offset,
            });
        }
    }
}

/// A small deterministic generator (xorshift64*): the workload is a function of its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// Topics a workload uses: `r` deletes old segments past 3 KiB (retention).
const NAMES: [&str; 4] = ["a", "b", "c", "r"];

fn workload(b: &Broker, log: &mut Log, seed: u64) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut live: BTreeSet<&'static str> = BTreeSet::new();
    for _ in 0..14 {
        let name = NAMES[rng.below(NAMES.len() as u64) as usize];
        match rng.below(10) {
            0 | 1 if !live.contains(name) => {
                let retention = (name == "r").then_some(3 * 1024);
                let partitions = 1 + rng.below(2) as u32;
                b.create_topic(name, partitions, None, retention, NOW)
                    .expect("create");
                live.insert(name);
                log.push(Done::Created(name));
            }
            2 if live.contains(name) && name != "a" => {
                b.delete_topic(name, NOW).expect("delete");
                live.remove(name);
                log.push(Done::Deleted(name));
            }
            3 => {
                b.tick(NOW).expect("tick");
            }
            4 | 5 if live.contains(name) => consume(b, log, name, 1 + rng.below(8) as usize),
            _ if live.contains(name) => produce(b, log, name, 1 + rng.below(8) as usize),
            _ => {
                if !live.contains("a") {
                    b.create_topic("a", 2, None, None, NOW).expect("create a");
                    live.insert("a");
                    log.push(Done::Created("a"));
                }
                produce(b, log, "a", 3);
            }
        }
    }
}

/// Opens the image and checks that everything in `done` is there. `later`: what the whole run
/// did — an operation in flight at the crash (a delete) may have taken effect.
fn check(image: &std::path::Path, done: &[Done], later: &[Done], point: &str) {
    let deleted_ever = |t: &str| {
        later
            .iter()
            .any(|x| matches!(x, Done::Deleted(d) if *d == t))
    };
    let b = Broker::open(config(image, None), None, NOW + 1)
        .unwrap_or_else(|e| panic!("crash point {point}: the broker does not open the image: {e}"));
    let topics: BTreeSet<String> = b.list_topics().into_iter().collect();
    let mut acked: BTreeSet<(&str, u32, u64)> = BTreeSet::new();
    for d in done {
        match d {
            Done::Created(t) => assert!(
                topics.contains(*t) || deleted_ever(t),
                "crash point {point}: acknowledged topic {t} is gone"
            ),
            Done::Deleted(t) => assert!(
                !topics.contains(*t),
                "crash point {point}: deleted topic {t} came back"
            ),
            Done::Produced {
                topic,
                partition,
                offset,
                value,
            } => {
                // Deleted later (maybe by a delete in flight at the crash), or a recreated
                // topic's earlier life: nothing to find.
                if deleted_ever(topic) {
                    continue;
                }
                let got = b
                    .read(topic, *partition, ReadFrom::Offset(*offset), 1, 1 << 20)
                    .unwrap_or_else(|e| panic!("crash point {point}: read {topic}: {e}"));
                if *topic == "r" && got.first().is_some_and(|m| m.offset > *offset) {
                    continue; // retention deleted it, as it may
                }
                assert_eq!(
                    got.first().map(|m| (m.offset, &m.value)),
                    Some((*offset, value)),
                    "crash point {point}: acknowledged produce {topic}/{partition}@{offset} lost"
                );
            }
            Done::Acked {
                topic,
                partition,
                offset,
            } => {
                acked.insert((topic, *partition, *offset));
            }
        }
    }
    for topic in NAMES {
        if !topics.contains(topic) || deleted_ever(topic) {
            continue;
        }
        loop {
            let got = b
                .poll(topic, "g", "after", 1_000, 600_000, NOW + 1)
                .and_then(Deferred::wait)
                .expect("poll");
            if got.is_empty() {
                break;
            }
            for d in got {
                let id = (topic, d.message.partition, d.message.offset);
                assert!(
                    !acked.contains(&id),
                    "crash point {point}: acked {id:?} delivered again"
                );
            }
        }
    }
}

fn run(seed: u64, point: Option<usize>) -> (StrictDisk, Vec<Done>, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (data, attic, image) = (
        tmp.path().join("data"),
        tmp.path().join("attic"),
        tmp.path().join("image"),
    );
    std::fs::create_dir_all(&attic).expect("attic");
    let counted = Arc::new(AtomicUsize::new(0));
    let disk = StrictDisk::new(&data, &attic, &image, point, Arc::clone(&counted));
    let b = Broker::open(config(&data, Some(&disk)), None, NOW).expect("open");
    let mut log = Log {
        done: Vec::new(),
        counted,
    };
    workload(&b, &mut log, seed);
    drop(b);
    (disk, log.done, tmp)
}

#[test]
fn a_power_loss_at_any_event_keeps_everything_acknowledged_on_a_strict_file_system() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (seeds, points) = (
        env("DRIFTQ_CRASH_SEEDS", 4),
        env("DRIFTQ_CRASH_POINTS", 120),
    );
    let mut tried = 0;
    for seed in 0..seeds as u64 {
        let (dry, _, _) = run(seed, None);
        let events = dry.events();
        let want = points.min(events);
        for i in 0..want {
            // Spread over the run; every event once when there are as many points as events.
            let point = 1 + i * events / want;
            let (disk, done, tmp) = run(seed, Some(point));
            let Some(n) = disk.acknowledged_at_crash() else {
                panic!("seed {seed}: the run ended before event {point} of {events}");
            };
            let at = format!("{point} of seed {seed}");
            check(&tmp.path().join("image"), &done[..n], &done, &at);
            tried += 1;
        }
    }
    assert!(tried >= seeds * 40, "{tried} crash points tried");
    eprintln!("{tried} crash points over {seeds} workloads: everything acknowledged was there");
}
