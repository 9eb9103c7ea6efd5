//! `driftq auth gen-token|hash-token`: tokens for the server's auth file. The file stores
//! only a token's SHA-256, so the plain token lives with the client alone (docs/SECURITY.md).

use std::io::{Read as _, Write};

use clap::Subcommand;
use driftq_core::auth::token::{self, TokenHash};
use serde_json::json;

use crate::OutputFormat;

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Make a random token (256 bits) and print it with the hash the auth file takes
    GenToken {
        /// Also print an auth-file entry for a principal of this name
        #[arg(long)]
        name: Option<String>,
        #[arg(short, long, value_enum, default_value_t)]
        output: OutputFormat,
    },
    /// Print the SHA-256 of TOKEN as the auth file's `token_sha256` ("-" reads it from stdin,
    /// which keeps it out of the shell's history)
    HashToken {
        #[arg(value_name = "TOKEN")]
        plain: String,
        #[arg(short, long, value_enum, default_value_t)]
        output: OutputFormat,
    },
}

pub fn run(c: &AuthCommand, out: &mut dyn Write) -> anyhow::Result<u8> {
    match c {
        AuthCommand::GenToken { name, output } => {
            let token = token::generate()
                .map_err(|e| anyhow::anyhow!("the system's random generator failed: {e}"))?;
            let hash = TokenHash::of(&token).to_string();
            if !output.is_table() {
                writeln!(out, "{}", json!({"token": token, "token_sha256": hash}))?;
            } else {
                writeln!(out, "token        {token}")?;
                writeln!(out, "token_sha256 {hash}")?;
                if let Some(name) = name {
                    writeln!(out)?;
                    write!(out, "{}", principal_entry(name, &hash))?;
                }
            }
        }
        AuthCommand::HashToken { plain, output } => {
            let token = if plain == "-" {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                text.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                plain.clone()
            };
            if token.trim().is_empty() {
                return Err(crate::ExitError::usage_error("the token is empty"));
            }
            let hash = TokenHash::of(&token).to_string();
            if !output.is_table() {
                writeln!(out, "{}", json!({"token_sha256": hash}))?;
            } else {
                writeln!(out, "{hash}")?;
            }
        }
    }
    Ok(crate::exit::OK)
}

/// An auth-file entry granting `name` nothing yet: the operator adds the permissions.
fn principal_entry(name: &str, hash: &str) -> String {
    let name = toml_string(name);
    format!(
        "[[principals]]\nname = {name}\ntoken_sha256 = \"{hash}\"\npermissions = [\n  # {{ action = \"produce\", topics = \"orders*\" }},\n  # {{ action = \"consume\", topics = \"orders*\", groups = \"billing*\" }},\n]\n"
    )
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    // JSON's string escapes are valid in a TOML basic string.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_entry_is_an_auth_file_the_server_reads() {
        let hash = TokenHash::of("x").to_string();
        let text = principal_entry("orders \"writer\"", &hash);
        let policy = driftq_core::auth::Policy::parse(&text).expect("parses");
        assert_eq!(
            policy.by_token("x").map(|p| p.name.clone()),
            Some("orders \"writer\"".to_owned())
        );
    }
}
