//! Every path the server answers, in one table: handlers live in `handlers/`, one file per
//! resource; this is the only file that knows all paths.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{self};
use axum::routing::{get, post};
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::serve::AppState;
use crate::serve::auth::authenticate;
use crate::serve::handlers::consume::{consume, poll};
use crate::serve::handlers::debug;
use crate::serve::handlers::dlq::{list_dlq, peek_dlq, replay_dlq};
use crate::serve::handlers::groups::{
    delete_group, describe_group, list_groups, list_inflight, seek,
};
use crate::serve::handlers::produce::{produce, produce_batch};
use crate::serve::handlers::settle::{ack, ack_batch, ack_cumulative, extend, nack, release};
use crate::serve::handlers::system::{config, healthz, metrics, stats, version, whoami};
use crate::serve::handlers::topics::{
    alter_topic, create_topic, delete_topic, describe_topic, list_topics, purge_topic,
    read_partition,
};
use crate::serve::middleware::{
    count_requests, log_access, method_not_allowed, not_found, track_request,
};
use crate::serve::openapi::document;

pub(crate) fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    let access_log = state.config.access_log;
    let body_timeout = state.config.body_timeout;
    let router = Router::new()
        .route("/v1/healthz", get(healthz))
        .route("/v1/whoami", get(whoami))
        .route("/v1/version", get(version))
        .route("/v1/config", get(config))
        .route("/v1/stats", get(stats))
        .route("/v1/topics", get(list_topics).post(create_topic))
        .route(
            "/v1/topics/{topic}",
            get(describe_topic).patch(alter_topic).delete(delete_topic),
        )
        .route(
            "/v1/topics/{topic}/messages",
            post(produce_batch).delete(purge_topic),
        )
        .route(
            "/v1/topics/{topic}/partitions/{partition}/messages",
            get(read_partition),
        )
        .route(
            "/v1/topics/{topic}/groups/{group}",
            get(describe_group).delete(delete_group),
        )
        .route(
            "/v1/topics/{topic}/groups/{group}/inflight",
            get(list_inflight),
        )
        .route("/v1/topics/{topic}/groups/{group}/poll", post(poll))
        .route("/v1/topics/{topic}/groups/{group}/acks", post(ack_batch))
        .route("/v1/topics/{topic}/groups/{group}/release", post(release))
        .route("/v1/topics/{topic}/groups/{group}/seek", post(seek))
        .route("/v1/groups", get(list_groups))
        .route("/v1/produce", post(produce))
        .route("/v1/consume", get(consume))
        .route("/v1/ack", post(ack))
        .route("/v1/ack-cumulative", post(ack_cumulative))
        .route("/v1/nack", post(nack))
        .route("/v1/extend", post(extend))
        .route("/v1/dlq", get(list_dlq))
        .route("/v1/dlq/{topic}/messages", get(peek_dlq))
        .route("/v1/dlq/{topic}/replay", post(replay_dlq))
        .route("/metrics", get(metrics))
        .route("/v1/openapi.json", get(document))
        .route("/debug/topics", get(debug::topics))
        .route("/debug/topics/peek", get(debug::peek))
        .route("/debug/topics/lag", get(debug::lag))
        .route("/debug/messages/state", get(debug::message_states))
        .route("/debug/runs", get(debug::runs))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyTimeoutLayer::new(body_timeout));
    let router = if access_log {
        router.layer(middleware::from_fn(log_access))
    } else {
        router
    };
    router
        .layer(middleware::from_fn(track_request))
        .with_state(state)
}
