//! A small positional binary codec for the broker's own records (message envelopes in a record's
//! metadata blob, and state-log records). All integers little-endian; strings and byte strings are
//! a `u32` length then the bytes; options are a `u8` 0/1 tag then the value.
//!
//! Decoding never panics: a short or malformed input is a [`CodecError`].

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed broker record: {0}")]
pub struct CodecError(pub String);

#[derive(Debug, Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }
    pub fn count(&mut self, n: usize) -> &mut Self {
        // Lengths come from in-memory collections bounded far below 4 G entries.
        self.u32(u32::try_from(n).unwrap_or(u32::MAX))
    }
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.count(v.len());
        self.buf.extend_from_slice(v);
        self
    }
    pub fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }
    pub fn opt_u32(&mut self, v: Option<u32>) -> &mut Self {
        match v {
            Some(x) => self.u8(1).u32(x),
            None => self.u8(0),
        }
    }
    pub fn opt_u64(&mut self, v: Option<u64>) -> &mut Self {
        match v {
            Some(x) => self.u8(1).u64(x),
            None => self.u8(0),
        }
    }
    pub fn opt_i64(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(x) => self.u8(1).i64(x),
            None => self.u8(0),
        }
    }
    pub fn strs(&mut self, v: &[String]) -> &mut Self {
        self.count(v.len());
        for s in v {
            self.str(s);
        }
        self
    }
    pub fn u64s(&mut self, v: &[u64]) -> &mut Self {
        self.count(v.len());
        for x in v {
            self.u64(*x);
        }
        self
    }
}

#[derive(Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    #[must_use]
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    #[must_use]
    pub fn is_done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                CodecError(format!(
                    "needs {n} bytes at {}, has {}",
                    self.pos,
                    self.buf.len()
                ))
            })?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.array::<1>()?[0])
    }
    pub fn u32(&mut self) -> Result<u32, CodecError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, CodecError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub fn i64(&mut self) -> Result<i64, CodecError> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    pub fn bool(&mut self) -> Result<bool, CodecError> {
        Ok(self.u8()? != 0)
    }
    /// A collection length, bounded by the bytes left (each element takes at least one byte).
    pub fn count(&mut self) -> Result<usize, CodecError> {
        let n = self.u32()? as usize;
        if n > self.buf.len() - self.pos {
            return Err(CodecError(format!("length {n} exceeds the record")));
        }
        Ok(n)
    }
    pub fn bytes(&mut self) -> Result<Vec<u8>, CodecError> {
        let n = self.count()?;
        Ok(self.take(n)?.to_vec())
    }
    pub fn str(&mut self) -> Result<String, CodecError> {
        String::from_utf8(self.bytes()?).map_err(|e| CodecError(format!("invalid UTF-8: {e}")))
    }
    fn opt<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, CodecError>,
    ) -> Result<Option<T>, CodecError> {
        match self.u8()? {
            0 => Ok(None),
            1 => f(self).map(Some),
            t => Err(CodecError(format!("bad option tag {t}"))),
        }
    }
    pub fn opt_u32(&mut self) -> Result<Option<u32>, CodecError> {
        self.opt(Self::u32)
    }
    pub fn opt_u64(&mut self) -> Result<Option<u64>, CodecError> {
        self.opt(Self::u64)
    }
    pub fn opt_i64(&mut self) -> Result<Option<i64>, CodecError> {
        self.opt(Self::i64)
    }
    pub fn strs(&mut self) -> Result<Vec<String>, CodecError> {
        let n = self.count()?;
        (0..n).map(|_| self.str()).collect()
    }
    pub fn u64s(&mut self) -> Result<Vec<u64>, CodecError> {
        let n = self.count()?;
        (0..n).map(|_| self.u64()).collect()
    }
}
