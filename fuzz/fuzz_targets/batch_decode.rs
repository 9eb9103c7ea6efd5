//! Fuzzes the batch decoder: any bytes must decode, or be classified as incomplete or corrupt,
//! without panicking or allocating beyond what the input can justify; a batch that decodes must
//! re-encode to the same bytes, and a range decode of it must agree with the whole one.
//!
//! Run: `cargo +nightly fuzz run batch_decode` (from the repository root, with cargo-fuzz).
#![no_main]

use driftq_core::storage::format::{self, DecodeError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match format::decode_batch(data) {
        Ok((batch, used)) => {
            let from = batch.header.base_offset + u64::from(data[0] % 8);
            let max = usize::from(data[1] % 8);
            let (range, _) = format::decode_batch_range(data, from, max).expect("range decode");
            let expected: Vec<_> = batch
                .records
                .iter()
                .filter(|r| r.offset >= from)
                .take(max)
                .cloned()
                .collect();
            assert_eq!(range.records, expected);
            let records: Vec<_> = batch.records.into_iter().map(|r| r.record).collect();
            let again = format::encode_batch(batch.header.base_offset, &records).expect("re-encode");
            assert_eq!(&again[..], &data[..used]);
        }
        Err(DecodeError::Incomplete { .. } | DecodeError::Corrupt(_)) => {}
    }
    let _ = format::decode_batch_lenient(data);
});
