//! Who may do what: principals, their tokens and their permissions on topics and groups.
//!
//! A [`Policy`] is read from the auth file ([`file`](mod@file)); the server asks it who a token (or a
//! client certificate's name) belongs to, then asks that [`Principal`] whether it may take an
//! [`Action`] on a [`Scope`]. Nothing here knows HTTP.
//!
//! Invariants:
//! - `admin` implies `produce`, `consume` and `read` on the same topics (and every group);
//!   the other actions imply nothing.
//! - A `consume` permission names a group glob (`*` when left out); `produce`, `read` and
//!   `admin` cover every group of their topics.
//! - [`Scope::Everything`] (cross-topic endpoints such as `/metrics`) is granted only by a
//!   permission whose topic glob is `*`.
//! - Globs are the router's (`*` any run, `?` one character), anchored at both ends.

pub mod file;
pub mod token;

use std::sync::Arc;

use serde::Serialize;

use crate::broker::router::glob_match;
pub use file::AuthFileError;
pub use token::TokenHash;

/// What a request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Write messages.
    Produce,
    /// Lease, ack, nack, extend and release messages in a group.
    Consume,
    /// Create, alter, grow, purge and delete topics; delete and seek groups; replay a DLQ.
    Admin,
    /// Stats, describe, partition reads, DLQ peeks, metrics.
    Read,
}

impl Action {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Produce => "produce",
            Self::Consume => "consume",
            Self::Admin => "admin",
            Self::Read => "read",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a request touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// One topic (a DLQ is checked as the topic it belongs to).
    Topic(&'a str),
    /// One group of one topic.
    Group { topic: &'a str, group: &'a str },
    /// Every topic at once.
    Everything,
}

impl std::fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Topic(t) => write!(f, "topic {t:?}"),
            Self::Group { topic, group } => write!(f, "topic {topic:?}, group {group:?}"),
            Self::Everything => f.write_str("every topic"),
        }
    }
}

/// One grant: an action on the topics (and, for `consume`, groups) its globs match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permission {
    pub action: Action,
    pub topics: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<String>,
}

impl Permission {
    fn grants(&self, action: Action, scope: Scope<'_>) -> bool {
        if self.action != action && self.action != Action::Admin {
            return false;
        }
        match scope {
            Scope::Everything => self.topics == "*",
            Scope::Topic(topic) => glob_match(&self.topics, topic),
            Scope::Group { topic, group } => {
                glob_match(&self.topics, topic)
                    && (self.action != Action::Consume
                        || glob_match(self.groups.as_deref().unwrap_or("*"), group))
            }
        }
    }
}

/// Someone the server knows: by token, or by the name in its client certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub token: Option<TokenHash>,
    pub permissions: Vec<Permission>,
}

impl Principal {
    /// True when one of its permissions grants `action` on `scope`.
    #[must_use]
    pub fn allows(&self, action: Action, scope: Scope<'_>) -> bool {
        self.permissions.iter().any(|p| p.grants(action, scope))
    }
}

/// The principals of one auth file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    principals: Vec<Arc<Principal>>,
}

impl Policy {
    #[must_use]
    pub fn new(principals: Vec<Principal>) -> Self {
        Self {
            principals: principals.into_iter().map(Arc::new).collect(),
        }
    }

    /// The principal whose token this is. Every stored hash is compared, each in constant
    /// time, so the answer's timing tells nothing of how close a guess came.
    #[must_use]
    pub fn by_token(&self, token: &str) -> Option<Arc<Principal>> {
        let presented = TokenHash::of(token);
        let mut found = None;
        for p in &self.principals {
            if p.token.as_ref().is_some_and(|h| h.matches(&presented)) {
                found = Some(Arc::clone(p));
            }
        }
        found
    }

    /// The principal of this name (a client certificate's common name).
    #[must_use]
    pub fn by_name(&self, name: &str) -> Option<Arc<Principal>> {
        self.principals.iter().find(|p| p.name == name).cloned()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.principals.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.principals.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perm(action: Action, topics: &str, groups: Option<&str>) -> Permission {
        Permission {
            action,
            topics: topics.into(),
            groups: groups.map(Into::into),
        }
    }

    #[test]
    fn admin_implies_the_rest_and_consume_is_bound_to_its_groups() {
        let p = Principal {
            name: "p".into(),
            token: None,
            permissions: vec![
                perm(Action::Produce, "orders*", None),
                perm(Action::Consume, "orders*", Some("billing*")),
                perm(Action::Admin, "scratch.*", None),
            ],
        };
        assert!(p.allows(Action::Produce, Scope::Topic("orders.eu")));
        assert!(!p.allows(Action::Produce, Scope::Topic("payments")));
        assert!(!p.allows(Action::Read, Scope::Topic("orders")));
        let group = |topic, group| Scope::Group { topic, group };
        assert!(p.allows(Action::Consume, group("orders", "billing-1")));
        assert!(!p.allows(Action::Consume, group("orders", "audit")));
        for action in [
            Action::Produce,
            Action::Consume,
            Action::Read,
            Action::Admin,
        ] {
            assert!(p.allows(action, group("scratch.x", "any")), "{action}");
        }
        assert!(!p.allows(Action::Read, Scope::Everything));
        let all = Principal {
            permissions: vec![perm(Action::Read, "*", None)],
            ..p
        };
        assert!(all.allows(Action::Read, Scope::Everything));
    }

    #[test]
    fn a_token_finds_its_principal_and_a_wrong_one_none() {
        let policy = Policy::new(vec![
            Principal {
                name: "a".into(),
                token: Some(TokenHash::of("alpha")),
                permissions: vec![],
            },
            Principal {
                name: "cert-only".into(),
                token: None,
                permissions: vec![],
            },
        ]);
        assert_eq!(
            policy.by_token("alpha").map(|p| p.name.clone()),
            Some("a".into())
        );
        assert!(policy.by_token("alphb").is_none());
        assert!(policy.by_token("").is_none());
        assert!(policy.by_name("cert-only").is_some());
    }
}
