//! The FNV-1a hashes the engine uses to name things, never for security: the sharded form's
//! buckets (32 bits over a product id), and signal keys and the consent gate's remembered
//! shoppers (64 bits over several text parts).

/// FNV-1a's 64-bit offset basis: where [`fnv1a64`] starts.
pub const FNV64_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 32 bits, over the UTF-8 bytes of `s`.
pub fn fnv1a32(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1a, 64 bits, continuing from `h` ([`FNV64_BASIS`] to start) over the parts, each
/// followed by a separator byte that cannot occur in UTF-8, so `["ab", "c"]` and `["a", "bc"]`
/// differ.
pub fn fnv1a64(mut h: u64, parts: &[&str]) -> u64 {
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// `h` as 16 lower-case hex digits.
pub fn hex16(h: u64) -> String {
    let mut out = String::with_capacity(16);
    for i in (0..16).rev() {
        out.push(char::from(
            b"0123456789abcdef"[(h >> (i * 4)) as usize & 15],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        // The FNV reference test vectors (Fowler, Noll, Vo): "" and "a".
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a32("foobar"), 0xbf9c_f968);
        // One part is its bytes then 0xff: "a" alone is 0xaf63dc4c8601ec8c.
        assert_eq!(fnv1a64(FNV64_BASIS, &[]), FNV64_BASIS);
        let a = fnv1a64(FNV64_BASIS, &["a"]);
        let mut h = 0xaf63_dc4c_8601_ec8c_u64;
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        assert_eq!(a, h);
        assert_ne!(
            fnv1a64(FNV64_BASIS, &["ab", "c"]),
            fnv1a64(FNV64_BASIS, &["a", "bc"])
        );
        assert_eq!(hex16(0x0123_4567_89ab_cdef), "0123456789abcdef");
        assert_eq!(hex16(1), "0000000000000001");
    }
}
