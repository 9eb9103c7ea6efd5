//! The router hook: called on every produce (except DLQ writes) to label a message and
//! optionally send it to another topic or partition.
//!
//! [`RuleRouter`] is the one router driftq ships. Its file has one rule per line; the first rule
//! whose conditions all match wins; `#` starts a comment:
//!
//! ```text
//! # conditions (all must match; `*` and `?` globs)  =>  actions
//! topic=orders key=vip-* header:region=eu  =>  topic=orders.vip partition=0 label=vip meta:source=rules
//! topic=audit.*                             =>  label=audit
//! ```
//!
//! Conditions: `topic=GLOB`, `key=GLOB`, `header:NAME=GLOB`, `value=GLOB` (values and keys are
//! matched as UTF-8, lossily). Actions: `topic=NAME`, `partition=N`, `label=TEXT`, `meta:K=V`.

/// What a router sees of a message.
#[derive(Debug, Clone, Copy)]
pub struct RouteInput<'a> {
    pub topic: &'a str,
    pub key: Option<&'a [u8]>,
    pub headers: &'a [(String, Vec<u8>)],
    pub value: &'a [u8],
}

/// What a router decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteDecision {
    pub label: String,
    pub meta: Vec<(String, String)>,
    pub target_topic: Option<String>,
    pub partition: Option<u32>,
}

/// A produce-time hook. `Ok(None)` leaves the message alone; an error is counted and reported by
/// the broker, and the message is produced without routing.
pub trait Router: Send + Sync + std::fmt::Debug {
    fn route(&self, input: &RouteInput<'_>) -> Result<Option<RouteDecision>, String>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Condition {
    Topic(String),
    Key(String),
    Header(String, String),
    Value(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    line: usize,
    conditions: Vec<Condition>,
    decision: RouteDecision,
}

/// Rules from a file, first match wins.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleRouter {
    rules: Vec<Rule>,
}

impl RuleRouter {
    /// Parses rule text; errors name the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rules = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (conds, acts) = line
                .split_once("=>")
                .ok_or_else(|| format!("line {line_no}: expected `conditions => actions`"))?;
            let mut conditions = Vec::new();
            for tok in conds.split_whitespace() {
                let (k, v) = tok
                    .split_once('=')
                    .ok_or_else(|| format!("line {line_no}: condition {tok:?} is not NAME=GLOB"))?;
                conditions.push(match k {
                    "topic" => Condition::Topic(v.into()),
                    "key" => Condition::Key(v.into()),
                    "value" => Condition::Value(v.into()),
                    _ => match k.strip_prefix("header:") {
                        Some(name) if !name.is_empty() => Condition::Header(name.into(), v.into()),
                        _ => return Err(format!("line {line_no}: unknown condition {k:?}")),
                    },
                });
            }
            let mut decision = RouteDecision::default();
            for tok in acts.split_whitespace() {
                let (k, v) = tok
                    .split_once('=')
                    .ok_or_else(|| format!("line {line_no}: action {tok:?} is not NAME=VALUE"))?;
                match k {
                    "topic" => decision.target_topic = Some(v.into()),
                    "partition" => {
                        decision.partition = Some(
                            v.parse()
                                .map_err(|e| format!("line {line_no}: partition {v:?}: {e}"))?,
                        );
                    }
                    "label" => decision.label = v.into(),
                    _ => match k.strip_prefix("meta:") {
                        Some(name) if !name.is_empty() => {
                            decision.meta.push((name.into(), v.into()))
                        }
                        _ => return Err(format!("line {line_no}: unknown action {k:?}")),
                    },
                }
            }
            rules.push(Rule {
                line: line_no,
                conditions,
                decision,
            });
        }
        Ok(Self { rules })
    }

    /// Reads and parses a rule file.
    pub fn from_file(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read router config {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

impl Router for RuleRouter {
    fn route(&self, input: &RouteInput<'_>) -> Result<Option<RouteDecision>, String> {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        for rule in &self.rules {
            let all = rule.conditions.iter().all(|c| match c {
                Condition::Topic(g) => glob_match(g, input.topic),
                Condition::Key(g) => input.key.is_some_and(|k| glob_match(g, &text(k))),
                Condition::Value(g) => glob_match(g, &text(input.value)),
                Condition::Header(name, g) => input
                    .headers
                    .iter()
                    .any(|(n, v)| n == name && glob_match(g, &text(v))),
            });
            if all {
                let _ = rule.line;
                return Ok(Some(rule.decision.clone()));
            }
        }
        Ok(None)
    }
}

/// Shell-style glob: `*` any run, `?` any one character, everything else literal.
#[must_use]
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("vip-*", "vip-42"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c*", "abcdef"));
        assert!(!glob_match("vip-*", "vi"));
        assert!(glob_match("*.inbox", "agent.a.inbox"));
    }

    #[test]
    fn rules_match_first_wins_and_errors_name_the_line() {
        let r = RuleRouter::parse(
            "# comment\ntopic=orders key=vip-* header:region=eu => topic=orders.vip partition=0 label=vip meta:source=rules\ntopic=orders => label=plain\n",
        )
        .expect("parse");
        let headers = vec![("region".to_string(), b"eu".to_vec())];
        let vip = RouteInput {
            topic: "orders",
            key: Some(b"vip-1"),
            headers: &headers,
            value: b"x",
        };
        let d = r.route(&vip).expect("route").expect("matched");
        assert_eq!(d.target_topic.as_deref(), Some("orders.vip"));
        assert_eq!(d.partition, Some(0));
        assert_eq!(d.meta, vec![("source".to_string(), "rules".to_string())]);
        let plain = RouteInput {
            topic: "orders",
            key: None,
            headers: &[],
            value: b"x",
        };
        assert_eq!(
            r.route(&plain).expect("route").expect("matched").label,
            "plain"
        );
        let other = RouteInput {
            topic: "x",
            key: None,
            headers: &[],
            value: b"",
        };
        assert_eq!(r.route(&other), Ok(None));
        let err = RuleRouter::parse("topic=a\n").expect_err("no arrow");
        assert!(err.contains("line 1"), "{err}");
        assert!(RuleRouter::parse("bogus=1 => label=x").is_err());
    }
}
