//! Named servers (rpk profiles, `nats context`): `contexts.toml` in the XDG config directory
//! (`$XDG_CONFIG_HOME/driftq`, else `~/.config/driftq`), one `[contexts.NAME]` table each with
//! its `url` (and a `token`, sent as `Authorization: Bearer`, and a `ca_cert`, the PEM file of
//! the CA its certificate is checked against), and `current` naming the one in use.
//!
//! Which server a command talks to: `--url` > `DRIFTQ_URL` > `--context`/`DRIFTQ_CONTEXT` >
//! the current context > `http://127.0.0.1:8080`. A URL without a scheme gets `http://`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::{DEFAULT_URL, ExitError};

/// One named server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<PathBuf>,
}

/// The server a command talks to: its URL, the token to send, the CA to check it against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Server {
    pub url: String,
    pub token: Option<String>,
    pub ca_cert: Option<PathBuf>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contexts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

/// Where the file lives (it may not exist).
#[must_use]
pub fn path() -> PathBuf {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("driftq").join("contexts.toml")
}

/// `http://` in front of a URL that names no scheme.
#[must_use]
pub fn with_scheme(url: &str) -> String {
    let url = url.trim();
    if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    }
}

impl Contexts {
    /// The file's contexts (none when it does not exist).
    pub fn load() -> anyhow::Result<Self> {
        let p = path();
        match std::fs::read_to_string(&p) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| ExitError::usage_error(format!("{}: {}", p.display(), e.message()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", p.display())),
        }
    }

    /// Writes the file (creating its directory), replacing it whole.
    pub fn save(&self) -> anyhow::Result<()> {
        let p = path();
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text = toml::to_string(self).context("cannot encode the contexts")?;
        let tmp = p.with_extension("toml.tmp");
        std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &p).with_context(|| format!("cannot write {}", p.display()))
    }

    /// The context `name`, or exit 4 naming the known ones.
    pub fn get(&self, name: &str) -> anyhow::Result<&Context> {
        self.contexts.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.contexts.keys().map(String::as_str).collect();
            ExitError::not_found(format!(
                "no context {name:?} (known: {}); add it with `driftq context add {name} --url …`",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
            .into()
        })
    }
}

/// The server a command talks to, the token to send it and its CA (see the module docs).
pub fn resolve(url: Option<&str>, context: Option<&str>) -> anyhow::Result<Server> {
    if let Some(u) = url {
        return Ok(Server {
            url: with_scheme(u),
            ..Server::default()
        });
    }
    let file = Contexts::load()?;
    let chosen = context.map(str::to_owned).or_else(|| file.current.clone());
    match chosen {
        Some(name) => {
            let c = file.get(&name)?;
            Ok(Server {
                url: with_scheme(&c.url),
                token: c.token.clone(),
                ca_cert: c.ca_cert.clone(),
            })
        }
        None => Ok(Server {
            url: DEFAULT_URL.to_owned(),
            ..Server::default()
        }),
    }
}
