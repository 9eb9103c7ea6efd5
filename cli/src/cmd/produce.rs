//! `driftq produce TOPIC [VALUE]`: one message from the argument, or one per line from stdin or
//! `--file`, sent in batches. `--input json` reads exactly what `driftq consume -o json` prints
//! (binary values as `{"base64": …}`), so consume → produce is a lossless round trip.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use driftq_core::api::{Bytes, Header, WireEnvelope, WireMessage, WireRetryPolicy};
use serde_json::{Value, json};

use super::{colour_ok, parse_duration, parse_time_ms};
use driftq_core::api::produce::{BatchReply, BatchResult};
use driftq_core::api::system::ErrorBody;

use crate::client::Client;
use crate::retry::Retry;
use crate::{ExitError, OutputFormat, exit};

/// The most JSON one produce request carries when reading many messages (see `run`).
const REQUEST_BYTES: usize = 4 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum InputFormat {
    /// Each line is a value (no trailing newline).
    #[default]
    Lines,
    /// Each line is a JSON message as `consume -o json` prints it (or, with --value-field, any
    /// JSON object whose fields hold the value and key).
    Json,
    /// All of stdin (or --file) is one value, byte for byte.
    Raw,
}

#[derive(Debug, Args)]
pub struct ProduceArgs {
    /// Topic to produce to
    pub topic: String,
    /// The value; without it, messages are read from stdin (or --file), one per line
    pub value: Option<String>,
    /// Read messages from this file instead of stdin (`-`: stdin)
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// How to read messages from stdin or --file
    #[arg(long, value_enum, default_value_t)]
    pub input: InputFormat,
    /// Message key: messages with the same key go to the same partition, in order
    #[arg(short, long)]
    pub key: Option<String>,
    /// With --input lines: each line is KEY<SEP>VALUE, split at the first SEP (kcat -K)
    #[arg(long, value_name = "SEP", conflicts_with = "key")]
    pub key_delimiter: Option<String>,
    /// With --input json: plain JSON lines, the value taken from this field (a string as
    /// text, any other JSON serialised)
    #[arg(long, value_name = "NAME")]
    pub value_field: Option<String>,
    /// With --input json and --value-field: the key taken from this field
    #[arg(long, value_name = "NAME", requires = "value_field")]
    pub key_field: Option<String>,
    /// Header name=value (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// Partition to write to instead of the key hash or round robin
    #[arg(short, long)]
    pub partition: Option<u32>,
    /// Envelope: tenant the message belongs to
    #[arg(long)]
    pub tenant: Option<String>,
    /// Envelope: run id of the agent run
    #[arg(long)]
    pub run_id: Option<String>,
    /// Envelope: step id within the run
    #[arg(long)]
    pub step_id: Option<String>,
    /// Envelope: a producer retry with the same key is stored once (reply says duplicate)
    #[arg(long)]
    pub idempotency_key: Option<String>,
    /// Deliveries before the message goes to the dead-letter topic dlq.<topic>
    #[arg(long)]
    pub max_attempts: Option<u32>,
    /// Retry backoff base (e.g. 500ms)
    #[arg(long, value_parser = parse_duration)]
    pub backoff: Option<std::time::Duration>,
    /// Retry backoff cap (e.g. 30s)
    #[arg(long, value_parser = parse_duration)]
    pub max_backoff: Option<std::time::Duration>,
    /// Refuse delivery after this time (RFC 3339, unix ms, or -DURATION / +DURATION from now)
    #[arg(long, allow_hyphen_values = true)]
    pub deadline: Option<String>,
    /// Envelope: store the message in this topic instead of TOPIC
    #[arg(long)]
    pub target_topic: Option<String>,
    /// Hold each message back from every group for this long (e.g. 30s; at most 15m, as SQS's
    /// DelaySeconds). Messages produced after it are not held up
    #[arg(long, value_parser = parse_delay)]
    pub delay: Option<u64>,
    /// Messages per request when reading many
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// A delay in whole milliseconds, 15 minutes at most.
fn parse_delay(s: &str) -> Result<u64, String> {
    let ms = parse_duration(s)?.as_millis();
    match u64::try_from(ms) {
        Ok(ms) if ms <= driftq_core::broker::MAX_DELAY_MS => Ok(ms),
        _ => Err("at most 15m (SQS's limit: a group keeps each delayed message in memory until it is due)".into()),
    }
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn envelope_from_flags(a: &ProduceArgs) -> anyhow::Result<Option<WireEnvelope>> {
    let deadline = match &a.deadline {
        None => None,
        Some(d) => {
            let ms = match d.strip_prefix('+') {
                Some(ahead) => {
                    let now = crate::since_epoch();
                    i64::try_from(
                        (now + parse_duration(ahead)
                            .map_err(|e| ExitError::usage_error(format!("--deadline: {e}")))?)
                        .as_millis(),
                    )
                    .unwrap_or(i64::MAX)
                }
                None => parse_time_ms(d)
                    .map_err(|e| ExitError::usage_error(format!("--deadline: {e}")))?,
            };
            Some(driftq_core::api::format_rfc3339_ms(ms))
        }
    };
    let retry_policy = (a.max_attempts.is_some() || a.backoff.is_some() || a.max_backoff.is_some())
        .then(|| WireRetryPolicy {
            max_attempts: i64::from(a.max_attempts.unwrap_or(0)),
            backoff_ms: a.backoff.map_or(0, ms),
            max_backoff_ms: a.max_backoff.map_or(0, ms),
        });
    let e = WireEnvelope {
        run_id: a.run_id.clone().unwrap_or_default(),
        step_id: a.step_id.clone().unwrap_or_default(),
        tenant_id: a.tenant.clone().unwrap_or_default(),
        idempotency_key: a.idempotency_key.clone().unwrap_or_default(),
        target_topic: a.target_topic.clone().unwrap_or_default(),
        deadline,
        retry_policy,
        ..WireEnvelope::default()
    };
    Ok((e != WireEnvelope::default()).then_some(e))
}

fn headers_from_flags(a: &ProduceArgs) -> anyhow::Result<Vec<Header>> {
    a.headers
        .iter()
        .map(|h| {
            let (n, v) = h.split_once('=').ok_or_else(|| {
                ExitError::usage_error(format!("--header {h:?} is not NAME=VALUE"))
            })?;
            Ok(Header {
                name: n.to_owned(),
                value: Bytes::Text(v.to_owned()),
            })
        })
        .collect()
}

/// Sends `messages` as one batch, waiting out backpressure: a refused request (429/503) is sent
/// again, and so are the messages a reply refused for backpressure (`RESOURCE_EXHAUSTED`), until
/// `retry`'s deadline. Returns the reply as the server would give it for the whole batch.
fn produce_retrying(
    client: &Client,
    topic: &str,
    messages: &[Value],
    retry: &mut Retry,
) -> anyhow::Result<BatchReply> {
    let mut results: Vec<Option<BatchResult>> = vec![None; messages.len()];
    let mut todo: Vec<usize> = (0..messages.len()).collect();
    // The first try sends the batch as it is; only a retry of some of it builds a new one.
    let mut retried: Option<Vec<Value>> = None;
    while !todo.is_empty() {
        let batch = retried.as_deref().unwrap_or(messages);
        let r = match client.produce_batch(topic, batch) {
            Ok(r) => r,
            Err(e) if Retry::retryable(&e) => {
                if retry.wait(e.retry_after(), "produce") {
                    continue;
                }
                return Err(ExitError {
                    code: exit::PARTIAL,
                    message: format!(
                        "gave up waiting out backpressure after --timeout {}: {e}",
                        humantime::format_duration(retry.timeout())
                    ),
                }
                .into());
            }
            Err(e) => return Err(e.into()),
        };
        let mut again = Vec::new();
        let mut hint = None;
        for (&i, res) in todo.iter().zip(r.results) {
            if let BatchResult::Failed(e) = &res
                && e.error == "RESOURCE_EXHAUSTED"
            {
                hint = hint.or(e.retry_after_ms.map(Duration::from_millis));
                again.push(i);
            }
            results[i] = Some(res);
        }
        if again.is_empty() || !retry.wait(hint, "produce") {
            break;
        }
        retried = Some(again.iter().map(|&i| messages[i].clone()).collect());
        todo = again;
    }
    retry.succeeded();
    let results: Vec<BatchResult> = results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                BatchResult::Failed(ErrorBody {
                    error: "INTERNAL".into(),
                    message: "the server answered no result for this message".into(),
                    ..ErrorBody::default()
                })
            })
        })
        .collect();
    let failed = results
        .iter()
        .filter(|r| matches!(r, BatchResult::Failed(_)))
        .count() as u64;
    Ok(BatchReply {
        produced: results.len() as u64 - failed,
        failed,
        results,
    })
}

/// What every message of one `produce` gets from its flags.
struct Template<'a> {
    a: &'a ProduceArgs,
    headers: Vec<Header>,
    envelope: Option<WireEnvelope>,
}

impl Template<'_> {
    /// A message with `value`, and `key` or the `--key` flag's.
    fn message(&self, key: Option<Bytes>, value: Vec<u8>) -> Value {
        let a = self.a;
        let m = WireMessage {
            key: key.or_else(|| a.key.as_deref().map(|k| Bytes::Text(k.to_owned()))),
            value: Some(Bytes::from_bytes(&value)),
            headers: self.headers.clone(),
            partition: a.partition.map(i64::from),
            envelope: self.envelope.clone(),
            delay_ms: a.delay,
        };
        serde_json::to_value(m).unwrap_or_default()
    }

    /// One input line as a wire message; `None` for a blank line of JSON input.
    fn parse(&self, i: usize, line: std::io::Result<String>) -> anyhow::Result<Option<Value>> {
        let a = self.a;
        let line = line.context("cannot read input")?;
        if a.input != InputFormat::Lines && line.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(match a.input {
            InputFormat::Lines => self.text_line(i, line)?,
            InputFormat::Json if a.value_field.is_some() => {
                plain_json_message(&line, i, a, &|k, v| self.message(k, v))?
            }
            InputFormat::Raw => unreachable_raw()?,
            InputFormat::Json => self.json_line(i, &line)?,
        }))
    }

    /// A text line: all value, or `KEY<delimiter>VALUE` with `--key-delimiter`.
    fn text_line(&self, i: usize, line: String) -> anyhow::Result<Value> {
        let sep = self.a.key_delimiter.as_deref();
        match sep.and_then(|sep| line.split_once(sep)) {
            Some((k, v)) => {
                Ok(self.message(Some(Bytes::Text(k.to_owned())), v.as_bytes().to_vec()))
            }
            None if sep.is_some() => Err(ExitError::usage_error(format!(
                "line {}: no key delimiter {:?}",
                i + 1,
                sep.unwrap_or_default()
            ))),
            None => Ok(self.message(None, line.into_bytes())),
        }
    }

    /// A message as `consume -o json` prints it; the flags fill in what it leaves out.
    fn json_line(&self, i: usize, line: &str) -> anyhow::Result<Value> {
        let a = self.a;
        let m: WireMessage = serde_json::from_str(line).with_context(|| {
            format!("line {}: not a message as `consume -o json` prints", i + 1)
        })?;
        let mut v = json!({"value": m.value.with_context(|| format!("line {}: no value", i + 1))?});
        if let Some(k) = m
            .key
            .or_else(|| a.key.as_deref().map(|k| Bytes::Text(k.to_owned())))
        {
            v["key"] = json!(k);
        }
        let mut hs = m.headers;
        hs.extend(self.headers.clone());
        if !hs.is_empty() {
            v["headers"] = json!(hs);
        }
        if let Some(e) = m.envelope.or_else(|| self.envelope.clone()) {
            v["envelope"] = json!(e);
        }
        if let Some(p) = a.partition {
            v["partition"] = json!(p);
        }
        if let Some(d) = m.delay_ms.or(a.delay) {
            v["delay_ms"] = json!(d);
        }
        Ok(v)
    }
}

/// What the batches of one `produce` came to.
#[derive(Default)]
struct Tally {
    produced: u64,
    failed: u64,
    sent: u64,
    duplicates: u64,
    all_failures_not_found: bool,
    backpressure_left: bool,
}

impl Tally {
    fn count(&mut self, r: &BatchReply, sent: usize) {
        let error = |x: &BatchResult| match x {
            BatchResult::Failed(e) => Some(e.error.clone()),
            BatchResult::Produced(_) => None,
        };
        self.produced += r.produced;
        self.failed += r.failed;
        self.duplicates += r
            .results
            .iter()
            .filter(|x| matches!(x, BatchResult::Produced(p) if p.duplicate))
            .count() as u64;
        self.sent += sent as u64;
        self.backpressure_left |= r
            .results
            .iter()
            .any(|x| error(x).as_deref() == Some("RESOURCE_EXHAUSTED"));
        self.all_failures_not_found &= r
            .results
            .iter()
            .all(|x| error(x).is_none_or(|e| e == "NOT_FOUND"));
    }

    fn exit_code(&self) -> u8 {
        match (self.produced, self.failed) {
            (_, 0) => exit::OK,
            // The deadline passed with messages still held back: exit 3, as documented.
            _ if self.backpressure_left => exit::PARTIAL,
            (0, _) if self.all_failures_not_found => exit::NOT_FOUND_OR_FAILED_CHECK,
            (0, _) => exit::ERROR,
            _ => exit::PARTIAL,
        }
    }
}

/// Sends batches of one `produce` and counts what they came to.
struct Sender<'a> {
    a: &'a ProduceArgs,
    client: &'a Client,
    retry: &'a mut Retry,
    pb: Option<indicatif::ProgressBar>,
    tally: Tally,
}

impl Sender<'_> {
    /// Sends the batch; returns how many messages the server has taken so far.
    fn flush(&mut self, batch: &mut Vec<Value>, out: &mut dyn Write) -> anyhow::Result<u64> {
        if batch.is_empty() {
            return Ok(self.tally.produced);
        }
        let (produced, sent) = (self.tally.produced, self.tally.sent);
        let r = produce_retrying(self.client, &self.a.topic, batch, self.retry).map_err(|e| {
            if sent == 0 {
                e
            } else {
                // The earlier requests did land: say how far the input got.
                e.context(format!(
                    "{produced} message{} produced before this request failed",
                    if produced == 1 { " was" } else { "s were" }
                ))
            }
        })?;
        self.tally.count(&r, batch.len());
        if self.a.output.is_structured() {
            for res in &r.results {
                writeln!(out, "{}", json!(res))?;
            }
        } else if let Some(BatchResult::Failed(first)) = r
            .results
            .iter()
            .find(|x| matches!(x, BatchResult::Failed(_)))
        {
            eprintln!("driftq: some messages were refused: {}", first.message);
        }
        if let Some(pb) = &self.pb {
            pb.inc(batch.len() as u64);
        }
        batch.clear();
        Ok(self.tally.produced)
    }
}

pub fn run(
    a: &ProduceArgs,
    client: &Client,
    retry: &mut Retry,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    if a.batch == 0 {
        return Err(ExitError::usage_error("--batch must be at least 1"));
    }
    let template = Template {
        a,
        headers: headers_from_flags(a)?,
        envelope: envelope_from_flags(a)?,
    };
    if let Some(v) = &a.value {
        let one = [template.message(None, v.clone().into_bytes())];
        let r = produce_retrying(client, &a.topic, &one, retry)?;
        return report(a, &r, 1, out);
    }
    // `--file -` is stdin, as for most tools that take a file.
    let file = a.file.as_ref().filter(|p| p.as_os_str() != "-");
    let mut reader: Box<dyn BufRead> = match file {
        Some(path) => Box::new(BufReader::new(
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
        )),
        None => Box::new(BufReader::new(std::io::stdin())),
    };
    if a.input == InputFormat::Raw {
        let mut value = Vec::new();
        std::io::Read::read_to_end(&mut reader, &mut value).context("cannot read input")?;
        let r = produce_retrying(client, &a.topic, &[template.message(None, value)], retry)?;
        return report(a, &r, 1, out);
    }
    let total_hint = file
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.len());
    let pb = (colour_ok() && (file.is_some() || !std::io::stdin().is_terminal())).then(|| {
        let pb = indicatif::ProgressBar::new(total_hint.unwrap_or(0));
        pb.set_message("producing");
        pb
    });
    let mut sender = Sender {
        a,
        client,
        retry,
        pb,
        tally: Tally {
            all_failures_not_found: true,
            ..Tally::default()
        },
    };
    send_lines(&template, reader, &mut sender, out)?;
    if let Some(pb) = sender.pb.take() {
        pb.finish_and_clear();
    }
    summarize(a, &sender.tally, out)?;
    Ok(sender.tally.exit_code())
}

/// Sends every input line, in batches of `--batch` messages or `REQUEST_BYTES` of JSON.
fn send_lines(
    template: &Template<'_>,
    reader: Box<dyn BufRead>,
    sender: &mut Sender<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut batch: Vec<Value> = Vec::with_capacity(template.a.batch);
    let mut batch_bytes = 0usize;
    for (i, line) in reader.lines().enumerate() {
        let msg = match template.parse(i, line) {
            Ok(Some(msg)) => msg,
            Ok(None) => continue,
            Err(e) => {
                // What came before the bad line goes out; the error says how far the input got.
                let done = sender.flush(&mut batch, out)?;
                return Err(e.context(format!(
                    "{done} message{} before it produced, nothing after it sent",
                    crate::plural(done, "s")
                )));
            }
        };
        // Requests stay well under the server's body limit (16 MiB by default) however large
        // the messages: a batch is cut at --batch messages or REQUEST_BYTES of JSON, whichever
        // comes first, and a message larger than that goes alone.
        let msg_bytes = msg.to_string().len();
        if !batch.is_empty() && batch_bytes + msg_bytes > REQUEST_BYTES {
            sender.flush(&mut batch, out)?;
            batch_bytes = 0;
        }
        batch.push(msg);
        batch_bytes += msg_bytes;
        if batch.len() >= template.a.batch {
            sender.flush(&mut batch, out)?;
            batch_bytes = 0;
        }
    }
    sender.flush(&mut batch, out)?;
    Ok(())
}

fn summarize(a: &ProduceArgs, t: &Tally, out: &mut dyn Write) -> anyhow::Result<()> {
    let summary = json!({"produced": t.produced, "failed": t.failed, "sent": t.sent});
    if a.output.is_table() {
        writeln!(
            out,
            "produced {} message{} to {}{}{}",
            t.produced,
            crate::plural(t.produced, "s"),
            a.topic,
            if t.duplicates > 0 {
                format!(" ({} already written: same idempotency key)", t.duplicates)
            } else {
                String::new()
            },
            if t.failed > 0 {
                format!(", {} refused", t.failed)
            } else {
                String::new()
            }
        )?;
    } else if t.sent == 0 {
        writeln!(out, "{summary}")?;
    }
    Ok(())
}

/// `--input raw` is read whole before lines are: a line never reaches the line parser.
fn unreachable_raw() -> anyhow::Result<Value> {
    Err(anyhow::anyhow!("--input raw is read whole, not by lines"))
}

/// A plain JSON object's fields as a message (`--value-field`, `--key-field`): a string is the
/// text itself, any other JSON value is sent serialised.
fn plain_json_message(
    line: &str,
    i: usize,
    a: &ProduceArgs,
    keyed: &dyn Fn(Option<Bytes>, Vec<u8>) -> Value,
) -> anyhow::Result<Value> {
    let obj: Value = serde_json::from_str(line).map_err(|e| {
        ExitError::usage_error(format!("line {}: not JSON ({e}); binary values go as {{\"base64\": …}} with plain --input json", i + 1))
    })?;
    let field = |name: &str| -> Option<Vec<u8>> {
        match obj.get(name)? {
            Value::String(s) => Some(s.clone().into_bytes()),
            Value::Null => None,
            other => Some(other.to_string().into_bytes()),
        }
    };
    let value_name = a.value_field.as_deref().unwrap_or("value");
    let value = field(value_name).ok_or_else(|| {
        ExitError::usage_error(format!("line {}: no field {value_name:?}", i + 1))
    })?;
    let key = a
        .key_field
        .as_deref()
        .and_then(field)
        .map(|k| Bytes::from_bytes(&k));
    Ok(keyed(key, value))
}

fn report(a: &ProduceArgs, r: &BatchReply, n: u64, out: &mut dyn Write) -> anyhow::Result<u8> {
    let produced = match r.results.first() {
        Some(BatchResult::Produced(p)) => p,
        Some(BatchResult::Failed(e)) => {
            let (code, msg) = (e.error.as_str(), &e.message);
            if code == "NOT_FOUND" {
                return Err(ExitError::not_found(format!("{msg} ({code})")).into());
            }
            if code == "RESOURCE_EXHAUSTED" {
                // Still held back when --timeout passed.
                return Err(ExitError {
                    code: exit::PARTIAL,
                    message: format!("gave up waiting out backpressure: {msg} ({code})"),
                }
                .into());
            }
            bail!("{msg} ({code})");
        }
        None => bail!("the server answered no result for the message"),
    };
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!(produced))?,
        OutputFormat::Table | OutputFormat::Wide => writeln!(
            out,
            "produced {n} message to {}/{} at offset {}{}",
            produced.topic,
            produced.partition,
            produced.offset,
            if produced.duplicate {
                " (duplicate: already written)"
            } else {
                ""
            }
        )?,
    }
    Ok(exit::OK)
}
