//! The handlers, one file per resource. Handlers are thin: parse (body or query, strictly), call
//! the broker, map the result. They import only downward (extractors, errors, wire encoders,
//! state); `routes.rs` binds them to paths. See `docs/API.md` for the contract.

pub(crate) mod consume;
pub(crate) mod debug;
pub(crate) mod dlq;
pub(crate) mod groups;
pub(crate) mod produce;
pub(crate) mod settle;
pub(crate) mod system;
pub(crate) mod topics;
