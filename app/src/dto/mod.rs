//! Data that crosses the wire between the browser apps and the server.
//! Nothing here may carry a password hash or a session token.

pub use crate::roles::Role;

mod accounts;
mod duty;
mod integrations;
mod kb;
mod live;
mod mail;
mod settings;
mod stats;
mod tickets;

pub use accounts::*;
pub use duty::*;
pub use integrations::*;
pub use kb::*;
pub use live::*;
pub use mail::*;
pub use settings::*;
pub use stats::*;
pub use tickets::*;

/// Limits on free text, shared by the server (which enforces them) and the forms.
pub mod limits {
    pub const FULL_NAME_MAX: usize = 100;
    pub const EMAIL_MAX: usize = 254;
    pub const COMPANY_NAME_MAX: usize = 100;
    pub const PASSWORD_MIN: usize = 12;
    pub const PASSWORD_MAX: usize = 128;
    pub const USERNAME_MAX: usize = 64;
    pub const SUBJECT_MAX: usize = 200;
    pub const TEXT_MAX: usize = 20_000;
    pub const REASON_MAX: usize = 2_000;
    pub const CATEGORY_MAX: usize = 80;
    /// The days a proposed solution may wait for the client: the range, and the default.
    pub const SOLUTION_DAYS: std::ops::RangeInclusive<u32> = 1..=90;
    pub const SOLUTION_DAYS_DEFAULT: u32 = 7;
    /// How many tickets a live chat counts as in its operator's load.
    pub const CHAT_WEIGHT: std::ops::RangeInclusive<u32> = 1..=5;
    pub const CHAT_WEIGHT_DEFAULT: u32 = 2;
    /// The admin's STUN and TURN servers, a few lines.
    pub const ICE_SERVERS_MAX: usize = 2_000;
    /// How long closed tickets keep their texts and files, when the admin sets a period.
    pub const RETENTION_DAYS: std::ops::RangeInclusive<i64> = 7..=3650;
    pub const REPORT_NAME_MAX: usize = 80;
    /// A canned response's shortcut, typed after `/`.
    pub const SHORTCUT_MAX: usize = 40;
    pub const ARTICLE_TITLE_MAX: usize = 200;
    pub const ARTICLE_BODY_MAX: usize = 100_000;
    pub const SECTION_MAX: usize = 80;
    pub const TAG_MAX: usize = 40;
    pub const TAGS_MAX: usize = 20;
}
