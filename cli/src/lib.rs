//! driftq CLI
