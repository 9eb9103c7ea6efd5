//! driftq's own TLS (rustls), with a CA the test makes with rcgen: https with HTTP/1.1 and
//! HTTP/2 by ALPN, mutual TLS (a known client certificate accepted and named as a principal,
//! none or a stranger's refused), a certificate reloaded on SIGHUP, and the CLI reaching a
//! TLS server with the token and CA of its context.

use std::path::Path;
use std::process::Command;

use driftq_core::auth::TokenHash;
use reqwest::blocking::Client;
use serde_json::Value;

use crate::pki::TestCa;
use crate::server::Server;
use crate::support::driftq;

fn auth_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("auth.toml");
    let ops = TokenHash::of("tok-ops");
    std::fs::write(
        &path,
        format!(
            "[[principals]]\nname = \"ops\"\ntoken_sha256 = \"{ops}\"\npermissions = [{{ action = \"admin\", topics = \"*\" }}]\n\n[[principals]]\nname = \"reader\"\npermissions = [{{ action = \"read\", topics = \"*\" }}]\n"
        ),
    )
    .expect("auth file");
    path
}

fn client(ca: &Path, identity: Option<(&Path, &Path)>) -> Client {
    let pem = std::fs::read(ca).expect("ca");
    let mut b = Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("ca pem"))
        .timeout(std::time::Duration::from_secs(20));
    if let Some((cert, key)) = identity {
        let mut both = std::fs::read(cert).expect("cert");
        both.extend(std::fs::read(key).expect("key"));
        b = b.identity(reqwest::Identity::from_pem(&both).expect("identity"));
    }
    b.build().expect("client")
}

fn start(dir: &Path, ca: &TestCa, extra: &[&str]) -> Server {
    let (cert, key) = ca.server_cert(dir, "server");
    let auth = auth_file(dir);
    let mut args = vec![
        "--tls-cert".to_owned(),
        cert.display().to_string(),
        "--tls-key".to_owned(),
        key.display().to_string(),
        "--auth-file".to_owned(),
        auth.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::start(&args)
}

fn whoami(c: &Client, url: &str, token: Option<&str>) -> reqwest::Result<Value> {
    let mut req = c.get(format!("{url}/v1/whoami"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send()?.error_for_status()?.json()
}

#[test]
fn https_serves_http1_and_http2_and_plain_http_gets_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new(dir.path(), "ca", "driftq test CA");
    let s = start(dir.path(), &ca, &[]);
    assert!(s.url.starts_with("https://"), "{}", s.url);
    let who = whoami(&client(&ca.pem, None), &s.url, Some("tok-ops")).expect("whoami");
    assert_eq!(who["tls"], true);
    assert_eq!(who["principal"], "ops");
    // HTTP/2 by ALPN, as curl asks for it.
    let out = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_version}",
            "--http2",
            "--cacert",
        ])
        .arg(&ca.pem)
        .args(["-H", "Authorization: Bearer tok-ops"])
        .arg(format!("{}/v1/stats", s.url))
        .output()
        .expect("curl");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2");
    // Plain HTTP on the TLS port is no request at all.
    let plain = s.url.replace("https://", "http://");
    assert!(
        Client::new()
            .get(format!("{plain}/v1/healthz"))
            .send()
            .is_err()
    );
    // The system's roots do not know the test CA.
    assert!(
        Client::new()
            .get(format!("{}/v1/healthz", s.url))
            .send()
            .is_err()
    );
}

#[test]
fn mutual_tls_names_the_principal_of_a_known_certificate_and_refuses_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new(dir.path(), "ca", "driftq test CA");
    let ca_path = ca.pem.display().to_string();
    let s = start(dir.path(), &ca, &["--tls-client-ca", &ca_path]);
    let (cert, key) = ca.client_cert(dir.path(), "reader");
    let who = whoami(&client(&ca.pem, Some((&cert, &key))), &s.url, None).expect("whoami");
    assert_eq!(
        (who["principal"].as_str(), who["mutual_tls"].as_bool()),
        (Some("reader"), Some(true))
    );
    // A token still wins over the certificate's name.
    let who = whoami(
        &client(&ca.pem, Some((&cert, &key))),
        &s.url,
        Some("tok-ops"),
    )
    .expect("whoami");
    assert_eq!(who["principal"], "ops");
    // No certificate, or one from another CA: no handshake.
    assert!(whoami(&client(&ca.pem, None), &s.url, Some("tok-ops")).is_err());
    let stranger = TestCa::new(dir.path(), "other-ca", "someone else");
    let (cert, key) = stranger.client_cert(dir.path(), "ops");
    assert!(
        whoami(
            &client(&ca.pem, Some((&cert, &key))),
            &s.url,
            Some("tok-ops")
        )
        .is_err()
    );
}

#[test]
fn sighup_reloads_the_certificate_for_new_connections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new(dir.path(), "ca", "first CA");
    let s = start(dir.path(), &ca, &[]);
    let second = TestCa::new(dir.path(), "ca2", "second CA");
    second.server_cert(dir.path(), "server"); // over the files the server reads
    assert!(whoami(&client(&second.pem, None), &s.url, Some("tok-ops")).is_err());
    s.hangup();
    s.wait_for_log("TLS certificates reloaded");
    whoami(&client(&second.pem, None), &s.url, Some("tok-ops")).expect("the new certificate");
    // A broken key on reload keeps the certificate in use.
    std::fs::write(dir.path().join("server.key"), "not a key").expect("break");
    s.hangup();
    s.wait_for_log("TLS certificates refused");
    whoami(&client(&second.pem, None), &s.url, Some("tok-ops")).expect("still served");
}

#[test]
fn the_cli_reaches_a_tls_server_with_the_token_and_ca_of_its_context() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new(dir.path(), "ca", "driftq test CA");
    let s = start(dir.path(), &ca, &[]);
    let config = dir.path().join("config");
    let cli = || {
        let mut c = driftq();
        c.env("XDG_CONFIG_HOME", &config);
        c
    };
    cli()
        .args([
            "context",
            "add",
            "prod",
            "--use",
            "--url",
            &s.url,
            "--token",
            "tok-ops",
            "--ca-cert",
        ])
        .arg(&ca.pem)
        .assert()
        .success();
    cli().args(["topic", "create", "orders"]).assert().success();
    cli()
        .args(["produce", "orders", "hello"])
        .assert()
        .success();
    cli()
        .args(["status"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "auth on, you are \"ops\"; TLS on",
        ));
    // The same server without the context's token: refused, exit 1, the server's words.
    cli()
        .args(["topic", "list", "--url", &s.url, "--ca-cert"])
        .arg(&ca.pem)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("UNAUTHENTICATED"));
    // DRIFTQ_TOKEN stands in for a context's token.
    cli()
        .args(["topic", "list", "--url", &s.url, "--ca-cert"])
        .arg(&ca.pem)
        .env("DRIFTQ_TOKEN", "tok-ops")
        .assert()
        .success()
        .stdout(predicates::str::contains("orders"));
}
