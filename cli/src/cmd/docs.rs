//! `driftq completions SHELL` and `driftq man [DIR]`: generated from the clap tree; the files in
//! `completions/` and `man/` are these outputs, and a test fails when they are stale.

use std::io::Write;
use std::path::Path;

use clap_complete::Shell;

use crate::Cli;

/// Writes the completion script for `shell`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> anyhow::Result<u8> {
    let mut cmd = Cli::command_with_examples();
    // Generated into memory first: clap_complete panics on a failed write, and a closed pipe
    // (`driftq completions bash | head -1`) is no reason to.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "driftq", &mut script);
    out.write_all(&script)?;
    Ok(crate::exit::OK)
}

/// Writes `driftq.1` and one page per subcommand (`driftq-topic-create.1`, …) into `dir`.
pub fn man(dir: &Path) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    write_pages(&Cli::command_with_examples(), "driftq", dir, &mut written)?;
    Ok(written)
}

fn write_pages(
    cmd: &clap::Command,
    name: &str,
    dir: &Path,
    written: &mut Vec<String>,
) -> anyhow::Result<()> {
    let cmd = cmd.clone().name(name.to_owned());
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    let page = sections(&String::from_utf8_lossy(&buf), &cmd, name == "driftq");
    let file = format!("{name}.1");
    std::fs::write(dir.join(&file), page)?;
    written.push(file);
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}

/// clap_mangen calls the `after_help` section EXTRA: an EXAMPLES section is named so, the top
/// page's notes are NOTES, and `driftq(1)` gets an EXIT STATUS section before them.
fn sections(page: &str, cmd: &clap::Command, top: bool) -> String {
    let examples = cmd
        .get_after_help()
        .is_some_and(|h| h.to_string().starts_with("Examples:"));
    let title = if examples {
        ".SH EXAMPLES"
    } else {
        ".SH NOTES"
    };
    let mut page = page.replacen(".SH EXTRA", title, 1);
    if top && let Some(at) = page.find(title) {
        page.insert_str(at, &exit_status_section());
    }
    page
}

fn exit_status_section() -> String {
    let mut out = String::from(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in crate::exit::MEANINGS {
        out.push_str(&format!(".TP\n\\fB{code}\\fR\n{meaning}\n"));
    }
    out.push_str(
        ".PP\n\\fBdriftq check\\fR exits as monitoring plugins do: 0 OK, 1 WARNING, 2 CRITICAL.\n",
    );
    out
}
