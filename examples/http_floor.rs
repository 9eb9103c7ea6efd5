//! The floor under `driftq bench produce`: an axum server on the same runtime settings as
//! `driftq serve` whose every POST reads its body and answers `{"failed":0}` (what the bench
//! checks of a batch reply) — no parsing, no storage.
//! Point the bench at it to see what HTTP/1.1 alone costs on this machine (docs/PERFORMANCE.md):
//!
//! ```sh
//! cargo run --release --example http_floor -- 127.0.0.1:18090 &
//! driftq bench produce --url http://127.0.0.1:18090 --partitions 1 --messages 40000 --batch 1 --producers 16
//! driftq bench produce --url http://127.0.0.1:18090 --partitions 4 --messages 300000 --batch 100 --producers 4
//! ```

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use axum::serve::ListenerExt as _;

fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".to_owned());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let app = Router::new().fallback(post(|body: Bytes| async move {
                std::hint::black_box(body.len());
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
