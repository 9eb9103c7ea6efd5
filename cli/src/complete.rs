//! Dynamic completion of topic and group names (`source <(COMPLETE=bash driftq)`, clap's
//! `CompleteEnv`): the shell asks the binary, which asks the server named by `DRIFTQ_URL` or
//! the current context, for at most a second. Without an answer the names are simply not
//! offered; commands and flags complete as the static scripts in `completions/` do.

use std::ffi::OsStr;
use std::time::Duration;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::client::Client;

/// Arguments that name an existing topic or group: completed from the server.
pub fn attach(cmd: clap::Command) -> clap::Command {
    attach_under(cmd, "")
}

fn attach_under(cmd: clap::Command, parent: &'static str) -> clap::Command {
    cmd.mut_subcommands(move |sub| {
        let name = sub.get_name().to_owned();
        let here: &'static str = match name.as_str() {
            "topic" => "topic",
            "group" => "group",
            "dlq" => "dlq",
            _ => "",
        };
        // A topic being created has no name to complete yet; `topic describe NAME` names one.
        let topic_ids: &[&str] = match (parent, name.as_str()) {
            ("topic", "create") => &[],
            ("topic", _) => &["name", "topic"],
            _ => &["topic"],
        };
        // `mut_args` keeps the arguments' order (`mut_arg` moves one last, which would renumber
        // positionals).
        attach_under(sub, here).mut_args(move |a| {
            let id = a.get_id().as_str();
            if topic_ids.contains(&id) {
                a.add(ArgValueCompleter::new(topics))
            } else if id == "group" {
                a.add(ArgValueCompleter::new(groups))
            } else {
                a
            }
        })
    })
}

/// A client of the server the shell's environment names, quick to give up.
fn client() -> Option<Client> {
    let url = std::env::var("DRIFTQ_URL").ok();
    let context = std::env::var("DRIFTQ_CONTEXT").ok();
    let server = crate::contexts::resolve(url.as_deref(), context.as_deref()).ok()?;
    let tls = crate::tls::TlsOptions {
        ca_cert: std::env::var_os("DRIFTQ_CA_CERT")
            .map(Into::into)
            .or_else(|| server.ca_cert.clone()),
        insecure: false,
    };
    // As every command: DRIFTQ_TOKEN over the context's token.
    let token = std::env::var("DRIFTQ_TOKEN").ok().or(server.token);
    Client::with_tls(&server.url, Duration::from_secs(1), &tls)
        .ok()
        .map(|c| c.token(token))
}

fn starting_with(
    names: impl IntoIterator<Item = String>,
    current: &OsStr,
) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    names
        .into_iter()
        .filter(|n| n.starts_with(prefix.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

fn topics(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = client()
        .and_then(|c| c.list_topics().ok())
        .unwrap_or_default();
    starting_with(names, current)
}

fn groups(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut names: Vec<String> = client()
        .and_then(|c| c.groups().ok())
        .unwrap_or_default()
        .into_iter()
        .map(|g| g.group)
        .collect();
    names.sort();
    names.dedup();
    starting_with(names, current)
}
