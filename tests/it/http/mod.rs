//! The HTTP API end to end against the real binary: DriftQ v1 compatibility (the contract's §9
//! tests that apply), our extensions, error shapes, limits — one file per resource, as
//! `src/serve/handlers`.

use std::io::{BufRead, BufReader};

use serde_json::{Value, json};

use crate::server::Server;

/// The text values of a poll reply's messages, in order.
fn text_values(reply: &Value) -> Vec<&str> {
    reply["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["value"].as_str())
        .collect()
}

/// Two fields of each object in the JSON array `rows`: a number (99 when missing) and a text.
fn number_and_text(rows: &Value, number: &str, text: &str) -> Vec<(u64, String)> {
    rows.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r[number].as_u64().unwrap_or(99),
                r[text].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn error_code(r: reqwest::blocking::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().expect("json error body");
    assert!(
        body["message"].is_string(),
        "error body has a message: {body}"
    );
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Reads an NDJSON stream the way DriftQ's SDKs do: skip blank lines, decode each JSON value.
struct StreamReader {
    lines: std::io::Lines<BufReader<reqwest::blocking::Response>>,
}

impl StreamReader {
    fn open(s: &Server, query: &str) -> Self {
        let client = reqwest::blocking::Client::builder()
            .timeout(None)
            .build()
            .expect("client");
        let r = client
            .get(format!("{}/v1/consume?{query}", s.url))
            .header("Accept", "application/x-ndjson")
            .send()
            .expect("consume");
        assert_eq!(r.status(), 200);
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(ct.contains("application/x-ndjson"), "{ct}");
        Self {
            lines: BufReader::new(r).lines(),
        }
    }

    fn next(&mut self) -> Value {
        loop {
            let line = self.lines.next().expect("stream open").expect("read");
            if !line.trim().is_empty() {
                return serde_json::from_str(&line).expect("json line");
            }
        }
    }
}

mod consume;
mod debug;
mod dlq;
mod groups;
mod produce;
mod settle;
mod system;
mod topics;
