//! Who is calling, and may they: bearer tokens (or a client certificate's name) looked up in
//! the auth file's [`Policy`], and the permission checks handlers ask for.
//!
//! Invariants:
//! - With no auth file every caller is [`Caller::Anyone`]: DriftQ's SDKs, which send no token,
//!   work unchanged on loopback.
//! - With one, every route but `/v1/healthz` and `/v1/openapi.json` (and `/metrics` under
//!   `--metrics-public`) needs a known token or client certificate: 401 `UNAUTHENTICATED`
//!   otherwise, before any handler runs. What the caller may do is checked by the handler,
//!   which alone knows the topic and group (some arrive in the body): 403 `PERMISSION_DENIED`.
//! - A reload swaps the whole policy at once; a broken file changes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use driftq_core::auth::{Action, Policy, Principal, Scope};
use tokio::sync::watch;

use crate::serve::conn::Peer;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::state::AppState;

/// What tells one version of a file from the next without reading it: size, modification
/// time, inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

impl FileStamp {
    /// `None` when the file is not there (or cannot be looked at).
    pub(crate) fn of(path: &Path) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(Self {
            len: m.len(),
            modified: m.modified().ok(),
            inode: m.ino(),
        })
    }
}

/// The auth file and the policy read from it.
#[derive(Debug)]
pub(crate) struct Auth {
    file: Option<PathBuf>,
    /// The file as it was when last read (by the start, SIGHUP or the watch), refused or not.
    read: Mutex<Option<FileStamp>>,
    policy: watch::Sender<Arc<Policy>>,
    metrics_public: bool,
    streams: StreamCounts,
}

impl Auth {
    /// Reads `file` (no file: auth off).
    pub(crate) fn load(file: Option<PathBuf>, metrics_public: bool) -> Result<Self, String> {
        let read = file.as_deref().and_then(FileStamp::of);
        let policy = match &file {
            Some(path) => Policy::from_file(path).map_err(|e| e.to_string())?,
            None => Policy::default(),
        };
        Ok(Self {
            file,
            read: Mutex::new(read),
            policy: watch::Sender::new(Arc::new(policy)),
            metrics_public,
            streams: StreamCounts::default(),
        })
    }

    pub(crate) fn enabled(&self) -> bool {
        self.file.is_some()
    }

    /// The auth file, when auth is on.
    pub(crate) fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Whether the auth file on disk, as `now` stamps it, is not the one last read.
    pub(crate) fn changed_since_read(&self, now: Option<FileStamp>) -> bool {
        now != *self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Re-reads the auth file; a broken one is refused and the policy in use stays. Returns
    /// how many principals the new policy has.
    pub(crate) fn reload(&self) -> Result<usize, String> {
        let Some(path) = &self.file else {
            return Ok(0);
        };
        *self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = FileStamp::of(path);
        let policy = Policy::from_file(path).map_err(|e| e.to_string())?;
        let n = policy.len();
        self.policy.send_replace(Arc::new(policy));
        Ok(n)
    }

    /// Changes of policy, for a stream that must stop when its caller loses its permission.
    pub(crate) fn subscribe(&self) -> watch::Receiver<Arc<Policy>> {
        self.policy.subscribe()
    }

    pub(crate) fn streams(&self) -> &StreamCounts {
        &self.streams
    }

    /// Who sent `headers` (over a connection whose certificate said `client_name`).
    fn identify(
        &self,
        headers: &HeaderMap,
        client_name: Option<&str>,
    ) -> Result<Caller, &'static str> {
        if !self.enabled() {
            return Ok(Caller::Anyone);
        }
        let policy = self.policy.borrow();
        match bearer(headers) {
            Some(Ok(token)) => policy
                .by_token(token)
                .map(Caller::Principal)
                .ok_or("bad_token"),
            Some(Err(())) => Err("bad_token"),
            None => match client_name {
                Some(name) => policy
                    .by_name(name)
                    .map(Caller::Principal)
                    .ok_or("unknown_certificate"),
                None => Err("missing_token"),
            },
        }
    }
}

/// The token of an `Authorization: Bearer` header; `Err` for another scheme or a header that
/// is not text.
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let text = value.to_str().map_err(|_| ());
    Some(text.and_then(|t| {
        let (scheme, token) = t.split_once(' ').ok_or(())?;
        if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
            Ok(token.trim())
        } else {
            Err(())
        }
    }))
}

/// Who a request comes from.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// Auth is off (or the route is public): may do everything.
    Anyone,
    Principal(Arc<Principal>),
}

impl Caller {
    /// 403 unless the caller may take `action` on `scope`.
    pub(crate) fn require(&self, action: Action, scope: Scope<'_>) -> ApiResult<()> {
        match self {
            Self::Anyone => Ok(()),
            Self::Principal(p) if p.allows(action, scope) => Ok(()),
            Self::Principal(p) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "PERMISSION_DENIED",
                format!(
                    "principal {:?} lacks the {action} permission on {scope}",
                    p.name
                ),
            )),
        }
    }

    /// [`Self::require`] on one group of one topic.
    pub(crate) fn require_group(&self, action: Action, topic: &str, group: &str) -> ApiResult<()> {
        self.require(action, Scope::Group { topic, group })
    }

    /// Whether the caller may take `action` on `scope` (for lists that show only what the
    /// caller may see).
    pub(crate) fn can(&self, action: Action, scope: Scope<'_>) -> bool {
        self.require(action, scope).is_ok()
    }

    /// The principal's name; `None` when auth is off.
    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Self::Anyone => None,
            Self::Principal(p) => Some(&p.name),
        }
    }

    /// Whether `policy` (a reloaded one) still lets this caller take `action` on `scope`.
    pub(crate) fn still_allowed(&self, policy: &Policy, action: Action, scope: Scope<'_>) -> bool {
        match self {
            Self::Anyone => true,
            Self::Principal(p) => policy
                .by_name(&p.name)
                .is_some_and(|now| now.allows(action, scope)),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or_else(|| ApiError::internal("no caller: the route bypassed authentication"))
    }
}

/// The topic whose permissions cover `topic`: a dead-letter topic `dlq.<t>` is `<t>`'s.
pub(crate) fn owning_topic(topic: &str) -> &str {
    topic.strip_prefix("dlq.").unwrap_or(topic)
}

/// The principal's name on a response, for the access log.
#[derive(Debug, Clone)]
pub(crate) struct PrincipalName(pub String);

/// Routes anyone may call, token or not.
fn public(path: &str, metrics_public: bool) -> bool {
    matches!(path, "/v1/healthz" | "/v1/openapi.json") || (metrics_public && path == "/metrics")
}

/// Identifies the caller (401 when auth is on and it cannot be), and counts 403s.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let auth = &state.auth;
    let path = req.uri().path();
    if public(path, auth.metrics_public) {
        req.extensions_mut().insert(Caller::Anyone);
        return next.run(req).await;
    }
    let client_name = req
        .extensions()
        .get::<axum::extract::ConnectInfo<Peer>>()
        .and_then(|c| c.0.tls.as_ref())
        .and_then(|t| t.client_name.clone());
    let caller = match auth.identify(req.headers(), client_name.as_deref()) {
        Ok(c) => c,
        Err(reason) => {
            state.metrics.count_auth_denied(reason);
            let mut resp = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                unauthenticated_message(reason),
            )
            .into_response();
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"driftq\""),
            );
            return resp;
        }
    };
    let name = caller.name().map(str::to_owned);
    req.extensions_mut().insert(caller);
    let mut resp = next.run(req).await;
    if resp.status() == StatusCode::FORBIDDEN {
        state.metrics.count_auth_denied("permission");
    }
    if let Some(name) = name {
        resp.extensions_mut().insert(PrincipalName(name));
    }
    resp
}

fn unauthenticated_message(reason: &str) -> &'static str {
    match reason {
        "missing_token" => {
            "this server needs a token: send Authorization: Bearer <token> (driftq --token, DRIFTQ_TOKEN or a context)"
        }
        "unknown_certificate" => {
            "the client certificate names no principal of this server, and no token was sent"
        }
        _ => "the token is not one this server knows",
    }
}

/// Open consume streams per principal (per client address when auth is off), bounded by
/// `--max-streams-per-principal`.
#[derive(Debug, Default)]
pub(crate) struct StreamCounts(Arc<Mutex<HashMap<String, usize>>>);

/// One open stream, counted until dropped.
#[derive(Debug)]
pub(crate) struct StreamSlot {
    counts: Arc<Mutex<HashMap<String, usize>>>,
    key: String,
}

impl StreamCounts {
    /// A slot for one more stream of `key`, or `None` when it holds `max` already.
    pub(crate) fn open(&self, key: String, max: usize) -> Option<StreamSlot> {
        let mut counts = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = counts.entry(key.clone()).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(StreamSlot {
            counts: Arc::clone(&self.0),
            key,
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.key);
            }
        }
    }
}
