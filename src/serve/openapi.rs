//! The OpenAPI 3.1 document of the API, generated from the wire types of `driftq_core::api`
//! and the `#[utoipa::path]` of each handler, served at `GET /v1/openapi.json`. A test holds it
//! to the routes the server really has (`routes.rs`), both ways.

use axum::Json;
use utoipa::OpenApi;

use crate::serve::handlers::{consume, debug, dlq, groups, produce, settle, system, topics};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "driftq",
        description = "A durable message broker: DriftQ v1's API plus resource-style extensions (docs/API.md)."
    ),
    paths(
        system::healthz, system::whoami, system::version, system::config, system::stats, system::metrics,
        topics::list_topics, topics::create_topic, topics::describe_topic, topics::alter_topic,
        topics::purge_topic, topics::delete_topic, topics::read_partition,
        produce::produce, produce::produce_batch,
        consume::consume, consume::poll,
        settle::ack, settle::ack_cumulative, settle::nack, settle::extend, settle::ack_batch,
        settle::release,
        groups::list_groups, groups::describe_group, groups::list_inflight, groups::seek,
        groups::delete_group,
        dlq::list_dlq, dlq::peek_dlq, dlq::replay_dlq,
        debug::runs, debug::topics, debug::peek, debug::lag, debug::message_states,
        document,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "system"), (name = "topics"), (name = "produce"), (name = "consume"),
        (name = "settle", description = "ack, nack, extend, release"), (name = "groups"),
        (name = "dlq"), (name = "debug", description = "DriftQ's dashboard and driftqctl views"),
    )
)]
pub(crate) struct ApiDoc;

/// Declares the bearer token every operation but the open ones needs when the server has an
/// auth file (docs/SECURITY.md); the open ones say `security(())` on their own path.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[utoipa::path(get, path = "/v1/openapi.json", tag = "system", security(()), responses((status = 200, description = "this document", body = Object)))]
pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use utoipa::OpenApi;

    use super::ApiDoc;

    /// Every (method, path) bound in `routes.rs`, read from its source: the one table of paths.
    fn routed() -> BTreeSet<(String, String)> {
        let src = include_str!("routes.rs");
        let mut out = BTreeSet::new();
        for chunk in src.split(".route(").skip(1) {
            let Some(path) = chunk.split('"').nth(1) else {
                continue;
            };
            let end = chunk.find(")\n").unwrap_or(chunk.len());
            for method in ["get", "post", "patch", "delete", "put"] {
                let calls = [format!("{method}("), format!(".{method}(")];
                if chunk[..end].split_whitespace().any(|w| {
                    calls
                        .iter()
                        .any(|c| w.starts_with(c.as_str()) || w.contains(c.as_str()))
                }) {
                    out.insert((method.to_owned(), path.to_owned()));
                }
            }
        }
        out
    }

    fn documented() -> BTreeSet<(String, String)> {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("document");
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                out.insert((method.clone(), path.clone()));
            }
        }
        out
    }

    #[test]
    fn the_open_routes_are_the_ones_the_document_says_need_no_token() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("document");
        assert_eq!(doc["security"], serde_json::json!([{"bearer": []}]));
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"],
            serde_json::json!({"type": "http", "scheme": "bearer"})
        );
        for path in ["/v1/healthz", "/v1/openapi.json"] {
            assert_eq!(
                doc["paths"][path]["get"]["security"],
                serde_json::json!([{}]),
                "{path}"
            );
        }
    }

    #[test]
    fn the_document_names_every_route_and_nothing_else() {
        let routed = routed();
        let documented = documented();
        assert!(routed.len() > 30, "routes.rs parsed: {routed:?}");
        assert_eq!(
            routed.difference(&documented).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "routed but not documented"
        );
        assert_eq!(
            documented.difference(&routed).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "documented but not routed"
        );
    }
}
