//! The auth file: TOML, one `[[principals]]` table per principal.
//!
//! ```toml
//! [[principals]]
//! name = "orders-writer"
//! token_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//! permissions = [
//!   { action = "produce", topics = "orders*" },
//!   { action = "consume", topics = "orders*", groups = "billing*" },
//! ]
//! ```
//!
//! `token_sha256` may be left out for a principal that signs in only with a client certificate
//! whose common name is its `name`. Unknown keys are refused (a misspelt `topic` must not grant
//! nothing silently, or everything); so are two principals with one name or one token, and
//! `groups` on an action other than `consume`.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::{Action, Permission, Policy, Principal, TokenHash};

/// Why an auth file was refused: one line, naming the file and the place.
#[derive(Debug, thiserror::Error)]
#[error("auth file {path}: {message}")]
pub struct AuthFileError {
    pub path: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    principals: Vec<PrincipalShape>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrincipalShape {
    name: String,
    token_sha256: Option<String>,
    #[serde(default)]
    permissions: Vec<PermissionShape>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionShape {
    action: Action,
    topics: String,
    groups: Option<String>,
}

impl Policy {
    /// Reads and checks the auth file at `path`.
    pub fn from_file(path: &Path) -> Result<Self, AuthFileError> {
        let fail = |message: String| AuthFileError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        Self::parse(&text).map_err(fail)
    }

    /// Parses and checks the text of an auth file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let shape: FileShape =
            toml::from_str(text).map_err(|e| crate::toml_error::one_line(text, &e))?;
        let mut names = HashSet::new();
        let mut tokens = HashSet::new();
        let mut principals = Vec::with_capacity(shape.principals.len());
        for p in shape.principals {
            let who = format!("principal {:?}", p.name);
            if p.name.trim().is_empty() {
                return Err("a principal has an empty name".into());
            }
            if !names.insert(p.name.clone()) {
                return Err(format!("{who} is listed twice"));
            }
            let token = match &p.token_sha256 {
                None => None,
                Some(hex) => {
                    let h = TokenHash::from_hex(hex).map_err(|e| format!("{who}: {e}"))?;
                    if !tokens.insert(h) {
                        return Err(format!("{who} has the token of another principal"));
                    }
                    Some(h)
                }
            };
            let permissions = p
                .permissions
                .into_iter()
                .map(|perm| checked(perm).map_err(|e| format!("{who}: {e}")))
                .collect::<Result<_, _>>()?;
            principals.push(Principal {
                name: p.name,
                token,
                permissions,
            });
        }
        Ok(Self::new(principals))
    }
}

fn checked(p: PermissionShape) -> Result<Permission, String> {
    if p.topics.is_empty() {
        return Err(format!("{} permission with an empty topics glob", p.action));
    }
    if p.groups.is_some() && p.action != Action::Consume {
        return Err(format!(
            "groups is for consume permissions; {} covers every group of its topics",
            p.action
        ));
    }
    Ok(Permission {
        action: p.action,
        topics: p.topics,
        groups: p.groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn the_documented_shape_parses() {
        let text = format!(
            "[[principals]]\nname = \"orders-writer\"\ntoken_sha256 = \"{HASH}\"\npermissions = [\n  {{ action = \"produce\", topics = \"orders*\" }},\n  {{ action = \"consume\", topics = \"orders*\", groups = \"billing*\" }},\n]\n\n[[principals]]\nname = \"by-certificate\"\npermissions = [{{ action = \"read\", topics = \"*\" }}]\n"
        );
        let policy = Policy::parse(&text).expect("parses");
        assert_eq!(policy.len(), 2);
        let p = policy.by_token("test").expect("the token of the hash");
        assert_eq!(p.name, "orders-writer");
        assert_eq!(p.permissions.len(), 2);
        assert!(
            policy
                .by_name("by-certificate")
                .is_some_and(|p| p.token.is_none())
        );
    }

    #[test]
    fn mistakes_are_refused_with_their_place() {
        let cases = [
            (
                "[[principals]]\nname = \"a\"\ntoken = \"x\"\n",
                "line 3, column 1: unknown field `token`",
            ),
            (
                "[[principals]]\nname = \"a\"\ntoken_sha256 = \"abc\"\n",
                "64 hex digits",
            ),
            (
                "[[principals]]\nname = \"a\"\npermissions = [{ action = \"write\", topics = \"*\" }]\n",
                "unknown variant `write`",
            ),
            (
                "[[principals]]\nname = \"a\"\npermissions = [{ action = \"read\", topic = \"*\" }]\n",
                "unknown field `topic`",
            ),
            (
                "[[principals]]\nname = \"a\"\npermissions = [{ action = \"read\", topics = \"*\", groups = \"g\" }]\n",
                "groups is for consume",
            ),
            (
                "[[principals]]\nname = \"a\"\n[[principals]]\nname = \"a\"\n",
                "listed twice",
            ),
        ];
        for (text, want) in cases {
            let err = Policy::parse(text).expect_err(text);
            assert!(err.contains(want), "{text:?}: {err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
        let twice = format!(
            "[[principals]]\nname = \"a\"\ntoken_sha256 = \"{HASH}\"\n[[principals]]\nname = \"b\"\ntoken_sha256 = \"{HASH}\"\n"
        );
        assert!(
            Policy::parse(&twice)
                .expect_err("same token")
                .contains("token of another")
        );
    }
}
