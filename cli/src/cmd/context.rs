//! `driftq context add|use|list|show|remove`: named servers, kept in `contexts.toml` (see
//! [`crate::contexts`]).

use std::io::Write;

use clap::Subcommand;
use serde_json::json;

use crate::contexts::{Context, Contexts, Server, path, with_scheme};
use crate::{OutputFormat, exit};

#[derive(Debug, Subcommand)]
pub enum ContextCommand {
    /// Add (or replace) a context: a name for the server given with --url
    /// (its token is the global --token, or DRIFTQ_TOKEN; its CA --ca-cert)
    Add {
        name: String,
        /// Make it the current context too
        #[arg(long)]
        r#use: bool,
    },
    /// Make a context the current one
    Use { name: String },
    /// List contexts (the current one marked with *)
    List {
        #[arg(short, long, value_enum, default_value_t)]
        output: OutputFormat,
    },
    /// Show a context (the current one by default; tokens are not printed)
    Show {
        name: Option<String>,
        #[arg(short, long, value_enum, default_value_t)]
        output: OutputFormat,
    },
    /// Remove a context
    Remove { name: String },
}

fn validate_name(name: &str) -> anyhow::Result<()> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(crate::ExitError::usage_error(format!(
            "context name {name:?}: use letters, digits, '-', '_' or '.'"
        )));
    }
    Ok(())
}

/// `url`: the global `--url` (or `DRIFTQ_URL`), which `context add` stores.
pub fn run(
    c: &ContextCommand,
    url: Option<&str>,
    token: Option<&str>,
    ca_cert: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let mut file = Contexts::load()?;
    match c {
        ContextCommand::Add { name, r#use } => {
            let server = Server {
                url: url.unwrap_or_default().to_owned(),
                token: token.map(str::to_owned),
                ca_cert: ca_cert.map(std::path::Path::to_path_buf),
            };
            add(&mut file, name, server, url.is_some(), *r#use, out)?;
        }
        ContextCommand::Use { name } => use_context(&mut file, name, out)?,
        ContextCommand::List { output } => list(&file, *output, out)?,
        ContextCommand::Show { name, output } => show(&file, name.as_deref(), *output, out)?,
        ContextCommand::Remove { name } => remove(&mut file, name, out)?,
    }
    Ok(exit::OK)
}

fn add(
    file: &mut Contexts,
    name: &str,
    server: Server,
    url_given: bool,
    make_current: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    validate_name(name)?;
    let Some(given) = url_given.then_some(server.url.as_str()) else {
        return Err(crate::ExitError::usage_error(
            "context add needs the server: `driftq context add NAME --url http://host:8080`",
        ));
    };
    let url = with_scheme(given);
    reqwest::Url::parse(&url)
        .map_err(|e| crate::ExitError::usage_error(format!("--url {given:?} is not a URL: {e}")))?;
    file.contexts.insert(
        name.to_owned(),
        Context {
            url: url.clone(),
            token: server.token,
            ca_cert: server.ca_cert,
        },
    );
    if make_current || file.current.is_none() {
        file.current = Some(name.to_owned());
    }
    file.save()?;
    writeln!(out, "context {name}: {url} (in {})", path().display())?;
    Ok(())
}

fn use_context(file: &mut Contexts, name: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    file.get(name)?;
    file.current = Some(name.to_owned());
    file.save()?;
    writeln!(out, "using context {name}")?;
    Ok(())
}

fn list(file: &Contexts, output: OutputFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    match output {
        OutputFormat::Json | OutputFormat::Yaml => {
            let rows: Vec<_> = file
                .contexts
                .iter()
                .map(|(n, c)| json!({"name": n, "url": c.url, "current": file.current.as_deref() == Some(n)}))
                .collect();
            writeln!(out, "{}", json!({"contexts": rows}))?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            for (n, c) in &file.contexts {
                let mark = if file.current.as_deref() == Some(n) {
                    "*"
                } else {
                    " "
                };
                writeln!(out, "{mark} {n}\t{}", c.url)?;
            }
        }
    }
    Ok(())
}

fn show(
    file: &Contexts,
    name: Option<&str>,
    output: OutputFormat,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let Some(name) = name.map(str::to_owned).or_else(|| file.current.clone()) else {
        return Err(crate::ExitError::not_found(
            "no current context: `driftq context use NAME` picks one",
        )
        .into());
    };
    let c = file.get(&name)?;
    let v = json!({"name": name, "url": c.url, "token": c.token.is_some(), "current": file.current.as_deref() == Some(name.as_str())});
    match output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{v}")?,
        OutputFormat::Table | OutputFormat::Wide => writeln!(
            out,
            "{name}: {} (token {})",
            c.url,
            if c.token.is_some() { "set" } else { "none" }
        )?,
    }
    Ok(())
}

fn remove(file: &mut Contexts, name: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    file.get(name)?;
    file.contexts.remove(name);
    if file.current.as_deref() == Some(name) {
        file.current = None;
    }
    file.save()?;
    writeln!(out, "removed context {name}")?;
    Ok(())
}
