//! The one error type of the server-function boundary. It travels as JSON with a
//! machine-readable `code` (`{"code":"too_many_attempts","retry_after_secs":30}`), maps to an
//! HTTP status on the server, and to a translated message in the apps (`i18n::error_text`).

use crate::dto::Role;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Username,
    Password,
    CurrentPassword,
    NewPassword,
    FullName,
    Email,
    CompanyName,
    Subject,
    Description,
    Text,
    Reason,
    IdempotencyKey,
    Category,
    EarlierTicket,
    Operator,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    /// Not of the expected form (an e-mail address without `@`, control characters…).
    Malformed,
    /// A new password equal to the one-time (or current) password.
    Unchanged,
    /// A new password from the list of common passwords, or the username itself.
    TooCommon,
    /// The current password given does not match.
    Wrong,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("the one-time password must be replaced first")]
    PasswordChangeRequired,
    #[error("not allowed")]
    Forbidden,
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("the one-time password has expired")]
    OneTimePasswordExpired,
    #[error("the account is disabled")]
    AccountDisabled,
    #[error("this account belongs in the {role:?} app")]
    WrongApp { role: Role },
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("invalid {field:?}: {problem:?}")]
    Invalid { field: Field, problem: Problem },
    #[error("the edition allows {limit} active {role:?} accounts")]
    EditionLimit { role: Role, limit: i64 },
    #[error("not found")]
    NotFound,
    /// A ticket move that the state machine does not allow from the current status.
    #[error("this step is not possible now")]
    MoveNotAllowed,
    /// The reopening window has passed.
    #[error("the ticket was closed too long ago to reopen")]
    ReopenWindowPassed,
    /// The same idempotency key with a different request.
    #[error("the idempotency key was used for another request")]
    IdempotencyConflict,
    #[error("cross-origin request refused")]
    CrossOrigin,
    #[error("bad request: {detail}")]
    BadRequest { detail: String },
    #[error("internal error")]
    Internal,
    /// Only ever made in the browser: the server could not be reached or answered nonsense.
    #[error("network: {detail}")]
    Network { detail: String },
}

impl AppError {
    pub fn invalid(field: Field, problem: Problem) -> Self {
        AppError::Invalid { field, problem }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated
            | AppError::WrongCredentials
            | AppError::OneTimePasswordExpired => 401,
            AppError::PasswordChangeRequired
            | AppError::Forbidden
            | AppError::AccountDisabled
            | AppError::WrongApp { .. }
            | AppError::CrossOrigin => 403,
            AppError::NotFound => 404,
            AppError::EditionLimit { .. }
            | AppError::MoveNotAllowed
            | AppError::ReopenWindowPassed
            | AppError::IdempotencyConflict => 409,
            AppError::Invalid { .. } => 422,
            AppError::TooManyAttempts { .. } => 429,
            AppError::BadRequest { .. } => 400,
            AppError::Internal => 500,
            AppError::Network { .. } => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server these mean the request's arguments did not decode.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail) => AppError::BadRequest { detail },
            // In the browser they mean the server could not be reached or understood.
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Deserialization(detail) => AppError::Network { detail },
            ServerFnErrorErr::Request(detail)
            | ServerFnErrorErr::Response(detail)
            | ServerFnErrorErr::Serialization(detail) => AppError::Network { detail },
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_travel_with_a_machine_readable_code() {
        let e = AppError::TooManyAttempts {
            retry_after_secs: 30,
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "too_many_attempts");
        assert_eq!(json["retry_after_secs"], 30);
        let back: AppError = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
        let invalid = serde_json::to_value(AppError::invalid(
            Field::NewPassword,
            Problem::TooShort { min: 12 },
        ))
        .unwrap();
        assert_eq!(invalid["code"], "invalid");
        assert_eq!(invalid["field"], "new_password");
        assert_eq!(invalid["problem"]["too_short"]["min"], 12);
    }
}
