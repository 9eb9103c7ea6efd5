//! Helpers shared by the end-to-end tests.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use driftq_core::storage::format::Record;
use driftq_core::storage::{Durability, LogConfig, PartitionLog};

/// The `driftq` binary under test.
pub fn driftq() -> Command {
    let mut cmd = Command::cargo_bin("driftq").expect("driftq binary");
    // No context of the machine's user leaks in: a config directory that does not exist.
    cmd.env_remove("DRIFTQ_URL")
        .env_remove("DRIFTQ_CONTEXT")
        .env_remove("DRIFTQ_CA_CERT")
        .env_remove("DRIFTQ_TOKEN")
        .env("XDG_CONFIG_HOME", "/nonexistent/driftq-tests")
        .env("NO_COLOR", "1");
    cmd
}

/// Starts the binary with `args` against `url`, stdout and stderr piped (for tests that read
/// part of the output, or signal the process).
pub fn spawn_piped(url: &str, args: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("driftq"))
        .args(args)
        .env("DRIFTQ_URL", url)
        .env_remove("DRIFTQ_CONTEXT")
        .env("XDG_CONFIG_HOME", "/nonexistent/driftq-tests")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn driftq")
}

/// Writes `count` single-record batches into `dir` (a partition directory), rolling segments
/// every `segment_bytes`. Record `i` has key `k<i>`, a header, and value `v<i>`; every fifth
/// value is binary.
pub fn write_partition(dir: &Path, count: usize, segment_bytes: u64) {
    let (log, _) = PartitionLog::open(
        dir,
        LogConfig {
            segment_bytes,
            segment_age_ms: None,
            durability: Durability::Never,
            repair: false,
            on_sync: None,
            sync_fault: None,
            fs_watch: None,
        },
    )
    .expect("open log");
    for i in 0..count {
        let value = if i % 5 == 4 {
            vec![0xff, 0x00, i as u8]
        } else {
            format!("v{i}").into_bytes()
        };
        let record = Record {
            timestamp: 1_700_000_000_000 + i as i64,
            key: Some(format!("k{i}").into_bytes()),
            headers: vec![("trace".into(), format!("t{i}").into_bytes())],
            value,
            metadata: None,
        };
        log.append(&[record], 0).expect("append");
    }
    log.close().expect("close");
}

/// Every file under `dir` with its bytes, to prove a command changed nothing.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.display().to_string(), std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}
