//! Password hashing (argon2id), one-time passwords and the rules for new passwords.
//! Hashing is deliberately slow, so it runs on the blocking pool, never on the async runtime.

use crate::dto::limits::{PASSWORD_MAX, PASSWORD_MIN};
use crate::error::{AppError, Field, Problem};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use rand::Rng;
use std::sync::OnceLock;

/// Unambiguous characters (no 0/O, 1/l/I) for passwords read off a screen and typed.
const OTP_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const OTP_LEN: usize = 20;

/// A fresh one-time password from the operating system's CSPRNG.
pub fn generate_one_time_password() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..OTP_LEN)
        .map(|_| OTP_ALPHABET[rng.gen_range(0..OTP_ALPHABET.len())] as char)
        .collect()
}

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// At most this many passwords are hashed or checked at once — each takes argon2's 19 MiB for
/// its moment — so a flood of sign-ins waits its turn instead of taking all the memory.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores.max(2))
    })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _slot = hashing_slots()
        .acquire()
        .await
        .map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(error = %e, "blocking task failed");
        AppError::Internal
    })
}

/// The argon2id PHC string for a password.
pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    blocking(move || hash_blocking(&password)).await?
}

pub async fn verify(password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    blocking(move || verify_blocking(&password, &hash)).await
}

/// Spends the time of one verification, so an unknown username answers as slowly as a known one.
pub async fn verify_nothing(password: &str) -> Result<(), AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let password = password.to_owned();
    blocking(move || {
        let dummy = DUMMY.get_or_init(|| hash_blocking("not a password").unwrap_or_default());
        verify_blocking(&password, dummy);
    })
    .await
}

/// Passwords of at least the minimum length that are still among the most used.
const COMMON: &str = include_str!("common-passwords.txt");

/// Checks a new password against the rules that need no database.
pub fn check_new(password: &str, username: &str) -> Result<(), AppError> {
    let invalid = |problem| Err(AppError::invalid(Field::NewPassword, problem));
    let len = password.chars().count();
    if len == 0 {
        return invalid(Problem::Required);
    }
    if len < PASSWORD_MIN {
        return invalid(Problem::TooShort { min: PASSWORD_MIN });
    }
    if len > PASSWORD_MAX {
        return invalid(Problem::TooLong { max: PASSWORD_MAX });
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next();
    let one_repeated_char = lower.chars().all(|c| Some(c) == first);
    if one_repeated_char
        || lower.contains(&username.to_lowercase())
        || COMMON.lines().any(|common| common.trim() == lower)
    {
        return invalid(Problem::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_passwords_are_long_and_different() {
        let a = generate_one_time_password();
        let b = generate_one_time_password();
        assert!(a.len() >= 16);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| OTP_ALPHABET.contains(&c)));
    }

    #[test]
    fn new_passwords_follow_the_rules() {
        let problem = |p: &str| match check_new(p, "ana.kovac") {
            Ok(()) => None,
            Err(AppError::Invalid { problem, .. }) => Some(problem),
            Err(other) => panic!("unexpected {other:?}"),
        };
        assert_eq!(problem(""), Some(Problem::Required));
        assert_eq!(problem("short pass"), Some(Problem::TooShort { min: 12 }));
        assert_eq!(
            problem(&"x".repeat(129)),
            Some(Problem::TooLong { max: 128 })
        );
        assert_eq!(problem("Password1234"), Some(Problem::TooCommon));
        assert_eq!(problem("aaaaaaaaaaaaaa"), Some(Problem::TooCommon));
        assert_eq!(problem("my ana.kovac secret"), Some(Problem::TooCommon));
        assert_eq!(problem("correct horse battery"), None);
        assert_eq!(problem("ćevapi u somunu"), None);
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h).await.unwrap());
        assert!(!verify("correct horse batterY", &h).await.unwrap());
        assert!(!verify("anything", "not a hash").await.unwrap());
    }
}
