//! The property test: random operations against a model; nothing acked is redelivered, everything ends acked or dead-lettered.

use super::*;

// ---- model test ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Produce {
        key: Option<u8>,
        max_attempts: u32,
        delay_ms: Option<u64>,
    },
    Poll {
        owner: u8,
        max: usize,
    },
    Ack {
        pick: usize,
    },
    Nack {
        pick: usize,
    },
    Advance {
        ms: i64,
    },
    Restart,
    Crash,
    Replay,
    Grow,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (proptest::option::of(0u8..4), 0u32..4, proptest::option::weighted(0.2, 1u64..5_000)).prop_map(|(key, max_attempts, delay_ms)| Op::Produce { key, max_attempts, delay_ms }),
        3 => (0u8..2, 1usize..5).prop_map(|(owner, max)| Op::Poll { owner, max }),
        3 => any::<usize>().prop_map(|pick| Op::Ack { pick }),
        2 => any::<usize>().prop_map(|pick| Op::Nack { pick }),
        2 => (1i64..3_000).prop_map(|ms| Op::Advance { ms }),
        1 => Just(Op::Restart),
        1 => Just(Op::Crash),
        1 => Just(Op::Replay),
        1 => Just(Op::Grow),
    ]
}

/// What the model knows: every message, the ones acked, dead-lettered, and the leases the
/// broker handed out (and that are still valid in the model's view).
#[derive(Default)]
struct Model {
    produced: BTreeSet<(u32, u64)>,
    acked: BTreeSet<(u32, u64)>,
    dead: BTreeSet<(u32, u64)>,
    held: Vec<Delivery>,
    max_attempts_seen: BTreeMap<(u32, u64), u32>,
    acks: u64,
}

fn check_delivery(model: &mut Model, d: &Delivery) -> Result<(), TestCaseError> {
    let id = (d.message.partition, d.message.offset);
    prop_assert!(
        !model.acked.contains(&id),
        "acked message {id:?} redelivered"
    );
    prop_assert!(
        !model.dead.contains(&id),
        "dead-lettered message {id:?} redelivered"
    );
    let seen = model.max_attempts_seen.entry(id).or_insert(0);
    prop_assert!(
        d.attempts >= *seen,
        "attempts went down for {id:?}: {} < {}",
        d.attempts,
        seen
    );
    *seen = d.attempts;
    Ok(())
}

fn record_dead(model: &mut Model, h: &Harness) {
    if let Ok(peek) = h.b().dlq_peek("t", 10_000) {
        for m in peek {
            if let Some(o) = m.message.meta.dlq {
                model.dead.insert((o.partition, o.offset));
            }
        }
    }
}

/// The per-message view (`/debug/messages/state`) agrees with the model and with the group's
/// counts: every stored message once, in exactly one state; what is done is `acked`; in flight,
/// retried and queued add up to the lag; each state's filter returns exactly its rows; the DLQ
/// rows are the model's dead-lettered messages.
fn check_message_states(h: &Harness, m: &Model, s: &Stats) -> Result<(), TestCaseError> {
    let query = |state: Option<MessageState>, topic: Option<&'static str>| StateQuery {
        group: "g",
        topic,
        state,
        owner: None,
        limit: MAX_STATE_ROWS,
    };
    let rows = h
        .b()
        .message_states(&query(None, Some("t")), h.now)
        .expect("states");
    let ids: Vec<(u32, u64)> = rows
        .iter()
        .map(|r| (r.message.partition, r.message.offset))
        .collect();
    let unique: BTreeSet<(u32, u64)> = ids.iter().copied().collect();
    prop_assert_eq!(unique.len(), ids.len(), "a message listed twice");
    prop_assert_eq!(&unique, &m.produced);
    let in_state = |st: MessageState| -> BTreeSet<(u32, u64)> {
        rows.iter()
            .filter(|r| r.state == st)
            .map(|r| (r.message.partition, r.message.offset))
            .collect()
    };
    let done: BTreeSet<(u32, u64)> = m.acked.union(&m.dead).copied().collect();
    prop_assert_eq!(in_state(MessageState::Acked), done);
    let g = s
        .groups
        .iter()
        .find(|g| g.topic == "t" && g.group == "g")
        .expect("group g");
    let inflight: u64 = g.partitions.iter().map(|p| p.inflight).sum();
    prop_assert_eq!(in_state(MessageState::InFlight).len() as u64, inflight);
    let outstanding = rows
        .iter()
        .filter(|r| r.state != MessageState::Acked)
        .count() as u64;
    prop_assert_eq!(outstanding, lag(s, "t", "g"));
    // Retried: failed at least once and waiting; every retry still in its backoff is one.
    let waiting: u64 = g.partitions.iter().map(|p| p.waiting_retry).sum();
    prop_assert!(in_state(MessageState::Retried).len() as u64 >= waiting);
    // Delayed: held by the group; every one not due yet is one.
    let delayed: u64 = g.partitions.iter().map(|p| p.delayed).sum();
    prop_assert!(in_state(MessageState::Delayed).len() as u64 >= delayed);
    for r in rows.iter().filter(|r| r.state == MessageState::Delayed) {
        prop_assert!(
            r.message.meta.deliver_at_ms.is_some() && r.attempts == 0,
            "{:?}",
            r
        );
    }
    for r in &rows {
        match r.state {
            MessageState::Retried => {
                prop_assert!(r.attempts >= 1 && r.last_error.is_some(), "{:?}", r);
            }
            MessageState::InFlight => {
                prop_assert!(
                    r.attempts >= 1 && r.owner.is_some() && r.lease_deadline_ms.is_some(),
                    "{:?}",
                    r
                );
            }
            _ => prop_assert!(
                r.owner.is_none() && r.lease_deadline_ms.is_none(),
                "{:?}",
                r
            ),
        }
    }
    for st in [
        MessageState::Queued,
        MessageState::InFlight,
        MessageState::Retried,
        MessageState::Acked,
    ] {
        let only: BTreeSet<(u32, u64)> = h
            .b()
            .message_states(&query(Some(st), Some("t")), h.now)
            .expect("filtered")
            .iter()
            .map(|r| (r.message.partition, r.message.offset))
            .collect();
        prop_assert_eq!(only, in_state(st), "{:?}", st);
    }
    let dead: BTreeSet<(u32, u64)> = h
        .b()
        .message_states(&query(Some(MessageState::DeadLettered), None), h.now)
        .expect("dead")
        .iter()
        .filter_map(|r| r.message.meta.dlq.as_ref().map(|o| (o.partition, o.offset)))
        .collect();
    prop_assert_eq!(&dead, &m.dead);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn model_no_acked_redelivery_everything_ends_acked_or_dead(ops in proptest::collection::vec(op(), 1..60)) {
        let mut h = Harness::new();
        h.topic("t", 2);
        let mut m = Model::default();
        for op in ops {
            match op {
                Op::Produce { key, max_attempts, delay_ms } => {
                    let mut pm = with_policy("v", max_attempts, 50);
                    pm.key = key.map(|k| vec![k]);
                    pm.delay_ms = delay_ms;
                    let (p, o, _) = h.produce("t", pm);
                    m.produced.insert((p, o));
                }
                Op::Poll { owner, max } => {
                    let ds = h.b().poll("t", "g", &format!("o{owner}"), max, 1_000, h.now).and_then(Deferred::wait).expect("poll");
                    for d in ds {
                        check_delivery(&mut m, &d)?;
                        prop_assert!(d.message.meta.deliver_at_ms.is_none_or(|at| at <= h.now), "delivered before its delay passed: {:?}", d);
                        m.held.push(d);
                    }
                }
                Op::Ack { pick } if !m.held.is_empty() => {
                    let d = m.held.remove(pick % m.held.len());
                    if h.ack(&d).is_ok() {
                        m.acked.insert((d.message.partition, d.message.offset));
                        m.acks += 1;
                    }
                }
                Op::Nack { pick } if !m.held.is_empty() => {
                    let d = m.held.remove(pick % m.held.len());
                    let _ = h.b().nack(&lease_ref(&d), "model", NackAction::Retry, h.now);
                    record_dead(&mut m, &h);
                }
                Op::Advance { ms } => {
                    h.tick(ms);
                    record_dead(&mut m, &h);
                }
                Op::Grow => {
                    let now = h.b().topic_meta("t").expect("meta").partitions;
                    if now < 5 {
                        h.b().grow_topic("t", now + 1, h.now).expect("grow");
                    }
                }
                Op::Restart => { h.restart(); m.held.clear(); }
                Op::Crash => { h.crash(); m.held.clear(); }
                Op::Replay => {
                    let items = match h.b().dlq_replay(&ReplayRequest { topic: "t".into(), ..ReplayRequest::default() }, h.now) {
                        Err(BrokerError::TopicNotFound(_)) => Vec::new(), // nothing dead-lettered yet
                        other => other.expect("replay"),
                    };
                    for it in items {
                        if let Some(p) = it.produced {
                            m.produced.insert((p.partition, p.offset));
                        }
                    }
                }
                _ => {}
            }
            // Lag and ack counter agree with the model at every step.
            let s = h.stats();
            let expected_lag = m.produced.len() as u64 - m.acked.len() as u64 - m.dead.len() as u64;
            if s.groups.iter().any(|g| g.group == "g") {
                prop_assert_eq!(lag(&s, "t", "g"), expected_lag);
                let acks: u64 = s.groups.iter().filter(|g| g.topic == "t" && g.group == "g").flat_map(|g| g.partitions.iter().map(|p| p.counters.acks)).sum();
                prop_assert_eq!(acks, m.acks);
                check_message_states(&h, &m, &s)?;
            }
        }
        // Drain: every produced message ends acked or in the DLQ.
        for _ in 0..200 {
            h.tick(60_000);
            record_dead(&mut m, &h);
            let ds = h.b().poll("t", "g", "drain", 100, 1_000, h.now).and_then(Deferred::wait).expect("poll");
            for d in ds {
                check_delivery(&mut m, &d)?;
                h.ack(&d).expect("drain ack");
                m.acked.insert((d.message.partition, d.message.offset));
            }
            if m.acked.len() + m.dead.len() >= m.produced.len() { break; }
        }
        let done: BTreeSet<(u32, u64)> = m.acked.union(&m.dead).copied().collect();
        prop_assert_eq!(done, m.produced.clone());
        if h.b().list_groups().iter().any(|(_, g)| g == "g") {
            prop_assert_eq!(lag(&h.stats(), "t", "g"), 0);
        }
    }
}
