//! The floor under `driftq bench produce`: an axum server on the same runtime settings as
//! `driftq serve` whose every POST reads its body and answers `{"failed":0}` (what the bench
//! checks of a batch reply) — no parsing, no storage.
//! Point the bench at it to see what HTTP/1.1 alone costs on this machine (docs/PERFORMANCE.md):
//!
//! With `append FILE` every body is also appended to `FILE` and the reply waits for an
//! fdatasync that covers it: one thread takes every body queued since its last sync, writes them
//! with one `write` and syncs once (group commit, nothing else). That is the "bare HTTP handler
//! that only appends to a file with group fdatasync" the serve issue measures its bar against,
//! so the bar can be put next to it in the same sitting. `append FILE N` spreads the requests
//! over N such files (`FILE.0` …), each with its own sync thread, like a topic's partitions.
//! `append FILE N S` gives each file S sync threads taking groups from one queue, so a group's
//! write and fdatasync can start while the one before is still syncing (pipelined group commit).
//!
//! ```sh
//! cargo run --release --example http_floor -- 127.0.0.1:18090 &
//! cargo run --release --example http_floor -- 127.0.0.1:18091 append /tmp/floor.log &
//! cargo run --release --example http_floor -- 127.0.0.1:18092 append /tmp/floor.log 4 &
//! cargo run --release --example http_floor -- 127.0.0.1:18093 append /tmp/floor.log 1 2 &
//! driftq bench produce --url http://127.0.0.1:18090 --partitions 1 --messages 40000 --batch 1 --producers 16
//! driftq bench produce --url http://127.0.0.1:18090 --partitions 4 --messages 300000 --batch 100 --producers 4
//! ```

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use anyhow::Context as _;
use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use axum::serve::ListenerExt as _;
use tokio::sync::oneshot;

/// A body to append, and where to say it is on disk.
type Append = (Bytes, oneshot::Sender<()>);

/// The group commit: waits for one body, takes every other one already queued, writes them all
/// with one `write`, fdatasyncs once and answers each. Ends when every sender is gone.
/// With several sync threads per file, each takes the whole queue in turn: the lock is held only
/// while a thread waits for its group's first body and takes the rest.
fn sync_loop(
    mut file: std::fs::File,
    queue: &Mutex<mpsc::Receiver<Append>>,
) -> std::io::Result<()> {
    let mut group = Vec::new();
    let mut buffer = Vec::new();
    loop {
        {
            let queue = queue
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let Ok(first) = queue.recv() else {
                return Ok(());
            };
            group.push(first);
            group.extend(queue.try_iter());
        }
        buffer.clear();
        for (body, _) in &group {
            buffer.extend_from_slice(body);
        }
        // An `O_APPEND` write: groups of different threads never overlap.
        file.write_all(&buffer)?;
        file.sync_data()?;
        for (_, done) in group.drain(..) {
            // The client may have gone; its bytes are on disk either way.
            let _ = done.send(());
        }
    }
}

/// One appender per file, each with its own sync thread; requests take them in turn (as keyless
/// batches take a topic's partitions).
struct Appenders {
    queues: Vec<mpsc::Sender<Append>>,
    next: AtomicUsize,
}

fn start_appenders(path: &str, files: usize, syncers: usize) -> anyhow::Result<Appenders> {
    let mut queues = Vec::with_capacity(files);
    for i in 0..files {
        let path = if files == 1 {
            path.to_owned()
        } else {
            format!("{path}.{i}")
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("open {path}"))?;
        let (send, queue) = mpsc::channel::<Append>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..syncers {
            let (file, queue, path) = (file.try_clone()?, Arc::clone(&queue), path.clone());
            std::thread::Builder::new()
                .name("floor-sync".into())
                .spawn(move || {
                    if let Err(e) = sync_loop(file, &queue) {
                        eprintln!("http_floor: append to {path}: {e}");
                        std::process::exit(1);
                    }
                })?;
        }
        queues.push(send);
    }
    Ok(Appenders {
        queues,
        next: AtomicUsize::new(0),
    })
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:18090".to_owned());
    let usage = "usage: http_floor [ADDR] [append FILE [FILES [SYNC_THREADS]]]";
    let count = |arg: Option<String>| -> anyhow::Result<usize> {
        match arg {
            None => Ok(1),
            Some(n) => n.parse().ok().filter(|n| *n > 0).context(usage),
        }
    };
    let appenders = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("append"), Some(path)) => {
            let (files, syncers) = (count(args.next())?, count(args.next())?);
            Some(Arc::new(start_appenders(&path, files, syncers)?))
        }
        _ => anyhow::bail!(usage),
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let app = Router::new().fallback(post(|body: Bytes| async move {
                match appenders {
                    Some(appenders) => {
                        let turn = appenders.next.fetch_add(1, Ordering::Relaxed);
                        let queue = &appenders.queues[turn % appenders.queues.len()];
                        let (done, synced) = oneshot::channel();
                        if queue.send((body, done)).is_err() || synced.await.is_err() {
                            return r#"{"failed":1}"#;
                        }
                    }
                    None => {
                        std::hint::black_box(body.len());
                    }
                }
                r#"{"failed":0}"#
            }));
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            eprintln!("http_floor listening on http://{addr}");
            // As `driftq serve` does: replies go out at once, not after the client's delayed ACK.
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, app).await?;
            anyhow::Ok(())
        })
}
