//! What every handler shares.

use std::sync::Arc;
use std::time::Instant;

use driftq_cli::serve_args::ServeConfig;
use driftq_core::broker::Broker;
use tokio::sync::watch;

use super::error::ApiResult;
use super::wakeups::Wakeups;
use super::{auth, disk, metrics};

/// Shared by every handler.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub broker: Arc<Broker>,
    pub config: Arc<ServeConfig>,
    /// Rung after anything that can make messages deliverable (produce, ack, nack, tick).
    pub wakeups: Arc<Wakeups>,
    pub shutdown: watch::Receiver<bool>,
    pub metrics: Arc<metrics::Metrics>,
    pub started: Instant,
    /// Free space on the data directory's disk (refreshed by the ticker).
    pub disk: Arc<disk::DiskGuard>,
    /// Who may do what (no auth file: everyone everything).
    pub auth: Arc<auth::Auth>,
    /// Whether clients connect over TLS, and must present certificates.
    pub tls: TlsMode,
}

/// What `/v1/whoami` says of the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlsMode {
    Off,
    On,
    Mutual,
}

impl AppState {
    /// Refuses a write of `body` while the disk is below its free-space floor (507), counted
    /// as a refused produce.
    pub(crate) fn admit_write(
        &self,
        body: &Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
    ) -> ApiResult<()> {
        let bytes = body.as_ref().map_or(0, |b| b.len() as u64);
        self.disk.check_produce(bytes).inspect_err(|e| {
            self.metrics.count_produce_rejection(e);
        })
    }
}
