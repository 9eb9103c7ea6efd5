//! What every handler shares.

use std::sync::Arc;
use std::time::Instant;

use driftq_cli::serve_args::ServeConfig;
use driftq_core::broker::Broker;
use tokio::sync::{Notify, watch};

use super::{disk, metrics};

/// Shared by every handler.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub broker: Arc<Broker>,
    pub config: Arc<ServeConfig>,
    /// Woken after anything that can make messages deliverable (produce, nack, tick).
    pub activity: Arc<Notify>,
    pub shutdown: watch::Receiver<bool>,
    pub metrics: Arc<metrics::Metrics>,
    pub started: Instant,
    /// Free space on the data directory's disk (refreshed by the ticker).
    pub disk: Arc<disk::DiskGuard>,
}
