//! Certificates made by the test, with rcgen: a CA, a server certificate for 127.0.0.1 it
//! signed, and client certificates whose common name names a principal.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};

/// A CA that signs certificates into a directory.
pub(crate) struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    /// The CA's certificate (PEM), what clients and `--tls-client-ca` trust.
    pub pem: PathBuf,
}

impl TestCa {
    /// A new CA named `name`, its certificate written to `dir/<file>.pem`.
    pub(crate) fn new(dir: &Path, file: &str, name: &str) -> Self {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).expect("CA certificate");
        let pem = dir.join(format!("{file}.pem"));
        std::fs::write(&pem, cert.pem()).expect("write CA");
        Self {
            issuer: Issuer::new(params, key),
            pem,
        }
    }

    /// A server certificate for 127.0.0.1: `(cert.pem, key.pem)` under `dir` named `file`.
    pub(crate) fn server_cert(&self, dir: &Path, file: &str) -> (PathBuf, PathBuf) {
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
        params
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.write(dir, file, &params)
    }

    /// A client certificate whose subject's common name is `name`.
    pub(crate) fn client_cert(&self, dir: &Path, name: &str) -> (PathBuf, PathBuf) {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.write(dir, name, &params)
    }

    fn write(&self, dir: &Path, file: &str, params: &CertificateParams) -> (PathBuf, PathBuf) {
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        let (cert_path, key_path) = (
            dir.join(format!("{file}.pem")),
            dir.join(format!("{file}.key")),
        );
        std::fs::write(&cert_path, cert.pem()).expect("write cert");
        std::fs::write(&key_path, key.serialize_pem()).expect("write key");
        (cert_path, key_path)
    }
}
