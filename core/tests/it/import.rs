//! Importing DriftQ v1's JSON-lines WAL: what carries over, what is reported, and that bad input
//! leaves nothing behind.

use std::fs;
use std::path::Path;

use driftq_core::broker::{Broker, BrokerConfig, Deferred, ReadFrom};
use driftq_core::import::{ImportError, import_v1_wal};

const NOW: i64 = 1_700_000_000_000;

/// A WAL the way DriftQ's Go encoder wrote it: `omitempty` everywhere (partition and offset 0
/// are absent), `[]byte` as standard base64, RFC 3339 deadlines.
const V1_WAL: &str = r#"{"type":3,"topic":"orders","partition":2,"topic_mode":"queue"}
{"type":1,"topic":"orders","key":"Y3VzdC0x","value":"eyJpZCI6MX0=","run_id":"r1","step_id":"s1","tenant_id":"acme","idempotency_key":"order-1","deadline":"2030-01-02T03:04:05.5Z","retry_max_attempts":3,"retry_backoff_ms":100,"labels":{"x":"y"}}
{"type":1,"topic":"orders","offset":1,"value":"c2Vjb25k","routing_label":"fast","routing_meta":{"source":"router"}}
{"type":1,"topic":"orders","partition":1,"value":"cDEtMA=="}
{"type":1,"topic":"orders","offset":2,"value":"dGhpcmQ="}
{"type":2,"topic":"orders","group":"billing"}
{"type":2,"topic":"orders","group":"billing","offset":1}
{"type":2,"topic":"orders","group":"audit","partition":1}
{"type":4,"topic":"orders","group":"billing","offset":2,"last_error":"boom","last_error_at":"2025-01-01T00:00:00Z"}
{"type":5,"tenant_id":"acme","topic":"orders","group":"billing","idempotency_key":"k","idempotency_scope":"consume","idempotency_status":"COMMITTED"}
{"type":1,"topic":"dlq.orders","value":"ZGVhZA==","dlq_original_topic":"orders","dlq_original_partition":1,"dlq_original_offset":7,"dlq_attempts":3,"dlq_last_error":"nack","dlq_routed_at_ms":1699999999000}
{"type":9,"future":"field"}
{"type":1,"topic":"orders","offset":3,"value":"dG9ybg"#;

fn write_wal(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("driftq.wal");
    fs::write(&path, text).expect("write wal");
    path
}

fn open(dir: &Path) -> Broker {
    Broker::open(BrokerConfig::new(dir), None, NOW).expect("open imported data dir")
}

fn values(b: &Broker, topic: &str, partition: u32) -> Vec<String> {
    b.read(topic, partition, ReadFrom::Offset(0), 100, 1 << 20)
        .expect("read")
        .into_iter()
        .map(|m| String::from_utf8(m.value).expect("utf8"))
        .collect()
}

#[test]
fn topics_messages_envelopes_and_group_positions_carry_over() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let wal = write_wal(tmp.path(), V1_WAL);
    let before = fs::read(&wal).expect("read");
    let target = tmp.path().join("data");
    let report = import_v1_wal(&wal, &target, NOW).expect("import");
    assert_eq!(
        fs::read(&wal).expect("read"),
        before,
        "the v1 WAL is only read"
    );

    assert_eq!(report.lines, 13);
    assert_eq!(report.messages, 5);
    assert_eq!(report.topics.get("orders"), Some(&2));
    assert_eq!(report.topics.get("dlq.orders"), Some(&1));
    assert_eq!(report.groups, 2);
    assert_eq!(report.skipped_retry_states, 1);
    assert_eq!(report.skipped_consume_keys, 1);
    assert_eq!(report.skipped_unknown_records, 1);
    assert_eq!(report.dropped_labels, 1);
    let torn = report
        .torn_tail
        .expect("the unfinished last line is a torn tail");
    assert_eq!(torn.line, 13);

    let b = open(&target);
    assert_eq!(values(&b, "orders", 0), ["{\"id\":1}", "second", "third"]);
    assert_eq!(values(&b, "orders", 1), ["p1-0"]);
    assert_eq!(values(&b, "dlq.orders", 0), ["dead"]);

    check_envelope_routing_and_origin(&b);

    // billing acked offsets 0 and 1 of partition 0: it goes on with "third"; audit acked
    // partition 1's only message and nothing of partition 0.
    let got = b
        .poll("orders", "billing", "w", 10, 30_000, NOW)
        .and_then(Deferred::wait)
        .expect("poll");
    let got: Vec<_> = got
        .iter()
        .map(|d| {
            (
                d.message.partition,
                String::from_utf8_lossy(&d.message.value).into_owned(),
            )
        })
        .collect();
    assert_eq!(got, [(0, "third".to_owned()), (1, "p1-0".to_owned())]);
    let got = b
        .poll("orders", "audit", "w", 10, 30_000, NOW)
        .and_then(Deferred::wait)
        .expect("poll");
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|d| d.message.partition == 0));

    // The producer idempotency key came along: producing "order-1" again is a duplicate.
    let again = b
        .produce(
            "orders",
            vec![driftq_core::broker::ProduceMessage {
                value: b"retry".to_vec(),
                envelope: Some(driftq_core::broker::Envelope {
                    tenant_id: "acme".into(),
                    idempotency_key: "order-1".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            NOW,
        )
        .wait(&b)
        .pop()
        .expect("one")
        .expect("produce");
    assert!(again.duplicate);
    assert_eq!((again.partition, again.offset), (0, 0));
    b.close().expect("close");
    let report = driftq_core::storage::verify::verify_partition(&target.join("topics/orders/0"));
    assert!(report.problems.is_empty(), "{report:?}");
}

#[test]
fn a_bad_line_before_the_end_fails_with_its_number_and_leaves_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = "{\"type\":3,\"topic\":\"t\",\"partition\":1}\nnot json\n{\"type\":1,\"topic\":\"t\",\"value\":\"eA==\"}\n";
    let wal = write_wal(tmp.path(), text);
    let target = tmp.path().join("data");
    match import_v1_wal(&wal, &target, NOW) {
        Err(ImportError::BadLine { line, .. }) => assert_eq!(line, 2),
        other => panic!("expected a bad line, got {other:?}"),
    }
    let bad_value = "{\"type\":1,\"topic\":\"t\",\"value\":\"%%%\"}\n{\"type\":2,\"topic\":\"t\",\"group\":\"g\"}\n";
    let wal = write_wal(tmp.path(), bad_value);
    let err = import_v1_wal(&wal, &target, NOW).expect_err("value is not base64");
    assert!(
        err.to_string().contains("line 1") && err.to_string().contains("base64"),
        "{err}"
    );
    let left: Vec<_> = fs::read_dir(tmp.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["driftq.wal"], "no target, no half-built directory");
}

#[test]
fn an_existing_target_is_refused_untouched() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let wal = write_wal(tmp.path(), "{\"type\":3,\"topic\":\"t\",\"partition\":1}\n");
    let target = tmp.path().join("data");
    fs::create_dir(&target).expect("mkdir");
    fs::write(target.join("keep"), b"mine").expect("write");
    let err = import_v1_wal(&wal, &target, NOW).expect_err("refused");
    assert!(matches!(err, ImportError::TargetExists(_)), "{err:?}");
    assert_eq!(fs::read(target.join("keep")).expect("read"), b"mine");
    assert_eq!(fs::read_dir(&target).expect("ls").count(), 1);
}

/// The imported messages keep their envelope, routing and DLQ origin.
fn check_envelope_routing_and_origin(b: &Broker) {
    let first = &b
        .read("orders", 0, ReadFrom::Offset(0), 1, 1 << 20)
        .expect("read")[0];
    assert_eq!(first.key.as_deref(), Some(&b"cust-1"[..]));
    let env = first.meta.envelope.as_ref().expect("envelope");
    assert_eq!(
        (
            env.run_id.as_str(),
            env.step_id.as_str(),
            env.tenant_id.as_str()
        ),
        ("r1", "s1", "acme")
    );
    assert_eq!(env.idempotency_key, "order-1");
    assert_eq!(env.deadline_ns, Some(1_893_553_445_500_000_000));
    let policy = env.retry_policy.expect("retry policy");
    assert_eq!((policy.max_attempts, policy.backoff_ms), (3, 100));
    let second = &b
        .read("orders", 0, ReadFrom::Offset(1), 1, 1 << 20)
        .expect("read")[0];
    let routing = second.meta.routing.as_ref().expect("routing");
    assert_eq!(routing.label, "fast");
    assert_eq!(routing.meta, [("source".to_owned(), "router".to_owned())]);
    let dead = &b
        .read("dlq.orders", 0, ReadFrom::Offset(0), 1, 1 << 20)
        .expect("read")[0];
    let origin = dead.meta.dlq.as_ref().expect("dlq origin");
    assert_eq!(
        (origin.topic.as_str(), origin.partition, origin.offset),
        ("orders", 1, 7)
    );
    assert_eq!(
        (origin.attempts, origin.errors.clone()),
        (3, vec!["nack".to_owned()])
    );
}
