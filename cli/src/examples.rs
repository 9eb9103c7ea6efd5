//! EXAMPLES sections for `--help` and the man pages (clap's `after_help`).

pub const PRODUCE: &str = "\
Examples:
  driftq produce orders 'hello'                        one message
  driftq produce orders -k user-7 'hello'              keyed: same key, same partition, in order
  seq 1000 | driftq produce orders                     one message per line
  driftq produce orders --key-delimiter : < kv.txt     KEY:VALUE lines (kcat -K)
  driftq produce blobs --input raw --file photo.jpg    the whole file as one value
  driftq consume a -g copy --until-end -o json | driftq produce b --input json   copy a topic";

pub const CONSUME: &str = "\
Examples:
  driftq consume orders -g billing                     follow, print, ack what was printed
  driftq consume orders -g billing -n 10 -o json       ten messages as JSON lines
  driftq consume orders -g audit --until-end --no-ack -o json > leased.jsonl
  driftq ack --stdin < leased.jsonl                    ack them later
  driftq consume orders -g billing --from -100         move the group 100 back first";

pub const READ: &str = "\
Examples:
  driftq read orders                                   everything stored, no group
  driftq read orders -p 0 --offset 100:200             offsets 100..199 of partition 0
  driftq read orders --offset -10                      the last ten of each partition
  driftq read orders --offset @-1h --follow            from an hour ago, then tail";

pub const CHECK: &str = "\
Examples:
  driftq check -g billing --max-lag 10000 --max-oldest 5m
  driftq check --max-dlq 0 -o json                     every group; one JSON object";

pub const CONTEXT: &str = "\
Examples:
  driftq context add prod --url broker.internal:8080 --use
  driftq --context staging topic list
  DRIFTQ_CONTEXT=prod driftq status";

/// Every subcommand's EXAMPLES, by its path under `driftq` ("topic create"): one table that
/// `--help` and the man pages both read (see [`attach`]). A subcommand missing here fails the
/// test `every_subcommand_has_examples`.
pub const BY_PATH: &[(&str, &str)] = &[
    ("serve", "Examples:
  driftq serve                                         127.0.0.1:8080, data in ./driftq-data
  driftq serve --addr 127.0.0.1:9000 --data-dir /var/lib/driftq --fsync interval=10ms
  driftqd -addr :8080 -wal /var/lib/driftq             DriftQ v1's command line, as a symlink"),
    ("topic", "Examples:
  driftq topic create orders -p 4 --retention-age 7d
  driftq topic list -o json
  driftq topic alter orders --partitions 8
  driftq topic purge orders --yes"),
    ("topic create", "Examples:
  driftq topic create orders -p 4                      four partitions
  driftq topic create runs --ordering key              one message per key in flight, in order
  driftq topic create jobs --max-attempts 5 --backoff 1s   then dlq.jobs"),
    ("topic list", "Examples:
  driftq topic list
  driftq topic list -o json | jq -r '.topics[].name'"),
    ("topic describe", "Examples:
  driftq topic describe orders                         partitions, retention, groups, DLQ
  driftq topic describe orders -o json"),
    ("topic alter", "Examples:
  driftq topic alter orders --partitions 8             grow (never shrink)
  driftq topic alter orders --retention-age none       keep everything again"),
    ("topic purge", "Examples:
  driftq topic purge orders --yes                      delete every message, keep offsets and groups"),
    ("topic delete", "Examples:
  driftq topic delete scratch --yes"),
    ("ack", "Examples:
  driftq ack orders -g billing --owner w1 -p 0 --offset 42
  driftq consume orders -g billing --no-ack -o json | my-worker | driftq ack --stdin"),
    ("nack", "Examples:
  driftq nack orders -g billing --owner w1 -p 0 --offset 42 --reason 'upstream 503' --delay 30s
  driftq nack --stdin --dead-letter < poison.jsonl     straight to dlq.orders"),
    ("extend", "Examples:
  driftq extend orders -g billing --owner w1 -p 0 --offset 42 --lease 5m"),
    ("group", "Examples:
  driftq group list
  driftq group describe orders -g billing
  driftq group seek orders -g billing --to @-1h --yes"),
    ("group list", "Examples:
  driftq group list -o json"),
    ("group describe", "Examples:
  driftq group describe orders -g billing              per partition, and its consumers"),
    ("group inflight", "Examples:
  driftq group inflight orders -g billing              who holds what, until when"),
    ("group messages", "Examples:
  driftq group messages orders -g billing --state retried
  driftq group messages orders -g billing --state in-flight --owner w1"),
    ("group seek", "Examples:
  driftq group seek orders -g billing --to start --yes
  driftq group seek orders -g billing --to -100 --yes  100 before the end of each partition
  driftq group seek orders -g billing --to @2026-12-07T09:00:00Z -p 0 --yes"),
    ("group delete", "Examples:
  driftq group delete orders -g old-billing --yes"),
    ("dlq", "Examples:
  driftq dlq list
  driftq dlq peek orders
  driftq dlq replay orders --filter 'error=timeout*' --dry-run"),
    ("dlq list", "Examples:
  driftq dlq list -o json"),
    ("dlq peek", "Examples:
  driftq dlq peek orders --max 20                      origin, attempts and errors of each"),
    ("dlq replay", "Examples:
  driftq dlq replay orders --dry-run                   what would go back, and where
  driftq dlq replay orders --since @-1h --yes          the last hour's dead letters
  driftq dlq replay orders --to orders-retry --copy --yes"),
    ("status", "Examples:
  driftq status
  driftq status -o json | jq .lag"),
    ("top", "Examples:
  driftq top                                           Tab: panes, Enter: drill down, ?: keys
  driftq --context prod top --interval 2s"),
    ("bench", "Examples:
  driftq bench produce --embedded --messages 300000 --batch 100 --producers 4
  driftq bench consume --url http://127.0.0.1:8080 --wire binary
  driftq bench e2e --embedded --rate 1000              produce→consume latency"),
    ("bench produce", "Examples:
  driftq bench produce --embedded --batch 1 --producers 16"),
    ("bench consume", "Examples:
  driftq bench consume --embedded --consumers 4 --wire stream"),
    ("bench e2e", "Examples:
  driftq bench e2e --embedded --rate 2000 --consumers 4"),
    ("wal", "Examples:
  driftq wal verify ./driftq-data                      every checksum, offset and index
  driftq wal inspect ./driftq-data/topics/orders/0 --from 100 --limit 5"),
    ("wal inspect", "Examples:
  driftq wal inspect ./driftq-data/state               the broker's state log, record by record
  driftq wal inspect ./driftq-data/topics/orders/0 -o json"),
    ("wal verify", "Examples:
  driftq wal verify ./driftq-data && echo clean"),
    ("wal import", "Examples:
  driftq wal import driftq-v1.wal --data-dir ./driftq-data"),
    ("auth", "Examples:
  driftq auth gen-token --name orders-writer          a token, its hash and an auth-file entry
  printf %s \"$TOKEN\" | driftq auth hash-token -        the hash of a token you have"),
    ("auth gen-token", "Examples:
  driftq auth gen-token
  driftq auth gen-token --name orders-writer           and paste the entry into the auth file
  driftq auth gen-token -o json | jq -r .token"),
    ("auth hash-token", "Examples:
  driftq auth hash-token dq_3q2…                       prints the token_sha256 for the auth file
  printf %s \"$TOKEN\" | driftq auth hash-token -        from stdin, not the shell history"),
    ("context add", "Examples:
  driftq context add prod --url https://broker.internal:8443 --ca-cert ca.pem --use"),
    ("context use", "Examples:
  driftq context use staging"),
    ("context list", "Examples:
  driftq context list -o json"),
    ("context show", "Examples:
  driftq context show prod"),
    ("context remove", "Examples:
  driftq context remove staging"),
    ("completions", "Examples:
  driftq completions bash > /etc/bash_completion.d/driftq
  driftq completions zsh > \"${fpath[1]}/_driftq\""),
    ("man", "Examples:
  driftq man /usr/local/share/man/man1 && man driftq-topic-create"),
];

/// `cmd` with each subcommand's EXAMPLES from [`BY_PATH`] as its `after_help` (where the
/// derive did not set one already).
#[must_use]
pub fn attach(cmd: clap::Command) -> clap::Command {
    attach_under(cmd, "")
}

fn attach_under(cmd: clap::Command, path: &str) -> clap::Command {
    cmd.mut_subcommands(|sub| {
        let here = if path.is_empty() {
            sub.get_name().to_owned()
        } else {
            format!("{path} {}", sub.get_name())
        };
        let sub = attach_under(sub, &here);
        match BY_PATH.iter().find(|(p, _)| *p == here) {
            Some((_, text)) if sub.get_after_help().is_none() => sub.after_help(*text),
            _ => sub,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of a shell command line: quotes group, the first `|`, `&&`, `<` or `>` ends
    /// the driftq part, and a run of two spaces starts the comment.
    fn words(line: &str) -> Vec<String> {
        let line = line.split("  ").next().unwrap_or_default();
        let mut out = Vec::new();
        let mut word = String::new();
        let mut quote = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '\'' | '"') => quote = Some(c),
                (None, c) if c.is_whitespace() => {
                    if !word.is_empty() {
                        out.push(std::mem::take(&mut word));
                    }
                }
                (None, c) => word.push(c),
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
        let end = out
            .iter()
            .position(|w| ["|", "&&", "<", ">"].contains(&w.as_str()))
            .unwrap_or(out.len());
        out.truncate(end);
        out
    }

    fn paths(cmd: &clap::Command, under: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let path = if under.is_empty() {
                sub.get_name().to_owned()
            } else {
                format!("{under} {}", sub.get_name())
            };
            paths(sub, &path, out);
            out.push(path);
        }
    }

    #[test]
    fn every_subcommand_has_examples_and_every_example_parses() {
        let cmd = crate::Cli::command_with_examples();
        let mut all = Vec::new();
        paths(&cmd, "", &mut all);
        for path in &all {
            let mut sub = &cmd;
            for name in path.split(' ') {
                sub = sub.find_subcommand(name).expect("subcommand");
            }
            let help = sub
                .get_after_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(
                help.starts_with("Examples:"),
                "driftq {path} has no EXAMPLES"
            );
            for line in help.lines().skip(1) {
                let w = words(line.trim_start());
                if w.first().map(String::as_str) != Some("driftq") {
                    continue;
                }
                if let Err(e) = <crate::Cli as clap::Parser>::try_parse_from(&w) {
                    panic!("driftq {path}: example {line:?} does not parse: {e}");
                }
            }
        }
        for (path, _) in BY_PATH {
            assert!(all.contains(&(*path).to_owned()), "{path} is no subcommand");
        }
    }
}
