//! The one error type of the server-function boundary. It travels as JSON with a
//! machine-readable `code` (`{"code":"too_many_attempts","retry_after_secs":30}`), maps to an
//! HTTP status on the server, and to a translated message in the apps (`i18n::error_text`).

use crate::roles::Role;
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
    Attachment,
    Capacity,
    WorkHours,
    DaysOff,
    Comment,
    Period,
    SolutionDays,
    ChatWeight,
    ChatText,
    /// The STUN and TURN servers calls use.
    IceServers,
    ReportName,
    Measures,
    SmtpUrl,
    ImapUrl,
    MailFrom,
    MailReplyTo,
    SlaPolicy,
    Holidays,
    WarnPercent,
    Tier,
    Shortcut,
    Title,
    Section,
    Tags,
    Language,
    Session,
    /// A code from an authenticator app, or a recovery code.
    Code,
    Roles,
    /// The client whose data is exported or erased.
    Client,
    /// The username typed to confirm an erasure.
    Confirmation,
    /// How long closed tickets keep their texts and files.
    RetentionDays,
    /// The privacy notice's text.
    PrivacyNotice,
    /// An API token's name.
    TokenName,
    /// What an API token may be used for.
    Scopes,
    /// How many days an API token lasts.
    ExpiryDays,
    /// The account an API token acts as.
    Account,
    /// Where a webhook posts.
    WebhookUrl,
    /// The kinds of event a webhook hears of.
    Topics,
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
    /// A number outside what is allowed.
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Not of the expected form (an e-mail address without `@`, control characters…).
    Malformed,
    /// A new password equal to the one-time (or current) password.
    Unchanged,
    /// A new password from the list of common passwords, or the username itself.
    TooCommon,
    /// The current password given does not match.
    Wrong,
    /// Another one already has this name.
    Taken,
    /// A `{placeholder}` that is not one of those filled in (canned responses).
    Placeholder,
    /// A client with tickets not closed yet (an erasure waits for them).
    StillOpen,
    /// A host name that resolves to no address.
    NotFound,
    /// An address on this machine or a private network, where it is not allowed (SSRF).
    Internal,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[serde(into = "wire::WireError", try_from = "wire::WireError")]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("the one-time password must be replaced first")]
    PasswordChangeRequired,
    /// The account's role must sign in with a second factor, and this one has none yet: nothing
    /// but setting one up is allowed.
    #[error("two-factor sign-in must be set up first")]
    SecondFactorSetupRequired,
    #[error("not allowed")]
    Forbidden,
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("the one-time password has expired")]
    OneTimePasswordExpired,
    /// The password was right; the account signs in with a code from its authenticator app (or
    /// a recovery code) too.
    #[error("a code from the authenticator app is needed")]
    SecondFactorNeeded,
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
    #[error("licence refused: {why:?}")]
    Licence { why: LicenceFault },
    #[error("not found")]
    NotFound,
    /// A ticket move that the state machine does not allow from the current status.
    #[error("this step is not possible now")]
    MoveNotAllowed,
    /// Someone else changed the ticket after the version the change was made against (`seen`):
    /// nothing was changed; the caller looks at the ticket (now at `version`) and sends again.
    #[error("the ticket changed since version {version}")]
    Stale { version: i64 },
    /// The reopening window has passed.
    #[error("the ticket was closed too long ago to reopen")]
    ReopenWindowPassed,
    /// A rating comes after the close, within `tickets::RATING_DAYS`.
    #[error("the ticket was closed too long ago to rate")]
    RatingWindowPassed,
    /// A chat asked for while no operator is on duty (the portal offers a ticket then).
    #[error("nobody is on duty for a chat now")]
    NobodyOnDuty,
    /// A client asked for a call where the admin does not allow clients to call.
    #[error("calls from clients are not allowed")]
    CallsOff,
    /// A client asked for a call on a ticket no operator holds.
    #[error("nobody holds this ticket to take a call")]
    NoOneToCall,
    /// A call asked for on a ticket, or with someone, already in a call.
    #[error("a call is already under way")]
    CallUnderWay,
    /// The same idempotency key with a different request.
    #[error("the idempotency key was used for another request")]
    IdempotencyConflict,
    #[error("cross-origin request refused")]
    CrossOrigin,
    /// An upload over the size limit (bytes); refused before it is read whole.
    #[error("the file is larger than {limit} bytes")]
    FileTooLarge { limit: i64 },
    /// An upload whose content is not one of the accepted kinds (png, jpg, gif, pdf, text, zip).
    #[error("this kind of file is not accepted")]
    FileTypeNotAllowed,
    #[error("bad request: {detail}")]
    BadRequest { detail: String },
    /// Refused at the HTTP edge, before any rule ran: the request's form is wrong.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("internal error")]
    Internal,
    /// The database cannot be reached (it is restarting, or the network to it is down): the
    /// request failed fast instead of hanging, and a retry may succeed.
    #[error("the database cannot be reached")]
    Unavailable,
    /// Only ever made in the browser: the server could not be reached or answered nonsense.
    #[error("network: {detail}")]
    Network { detail: String },
}

/// Why a licence was refused.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LicenceFault {
    /// Not a Šalter licence, or cut short.
    Malformed,
    /// Signed by a key this Šalter does not trust.
    UnknownKey,
    /// Changed after it was signed.
    Tampered,
    /// Past its last day.
    Expired,
}

/// Why the HTTP edge refused a request; each has its own code and status.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    MethodNotAllowed,
    LengthRequired,
    TooLarge,
    UriTooLong,
    UnsupportedMediaType,
    /// A `Host` that is not the configured public address.
    UnknownHost,
}

impl Refusal {
    const ALL: [Refusal; 6] = [
        Refusal::MethodNotAllowed,
        Refusal::LengthRequired,
        Refusal::TooLarge,
        Refusal::UriTooLong,
        Refusal::UnsupportedMediaType,
        Refusal::UnknownHost,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Refusal::MethodNotAllowed => "method_not_allowed",
            Refusal::LengthRequired => "length_required",
            Refusal::TooLarge => "too_large",
            Refusal::UriTooLong => "uri_too_long",
            Refusal::UnsupportedMediaType => "unsupported_media_type",
            Refusal::UnknownHost => "unknown_host",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Refusal::MethodNotAllowed => 405,
            Refusal::LengthRequired => 411,
            Refusal::TooLarge => 413,
            Refusal::UriTooLong => 414,
            Refusal::UnsupportedMediaType => 415,
            Refusal::UnknownHost => 400,
        }
    }

    /// The refusal an HTTP status stands for, if one does.
    pub fn of_status(status: u16) -> Option<Refusal> {
        Refusal::ALL
            .into_iter()
            .find(|r| r.status() == status && *r != Refusal::UnknownHost)
    }
}

/// The longest excerpt of a request an error message repeats.
pub const EXCERPT_MAX: usize = 120;

/// The start of `text`, cut at `EXCERPT_MAX` characters: an error never echoes a whole input.
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The JSON form of `AppError`: `{"code": "...", <the variant's fields>}`. Written by hand as
/// one flat struct because serde's derived internally-tagged enums cost ~20 KB of WebAssembly
/// in every app.
mod wire {
    use super::{AppError, Field, LicenceFault, Problem};
    use crate::roles::Role;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    pub struct WireError {
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<Role>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<Field>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        problem: Option<Problem>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        licence: Option<LicenceFault>,
    }

    impl WireError {
        fn code(code: &str) -> WireError {
            WireError {
                code: code.to_string(),
                role: None,
                retry_after_secs: None,
                field: None,
                problem: None,
                limit: None,
                detail: None,
                version: None,
                licence: None,
            }
        }
    }

    impl From<AppError> for WireError {
        fn from(e: AppError) -> WireError {
            let code = e.code();
            match e {
                AppError::WrongApp { role } => WireError {
                    role: Some(role),
                    ..WireError::code(code)
                },
                AppError::TooManyAttempts { retry_after_secs } => WireError {
                    retry_after_secs: Some(retry_after_secs),
                    ..WireError::code(code)
                },
                AppError::Invalid { field, problem } => WireError {
                    field: Some(field),
                    problem: Some(problem),
                    ..WireError::code(code)
                },
                AppError::EditionLimit { role, limit } => WireError {
                    role: Some(role),
                    limit: Some(limit),
                    ..WireError::code(code)
                },
                AppError::Licence { why } => WireError {
                    licence: Some(why),
                    ..WireError::code(code)
                },
                AppError::FileTooLarge { limit } => WireError {
                    limit: Some(limit),
                    ..WireError::code(code)
                },
                AppError::Stale { version } => WireError {
                    version: Some(version),
                    ..WireError::code(code)
                },
                AppError::BadRequest { detail } | AppError::Network { detail } => WireError {
                    detail: Some(detail),
                    ..WireError::code(code)
                },
                _ => WireError::code(code),
            }
        }
    }

    impl TryFrom<WireError> for AppError {
        type Error = String;

        fn try_from(w: WireError) -> Result<AppError, String> {
            let missing = || format!("error {:?} lacks a field", w.code);
            Ok(match w.code.as_str() {
                "unauthenticated" => AppError::Unauthenticated,
                "password_change_required" => AppError::PasswordChangeRequired,
                "forbidden" => AppError::Forbidden,
                "wrong_credentials" => AppError::WrongCredentials,
                "one_time_password_expired" => AppError::OneTimePasswordExpired,
                "second_factor_needed" => AppError::SecondFactorNeeded,
                "second_factor_setup_required" => AppError::SecondFactorSetupRequired,
                "account_disabled" => AppError::AccountDisabled,
                "wrong_app" => AppError::WrongApp {
                    role: w.role.ok_or_else(missing)?,
                },
                "too_many_attempts" => AppError::TooManyAttempts {
                    retry_after_secs: w.retry_after_secs.ok_or_else(missing)?,
                },
                "invalid" => AppError::Invalid {
                    field: w.field.ok_or_else(missing)?,
                    problem: w.problem.ok_or_else(missing)?,
                },
                "edition_limit" => AppError::EditionLimit {
                    role: w.role.ok_or_else(missing)?,
                    limit: w.limit.ok_or_else(missing)?,
                },
                "licence" => AppError::Licence {
                    why: w.licence.ok_or_else(missing)?,
                },
                "not_found" => AppError::NotFound,
                "move_not_allowed" => AppError::MoveNotAllowed,
                "stale" => AppError::Stale {
                    version: w.version.ok_or_else(missing)?,
                },
                "reopen_window_passed" => AppError::ReopenWindowPassed,
                "rating_window_passed" => AppError::RatingWindowPassed,
                "nobody_on_duty" => AppError::NobodyOnDuty,
                "calls_off" => AppError::CallsOff,
                "no_one_to_call" => AppError::NoOneToCall,
                "call_under_way" => AppError::CallUnderWay,
                "idempotency_conflict" => AppError::IdempotencyConflict,
                "cross_origin" => AppError::CrossOrigin,
                "file_too_large" => AppError::FileTooLarge {
                    limit: w.limit.ok_or_else(missing)?,
                },
                "file_type_not_allowed" => AppError::FileTypeNotAllowed,
                "bad_request" => AppError::BadRequest {
                    detail: w.detail.unwrap_or_default(),
                },
                "internal" => AppError::Internal,
                "unavailable" => AppError::Unavailable,
                "network" => AppError::Network {
                    detail: w.detail.unwrap_or_default(),
                },
                code => match super::Refusal::ALL.into_iter().find(|r| r.code() == code) {
                    Some(refusal) => AppError::Refused(refusal),
                    None => return Err(format!("unknown error code {code:?}")),
                },
            })
        }
    }
}

impl AppError {
    /// The machine-readable code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Forbidden => "forbidden",
            AppError::WrongCredentials => "wrong_credentials",
            AppError::OneTimePasswordExpired => "one_time_password_expired",
            AppError::SecondFactorNeeded => "second_factor_needed",
            AppError::SecondFactorSetupRequired => "second_factor_setup_required",
            AppError::AccountDisabled => "account_disabled",
            AppError::WrongApp { .. } => "wrong_app",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Invalid { .. } => "invalid",
            AppError::EditionLimit { .. } => "edition_limit",
            AppError::Licence { .. } => "licence",
            AppError::NotFound => "not_found",
            AppError::MoveNotAllowed => "move_not_allowed",
            AppError::Stale { .. } => "stale",
            AppError::ReopenWindowPassed => "reopen_window_passed",
            AppError::RatingWindowPassed => "rating_window_passed",
            AppError::NobodyOnDuty => "nobody_on_duty",
            AppError::CallsOff => "calls_off",
            AppError::NoOneToCall => "no_one_to_call",
            AppError::CallUnderWay => "call_under_way",
            AppError::IdempotencyConflict => "idempotency_conflict",
            AppError::CrossOrigin => "cross_origin",
            AppError::FileTooLarge { .. } => "file_too_large",
            AppError::FileTypeNotAllowed => "file_type_not_allowed",
            AppError::BadRequest { .. } => "bad_request",
            AppError::Refused(refusal) => refusal.code(),
            AppError::Internal => "internal",
            AppError::Unavailable => "unavailable",
            AppError::Network { .. } => "network",
        }
    }

    pub fn invalid(field: Field, problem: Problem) -> Self {
        AppError::Invalid { field, problem }
    }

    /// A request that did not decode; the detail repeats at most a short excerpt of it.
    pub fn bad_request(detail: &str) -> Self {
        AppError::BadRequest {
            detail: excerpt(detail),
        }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated
            | AppError::WrongCredentials
            | AppError::OneTimePasswordExpired
            | AppError::SecondFactorNeeded => 401,
            AppError::PasswordChangeRequired
            | AppError::SecondFactorSetupRequired
            | AppError::Forbidden
            | AppError::AccountDisabled
            | AppError::WrongApp { .. }
            | AppError::CallsOff
            | AppError::CrossOrigin => 403,
            AppError::NotFound => 404,
            AppError::EditionLimit { .. }
            | AppError::MoveNotAllowed
            | AppError::Stale { .. }
            | AppError::ReopenWindowPassed
            | AppError::RatingWindowPassed
            | AppError::NobodyOnDuty
            | AppError::NoOneToCall
            | AppError::CallUnderWay
            | AppError::IdempotencyConflict => 409,
            AppError::Invalid { .. } | AppError::Licence { .. } => 422,
            AppError::TooManyAttempts { .. } => 429,
            AppError::FileTooLarge { .. } => 413,
            AppError::FileTypeNotAllowed => 415,
            AppError::BadRequest { .. } => 400,
            AppError::Refused(refusal) => refusal.status(),
            AppError::Internal => 500,
            AppError::Unavailable | AppError::Network { .. } => 503,
        }
    }
}

/// Errors of the plain HTTP handlers (attachments) answer like those of server functions.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (status, axum::Json(&self)).into_response();
        if let AppError::TooManyAttempts { retry_after_secs } = self {
            res.headers_mut()
                .insert(http::header::RETRY_AFTER, retry_after_secs.into());
        }
        res
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
            | ServerFnErrorErr::Deserialization(detail) => AppError::bad_request(&detail),
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
        for e in [
            AppError::WrongApp { role: Role::Client },
            AppError::EditionLimit {
                role: Role::Operator,
                limit: 2,
            },
            AppError::BadRequest { detail: "x".into() },
            AppError::MoveNotAllowed,
            AppError::SecondFactorNeeded,
            AppError::SecondFactorSetupRequired,
            AppError::Stale { version: 41 },
            AppError::Licence {
                why: LicenceFault::Tampered,
            },
            AppError::Unavailable,
            AppError::Refused(Refusal::TooLarge),
            AppError::Refused(Refusal::UnknownHost),
            AppError::invalid(Field::Reason, Problem::Required),
        ] {
            let back: AppError = serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
            assert_eq!(back, e);
        }
        let invalid = serde_json::to_value(AppError::invalid(
            Field::NewPassword,
            Problem::TooShort { min: 12 },
        ))
        .unwrap();
        assert_eq!(invalid["code"], "invalid");
        assert_eq!(invalid["field"], "new_password");
        assert_eq!(invalid["problem"]["too_short"]["min"], 12);
    }

    #[test]
    fn a_refused_request_is_echoed_only_in_part() {
        let long = "ž".repeat(66_000);
        let AppError::BadRequest { detail } = AppError::bad_request(&long) else {
            panic!("a bad request");
        };
        assert_eq!(detail.chars().count(), EXCERPT_MAX + 1);
        assert_eq!(excerpt("short"), "short");
        assert_eq!(Refusal::of_status(413), Some(Refusal::TooLarge));
        assert_eq!(Refusal::of_status(400), None);
        let json = serde_json::to_value(AppError::Refused(Refusal::UriTooLong)).unwrap();
        assert_eq!(json["code"], "uri_too_long");
    }
}
