//! Editions by licence. Without a licence Šalter is the free edition: one admin and two
//! operators, clients unlimited. A licence is a short text signed with Ed25519 by the vendor;
//! it is verified offline against the public keys this binary trusts (`trusted_keys`: the
//! vendor's, built in from `SALTER_VENDOR_KEY` — and, in debug builds only, a test key from
//! `SALTER_LICENCE_TEST_KEY`), and kept in `settings`, so every process on one database reads
//! the same one.
//!
//! ```text
//! Šalter licence
//! licensee: Acme d.o.o.
//! edition: commercial
//! admins: unlimited
//! operators: 25
//! issued: 2026-12-04
//! expires: 2027-12-03        (or: never)
//! key: <the signer's public key, base64>
//! signature: <Ed25519 over every line above, each ended by \n, base64>
//! ```
//!
//! A licence holds through its expiry date in the installation's time zone. An expired one is
//! kept but unlocks nothing: the free limits apply again, nothing is deleted, accounts beyond
//! the limits keep working, and no new staff account can be made until within them.

use super::{settings, AppState};
use crate::dto::{Edition, LicenceInfo, Role};
use crate::error::{AppError, LicenceFault};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use jiff::civil::Date;

/// The vendor's public key, built into the binary from `SALTER_VENDOR_KEY` at compile time: the
/// public key `salter license keygen` printed on the vendor's own machine, whose private half
/// never leaves it (the vendor signs with `salter license issue --key <file>`). Each vendor
/// builds their releases with their own; a build without one trusts no licence but the tests'
/// (debug builds only), so it is the free edition. A value that is not such a key stops the
/// build.
pub const VENDOR_KEY: Option<[u8; 32]> = match option_env!("SALTER_VENDOR_KEY") {
    Some(text) => Some(key_from_base64(text)),
    None => None,
};

/// A public key as `keygen` prints it (32 bytes in base64, 44 characters); for `VENDOR_KEY`,
/// at compile time, where anything else is an error.
const fn key_from_base64(text: &str) -> [u8; 32] {
    const NOT_A_KEY: &str =
        "SALTER_VENDOR_KEY is not a public key printed by `salter license keygen`";
    let text = text.as_bytes();
    if text.len() != 44 || text[43] != b'=' {
        panic!("{}", NOT_A_KEY);
    }
    let mut key = [0u8; 32];
    let (mut bits, mut held, mut out, mut i) = (0u32, 0u32, 0, 0);
    while i < 43 {
        let value = match text[i] {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'a'..=b'z' => c - b'a' + 26,
            c @ b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("{}", NOT_A_KEY),
        };
        bits = (bits << 6) | value as u32;
        held += 6;
        if held >= 8 {
            held -= 8;
            key[out] = (bits >> held) as u8;
            out += 1;
            bits &= (1 << held) - 1;
        }
        i += 1;
    }
    // 43 characters carry 258 bits: the last two are padding, and zero in a key's text.
    if bits != 0 {
        panic!("{}", NOT_A_KEY);
    }
    key
}

const HEADER: &str = "Šalter licence";
const SETTING: &str = "licence";
const LICENSEE_MAX: usize = 200;

/// The keys whose licences this binary accepts.
pub fn trusted_keys() -> Vec<[u8; 32]> {
    #[allow(unused_mut)]
    let mut keys: Vec<[u8; 32]> = VENDOR_KEY.into_iter().collect();
    // Tests sign their own licences; a release build never reads this.
    #[cfg(debug_assertions)]
    if let Some(key) = std::env::var("SALTER_LICENCE_TEST_KEY")
        .ok()
        .and_then(|k| public_key(&k))
    {
        keys.push(key);
    }
    keys
}

/// What a licence grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terms {
    pub licensee: String,
    /// Active admin accounts allowed; `None`: unlimited.
    pub admins: Option<i64>,
    pub operators: Option<i64>,
    pub issued: Date,
    /// The last day it holds; `None`: it never expires.
    pub expires: Option<Date>,
}

impl Terms {
    fn info(&self, expired: bool) -> LicenceInfo {
        LicenceInfo {
            licensee: self.licensee.clone(),
            admins: self.admins,
            operators: self.operators,
            issued: self.issued.to_string(),
            expires: self.expires.map(|d| d.to_string()),
            expired,
        }
    }

    /// The signed part of the licence, every line ended by `\n`.
    fn body(&self, key: &[u8; 32]) -> String {
        let seats = |n: Option<i64>| n.map_or("unlimited".to_string(), |n| n.to_string());
        format!(
            "{HEADER}\nlicensee: {}\nedition: commercial\nadmins: {}\noperators: {}\nissued: {}\nexpires: {}\nkey: {}\n",
            self.licensee,
            seats(self.admins),
            seats(self.operators),
            self.issued,
            self.expires.map_or("never".to_string(), |d| d.to_string()),
            B64.encode(key),
        )
    }
}

/// A new key pair: the private key's file content (the seed, base64) and the public key.
pub fn keygen() -> (String, String) {
    let seed: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&seed);
    (B64.encode(seed), B64.encode(key.verifying_key().to_bytes()))
}

/// A licence for `terms` signed by a key of its own, and that key: for tests and benchmarks,
/// which trust it through `Config::licence_keys` (a release binary never does).
pub fn self_signed(terms: &Terms) -> (String, [u8; 32]) {
    let (private, public) = keygen();
    let text = issue(&private, terms).unwrap_or_default();
    (text, public_key(&public).unwrap_or_default())
}

/// Unlimited seats, no expiry.
pub fn unlimited(licensee: &str) -> Terms {
    Terms {
        licensee: licensee.to_string(),
        admins: None,
        operators: None,
        issued: jiff::civil::date(2026, 1, 1),
        expires: None,
    }
}

/// A public key written as base64.
pub fn public_key(text: &str) -> Option<[u8; 32]> {
    B64.decode(text.trim()).ok()?.try_into().ok()
}

/// Signs `terms` with the private key whose file content is `private` (from `keygen`).
pub fn issue(private: &str, terms: &Terms) -> Result<String, String> {
    let seed: [u8; 32] = B64
        .decode(private.trim())
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or("the private key file does not hold a key made by `salter license keygen`")?;
    let licensee = single_line(&terms.licensee).ok_or("the licensee's name is missing")?;
    let terms = Terms {
        licensee,
        ..terms.clone()
    };
    let key = SigningKey::from_bytes(&seed);
    let body = terms.body(&key.verifying_key().to_bytes());
    let signature = key.sign(body.as_bytes());
    Ok(format!(
        "{body}signature: {}\n",
        B64.encode(signature.to_bytes())
    ))
}

fn single_line(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()
        && text.chars().count() <= LICENSEE_MAX
        && !text.chars().any(char::is_control))
    .then_some(text)
}

/// Reads and verifies a licence: its form, that a trusted key signed it, that not one byte
/// changed since, and its terms. Expiry is the caller's to judge (`Terms::expires`).
pub fn verify(text: &str, trusted: &[[u8; 32]]) -> Result<Terms, LicenceFault> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.trim().lines().collect();
    let (last, signed) = lines.split_last().ok_or(LicenceFault::Malformed)?;
    if signed.first() != Some(&HEADER) {
        return Err(LicenceFault::Malformed);
    }
    let field = |line: &str, name: &str| -> Result<String, LicenceFault> {
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(": "))
            .map(str::to_string)
            .ok_or(LicenceFault::Malformed)
    };
    let signature: [u8; 64] = B64
        .decode(field(last, "signature")?)
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or(LicenceFault::Malformed)?;
    let key = signed
        .last()
        .map(|line| field(line, "key"))
        .transpose()?
        .and_then(|k| public_key(&k))
        .ok_or(LicenceFault::Malformed)?;
    if !trusted.contains(&key) {
        return Err(LicenceFault::UnknownKey);
    }
    let body: String = signed.iter().map(|line| format!("{line}\n")).collect();
    VerifyingKey::from_bytes(&key)
        .and_then(|k| k.verify_strict(body.as_bytes(), &Signature::from_bytes(&signature)))
        .map_err(|_| LicenceFault::Tampered)?;
    // Signed by a trusted key: from here on a fault is the issuer's, not a tamperer's.
    let [_, licensee, edition, admins, operators, issued, expires, _] = signed else {
        return Err(LicenceFault::Malformed);
    };
    let seats = |line: &str, name: &str| -> Result<Option<i64>, LicenceFault> {
        match field(line, name)?.as_str() {
            "unlimited" => Ok(None),
            n => n.parse().map(Some).map_err(|_| LicenceFault::Malformed),
        }
    };
    let date = |text: &str| text.parse::<Date>().map_err(|_| LicenceFault::Malformed);
    if field(edition, "edition")? != "commercial" {
        return Err(LicenceFault::Malformed);
    }
    Ok(Terms {
        licensee: single_line(&field(licensee, "licensee")?).ok_or(LicenceFault::Malformed)?,
        admins: seats(admins, "admins")?,
        operators: seats(operators, "operators")?,
        issued: date(&field(issued, "issued")?)?,
        expires: match field(expires, "expires")?.as_str() {
            "never" => None,
            day => Some(date(day)?),
        },
    })
}

/// The edition in force and the licence behind it.
#[derive(Clone, Debug)]
pub struct Standing {
    pub licence: Option<LicenceInfo>,
}

impl Standing {
    fn valid(&self) -> Option<&LicenceInfo> {
        self.licence.as_ref().filter(|l| !l.expired)
    }

    pub fn edition(&self) -> Edition {
        match self.valid() {
            Some(_) => Edition::Commercial,
            None => Edition::Free,
        }
    }

    /// How many active accounts of a role are allowed; `None`: unlimited.
    pub fn limit(&self, role: Role) -> Option<i64> {
        match (self.valid(), role) {
            (_, Role::Client) => None,
            (Some(l), Role::Admin) => l.admins,
            (Some(l), Role::Operator) => l.operators,
            (None, Role::Admin) => Some(1),
            (None, Role::Operator) => Some(2),
        }
    }
}

fn today(state: &AppState) -> Date {
    jiff::Timestamp::from_millisecond(state.clock.now_ms())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(state.config.time_zone.clone())
        .date()
}

fn expired(terms: &Terms, today: Date) -> bool {
    terms.expires.is_some_and(|last| today > last)
}

/// The licence installed, if any, as it stands today.
pub async fn standing(state: &AppState) -> Result<Standing, AppError> {
    let Some(text) = settings::get(state, SETTING).await? else {
        return Ok(Standing { licence: None });
    };
    let licence = match verify(&text, &state.config.licence_keys) {
        Ok(terms) => Some(terms.info(expired(&terms, today(state)))),
        Err(fault) => {
            // Installed once, refused now: a binary that trusts other keys.
            tracing::warn!(
                ?fault,
                "the installed licence is not accepted by this binary"
            );
            None
        }
    };
    Ok(Standing { licence })
}

/// Installs a licence in place of the one before, once it verifies and holds today.
pub async fn install(state: &AppState, text: &str) -> Result<LicenceInfo, AppError> {
    let licence = |why| AppError::Licence { why };
    let terms = verify(text, &state.config.licence_keys).map_err(licence)?;
    if expired(&terms, today(state)) {
        return Err(licence(LicenceFault::Expired));
    }
    let text = text.replace("\r\n", "\n").trim().to_string() + "\n";
    settings::put(state, SETTING, text).await?;
    Ok(terms.info(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Terms {
        Terms {
            licensee: "Acme d.o.o.".into(),
            admins: None,
            operators: Some(25),
            issued: jiff::civil::date(2026, 12, 4),
            expires: Some(jiff::civil::date(2027, 12, 3)),
        }
    }

    fn signed() -> (String, [u8; 32]) {
        self_signed(&terms())
    }

    #[test]
    fn a_licence_reads_back_its_terms() {
        let (text, key) = signed();
        assert_eq!(verify(&text, &[key]), Ok(terms()));
        // Windows line ends and surrounding blank lines change nothing.
        let crlf = format!("\n{}\n\n", text.replace('\n', "\r\n"));
        assert_eq!(verify(&crlf, &[key]), Ok(terms()));
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let (text, key) = signed();
        let changed = text.replace("operators: 25", "operators: 26");
        assert_eq!(verify(&changed, &[key]), Err(LicenceFault::Tampered));
        let changed = text.replace("Acme", "Acmf");
        assert_eq!(verify(&changed, &[key]), Err(LicenceFault::Tampered));
        let signature_at = text.find("signature: ").unwrap() + 12;
        let mut bytes = text.into_bytes();
        bytes[signature_at] = if bytes[signature_at] == b'A' {
            b'B'
        } else {
            b'A'
        };
        let changed = String::from_utf8(bytes).unwrap();
        assert_eq!(verify(&changed, &[key]), Err(LicenceFault::Tampered));
    }

    #[test]
    fn a_key_not_trusted_is_refused() {
        let (text, _) = signed();
        let (_, other) = keygen();
        assert_eq!(
            verify(&text, &[public_key(&other).unwrap()]),
            Err(LicenceFault::UnknownKey)
        );
    }

    #[test]
    fn the_vendor_key_is_read_as_keygen_prints_it() {
        for _ in 0..50 {
            let (_, public) = keygen();
            assert_eq!(Some(key_from_base64(&public)), public_key(&public));
        }
        let (_, public) = keygen();
        let mut last_bits_set = public.clone().into_bytes();
        last_bits_set[42] = if last_bits_set[42] == b'B' {
            b'C'
        } else {
            b'B'
        };
        let last_bits_set = String::from_utf8(last_bits_set).unwrap();
        for bad in [
            "",
            "not a key",
            &public[..43],
            &format!("{public}="),
            &public.replacen(&public[..1], "*", 1),
            &last_bits_set,
        ] {
            let read = std::panic::catch_unwind(|| key_from_base64(bad));
            assert!(read.is_err(), "{bad:?} was taken for a key");
        }
    }

    #[test]
    fn what_is_not_a_licence_is_malformed() {
        let (text, key) = signed();
        for bad in [
            "",
            "hello",
            &text.replace("Šalter licence", "Salter licence"),
            &text.replace("signature: ", "signature:"),
            text.lines().take(8).collect::<Vec<_>>().join("\n").as_str(),
        ] {
            assert_eq!(verify(bad, &[key]), Err(LicenceFault::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn a_licence_holds_through_its_last_day() {
        let t = terms();
        assert!(!expired(&t, jiff::civil::date(2027, 12, 3)));
        assert!(expired(&t, jiff::civil::date(2027, 12, 4)));
        let forever = Terms {
            expires: None,
            ..terms()
        };
        assert!(!expired(&forever, jiff::civil::date(2999, 1, 1)));
    }

    #[test]
    fn the_free_edition_allows_one_admin_and_two_operators() {
        let free = Standing { licence: None };
        assert_eq!(free.edition(), Edition::Free);
        assert_eq!(free.limit(Role::Admin), Some(1));
        assert_eq!(free.limit(Role::Operator), Some(2));
        assert_eq!(free.limit(Role::Client), None);
        let lapsed = Standing {
            licence: Some(terms().info(true)),
        };
        assert_eq!(lapsed.edition(), Edition::Free);
        assert_eq!(lapsed.limit(Role::Operator), Some(2));
        let licensed = Standing {
            licence: Some(terms().info(false)),
        };
        assert_eq!(licensed.edition(), Edition::Commercial);
        assert_eq!(licensed.limit(Role::Admin), None);
        assert_eq!(licensed.limit(Role::Operator), Some(25));
    }
}
