//! Time-based one-time passwords — what authenticator apps compute: RFC 6238 over RFC 4226's
//! HOTP, HMAC-SHA1, six digits, 30-second steps — and the forms they travel in: the secret in
//! base32, the `otpauth://` address a QR code carries, and that QR code as an SVG path. Pure:
//! no clock, no database (`two_factor` holds the rules).

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// One step of the clock: a code holds for this long.
pub const STEP_MS: i64 = 30_000;
/// Steps either side of now whose code is still accepted: a phone's clock may drift a little.
pub const DRIFT: i64 = 1;
const DIGITS: usize = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The step a moment falls in.
pub fn step_at(now_ms: i64) -> i64 {
    now_ms.div_euclid(STEP_MS)
}

/// The code of one step (RFC 4226, section 5.3), as its six digits.
pub fn code_at(secret: &[u8], step: i64) -> Option<String> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let bytes: [u8; 4] = digest.get(offset..offset + 4)?.try_into().ok()?;
    let number = u32::from_be_bytes(bytes) & 0x7fff_ffff;
    Some(format!("{:06}", number % 10u32.pow(DIGITS as u32)))
}

/// The step within `DRIFT` of now whose code `code` is — the oldest such, so a code seen once
/// is recognised as that step again —, or none.
pub fn matching_step(secret: &[u8], code: &str, now_ms: i64) -> Option<i64> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(now_ms);
    (now - DRIFT..=now + DRIFT).find(|&step| {
        code_at(secret, step).is_some_and(|expected| same(expected.as_bytes(), code.as_bytes()))
    })
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the text has the form of a code (six digits), rather than of a recovery code.
pub fn looks_like_code(text: &str) -> bool {
    text.len() == DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 4648 base32, upper case, without padding: how authenticator apps take a secret typed in.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32 back, in either case and with spaces or padding anywhere; none for any other
/// character.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !matches!(c, b' ' | b'=')) {
        let value = BASE32.iter().position(|&a| a == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The address an authenticator app reads from the QR code (Google's `otpauth://` form): the
/// app lists it as "issuer (account)".
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let (issuer, account) = (escape(issuer), escape(account));
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret_base32}&issuer={issuer}\
         &algorithm=SHA1&digits={DIGITS}&period={}",
        STEP_MS / 1000
    )
}

/// Percent-encodes all but the unreserved characters of RFC 3986.
fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A QR code of `text` as an SVG path of its dark modules, one unit each, with the code's width
/// in modules: the apps draw it in an `<svg viewBox>` with its quiet zone around.
pub fn qr_path(text: &str) -> Option<(usize, String)> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    let mut path = String::new();
    for (y, row) in dark.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if !row[x] {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|&&d| d).count();
            path.push_str(&format!("M{x} {y}h{run}v1h-{run}z"));
            x += run;
        }
    }
    Some((width, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret and its codes (the last six of eight digits).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        for (seconds, code) in [
            (59i64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, step_at(seconds * 1000)).as_deref(),
                Some(code),
                "at {seconds} s"
            );
        }
    }

    #[test]
    fn a_code_holds_one_step_either_side_and_no_further() {
        let now = 1_234_567_890_000;
        let code = code_at(RFC_SECRET, step_at(now)).unwrap();
        assert_eq!(matching_step(RFC_SECRET, &code, now), Some(step_at(now)));
        assert_eq!(
            matching_step(RFC_SECRET, &code, now + STEP_MS),
            Some(step_at(now))
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code, now - STEP_MS),
            Some(step_at(now))
        );
        assert_eq!(matching_step(RFC_SECRET, &code, now + 2 * STEP_MS), None);
        assert_eq!(matching_step(RFC_SECRET, "12345", now), None);
        assert_eq!(matching_step(RFC_SECRET, "abcdef", now), None);
        assert_eq!(matching_step(b"another secret", &code, now), None);
    }

    #[test]
    fn base32_is_rfc_4648_and_reads_back() {
        // RFC 4648, section 10 (without the padding).
        for (plain, coded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(plain.as_bytes()), coded);
            assert_eq!(from_base32(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(from_base32("mzxw 6ytb oi======").unwrap(), b"foobar");
        assert_eq!(from_base32("MZXW1"), None);
    }

    #[test]
    fn the_address_names_issuer_and_account_escaped() {
        let uri = otpauth_uri("Acme & Co", "ana.k", "MZXW6YTB");
        assert_eq!(
            uri,
            "otpauth://totp/Acme%20%26%20Co:ana.k?secret=MZXW6YTB&issuer=Acme%20%26%20Co\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn the_qr_code_is_a_path_of_its_dark_modules() {
        let (width, path) = qr_path("otpauth://totp/A:b?secret=MZXW6YTB").unwrap();
        assert_eq!(width % 4, 1, "a QR code is 17 + 4n modules wide");
        // The finder pattern in the top left corner: seven dark modules in a row.
        assert!(path.starts_with("M0 0h7v1h-7z"), "{path}");
    }
}
