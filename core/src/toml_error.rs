//! TOML errors as one line ("line L, column C: what"), not the TOML crate's multi-line snippet,
//! so that a bad config or auth file reads like every other error the CLI prints.

/// `err`, met while parsing `text`, as one line.
#[must_use]
pub fn one_line(text: &str, err: &toml::de::Error) -> String {
    let what = err.message().trim().replace('\n', " ");
    match err.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {what}")
        }
        None => what,
    }
}
