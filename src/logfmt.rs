//! The JSON log line, shaped like DriftQ v1's (Go `slog`): `time`, `level`, `msg`, the base
//! attributes `service` and `version`, then the event's fields and its `target`. DriftQ's tests
//! and log pipelines grep for `"msg":"broker starting"` and `"service":"driftqd"`.

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Formats each event as one JSON object per line.
pub(crate) struct SlogJson {
    /// `driftqd` when the binary runs under that name, else `driftq`.
    pub service: &'static str,
}

#[derive(Default)]
struct Fields {
    message: Option<String>,
    rest: Map<String, Value>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.rest.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
}

impl<S, N> FormatEvent<S, N> for SlogJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut time = String::new();
        SystemTime.format_time(&mut Writer::new(&mut time))?;
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert("time".into(), Value::String(time));
        line.insert("level".into(), Value::String(meta.level().to_string()));
        line.insert(
            "msg".into(),
            Value::String(fields.message.unwrap_or_default()),
        );
        line.insert("service".into(), Value::String(self.service.to_owned()));
        line.insert(
            "version".into(),
            Value::String(env!("CARGO_PKG_VERSION").to_owned()),
        );
        for (k, v) in fields.rest {
            line.entry(k).or_insert(v);
        }
        line.insert("target".into(), Value::String(meta.target().to_owned()));
        writeln!(writer, "{}", Value::Object(line))
    }
}
