//! The on-disk batch format shared by every log driftq writes (message partitions and the broker's
//! state log).
//!
//! A segment file is nothing but batches laid end to end; a batch is what one append wrote. All
//! integers are little-endian.
//!
//! ```text
//! Batch (48-byte header + records)
//! +--------+------+-------------------+----------------------------------------------------------+
//! | offset | size | field             | meaning                                                  |
//! +--------+------+-------------------+----------------------------------------------------------+
//! |      0 |    4 | magic             | b"DQLB"                                                  |
//! |      4 |    2 | version           | format version, currently 1                              |
//! |      6 |    2 | attributes        | reserved, written as 0, rejected when non-zero           |
//! |      8 |    4 | length            | whole batch in bytes, header included (48 ..= MAX)       |
//! |     12 |    4 | crc               | CRC32C of bytes 0..12 followed by bytes 16..length       |
//! |     16 |    8 | base_offset       | offset of the first record                               |
//! |     24 |    4 | record_count      | number of records (>= 1)                                 |
//! |     28 |    4 | reserved          | written as 0                                             |
//! |     32 |    8 | first_timestamp   | ms since the Unix epoch of the first record              |
//! |     40 |    8 | max_timestamp     | largest record timestamp in the batch                    |
//! |     48 |    … | records           | record_count records, back to back                       |
//! +--------+------+-------------------+----------------------------------------------------------+
//!
//! Record
//! +------+-------------------+-------------------------------------------------------------------+
//! | size | field             | meaning                                                           |
//! +------+-------------------+-------------------------------------------------------------------+
//! |    4 | record_length     | bytes that follow in this record                                  |
//! |    4 | offset_delta      | offset − base_offset                                              |
//! |    8 | timestamp_delta   | timestamp − first_timestamp (signed)                              |
//! |    4 | key_length        | i32; −1 = no key                                                  |
//! |    … | key               | arbitrary bytes                                                   |
//! |    4 | header_count      |                                                                   |
//! |    … | headers           | header_count × { u16 name_length, name (UTF-8), u32 value_length, |
//! |      |                   |                  value (bytes) }; names may repeat, order kept    |
//! |    4 | value_length      |                                                                   |
//! |    … | value             | arbitrary bytes                                                   |
//! |    4 | metadata_length   | i32; −1 = none                                                    |
//! |    … | metadata          | opaque blob (the broker's envelope / state-record body)           |
//! +------+-------------------+-------------------------------------------------------------------+
//! ```
//!
//! Invariants:
//! - the CRC covers every header field except itself, and every record byte, so a flipped bit
//!   anywhere in a batch is detected;
//! - offsets inside a batch are `base_offset, base_offset + 1, …` (deltas are checked on decode);
//! - the length field is bounded by [`MAX_BATCH_BYTES`] before anything is allocated.
//!
//! Decoding tells a torn tail from damage: [`DecodeError::Incomplete`] means the bytes end before
//! the batch does (a crash mid-write looks like this), [`DecodeError::Corrupt`] means the bytes that
//! are there are wrong.

/// The four bytes every batch starts with.
pub const MAGIC: [u8; 4] = *b"DQLB";
/// The batch format version this build writes and reads.
pub const VERSION: u16 = 1;
/// Size of the fixed batch header.
pub const HEADER_LEN: usize = 48;
/// Largest batch accepted on decode; a length field above this is corruption, not a reason to
/// allocate.
pub const MAX_BATCH_BYTES: usize = 256 * 1024 * 1024;
const RECORD_FIXED_LEN: usize = 4 + 4 + 8 + 4 + 4 + 4 + 4;

/// One message as stored: key, headers, value and an optional opaque metadata blob.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// Milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// `None` is "no key", distinct from an empty key.
    pub key: Option<Vec<u8>>,
    /// Repeated names are allowed; order is preserved.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Arbitrary bytes.
    pub value: Vec<u8>,
    /// Opaque to storage; the broker puts its envelope here.
    pub metadata: Option<Vec<u8>>,
}

impl Record {
    /// A record with only a value and a timestamp.
    #[must_use]
    pub fn new(timestamp: i64, value: impl Into<Vec<u8>>) -> Self {
        Self {
            timestamp,
            value: value.into(),
            ..Self::default()
        }
    }

    /// Bytes this record takes inside a batch, its length prefix included.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        RECORD_FIXED_LEN
            + self.key.as_ref().map_or(0, Vec::len)
            + self
                .headers
                .iter()
                .map(|(n, v)| 2 + n.len() + 4 + v.len())
                .sum::<usize>()
            + self.value.len()
            + self.metadata.as_ref().map_or(0, Vec::len)
    }
}

/// A record with the offset the log assigned to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub offset: u64,
    pub record: Record,
}

/// The fixed header of a batch, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchHeader {
    pub version: u16,
    pub length: u32,
    pub crc: u32,
    pub base_offset: u64,
    pub record_count: u32,
    pub first_timestamp: i64,
    pub max_timestamp: i64,
}

impl BatchHeader {
    /// One past the last offset in the batch.
    #[must_use]
    pub fn next_offset(&self) -> u64 {
        self.base_offset + u64::from(self.record_count)
    }
}

/// A decoded batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub header: BatchHeader,
    pub records: Vec<StoredRecord>,
}

/// Why bytes did not decode into a batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes end before the batch does: `needed` bytes in all would be required.
    #[error("incomplete batch: {available} of {needed} bytes present")]
    Incomplete { needed: usize, available: usize },
    /// The bytes present are not a valid batch.
    #[error("corrupt batch: {0}")]
    Corrupt(String),
}

/// Encodes `records` as one batch whose first record gets `base_offset`.
///
/// # Panics
/// Never for inputs that fit the format; lengths beyond the format's field widths are a caller bug
/// and are reported as an error instead.
pub fn encode_batch(base_offset: u64, records: &[Record]) -> Result<Vec<u8>, String> {
    let first = records.first().ok_or("a batch needs at least one record")?;
    let first_timestamp = first.timestamp;
    let max_timestamp = records
        .iter()
        .map(|r| r.timestamp)
        .max()
        .unwrap_or(first_timestamp);
    let total: usize = HEADER_LEN + records.iter().map(Record::encoded_len).sum::<usize>();
    if total > MAX_BATCH_BYTES {
        return Err(format!(
            "batch of {total} bytes exceeds the {MAX_BATCH_BYTES}-byte limit"
        ));
    }
    let count = u32::try_from(records.len()).map_err(|_| "too many records in one batch")?;
    let mut buf = Vec::with_capacity(total);
    buf.extend_from_slice(&MAGIC);
    buf.extend_from_slice(&VERSION.to_le_bytes());
    buf.extend_from_slice(&0u16.to_le_bytes());
    buf.extend_from_slice(&len_u32(total)?.to_le_bytes());
    buf.extend_from_slice(&0u32.to_le_bytes()); // crc, patched below
    buf.extend_from_slice(&base_offset.to_le_bytes());
    buf.extend_from_slice(&count.to_le_bytes());
    buf.extend_from_slice(&0u32.to_le_bytes());
    buf.extend_from_slice(&first_timestamp.to_le_bytes());
    buf.extend_from_slice(&max_timestamp.to_le_bytes());
    for (delta, record) in records.iter().enumerate() {
        let record_len = record.encoded_len() - 4;
        buf.extend_from_slice(&len_u32(record_len)?.to_le_bytes());
        buf.extend_from_slice(&len_u32(delta)?.to_le_bytes());
        buf.extend_from_slice(&record.timestamp.wrapping_sub(first_timestamp).to_le_bytes());
        put_optional(&mut buf, record.key.as_deref())?;
        buf.extend_from_slice(&len_u32(record.headers.len())?.to_le_bytes());
        for (name, value) in &record.headers {
            let name_len =
                u16::try_from(name.len()).map_err(|_| "header name longer than 65535 bytes")?;
            buf.extend_from_slice(&name_len.to_le_bytes());
            buf.extend_from_slice(name.as_bytes());
            buf.extend_from_slice(&len_u32(value.len())?.to_le_bytes());
            buf.extend_from_slice(value);
        }
        buf.extend_from_slice(&len_u32(record.value.len())?.to_le_bytes());
        buf.extend_from_slice(&record.value);
        put_optional(&mut buf, record.metadata.as_deref())?;
    }
    debug_assert_eq!(buf.len(), total);
    let crc = batch_crc(&buf);
    buf[12..16].copy_from_slice(&crc.to_le_bytes());
    Ok(buf)
}

fn len_u32(n: usize) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| format!("length {n} does not fit the format"))
}

fn put_optional(buf: &mut Vec<u8>, bytes: Option<&[u8]>) -> Result<(), String> {
    match bytes {
        None => buf.extend_from_slice(&(-1i32).to_le_bytes()),
        Some(b) => {
            let n = i32::try_from(b.len()).map_err(|_| "field longer than 2 GiB")?;
            buf.extend_from_slice(&n.to_le_bytes());
            buf.extend_from_slice(b);
        }
    }
    Ok(())
}

/// CRC32C of a whole encoded batch, skipping the CRC field itself.
#[must_use]
pub fn batch_crc(batch: &[u8]) -> u32 {
    let head = batch.get(..12).unwrap_or(batch);
    let tail = batch.get(16..).unwrap_or(&[]);
    crc32c::crc32c_append(crc32c::crc32c(head), tail)
}

/// Decodes the fixed header at the start of `buf`, checking magic, version and length bounds (not
/// the CRC, which needs the whole batch).
pub fn decode_header(buf: &[u8]) -> Result<BatchHeader, DecodeError> {
    let Some(h) = buf.get(..HEADER_LEN) else {
        // A prefix of a header can still be told to be garbage by its magic.
        let n = buf.len().min(4);
        if buf.get(..n) != MAGIC.get(..n) {
            return Err(DecodeError::Corrupt("bad magic".into()));
        }
        return Err(DecodeError::Incomplete {
            needed: HEADER_LEN,
            available: buf.len(),
        });
    };
    let mut r = Reader::new(h);
    let magic = r.bytes(4)?;
    if magic != MAGIC {
        return Err(DecodeError::Corrupt(format!("bad magic {magic:02x?}")));
    }
    let version = r.u16()?;
    if version != VERSION {
        return Err(DecodeError::Corrupt(format!(
            "unknown format version {version}"
        )));
    }
    let attributes = r.u16()?;
    if attributes != 0 {
        return Err(DecodeError::Corrupt(format!(
            "unknown attributes {attributes:#x}"
        )));
    }
    let length = r.u32()?;
    let crc = r.u32()?;
    let base_offset = r.u64()?;
    let record_count = r.u32()?;
    let _reserved = r.u32()?;
    let first_timestamp = r.i64()?;
    let max_timestamp = r.i64()?;
    if (length as usize) < HEADER_LEN || length as usize > MAX_BATCH_BYTES {
        return Err(DecodeError::Corrupt(format!(
            "batch length {length} out of range"
        )));
    }
    if record_count == 0 {
        return Err(DecodeError::Corrupt("batch with zero records".into()));
    }
    Ok(BatchHeader {
        version,
        length,
        crc,
        base_offset,
        record_count,
        first_timestamp,
        max_timestamp,
    })
}

/// Decodes one batch from the start of `buf`, verifying its CRC. Returns the batch and the
/// number of bytes it took.
pub fn decode_batch(buf: &[u8]) -> Result<(Batch, usize), DecodeError> {
    decode_batch_range(buf, 0, usize::MAX)
}

/// Like [`decode_batch`], but builds only the records from offset `from` on, at most `max` of
/// them: the others are checked as thoroughly (the CRC covers the whole batch, and every record's
/// layout is walked) but never copied out. A reader that wants one message of a batch of
/// hundreds pays for one.
pub fn decode_batch_range(
    buf: &[u8],
    from: u64,
    max: usize,
) -> Result<(Batch, usize), DecodeError> {
    let header = decode_header(buf)?;
    let bytes = whole_batch(buf, &header)?;
    let actual = batch_crc(bytes);
    if actual != header.crc {
        return Err(DecodeError::Corrupt(format!(
            "checksum mismatch: header says {:#010x}, bytes give {actual:#010x}",
            header.crc
        )));
    }
    let records = decode_records(&header, bytes, from, max)?;
    Ok((Batch { header, records }, header.length as usize))
}

/// Like [`decode_batch`] but decodes the records even when the CRC does not match, for tools that
/// show damaged data. Returns whether the CRC matched.
pub fn decode_batch_lenient(buf: &[u8]) -> Result<(Batch, usize, bool), DecodeError> {
    let header = decode_header(buf)?;
    let bytes = whole_batch(buf, &header)?;
    let crc_ok = batch_crc(bytes) == header.crc;
    let records = decode_records(&header, bytes, 0, usize::MAX)?;
    Ok((Batch { header, records }, header.length as usize, crc_ok))
}

fn whole_batch<'a>(buf: &'a [u8], header: &BatchHeader) -> Result<&'a [u8], DecodeError> {
    buf.get(..header.length as usize)
        .ok_or(DecodeError::Incomplete {
            needed: header.length as usize,
            available: buf.len(),
        })
}

/// Decodes the records of a batch whose header and CRC the caller has already checked (as
/// [`super::segment::read_batch_at`] does); `bytes` is exactly that batch, header included.
/// Walks every record, builds those from offset `from` on, at most `max`.
pub fn decode_records(
    header: &BatchHeader,
    bytes: &[u8],
    from: u64,
    max: usize,
) -> Result<Vec<StoredRecord>, DecodeError> {
    let body = bytes.get(HEADER_LEN..).unwrap_or(&[]);
    let mut r = Reader::new(body);
    // Each record takes at least RECORD_FIXED_LEN bytes: bound the allocation by what is there.
    let plausible = body.len() / RECORD_FIXED_LEN;
    if header.record_count as usize > plausible {
        return Err(DecodeError::Corrupt(format!(
            "{} records cannot fit in {} bytes",
            header.record_count,
            body.len()
        )));
    }
    let wanted = (header.record_count as usize).min(max);
    let mut records = Vec::with_capacity(wanted);
    for expected_delta in 0..header.record_count {
        let record_len = r.u32()? as usize;
        let offset = header.base_offset + u64::from(expected_delta);
        let build = offset >= from && records.len() < max;
        let fields = RecordFields::parse(r.bytes(record_len)?, expected_delta)?;
        if build {
            records.push(StoredRecord {
                offset,
                record: fields.to_record(header.first_timestamp)?,
            });
        }
    }
    if r.remaining() != 0 {
        return Err(DecodeError::Corrupt(format!(
            "{} bytes after the last record",
            r.remaining()
        )));
    }
    Ok(records)
}

/// One record's fields, borrowed from the batch: checked, not yet copied.
struct RecordFields<'a> {
    timestamp_delta: i64,
    key: Option<&'a [u8]>,
    /// The encoded headers (`header_count` of them, already walked once).
    headers: &'a [u8],
    header_count: usize,
    value: &'a [u8],
    metadata: Option<&'a [u8]>,
}

impl<'a> RecordFields<'a> {
    fn parse(bytes: &'a [u8], expected_delta: u32) -> Result<Self, DecodeError> {
        let mut rr = Reader::new(bytes);
        let delta = rr.u32()?;
        if delta != expected_delta {
            return Err(DecodeError::Corrupt(format!(
                "record {expected_delta} has offset delta {delta}"
            )));
        }
        let timestamp_delta = rr.i64()?;
        let key = rr.optional()?;
        let header_count = rr.u32()? as usize;
        let headers_start = rr.pos;
        for _ in 0..header_count {
            let name_len = rr.u16()? as usize;
            std::str::from_utf8(rr.bytes(name_len)?)
                .map_err(|_| DecodeError::Corrupt("header name is not UTF-8".into()))?;
            let value_len = rr.u32()? as usize;
            rr.bytes(value_len)?;
        }
        let headers = &bytes[headers_start..rr.pos];
        let value_len = rr.u32()? as usize;
        let value = rr.bytes(value_len)?;
        let metadata = rr.optional()?;
        if rr.remaining() != 0 {
            return Err(DecodeError::Corrupt(format!(
                "record {expected_delta} has {} trailing bytes",
                rr.remaining()
            )));
        }
        Ok(Self {
            timestamp_delta,
            key,
            headers,
            header_count,
            value,
            metadata,
        })
    }

    fn to_record(&self, first_timestamp: i64) -> Result<Record, DecodeError> {
        let mut hr = Reader::new(self.headers);
        let mut headers = Vec::with_capacity(self.header_count);
        for _ in 0..self.header_count {
            let name_len = hr.u16()? as usize;
            let name = String::from_utf8(hr.bytes(name_len)?.to_vec())
                .map_err(|_| DecodeError::Corrupt("header name is not UTF-8".into()))?;
            let value_len = hr.u32()? as usize;
            headers.push((name, hr.bytes(value_len)?.to_vec()));
        }
        Ok(Record {
            timestamp: first_timestamp.wrapping_add(self.timestamp_delta),
            key: self.key.map(<[u8]>::to_vec),
            headers,
            value: self.value.to_vec(),
            metadata: self.metadata.map(<[u8]>::to_vec),
        })
    }
}

/// Bounds-checked little-endian reader over a slice whose end is known to be the end of the
/// batch: running out of bytes here is corruption, not a torn write.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                DecodeError::Corrupt(format!(
                    "field of {n} bytes overruns the batch ({} left)",
                    self.remaining()
                ))
            })?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.bytes(N)?);
        Ok(a)
    }

    fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, DecodeError> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    fn optional(&mut self) -> Result<Option<&'a [u8]>, DecodeError> {
        let n = i32::from_le_bytes(self.array()?);
        match n {
            -1 => Ok(None),
            n if n < 0 => Err(DecodeError::Corrupt(format!("negative length {n}"))),
            n => Ok(Some(self.bytes(n as usize)?)),
        }
    }
}
