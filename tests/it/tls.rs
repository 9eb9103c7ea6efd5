//! `--url https://…`: the client speaks TLS (rustls, no OpenSSL in driftq), checks the server's
//! certificate against `--ca-cert` (or a context's `ca_cert`, or the system's roots), and skips
//! the check only with `--insecure`, saying so. driftq's own server side of TLS is a later
//! issue; the server here is `openssl s_server -WWW` serving canned `/v1/*` replies, with a CA
//! and a certificate for 127.0.0.1 made by the test.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::support::driftq;

fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success(), "openssl {args:?}");
}

/// A CA (`ca.pem`) and a certificate it signed for IP 127.0.0.1 (`leaf.pem`, `leaf.key`).
fn make_ca_and_leaf(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=driftq test CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
}

/// `openssl s_server` on a free loopback port, serving the files under `dir/www`.
struct TlsServer {
    child: Child,
    url: String,
}

impl TlsServer {
    fn start(dir: &Path) -> Self {
        let www = dir.join("www/v1");
        std::fs::create_dir_all(&www).expect("www");
        std::fs::write(
            www.join("stats"),
            r#"{"version":"9.9.9","uptime_ms":61000}"#,
        )
        .expect("stats");
        std::fs::write(
            www.join("config"),
            r#"{"addr":"127.0.0.1:1","data_dir":"d","fsync":"always"}"#,
        )
        .expect("config");
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let child = Command::new("openssl")
            .args([
                "s_server",
                "-quiet",
                "-WWW",
                "-accept",
                &format!("127.0.0.1:{port}"),
            ])
            .args(["-cert", "../leaf.pem", "-key", "../leaf.key"])
            .current_dir(dir.join("www"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "s_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            url: format!("https://127.0.0.1:{port}"),
        }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn https_checks_the_certificate_against_the_ca_given_or_not_at_all_when_told() {
    let tmp = tempfile::tempdir().expect("tempdir");
    make_ca_and_leaf(tmp.path());
    let server = TlsServer::start(tmp.path());
    let ca = tmp.path().join("ca.pem");
    let ca = ca.to_str().expect("utf-8 path");
    driftq()
        .args([
            "--url",
            &server.url,
            "--ca-cert",
            ca,
            "status",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"version\":\"9.9.9\""));
    // The system's roots do not know the test CA.
    driftq()
        .args(["--url", &server.url, "status"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("certificate").or(predicate::str::contains("Certificate")),
        );
    driftq()
        .args(["--url", &server.url, "--insecure", "status", "-o", "json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("NOT checked"));
    driftq()
        .args([
            "--url",
            &server.url,
            "--ca-cert",
            "/nonexistent/ca.pem",
            "status",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--ca-cert /nonexistent/ca.pem"));
    let not_pem = tmp.path().join("leaf.ext");
    driftq()
        .args([
            "--url",
            &server.url,
            "--ca-cert",
            not_pem.to_str().expect("path"),
            "status",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no PEM certificate"));
}

#[test]
fn a_context_remembers_its_ca() {
    let tmp = tempfile::tempdir().expect("tempdir");
    make_ca_and_leaf(tmp.path());
    let server = TlsServer::start(tmp.path());
    let config = tmp.path().join("config");
    let ca = tmp.path().join("ca.pem");
    driftq()
        .env("XDG_CONFIG_HOME", &config)
        .args([
            "context",
            "add",
            "secure",
            "--url",
            &server.url,
            "--ca-cert",
        ])
        .arg(&ca)
        .assert()
        .success();
    driftq()
        .env("XDG_CONFIG_HOME", &config)
        .args(["status", "-o", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("9.9.9"));
}
