//! Timers: retention by age and size, set live, moving groups past what it deletes.

use super::*;

#[test]
fn retention_moves_groups_forward_and_counts_the_skip() {
    let mut h = Harness::with(|c| c.segment_bytes = 200);
    h.b()
        .create_topic("t", 1, Some(10_000), None, h.now)
        .expect("create");
    for i in 0..10 {
        h.produce("t", msg(&format!("message number {i}")));
    }
    h.poll("t", "g", "o", 1).pop().expect("one");
    h.tick(20_000);
    let s = h.stats();
    let low = s.topics[0].partitions[0].low_watermark;
    assert!(low > 0, "segments were deleted");
    let gp = &s.groups[0].partitions[0];
    assert_eq!(gp.floor, low);
    assert_eq!(gp.counters.skipped_by_retention, low);
}

#[test]
fn retention_by_age_empties_a_quiet_topic_that_never_filled_a_segment() {
    let mut h = Harness::new();
    h.b()
        .create_topic("quiet", 1, Some(60_000), None, h.now)
        .expect("create");
    for i in 0..3 {
        h.produce("quiet", msg(&format!("old {i}")));
    }
    h.poll("quiet", "g", "o", 1).pop().expect("one leased");
    h.tick(30_000);
    assert_eq!(
        h.stats().topics[0].partitions[0].low_watermark,
        0,
        "younger than the retention: kept"
    );
    h.tick(31_000);
    let s = h.stats();
    let p = &s.topics[0].partitions[0];
    assert_eq!(
        (p.low_watermark, p.high_watermark),
        (3, 3),
        "older than the retention: gone, although they were all in the active segment"
    );
    assert_eq!(s.groups[0].partitions[0].counters.skipped_by_retention, 3);
    let (_, offset, _) = h.produce("quiet", msg("new"));
    assert_eq!(offset, 3, "offsets continue");
    let next = h.poll("quiet", "g", "o", 10);
    assert_eq!(
        next.iter().map(|d| d.message.offset).collect::<Vec<_>>(),
        [3]
    );
    h.restart();
    assert_eq!(h.stats().topics[0].partitions[0].low_watermark, 3);
}

#[test]
fn retention_set_on_a_live_topic_applies_at_the_next_tick_and_survives_restarts_and_snapshots() {
    for snapshot_every in [100_000, 1] {
        let mut h = Harness::with(|c| c.snapshot_every = snapshot_every);
        h.topic("t", 1);
        h.produce_n("t", 3);
        let low = |h: &Harness| h.stats().topics[0].partitions[0].low_watermark;
        h.tick(120_000);
        assert_eq!(low(&h), 0, "no retention: everything kept");
        let meta = h
            .b()
            .set_retention("t", Some(Some(60_000)), None, h.now)
            .expect("set");
        assert_eq!(
            (meta.retention_age_ms, meta.retention_bytes),
            (Some(60_000), None)
        );
        for (age, bytes) in [
            (Some(Some(0)), None),
            (Some(Some(-5)), None),
            (None, Some(Some(0))),
        ] {
            assert!(
                matches!(
                    h.b().set_retention("t", age, bytes, h.now),
                    Err(BrokerError::InvalidArgument(_))
                ),
                "{age:?} {bytes:?}"
            );
        }
        assert!(matches!(
            h.b().set_retention("nope", Some(None), None, h.now),
            Err(BrokerError::TopicNotFound(_))
        ));
        assert_eq!(
            h.stats().topics[0].retention_age_ms,
            Some(60_000),
            "a refused change changed nothing"
        );
        h.tick(1);
        assert_eq!(
            low(&h),
            3,
            "older than the new limit: deleted at the next tick"
        );
        let m = h
            .b()
            .set_retention("t", None, Some(Some(1 << 30)), h.now)
            .expect("add a size limit");
        assert_eq!(
            (m.retention_age_ms, m.retention_bytes),
            (Some(60_000), Some(1 << 30)),
            "a limit not named is kept"
        );
        h.b()
            .set_retention("t", Some(None), None, h.now)
            .expect("remove the age limit");
        h.tick(1); // lets a due snapshot happen
        for restart in [Harness::restart, Harness::crash] {
            restart(&mut h);
            let m = h.b().topic_meta("t").expect("meta");
            assert_eq!(
                (m.retention_age_ms, m.retention_bytes),
                (None, Some(1 << 30)),
                "snapshot_every {snapshot_every}"
            );
        }
        h.produce("t", msg("new"));
        h.tick(120_000);
        assert_eq!(low(&h), 3, "the age limit is gone: new messages are kept");
    }
}
