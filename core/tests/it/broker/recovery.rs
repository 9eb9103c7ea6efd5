//! Restarts, crashes and power loss: nothing acknowledged is lost, snapshots bound the state log, a restart gives the same state.

use super::*;

#[test]
fn a_failed_fdatasync_refuses_produce_until_restart_and_loses_nothing_acknowledged() {
    let failing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&failing);
    let mut h = Harness::with(move |c| {
        c.durability = Durability::Always;
        c.sync_fault = Some(driftq_core::storage::SyncFault(std::sync::Arc::new(
            move |_, _| {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    Err(std::io::Error::other("injected EIO"))
                } else {
                    Ok(())
                }
            },
        )));
    });
    h.topic("t", 2);
    h.produce("t", msg("kept"));
    failing.store(true, std::sync::atomic::Ordering::SeqCst);
    let on = |partition: u32, value: &str| ProduceMessage {
        partition: Some(partition),
        ..msg(value)
    };
    let err = h
        .try_produce("t", on(0, "lost"))
        .expect_err("the fdatasync failed");
    assert_eq!(err.code(), "INTERNAL");
    assert!(err.to_string().contains("injected EIO"), "{err}");
    assert!(!err.to_string().contains("invalid batch"), "{err}");
    // The same through the async path the server takes: appended, then the wait fails.
    let err = crate::pool::block_on(
        h.b()
            .produce("t", vec![on(1, "lost too")], h.now)
            .durable(h.b()),
    )
    .pop()
    .expect("one result")
    .expect_err("the fdatasync failed");
    assert_eq!(err.code(), "INTERNAL");
    assert!(err.to_string().contains("injected EIO"), "{err}");
    failing.store(false, std::sync::atomic::Ordering::SeqCst);
    assert!(
        h.try_produce("t", msg("after"))
            .expect_err("sticky")
            .to_string()
            .contains("refuses writes"),
        "a partition whose fdatasync failed never acknowledges again before a restart"
    );
    // Reads go on: what was acknowledged is delivered, nothing else.
    let got = h.poll("t", "g", "w", 10);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message.value, b"kept");
    h.crash();
    h.produce("t", msg("after restart"));
    let values: Vec<_> = h
        .poll("t", "g2", "w", 10)
        .into_iter()
        .map(|d| d.message.value)
        .collect();
    // (What the failed fdatasyncs wrote may be back too: this crash keeps the page cache.)
    assert!(values.iter().any(|v| v == b"kept"), "{values:?}");
    assert!(values.iter().any(|v| v == b"after restart"), "{values:?}");
}

/// Power loss under load (see `power.rs`): producers, an acking consumer and a ticker writing
/// state snapshots run against one broker; at a moment mid-load the acknowledged produces and acks are taken, then every log
/// (partitions and state) is cut back to what its fdatasyncs covered. After reopening, every
/// acknowledged produce is readable, no acknowledged ack is undone, and every other message
/// comes back.
#[test]
fn power_loss_keeps_acknowledged_produces_and_acks() {
    for seed in [None, Some(3), Some(11)] {
        let power = crate::power::PowerLoss::default();
        let mut h = Harness::with(|c| {
            c.durability = Durability::Always;
            c.segment_bytes = 8 * 1024;
            c.snapshot_every = 50;
            c.sync_fault = Some(power.hook());
        });
        h.topic("p", 2);
        let (produced, acked, attempted, synced) = load_until_the_plug_is_pulled(&h, &power);
        assert!(produced.len() >= 400 && acked.len() >= 120, "load ran");
        // The crash, then what the disk kept.
        h.broker = None;
        let root = h.dir.path().to_path_buf();
        let first_state_segment = std::fs::read_dir(root.join("state"))
            .expect("ls state")
            .filter_map(|e| e.expect("entry").file_name().into_string().ok())
            .filter(|n| n.ends_with(".log"))
            .min()
            .expect("a state segment");
        assert_ne!(
            first_state_segment, "00000000000000000000.log",
            "snapshots dropped the state log's start"
        );
        crate::power::PowerLoss::cut(&root.join("state"), &synced, seed);
        for p in 0..2 {
            crate::power::PowerLoss::cut(&root.join("topics/p").join(p.to_string()), &synced, seed);
        }
        h.now += 1_000;
        h.broker =
            Some(Broker::open(h.config.clone(), None, h.now).expect("reopen after power loss"));
        check_nothing_acknowledged_was_lost(&h, seed, &produced, &acked, &attempted);
    }
}

#[test]
fn snapshot_bounds_the_state_log_and_restart_replays_the_tail() {
    let mut h = Harness::with(|c| c.snapshot_every = 50);
    h.topic("t", 2);
    for i in 0..200 {
        h.produce("t", msg(&i.to_string()));
    }
    for _ in 0..20 {
        for d in h.poll("t", "g", "o", 7) {
            h.ack(&d).expect("ack");
        }
        h.tick(1);
    }
    let state_dir = h.dir.path().join("state");
    let before = h.stats();
    let logs = std::fs::read_dir(&state_dir)
        .expect("state dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "log"))
        })
        .count();
    assert!(
        logs <= 2,
        "old state segments are deleted after a snapshot ({logs})"
    );
    h.restart();
    assert_eq!(kept(&h.stats().groups), kept(&before.groups));
}

/// What a restart keeps of the groups: everything but who polled lately (memory only, like
/// leases).
fn kept(groups: &[GroupStats]) -> Vec<GroupStats> {
    groups
        .iter()
        .map(|g| GroupStats {
            last_poll_age_ms: None,
            last_owner: None,
            consumers: Vec::new(),
            ..g.clone()
        })
        .collect()
}

fn delivery_key(d: &Delivery) -> (u32, u64, u32) {
    (d.message.partition, d.message.offset, d.attempts)
}

#[test]
fn restart_equivalence_same_stats_and_next_deliveries() {
    let mut h = Harness::new();
    h.topic("t", 3);
    for i in 0..30 {
        h.produce("t", with_policy(&i.to_string(), 3, 100));
    }
    let ds = h.poll("t", "g", "o", 12);
    for d in ds.iter().step_by(2) {
        h.ack(d).expect("ack");
    }
    for d in ds.iter().skip(1).step_by(4) {
        h.b()
            .nack(&lease_ref(d), "x", NackAction::RetryAfter(0), h.now)
            .expect("nack");
    }
    // Give back the remaining leases so the comparison is not about leases (never restored).
    h.tick(1_001);
    let before = h.stats();
    let next_before: Vec<_> = h
        .b()
        .poll("t", "g2", "p", 50, 1_000, h.now)
        .and_then(Deferred::wait)
        .expect("poll")
        .iter()
        .map(delivery_key)
        .collect();
    h.restart();
    let after = h.stats();
    assert_eq!(
        kept(&after.groups).iter().find(|g| g.group == "g"),
        kept(&before.groups).iter().find(|g| g.group == "g")
    );
    let next_after: Vec<_> = h.poll("t", "g", "o", 50).iter().map(delivery_key).collect();
    h.crash();
    let next_after_crash: Vec<_> = h.poll("t", "g", "o", 50).iter().map(delivery_key).collect();
    assert_eq!(next_after, next_after_crash);
    assert!(!next_before.is_empty());
}

#[test]
fn a_power_loss_after_a_dead_letter_burst_keeps_every_copy_the_source_counts_done() {
    for seed in [None, Some(5)] {
        let power = crate::power::PowerLoss::default();
        let mut h = Harness::with(|c| {
            c.durability = Durability::Always;
            c.sync_fault = Some(power.hook());
        });
        h.topic("t", 1);
        for i in 0..30 {
            h.produce("t", with_policy(&format!("job {i}"), 1, 0));
        }
        assert_eq!(h.poll("t", "g", "gone", 100).len(), 30);
        h.now += 2_000;
        assert_eq!(h.b().tick(h.now).expect("tick").dead_lettered, 30);
        let synced = power.synced();
        h.broker = None;
        let root = h.dir.path().to_path_buf();
        for dir in ["state", "topics/t/0", "topics/dlq.t/0"] {
            crate::power::PowerLoss::cut(&root.join(dir), &synced, seed);
        }
        h.broker = Some(Broker::open(h.config.clone(), None, h.now).expect("reopen"));
        assert!(
            h.poll("t", "g", "after", 100).is_empty(),
            "{seed:?}: the source counts all 30 done"
        );
        let dead = values(&h.poll("dlq.t", "ops", "c", 100));
        let expected: Vec<String> = (0..30).map(|i| format!("job {i}")).collect();
        assert_eq!(dead, expected, "{seed:?}: so the DLQ holds every one");
    }
}

type Acked = BTreeSet<(u32, u64)>;
type ProducedValues = std::collections::BTreeMap<(u32, u64), Vec<u8>>;

/// Three producers, an acking consumer and a ticker against `h`'s broker until enough is
/// acknowledged; returns what was acknowledged (produces, acks), what was attempted, and what
/// the fdatasyncs covered at that moment.
fn load_until_the_plug_is_pulled(
    h: &Harness,
    power: &crate::power::PowerLoss,
) -> (
    ProducedValues,
    Acked,
    Acked,
    std::collections::HashMap<std::path::PathBuf, u64>,
) {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    let produced: Mutex<BTreeMap<(u32, u64), Vec<u8>>> = Mutex::default();
    let acked: Mutex<BTreeSet<(u32, u64)>> = Mutex::default();
    let attempted: Mutex<BTreeSet<(u32, u64)>> = Mutex::default();
    let stop = AtomicBool::new(false);
    let stop_ticks = AtomicBool::new(false);
    let (now, b) = (h.now, h.b());
    let snapshot = std::thread::scope(|s| {
        for t in 0..3 {
            let (produced, stop) = (&produced, &stop);
            s.spawn(move || {
                for i in 0..600 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let value = format!("t{t}-{i}-{}", "v".repeat(200)).into_bytes();
                    let messages = vec![msg_bytes(value.clone())];
                    // One producer waits the way the server's handlers do.
                    let r = if t == 0 {
                        crate::pool::block_on(b.produce("p", messages, now).durable(b))
                    } else {
                        b.produce("p", messages, now).wait(b)
                    }
                    .pop()
                    .expect("one")
                    .expect("produce");
                    produced
                        .lock()
                        .expect("lock")
                        .insert((r.partition, r.offset), value);
                }
            });
        }
        {
            let (acked, attempted, stop) = (&acked, &attempted, &stop);
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    for d in b
                        .poll("p", "g", "w", 20, 600_000, now)
                        .and_then(Deferred::wait)
                        .expect("poll")
                    {
                        let id = (d.message.partition, d.message.offset);
                        if id.1 % 2 == 0 {
                            attempted.lock().expect("lock").insert(id);
                            if id.1 % 4 == 0 {
                                let deferred = b.ack(&lease_ref(&d), now).expect("ack");
                                crate::pool::block_on(deferred.durable()).expect("ack durable");
                            } else {
                                b.ack(&lease_ref(&d), now)
                                    .and_then(Deferred::wait)
                                    .expect("ack");
                            }
                            acked.lock().expect("lock").insert(id);
                        }
                    }
                }
            });
        }
        // Ticks write snapshots (every 50 state records) and drop the state log before them.
        // They stop before the plug is pulled: a file deleted after that moment would not
        // be missing from a real disk that lost power at it.
        let ticker = {
            let stop_ticks = &stop_ticks;
            s.spawn(move || {
                while !stop_ticks.load(Ordering::Relaxed) {
                    b.tick(now).expect("tick");
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
            })
        };
        let mut waited = 0;
        while (produced.lock().expect("lock").len() < 400
            || acked.lock().expect("lock").len() < 120)
            && waited < 20_000
        {
            std::thread::sleep(std::time::Duration::from_millis(1));
            waited += 1;
        }
        stop_ticks.store(true, Ordering::Relaxed);
        ticker.join().expect("ticker");
        // Acknowledgements first, durable lengths second: every one is covered.
        let taken = (
            produced.lock().expect("lock").clone(),
            acked.lock().expect("lock").clone(),
            power.synced(),
        );
        stop.store(true, Ordering::Relaxed);
        taken
    });
    let (produced, acked, synced) = snapshot;
    let attempted = attempted.into_inner().expect("lock");
    (produced, acked, attempted, synced)
}

/// After the reopen: every acknowledged produce is readable, no acknowledged ack is undone,
/// every other message comes back.
fn check_nothing_acknowledged_was_lost(
    h: &Harness,
    seed: Option<u64>,
    produced: &ProducedValues,
    acked: &Acked,
    attempted: &Acked,
) {
    for ((p, o), value) in produced {
        let got = h
            .b()
            .read("p", *p, ReadFrom::Offset(*o), 1, 1 << 20)
            .expect("read");
        assert_eq!(
            got.first().map(|m| (m.offset, &m.value)),
            Some((*o, value)),
            "{seed:?}: acknowledged produce {p}/{o} lost"
        );
    }
    let mut back = BTreeSet::new();
    loop {
        let got = h.poll("p", "g", "after", 1000);
        if got.is_empty() {
            break;
        }
        for d in got {
            let id = (d.message.partition, d.message.offset);
            assert!(!acked.contains(&id), "{seed:?}: acked {id:?} redelivered");
            back.insert(id);
        }
    }
    for (p, o) in produced.keys() {
        assert!(
            back.contains(&(*p, *o)) || attempted.contains(&(*p, *o)),
            "{seed:?}: unacked {p}/{o} did not come back"
        );
    }
}
