//! Bearer tokens: made at random, stored only as their SHA-256, compared in constant time.
//!
//! Invariant: a plain token never reaches the disk or a log line; the server keeps and compares
//! [`TokenHash`]es only.

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// The SHA-256 of a token, as the auth file stores it (64 lowercase hex digits).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash of `token` as a client sends it (the text after `Bearer `).
    #[must_use]
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(hex: &str) -> Result<Self, String> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return Err(format!(
                "a token_sha256 is 64 hex digits, this one has {} characters",
                hex.len()
            ));
        }
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            let digit = |b: u8| {
                char::from(b)
                    .to_digit(16)
                    .ok_or_else(|| format!("{:?} is not a hex digit", char::from(b)))
            };
            out[i] = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?)
                .map_err(|_| "hex digit out of range".to_owned())?;
        }
        Ok(Self(out))
    }

    /// True when both hashes are equal, in time that does not depend on where they differ.
    #[must_use]
    pub fn matches(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl std::fmt::Display for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenHash({self})")
    }
}

/// A new random token: `dq_` and 43 URL-safe base64 characters (256 bits from the operating
/// system's generator), safe in a header, a shell and a TOML string.
pub fn generate() -> Result<String, getrandom::Error> {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!(
        "dq_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_in_lowercase_hex_and_parses_back() {
        // The example: sha256("test").
        let h = TokenHash::of("test");
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(h.to_string(), hex);
        assert_eq!(TokenHash::from_hex(hex), Ok(h));
        assert_eq!(TokenHash::from_hex(&hex.to_uppercase()), Ok(h));
        assert!(TokenHash::from_hex("9f86").is_err());
        assert!(TokenHash::from_hex(&hex.replace('9', "g")).is_err());
        assert!(h.matches(&TokenHash::of("test")));
        assert!(!h.matches(&TokenHash::of("tesu")));
    }

    #[test]
    fn generated_tokens_differ_and_are_header_safe() {
        let a = generate().expect("random");
        let b = generate().expect("random");
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        );
    }
}
