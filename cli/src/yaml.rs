//! `-o yaml`: a command runs as with `-o json` and its output goes through [`YamlLines`], which
//! turns each JSON line into one YAML document as the line completes — so a stream
//! (`consume --follow`) stays a stream, one `---` document per record.

use std::io::Write;

/// Writes each complete line of JSON written to it to `inner` as a YAML document; a line that
/// is not JSON passes through unchanged.
pub struct YamlLines<'a> {
    inner: &'a mut dyn Write,
    line: Vec<u8>,
}

impl<'a> YamlLines<'a> {
    pub fn new(inner: &'a mut dyn Write) -> Self {
        Self {
            inner,
            line: Vec::new(),
        }
    }

    fn emit_line(&mut self) -> std::io::Result<()> {
        let line = std::mem::take(&mut self.line);
        match serde_json::from_slice::<serde_json::Value>(&line) {
            Ok(value) => {
                let yaml = serde_saphyr::to_string(&value)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                self.inner.write_all(b"---\n")?;
                self.inner.write_all(yaml.as_bytes())?;
                if !yaml.ends_with('\n') {
                    self.inner.write_all(b"\n")?;
                }
                Ok(())
            }
            Err(_) => {
                self.inner.write_all(&line)?;
                self.inner.write_all(b"\n")
            }
        }
    }
}

impl Write for YamlLines<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            if b == b'\n' {
                self.emit_line()?;
            } else {
                self.line.push(b);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.emit_line()?;
        }
        self.inner.flush()
    }
}

impl Drop for YamlLines<'_> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_json_line_becomes_one_document_and_text_passes() {
        let mut out = Vec::new();
        {
            let mut y = YamlLines::new(&mut out);
            y.write_all(b"{\"topic\":\"t\",\"n\":1}\n{\"topic\":")
                .expect("write");
            y.write_all(b"\"u\",\"n\":2}\nplain text\n").expect("write");
        }
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text.matches("---\n").count(), 2, "{text}");
        assert!(
            text.contains("topic: t") && text.contains("topic: u"),
            "{text}"
        );
        assert!(text.ends_with("plain text\n"), "{text}");
    }
}
