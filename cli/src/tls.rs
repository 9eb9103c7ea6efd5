//! TLS for every client command: reqwest's rustls (aws-lc-rs provider; no OpenSSL), the
//! system's roots by default, or exactly the CA given with `--ca-cert` (as `curl --cacert`), or no check
//! at all with `--insecure` (said loudly on stderr, every time).

use std::path::{Path, PathBuf};

use crate::ExitError;

/// How a client checks the server's certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Trust only the CA certificates in this PEM file.
    pub ca_cert: Option<PathBuf>,
    /// Do not check the certificate at all.
    pub insecure: bool,
}

impl TlsOptions {
    /// The CA certificates of `--ca-cert`, if given: a missing or unreadable file, or one
    /// holding no certificate, is a usage error.
    pub fn roots(&self) -> anyhow::Result<Vec<reqwest::Certificate>> {
        let Some(path) = &self.ca_cert else {
            return Ok(Vec::new());
        };
        let pem = std::fs::read(path)
            .map_err(|e| ExitError::usage_error(format!("--ca-cert {}: {e}", path.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| no_certificate(path))?;
        Ok(certs)
    }

    /// The roots to trust instead of the system's (none: the system's), saying `--insecure`
    /// out loud: what both client builders need.
    fn prepare(&self) -> anyhow::Result<Vec<reqwest::Certificate>> {
        if self.insecure {
            warn_insecure();
        }
        self.roots()
    }

    /// Applies these options to a client builder, blocking or async.
    pub fn apply<B: TlsBuilder>(&self, builder: B) -> anyhow::Result<B> {
        let roots = self.prepare()?;
        let builder = builder.accept_invalid_certs(self.insecure);
        Ok(if roots.is_empty() {
            builder
        } else {
            builder.only_roots(roots)
        })
    }
}

/// What [`TlsOptions::apply`] needs of a reqwest client builder (blocking and async alike).
pub trait TlsBuilder: Sized {
    fn accept_invalid_certs(self, yes: bool) -> Self;
    fn only_roots(self, roots: Vec<reqwest::Certificate>) -> Self;
}

impl TlsBuilder for reqwest::blocking::ClientBuilder {
    fn accept_invalid_certs(self, yes: bool) -> Self {
        self.danger_accept_invalid_certs(yes)
    }
    fn only_roots(self, roots: Vec<reqwest::Certificate>) -> Self {
        self.tls_certs_only(roots)
    }
}

impl TlsBuilder for reqwest::ClientBuilder {
    fn accept_invalid_certs(self, yes: bool) -> Self {
        self.danger_accept_invalid_certs(yes)
    }
    fn only_roots(self, roots: Vec<reqwest::Certificate>) -> Self {
        self.tls_certs_only(roots)
    }
}

fn no_certificate(path: &Path) -> anyhow::Error {
    ExitError::usage_error(format!(
        "--ca-cert {}: no PEM certificate in it",
        path.display()
    ))
}

fn warn_insecure() {
    eprintln!(
        "driftq: --insecure: the server's certificate is NOT checked; anyone on the path can read and change what is sent"
    );
}
