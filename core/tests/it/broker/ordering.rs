//! Topics ordered by key: one message per key outstanding, in order, across restarts; its property test.

use super::*;

#[test]
fn a_topic_ordered_by_key_hands_out_each_keys_messages_one_at_a_time_in_order_across_restarts() {
    for snapshot_every in [100_000, 1] {
        let mut h = ordered_and_plain_topics_after_restarts(snapshot_every);
        let first = h.poll("o", "g", "c", 10);
        assert_eq!(
            values(&first),
            ["a1", "b1", "x1", "x2"],
            "one per key; keyless messages are not ordered"
        );
        assert!(h.poll("o", "g", "c2", 10).is_empty());
        assert!(
            h.b().waits_on_settling("o", "g"),
            "a consumer that found nothing waits for an ack to let a key's next message go"
        );
        assert!(!h.b().waits_on_settling("o", "g-never-polled"));
        assert_eq!(
            (
                group_partition_of_o(&h).blocked_by_key,
                group_partition_of_o(&h).ready,
                group_partition_of_o(&h).inflight
            ),
            (3, 0, 4)
        );
        assert_eq!(blocked_offsets_of_o(&h), [1, 3, 4]);
        // A failed head is retried before the next message of its key.
        h.b()
            .nack(
                &lease_ref(&first[0]),
                "boom",
                NackAction::RetryAfter(0),
                h.now,
            )
            .expect("nack");
        let again = h.poll("o", "g", "c", 10);
        assert_eq!(values(&again), ["a1"]);
        assert_eq!(again[0].attempts, 2);
        h.ack(&again[0]).expect("ack a1");
        assert_eq!(group_partition_of_o(&h).ready, 1, "a2 is released");
        let next = h.poll("o", "g", "c", 10);
        assert_eq!(values(&next), ["a2"]);
        // A restart forgets the leases, not the order: a2 and b1 come back, a3 and b2 wait.
        h.crash();
        let back = h.poll("o", "g", "c", 10);
        assert_eq!(values(&back), ["a2", "b1", "x1", "x2"]);
        assert_eq!(blocked_offsets_of_o(&h), [3, 4]);
        // A dead-lettered head releases its key's next message too.
        h.b()
            .nack(
                &lease_ref(&back[0]),
                "poison",
                NackAction::DeadLetter,
                h.now,
            )
            .expect("dead-letter a2");
        for d in &back[1..] {
            h.ack(d).expect("ack");
        }
        let last = h.poll("o", "g", "c", 10);
        assert_eq!(values(&last), ["a3", "b2"]);
        for d in &last {
            h.ack(d).expect("ack");
        }
        // Another group keeps its own order.
        assert_eq!(
            values(&h.poll("o", "other", "c", 10)),
            ["a1", "b1", "x1", "x2"]
        );
        // A delayed head holds its key back until it is delivered and done.
        let delayed = ProduceMessage {
            delay_ms: Some(1_000),
            ..keyed("c", "c1")
        };
        h.produce("o", delayed);
        h.produce("o", keyed("c", "c2"));
        assert!(h.poll("o", "g", "c", 10).is_empty());
        h.tick(1_000);
        let c1 = h.poll("o", "g", "c", 10);
        assert_eq!(values(&c1), ["c1"]);
        h.ack(&c1[0]).expect("ack c1");
        assert_eq!(values(&h.poll("o", "g", "c", 10)), ["c2"]);
        // A seek starts the order over from the new position.
        h.b()
            .seek("o", "g", None, SeekTo::Start, true, h.now)
            .expect("seek");
        assert_eq!(
            values(&h.poll("o", "g", "c", 10)),
            ["a1", "b1", "x1", "x2", "c1"]
        );
    }
}

#[test]
fn a_delayed_message_released_by_its_keys_head_still_waits_for_its_time() {
    let mut h = Harness::new();
    ordered_topic(&h, "o", 1);
    h.produce("o", keyed("k", "first"));
    h.produce(
        "o",
        ProduceMessage {
            delay_ms: Some(5_000),
            ..keyed("k", "later")
        },
    );
    let first = h.poll("o", "g", "c", 10);
    assert_eq!(values(&first), ["first"]);
    h.ack(&first[0]).expect("ack");
    assert!(h.poll("o", "g", "c", 10).is_empty(), "released, not due");
    h.tick(5_000);
    assert_eq!(values(&h.poll("o", "g", "c", 10)), ["later"]);
}

#[derive(Debug, Clone)]
enum OrderOp {
    Produce(Option<u8>),
    Poll(u8, usize),
    Ack(usize),
    Nack(usize),
    DeadLetter(usize),
    Expire,
    Restart,
    Crash,
}

fn order_op() -> impl Strategy<Value = OrderOp> {
    prop_oneof![
        6 => prop::option::weighted(0.8, 0u8..4).prop_map(OrderOp::Produce),
        4 => (0u8..3, 1usize..6).prop_map(|(o, m)| OrderOp::Poll(o, m)),
        4 => (0usize..16).prop_map(OrderOp::Ack),
        1 => (0usize..16).prop_map(OrderOp::Nack),
        1 => (0usize..16).prop_map(OrderOp::DeadLetter),
        1 => Just(OrderOp::Expire),
        1 => Just(OrderOp::Restart),
        1 => Just(OrderOp::Crash),
    ]
}

/// What the ordering test knows: each message's key and whether it is done.
#[derive(Default)]
struct OrderModel {
    keys: BTreeMap<(u32, u64), Option<u8>>,
    done: BTreeSet<(u32, u64)>,
    held: Vec<Delivery>,
}

impl OrderModel {
    /// Every earlier message of a delivery's key (in its partition) is done.
    fn check(&self, d: &Delivery) -> Result<(), TestCaseError> {
        let (p, o) = (d.message.partition, d.message.offset);
        let Some(key) = self.keys.get(&(p, o)).copied().flatten() else {
            return Ok(());
        };
        for (&(pp, oo), k) in self.keys.range((p, 0)..(p, o)) {
            prop_assert!(
                pp != p || *k != Some(key) || self.done.contains(&(pp, oo)),
                "{p}/{o} (key {key}) delivered while {pp}/{oo} of the same key is not done"
            );
        }
        Ok(())
    }

    fn take(&mut self, i: usize) -> Option<Delivery> {
        (!self.held.is_empty()).then(|| {
            let i = i % self.held.len();
            self.held.swap_remove(i)
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
    ))]
    #[test]
    fn ordered_by_key_never_delivers_a_message_before_its_keys_earlier_ones_are_done(
        ops in proptest::collection::vec(order_op(), 1..80),
    ) {
        let mut h = Harness::with(|c| c.snapshot_every = 7);
        ordered_topic(&h, "o", 2);
        let mut m = OrderModel::default();
        for op in ops {
            match op {
                OrderOp::Produce(key) => {
                    let message = match key {
                        Some(k) => keyed(&format!("k{k}"), "v"),
                        None => msg("v"),
                    };
                    let (p, o, _) = h.produce("o", message);
                    m.keys.insert((p, o), key);
                }
                OrderOp::Poll(owner, max) => {
                    for d in h.poll("o", "g", &format!("c{owner}"), max) {
                        m.check(&d)?;
                        m.held.push(d);
                    }
                }
                OrderOp::Ack(i) => {
                    if let Some(d) = m.take(i) && h.ack(&d).is_ok() {
                        m.done.insert((d.message.partition, d.message.offset));
                    }
                }
                OrderOp::Nack(i) => {
                    if let Some(d) = m.take(i) {
                        let _ = h.b().nack(&lease_ref(&d), "no", NackAction::RetryAfter(0), h.now);
                    }
                }
                OrderOp::DeadLetter(i) => {
                    if let Some(d) = m.take(i)
                        && h.b().nack(&lease_ref(&d), "no", NackAction::DeadLetter, h.now).is_ok()
                    {
                        m.done.insert((d.message.partition, d.message.offset));
                    }
                }
                OrderOp::Expire => h.tick(1_001),
                OrderOp::Restart => { h.restart(); m.held.clear(); }
                OrderOp::Crash => { h.crash(); m.held.clear(); }
            }
        }
        // Nothing stays blocked: acking whatever comes delivers every message in the end.
        for _ in 0..=m.keys.len() {
            h.tick(1_001);
            let ds = h.poll("o", "g", "drain", 100);
            if ds.is_empty() {
                break;
            }
            for d in ds {
                m.check(&d)?;
                h.ack(&d).map_err(|e| TestCaseError::fail(e.to_string()))?;
                m.done.insert((d.message.partition, d.message.offset));
            }
        }
        prop_assert_eq!(m.done.len(), m.keys.len(), "every message done");
        let s = h.stats();
        let g = s.groups.iter().find(|g| g.group == "g");
        prop_assert!(g.is_none_or(|g| g.partitions.iter().all(|p| p.lag == 0 && p.blocked_by_key == 0)));
    }
}

/// Topic `o` ordered by key and `plain` not, with the same keyed messages (and two keyless
/// ones in `o`), restarted and crashed once: the ordering survives both.
fn ordered_and_plain_topics_after_restarts(snapshot_every: u64) -> Harness {
    let mut h = Harness::with(|c| c.snapshot_every = snapshot_every);
    ordered_topic(&h, "o", 1);
    h.topic("plain", 1);
    for (k, v) in [
        ("a", "a1"),
        ("a", "a2"),
        ("b", "b1"),
        ("a", "a3"),
        ("b", "b2"),
    ] {
        h.produce("o", keyed(k, v));
        h.produce("plain", keyed(k, v));
    }
    h.produce("o", msg("x1"));
    h.produce("o", msg("x2"));
    assert_eq!(
        values(&h.poll("plain", "g", "c", 10)).len(),
        5,
        "an unordered topic hands out every key's messages at once"
    );
    h.tick(1); // lets a due snapshot happen
    for restart in [Harness::restart, Harness::crash] {
        restart(&mut h);
        assert_eq!(
            h.b().topic_meta("o").expect("meta").ordering,
            TopicOrdering::Key
        );
        assert_eq!(
            h.b().topic_meta("plain").expect("meta").ordering,
            TopicOrdering::None
        );
    }
    h
}

/// Group `g`'s first partition of topic `o`.
fn group_partition_of_o(h: &Harness) -> driftq_core::broker::GroupPartitionStats {
    h.stats()
        .groups
        .iter()
        .find(|g| g.topic == "o")
        .expect("group")
        .partitions[0]
        .clone()
}

/// Offsets of `o` that group `g` holds back behind an earlier message of their key.
fn blocked_offsets_of_o(h: &Harness) -> Vec<u64> {
    h.b()
        .message_states(
            &StateQuery {
                group: "g",
                topic: Some("o"),
                state: Some(MessageState::BlockedByKey),
                owner: None,
                limit: 10,
            },
            h.now,
        )
        .expect("states")
        .iter()
        .map(|r| r.message.offset)
        .collect::<Vec<_>>()
}
