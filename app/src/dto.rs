//! Data that crosses the wire between the browser apps and the server.
//! Nothing here may carry a password hash or a session token.

use serde::{Deserialize, Serialize};

pub use crate::roles::Role;

/// The signed-in user, as the apps see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Set while the user still holds a one-time password: nothing but changing it is allowed.
    pub must_change_password: bool,
    /// Set while the user's role requires a second factor and they have none: nothing but
    /// setting one up is allowed.
    pub must_set_up_second_factor: bool,
}

/// Where a person's two-factor sign-in stands, on their account page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TwoFactorStatus {
    /// Signing in asks for a code.
    pub on: bool,
    /// The person's role must sign in with one: it cannot be turned off.
    pub required: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: i64,
}

/// A second factor being set up: the secret an authenticator app takes, typed in or from the
/// QR code of `uri`, drawn as `qr_path` (dark modules, one unit each, `qr_width` wide).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TwoFactorSetup {
    pub secret: String,
    pub uri: String,
    pub qr_width: u32,
    pub qr_path: String,
}

/// One of a person's sessions, as they see it on their account page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// Names the session for ending it (not its token, nor enough to use it).
    pub handle: String,
    /// The app it signed in to.
    pub app: Role,
    /// "Firefox 133 · Linux"; `None` when the browser did not say or is not known.
    pub browser: Option<String>,
    /// The address it signed in from (empty for sessions older than this record).
    pub address: String,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
    /// The session this request came with.
    pub current: bool,
}

/// An API token as its account's owner and the admins see it: never its secret.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The account it acts as, and its username.
    pub account_id: i64,
    pub account: String,
    pub scopes: Vec<crate::tokens::Scope>,
    pub created_at: i64,
    /// Who made it (username): the account's owner, or an admin.
    pub created_by: String,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub last_used_from: Option<String>,
    pub revoked_at: Option<i64>,
}

/// A token to make: for oneself, or (admins) for the account an integration acts as.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NewApiToken {
    pub name: String,
    pub scopes: Vec<crate::tokens::Scope>,
    /// 1 to `tokens::MAX_DAYS`; none: it never expires.
    pub expires_in_days: Option<i64>,
    /// None: the caller's own account.
    #[serde(default)]
    pub account_id: Option<i64>,
}

/// A token just made, with its secret: the one answer that carries a secret, shown once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssuedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// A webhook as the admin sees it: never its secret.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub topics: Vec<crate::webhooks::Topic>,
    /// A loopback, link-local or private address was allowed for it.
    pub allow_private: bool,
    pub created_at: i64,
    pub created_by: String,
    /// Attempts failed in a row.
    pub failing: i64,
    /// Paused since; its deliveries wait.
    pub paused_at: Option<i64>,
    /// Paused by the sender because it kept failing (not by an admin).
    pub paused_by_failures: bool,
    /// Deliveries waiting to be sent, and given up.
    pub waiting: i64,
    pub failed: i64,
}

/// A webhook to register.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NewWebhook {
    pub url: String,
    pub topics: Vec<crate::webhooks::Topic>,
    /// Allow an address on this machine or a private network (refused otherwise).
    #[serde(default)]
    pub allow_private: bool,
}

/// A webhook just registered, with the secret its deliveries are signed with, shown once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssuedWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

/// One delivery of a webhook, with every attempt to post it, newest first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: i64,
    pub topic: crate::webhooks::Topic,
    pub ticket_id: i64,
    pub at: i64,
    pub delivered_at: Option<i64>,
    pub failed_at: Option<i64>,
    /// When it is tried next, while it waits.
    pub next_at: Option<i64>,
    pub attempts: Vec<WebhookAttempt>,
}

/// One post of a delivery: the receiver's HTTP status (none: it did not answer), how long it
/// took, and why it failed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub at: i64,
    pub status: Option<i64>,
    pub ms: i64,
    pub error: Option<String>,
}

/// What anyone may know before signing in.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct PublicSettings {
    /// `None` until the admin names the company; the apps then show a neutral name.
    pub company_name: Option<String>,
    /// The installation's time zone (IANA name): exact times are shown in it.
    pub time_zone: String,
}

/// What an app needs before its first screen, written into its page (`index.html`) by the server
/// so that it starts without asking: each part is what its server function would answer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Boot {
    /// `settings/public_info`.
    pub settings: PublicSettings,
    /// `session/me`; none when not signed in.
    pub me: Option<CurrentUser>,
    /// `privacy/notice`, in the client portal only (the other apps show none).
    pub notice: Option<PrivacyNotice>,
    /// On a page that opens on the ticket list (`Role::opens_on_list`), for its role's person:
    /// what `tickets/list` answers with no filter, so the app shows it at once…
    pub tickets: Option<TicketPage>,
    /// …and the live place read just before it, where the app's socket starts: a change made in
    /// between reaches it.
    pub cursor: Option<Cursor>,
}

/// The id of the element of an app's page that carries its `Boot`.
pub const BOOT_ELEMENT: &str = "boot";

/// How tickets read to clients and wait for them, as the admin sets it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketSettings {
    /// Clients read an admin's reason for forcing a status (off: they see only that it changed).
    pub forced_reasons_to_clients: bool,
    /// After how many days without a word from the client a proposed solution closes the
    /// ticket by itself (`limits::SOLUTION_DAYS`).
    pub solution_days: u32,
    /// How many tickets a live chat under way counts as in its operator's load
    /// (`limits::CHAT_WEIGHT`).
    #[serde(default = "chat_weight_default")]
    pub chat_weight: u32,
}

fn chat_weight_default() -> u32 {
    limits::CHAT_WEIGHT_DEFAULT
}

/// What an e-mail tells its reader. The code is the outbox's `notice` column and the word a
/// person's choices (`users.mail_muted`) are kept in (`server::mail`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// To a client: their new ticket arrived, with its reference.
    Received,
    /// To a client: staff wrote on their ticket.
    Answered,
    /// To a client: their ticket came back to them for more information.
    Returned,
    /// To a client: an operator proposed a solution to confirm.
    Proposed,
    /// To a client: their ticket was closed.
    Closed,
    /// To a client and the ticket's operator: a closed ticket was opened again.
    Reopened,
    /// To an operator: a ticket became theirs.
    Assigned,
    /// To an operator: the client wrote on their ticket.
    ClientAnswered,
    /// To an operator: a service-level target of their ticket is near.
    SlaWarning,
    /// To the ticket's operator and the admins: a service-level target was missed.
    SlaBreached,
    /// The admin's "send a test e-mail".
    Test,
    /// To the admins: a webhook's receiver kept failing and was paused.
    WebhookPaused,
}

impl Notice {
    pub const ALL: [Notice; 12] = [
        Notice::Received,
        Notice::Answered,
        Notice::Returned,
        Notice::Proposed,
        Notice::Closed,
        Notice::Reopened,
        Notice::Assigned,
        Notice::ClientAnswered,
        Notice::SlaWarning,
        Notice::SlaBreached,
        Notice::Test,
        Notice::WebhookPaused,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Notice::Received => "received",
            Notice::Answered => "answered",
            Notice::Returned => "returned",
            Notice::Proposed => "proposed",
            Notice::Closed => "closed",
            Notice::Reopened => "reopened",
            Notice::Assigned => "assigned",
            Notice::ClientAnswered => "client_answered",
            Notice::SlaWarning => "sla_warning",
            Notice::SlaBreached => "sla_breached",
            Notice::Test => "test",
            Notice::WebhookPaused => "webhook_paused",
        }
    }

    pub fn parse(code: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The notices a person of `role` may get, in the order their choices are shown.
    pub fn for_role(role: Role) -> &'static [Notice] {
        match role {
            Role::Client => &[
                Notice::Received,
                Notice::Answered,
                Notice::Returned,
                Notice::Proposed,
                Notice::Closed,
                Notice::Reopened,
            ],
            Role::Operator => &[
                Notice::Assigned,
                Notice::ClientAnswered,
                Notice::Reopened,
                Notice::SlaWarning,
                Notice::SlaBreached,
            ],
            Role::Admin => &[Notice::SlaBreached, Notice::WebhookPaused],
        }
    }
}

/// A person's e-mail: their address, and the notices they turned off (of `Notice::for_role`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct MailChoices {
    pub email: String,
    pub off: Vec<Notice>,
}

/// The mail servers and addresses, as the admin sees and sets them; empty where unset. A
/// server's password is shown as `********` and kept when sent back so.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct MailSettings {
    pub smtp_url: String,
    #[serde(default)]
    pub imap_url: String,
    pub from: String,
    pub reply_to: String,
}

/// Why a message to the support mailbox waits for an admin instead of becoming a ticket or a
/// reply. The code is `mail_in.held_why`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    /// No account has the sender's address.
    UnknownSender,
    /// It answers a ticket whose client or staff the sender is not.
    NotOnTicket,
    /// From staff, answering no ticket: only clients open tickets.
    NotAClient,
    /// Its content was refused (the checks a ticket's text passes).
    Unreadable,
}

impl Held {
    pub const ALL: [Held; 4] = [
        Held::UnknownSender,
        Held::NotOnTicket,
        Held::NotAClient,
        Held::Unreadable,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Held::UnknownSender => "unknown_sender",
            Held::NotOnTicket => "not_on_ticket",
            Held::NotAClient => "not_a_client",
            Held::Unreadable => "unreadable",
        }
    }

    pub fn parse(code: &str) -> Option<Held> {
        Held::ALL.into_iter().find(|h| h.code() == code)
    }
}

/// A message held for the admin: who sent it, what it says, and why it waits.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct HeldMail {
    pub id: i64,
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    pub excerpt: String,
    pub why: Held,
    pub received_at: i64,
}

/// A held message accepted: the ticket it opened, and the client account made for its sender
/// when there was none (its one-time password to pass on).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AcceptedMail {
    pub ticket_id: i64,
    pub new_account: Option<IssuedCredentials>,
}

/// The outbox as the admin watches it: how many e-mails wait, and those given up on.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxState {
    pub waiting: i64,
    pub failed: Vec<FailedMail>,
}

/// An e-mail that could not be delivered: to whom, about what, and why.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FailedMail {
    pub id: i64,
    pub address: String,
    pub ticket_id: Option<i64>,
    pub at: i64,
    pub attempts: i64,
    pub error: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    /// The app the user signs in to; an account of another role is refused.
    pub app: Role,
    /// A code from the authenticator app, or a recovery code: for an account with a second
    /// factor (asked for with `second_factor_needed`).
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PasswordChange {
    /// Required, except right after signing in with a one-time password.
    pub current_password: Option<String>,
    pub new_password: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct NewAccount {
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Whether the person signs in with a second factor.
    pub second_factor: bool,
    /// When a client accepted the privacy notice in force (Unix milliseconds).
    pub notice_accepted_at: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A new or reset account's credentials: shown to the admin once, never stored in clear.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssuedCredentials {
    pub account: Account,
    pub one_time_password: String,
    /// Unix milliseconds after which the one-time password no longer signs in.
    pub expires_at: i64,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    Free,
    Commercial,
}

/// How many accounts of a role the edition allows, and how many are active.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RoleUsage {
    pub role: Role,
    pub active: i64,
    /// `None`: unlimited.
    pub limit: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AccountList {
    pub accounts: Vec<Account>,
    /// The edition in force: free without a licence or when it expired.
    pub edition: Edition,
    pub usage: Vec<RoleUsage>,
    pub licence: Option<LicenceInfo>,
}

/// The licence installed: who it is for and what it allows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LicenceInfo {
    pub licensee: String,
    /// Active admin accounts allowed; `None`: unlimited.
    pub admins: Option<i64>,
    pub operators: Option<i64>,
    /// `YYYY-MM-DD`.
    pub issued: String,
    /// The last day it holds (`YYYY-MM-DD`); `None`: never expires.
    pub expires: Option<String>,
    /// Past its last day: the free edition's limits apply again.
    pub expired: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SetDisabled {
    pub account_id: i64,
    pub disabled: bool,
}

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

/// A client's new ticket. `idempotency_key` is made by the client once per ticket it means to
/// create; a retried request with the same key returns the first ticket.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct NewTicket {
    pub subject: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub priority: crate::tickets::Priority,
    /// An earlier ticket of the same client this one refers to.
    pub earlier_ticket_id: Option<i64>,
    pub idempotency_key: String,
    /// Files uploaded before (`POST /api/attachments`), pending until this claims them.
    #[serde(default)]
    pub attachments: Vec<i64>,
}

/// A file on a ticket: on a message (`message_id`), or on the ticket's description.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Attachment {
    pub id: i64,
    pub message_id: Option<i64>,
    pub name: String,
    pub media_type: String,
    pub size: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: i64,
    pub name: String,
    /// Deactivated categories stay on their tickets but are no longer offered.
    pub active: bool,
    /// Its tickets go only to operators who hold it.
    #[serde(default)]
    pub restricted: bool,
}

/// A new category (`id` none), or a change to one.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CategoryInput {
    pub id: Option<i64>,
    pub name: String,
    pub active: bool,
    #[serde(default)]
    pub restricted: bool,
}

/// A canned response as staff see it: its shortcut, its text with placeholders as written,
/// whether it is shared with all staff (else it is the reader's own), and how often it was
/// inserted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Canned {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub shared: bool,
    pub uses: i64,
    pub last_used_at: Option<i64>,
}

/// A new canned response (`id` none), or a change to one. `shared` ones are the admins'.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CannedInput {
    pub id: Option<i64>,
    pub name: String,
    pub body: String,
    pub shared: bool,
}

/// A section of the knowledge base. Sections nest one level: one with a `parent_id` has no
/// sections of its own.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
}

/// A new section (`id` none), or a new name or place for one.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SectionInput {
    pub id: Option<i64>,
    pub parent_id: Option<i64>,
    pub name: String,
}

/// An article as a list shows it. Clients see the published version's title; staff the latest.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleSummary {
    pub id: i64,
    pub section_id: Option<i64>,
    pub language: crate::i18n::Lang,
    pub title: String,
    pub staff_only: bool,
    pub state: crate::kb::ArticleState,
    /// The latest version's number.
    pub version: i64,
    /// The version readers see, if any.
    pub published_version: Option<i64>,
    pub updated_at: i64,
}

/// One step in an article's history: who, when, what, and the version it made or acted on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleEvent {
    pub at: i64,
    pub actor_name: String,
    pub change: crate::kb::ArticleChange,
    pub version: i64,
    /// For a restore: the version copied.
    pub from_version: Option<i64>,
}

/// One article: for a client its published version; for staff the latest, with the steps they
/// may take and its history.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Article {
    pub summary: ArticleSummary,
    /// The Markdown as written, and as it reads (rendered on the server, sanitized).
    pub body: String,
    pub html: String,
    pub tags: Vec<String>,
    pub translation_of: Option<i64>,
    /// The other languages the caller may read it in: (article, language).
    pub translations: Vec<(i64, crate::i18n::Lang)>,
    /// Staff: the workflow steps the caller may take now; the history. Empty for clients.
    pub steps: Vec<crate::kb::ArticleStep>,
    pub history: Vec<ArticleEvent>,
    /// Other articles of its section the caller may read.
    pub related: Vec<ArticleSummary>,
    /// The caller's answer to "Did this help?", if given.
    pub helped: Option<bool>,
}

/// A reader's answer to "Did this help?", with an optional comment; a new answer replaces it.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ArticleFeedback {
    pub id: i64,
    pub helpful: bool,
    pub comment: Option<String>,
}

/// An article linked from a ticket; `solved`: the one that solved it, which its client sees.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LinkedArticle {
    pub id: i64,
    pub title: String,
    pub solved: bool,
}

/// One article's use over a period.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleUse {
    pub id: i64,
    pub title: String,
    pub views: i64,
    pub helpful: i64,
    pub unhelpful: i64,
    /// Tickets that linked it.
    pub linked: i64,
}

/// How the knowledge base was used over a period (admins): clients' views, "Did this help?"
/// answers, deflections (a suggested article opened, and no ticket opened after it), searches
/// and the words that found nothing, and the articles most read and most linked from tickets.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KbAnalytics {
    pub from: i64,
    pub to: i64,
    pub views: i64,
    pub helpful: i64,
    pub unhelpful: i64,
    pub deflections: i64,
    pub searches: i64,
    /// Searches that found nothing: the words, how often.
    pub not_found: Vec<(String, i64)>,
    /// By views, then by links.
    pub articles: Vec<ArticleUse>,
}

/// One saved version of an article, as staff compare and restore them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleVersion {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub author_name: String,
    pub saved_at: i64,
}

/// A new article (`id` none), or a new version of one (saved as a draft). `seen`: the latest
/// version the writer began from; a newer one saved meanwhile refuses the save (`Stale`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ArticleInput {
    pub id: Option<i64>,
    pub section_id: Option<i64>,
    pub language: crate::i18n::Lang,
    pub translation_of: Option<i64>,
    pub staff_only: bool,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub seen: Option<i64>,
}

/// A workflow step on an article's latest version, which must be `version` (what the caller
/// looked at: an admin publishes exactly the version they read).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ArticleMove {
    pub id: i64,
    pub step: crate::kb::ArticleStep,
    pub version: i64,
}

/// Working hours on one weekday (1 Monday … 7 Sunday), minutes since midnight, [start, end).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkHours {
    pub weekday: i64,
    pub start_minute: i64,
    pub end_minute: i64,
}

/// `510` → `08:30`: a minute of the day as a clock time.
pub fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `08:30` → `510`.
pub fn minute_of(clock: &str) -> Option<i64> {
    let (h, m) = clock.split_once(':')?;
    Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
}

/// A service-level policy: for tickets of one priority (and one category, or any), how long
/// until the first answer, until the next answer after the client wrote, and until the close —
/// in the working hours of `ServiceLevels` or in calendar hours. The clocks stand still while a
/// ticket is returned to its client.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SlaPolicy {
    pub priority: crate::tickets::Priority,
    /// `None`: any category without a policy of its own.
    pub category_id: Option<i64>,
    pub first_response_minutes: i64,
    pub next_response_minutes: Option<i64>,
    pub resolution_minutes: i64,
    pub business_hours: bool,
}

/// The service levels: the policies, the working week and holidays they count in (the
/// installation's time zone), and the share of a target at which a clock turns to a warning.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceLevels {
    pub policies: Vec<SlaPolicy>,
    /// Empty: every hour counts, also for policies in working hours.
    pub hours: Vec<WorkHours>,
    /// `YYYY-MM-DD`.
    pub holidays: Vec<String>,
    pub warn_percent: i64,
    /// A missed target takes the ticket up one support tier (when that tier has operators).
    #[serde(default)]
    pub escalate_on_breach: bool,
}

pub use crate::events::SlaTarget;

/// Where a clock stands.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Counting (overdue when `left_ms` is below zero).
    Running,
    /// Standing still: the ticket is returned to its client or closed.
    Paused,
    /// Stopped by what it waited for, in time.
    Met,
    /// Stopped by what it waited for, too late.
    Missed,
}

/// One service-level clock of a ticket, as staff see it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaClock {
    pub target: SlaTarget,
    pub state: SlaState,
    /// The target, in milliseconds of the policy's calendar.
    pub target_ms: i64,
    /// Working time left (below zero: overdue by that much).
    pub left_ms: i64,
    /// While running: the moment the target is (or was) reached.
    pub due_at: Option<i64>,
    /// Running and near its end: the admin's warning share of the target used.
    #[serde(default)]
    pub near: bool,
}

/// Service-level attainment of the tickets created in a period (`stats/sla`): per policy and
/// per operator, how many had clocks and how many missed each target.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct SlaAttainment {
    pub policies: Vec<AttainmentRow>,
    pub operators: Vec<AttainmentRow>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AttainmentRow {
    /// A policy's row: its priority, and its category's name (`None`: any category).
    pub priority: Option<crate::tickets::Priority>,
    pub category: Option<String>,
    /// An operator's row: their name (`None`: nobody has the ticket).
    pub operator: Option<String>,
    pub tickets: i64,
    /// Tickets that missed their first response, next response and resolution (`SlaTarget::ALL`).
    pub missed: [i64; 3],
}

/// What the admin sets for an operator's share of the work.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OperatorPlan {
    pub operator_id: i64,
    pub capacity: i64,
    /// Categories held; empty: no limits.
    pub skills: Vec<i64>,
    /// Empty: no hour limits.
    pub hours: Vec<WorkHours>,
    /// Days off, `YYYY-MM-DD` in the installation's time zone.
    pub days_off: Vec<String>,
    /// Their support tier: 1 (first line) to 9.
    #[serde(default = "first_tier")]
    pub tier: i64,
}

fn first_tier() -> i64 {
    1
}

/// An operator's duty, load and plan, as the admin sees them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OperatorDuty {
    pub plan: OperatorPlan,
    pub full_name: String,
    pub on_duty: bool,
    pub on_break: bool,
    /// Active tickets now.
    pub load: i64,
    /// Assigned, not yet started: what goes back to the queue when they go off duty.
    pub not_started: i64,
    /// Today's shift in the installation's time zone: `08:00–16:00` (several joined by `, `),
    /// `-` for a day off or no hours today, empty when the operator has no hour limits.
    pub today: String,
    /// The operator's own view only: their tickets past a service-level target, and those near
    /// one (`SlaClock::near`).
    #[serde(default)]
    pub overdue: i64,
    #[serde(default)]
    pub near: i64,
}

/// An operator's work history, newest first, a page at a time: history rows of the tickets
/// they worked on, each naming its ticket (`TicketEvent::ticket`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WorkHistory {
    pub entries: Vec<TicketEvent>,
    /// Pass as `before` for the next page.
    pub next: Option<i64>,
}

/// The floor: every operator's duty and load, and the spread among those on duty.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Floor {
    pub operators: Vec<OperatorDuty>,
    /// Highest minus lowest load among operators on duty; `None` when nobody is.
    pub spread: Option<i64>,
    pub time_zone: String,
}

/// A change to a ticket's fields by its operator or an admin; each changed field becomes a
/// history row.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TicketEdit {
    pub ticket_id: i64,
    pub priority: crate::tickets::Priority,
    pub category_id: Option<i64>,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A ticket as lists show it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketSummary {
    pub id: i64,
    /// What people quote: `T-000042`.
    pub reference: String,
    pub subject: String,
    pub status: crate::tickets::Status,
    pub priority: crate::tickets::Priority,
    pub category: Option<String>,
    pub client_name: String,
    /// Tells apart clients with the same name (a client's own list carries their own).
    pub client_username: String,
    pub operator_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    /// For staff: the service-level clock that runs out first, if one runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaClock>,
    /// A live chat under way (`server::chat`): the lists mark it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live_chat: bool,
}

/// One page of a ticket list, and where the next one starts (keyset, never OFFSET).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketPage {
    pub tickets: Vec<TicketSummary>,
    pub next: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketQuery {
    pub status: Option<crate::tickets::Status>,
    /// Admin filters (a client's list is its own whatever these say).
    #[serde(default)]
    pub operator_id: Option<i64>,
    #[serde(default)]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub priority: Option<crate::tickets::Priority>,
    /// Created at or after (unix ms).
    #[serde(default)]
    pub from: Option<i64>,
    /// Created before (unix ms).
    #[serde(default)]
    pub until: Option<i64>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ThreadMessage {
    pub id: i64,
    pub author_name: String,
    pub author_role: Role,
    pub body: String,
    /// `body` rendered from light Markdown and sanitized on the server.
    pub html: String,
    /// An internal note: staff only.
    pub internal: bool,
    pub created_at: i64,
}

/// One row of a ticket's history: who, when, and what happened.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketEvent {
    pub id: i64,
    pub at: i64,
    /// `None`: the system.
    pub actor_name: Option<String>,
    pub what: crate::events::EventKind,
    /// Outside the ticket's own view (a work history): the ticket's id and reference.
    #[serde(default)]
    pub ticket: Option<(i64, String)>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketDetail {
    pub ticket: TicketSummary,
    pub description: String,
    /// `description` rendered from light Markdown and sanitized on the server.
    pub description_html: String,
    /// The earlier ticket this one refers to: its id and reference.
    pub earlier_ticket: Option<(i64, String)>,
    /// Its reference in the help desk it was imported from (`salter import`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_ref: Option<String>,
    pub messages: Vec<ThreadMessage>,
    pub attachments: Vec<Attachment>,
    pub history: Vec<TicketEvent>,
    /// The moves the caller may make now.
    pub moves: Vec<crate::tickets::Move>,
    /// Returned to the client as a proposed solution: when it closes by itself unless the
    /// client confirms it or says it is not solved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_until: Option<i64>,
    /// The ticket's operator, for staff (the admin's tools show who has it); clients see
    /// operators by name only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<i64>,
    /// For staff: the ticket's service-level clocks (none without a policy for it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sla: Vec<SlaClock>,
    /// For staff: the support tier it is at (`None` for clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<i64>,
    /// A live chat: its own state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<ChatState>,
}

/// A client's rating of the help on a closed ticket: good or bad, and perhaps a comment.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub ticket_id: i64,
    pub good: bool,
    pub comment: Option<String>,
}

/// The privacy notice the admin wrote, as a reader sees it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PrivacyNotice {
    /// The admin's Markdown (for the admin's form).
    pub text: String,
    /// The same, rendered safely.
    pub html: String,
    /// The moment it last changed: what a client accepts.
    pub version: String,
    /// When the caller accepted this version (Unix milliseconds); none when not signed in or not yet.
    pub accepted_at: Option<i64>,
}

/// How long closed tickets keep what people wrote and sent (none: for ever), and how many
/// closed tickets are past that now.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub days: Option<i64>,
    pub due: i64,
}

/// What erasing a client took away: their tickets (kept without their name) and files (deleted).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Erased {
    pub tickets: i64,
    pub files: i64,
}

/// How an operator's clients rated the help: the current rating of each ticket counted, and the
/// newest ones.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Ratings {
    pub good: i64,
    pub bad: i64,
    pub recent: Vec<RatedTicket>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RatedTicket {
    pub ticket_id: i64,
    pub reference: String,
    pub subject: String,
    pub good: bool,
    pub comment: Option<String>,
    pub at: i64,
}

/// What a saved report shows in each of its columns.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Created,
    Closed,
    Reopened,
    /// Closed by the client confirming a proposed solution.
    Confirmed,
    /// Closed by itself, the client silent on a proposed solution.
    Lapsed,
    /// Tickets assigned (by operator).
    Handled,
    /// Medians.
    FirstResponse,
    Resolution,
    Satisfied,
    /// Tickets not closed at the end of each step (by time).
    Backlog,
}

impl Measure {
    pub const ALL: [Measure; 10] = [
        Measure::Created,
        Measure::Closed,
        Measure::Reopened,
        Measure::Confirmed,
        Measure::Lapsed,
        Measure::Handled,
        Measure::FirstResponse,
        Measure::Resolution,
        Measure::Satisfied,
        Measure::Backlog,
    ];
}

/// What a saved report's rows are.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// One row per step of the period (hour, day, week).
    Time,
    Category,
    Priority,
    Operator,
}

/// A report as saved: its columns, its rows, and the statistics it reads.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ReportDefinition {
    pub measures: Vec<Measure>,
    pub breakdown: Breakdown,
    pub query: StatsQuery,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SavedReport {
    pub id: i64,
    pub name: String,
    pub definition: ReportDefinition,
}

/// A report to save under `name`; one of the same name (whatever its case) is replaced.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SaveReport {
    pub name: String,
    pub definition: ReportDefinition,
}

/// The admin's home: what needs attention now, at a glance, each part leading to its page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// Tickets waiting for an operator, and the one waiting longest.
    pub waiting: i64,
    pub oldest_waiting: Option<WaitingTicket>,
    /// The operators on duty now, with their loads.
    pub on_duty: Vec<OperatorDuty>,
    /// Today in the installation's time zone, as the statistics count it.
    pub today: Figures,
    /// The tickets closed in the last 7 days, as the statistics count them: rated good, bad.
    pub week_good: i64,
    pub week_bad: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WaitingTicket {
    pub id: i64,
    pub reference: String,
    pub subject: String,
    pub created_at: i64,
}

/// A period of statistics, in the installation's time zone.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Today,
    Last7Days,
    Last30Days,
    ThisMonth,
    /// From the first day to the last, both included (`YYYY-MM-DD`).
    Custom {
        from: String,
        to: String,
    },
}

/// The time step of a chart.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Bucket {
    Hour,
    Day,
    Week,
}

/// Which tickets count: each filter by the ticket's current value, none set: all.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsFilter {
    pub category_id: Option<i64>,
    pub priority: Option<crate::tickets::Priority>,
    pub operator_id: Option<i64>,
    pub client_id: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StatsQuery {
    pub period: Period,
    pub bucket: Bucket,
    #[serde(default)]
    pub filter: StatsFilter,
}

/// Statistics over a period, computed from the ticket events (`server::stats`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    /// The period, unix ms, from included, to excluded.
    pub from: i64,
    pub to: i64,
    pub buckets: Vec<StatsBucket>,
    /// Over the whole period.
    pub totals: Figures,
    pub reopened: i64,
    /// First response of the tickets created in the period; resolution, and the time spent
    /// returned to the client (apart), of the tickets closed in it.
    pub first_response: Durations,
    pub resolution: Durations,
    pub returned: Durations,
    pub by_category: Vec<CategoryFigures>,
    pub by_priority: Vec<PriorityFigures>,
    pub by_operator: Vec<OperatorFigures>,
    /// The clients' newest comments on tickets rated in the period.
    pub comments: Vec<RatedTicket>,
}

/// One step of time: what happened in it, and the backlog at its end (`None` for a step that
/// has not ended yet… or begun: it lies after now).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StatsBucket {
    pub start: i64,
    pub created: i64,
    pub closed: i64,
    pub reopened: i64,
    /// Tickets open, assigned, in progress and returned to the client at the step's end.
    pub backlog: Option<[i64; 4]>,
}

/// Median and 90th percentile (nearest rank) of some durations, in ms.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Durations {
    pub count: i64,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

/// The figures of one slice of tickets: created and closed in the period, the median first
/// response (of those created) and resolution (of those closed), and the ratings of those
/// closed.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figures {
    pub created: i64,
    pub closed: i64,
    /// Of those closed: by the client confirming a proposed solution, and by themselves after
    /// the client said nothing (the rest were closed outright).
    pub confirmed: i64,
    pub lapsed: i64,
    pub first_response_median_ms: Option<i64>,
    pub resolution_median_ms: Option<i64>,
    pub good: i64,
    pub bad: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryFigures {
    /// `None`: tickets without a category.
    pub category: Option<String>,
    pub figures: Figures,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PriorityFigures {
    pub priority: crate::tickets::Priority,
    pub figures: Figures,
}

/// An operator's figures: tickets assigned to them in the period (`handled`); closed — by
/// the operator holding the ticket at its close —; first responses they wrote.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OperatorFigures {
    pub operator_id: i64,
    pub name: String,
    pub handled: i64,
    pub figures: Figures,
}

/// One entry of a ticket's story as its conversation shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    Said(&'a ThreadMessage),
    Happened(&'a TicketEvent),
}

impl TicketDetail {
    /// The version of the ticket this view shows: its last history row the caller may see.
    pub fn version(&self) -> i64 {
        self.history.iter().map(|e| e.id).max().unwrap_or(0)
    }

    /// The client's current rating: the newest (good, comment).
    pub fn rating(&self) -> Option<(bool, Option<String>)> {
        self.history.iter().rev().find_map(|e| match &e.what {
            crate::events::EventKind::Rated { good, comment } => Some((*good, comment.clone())),
            _ => None,
        })
    }

    /// Until when (unix ms) the client may rate this ticket; `None` while it is not closed.
    pub fn rating_until(&self) -> Option<i64> {
        let closed = self
            .ticket
            .closed_at
            .filter(|_| self.ticket.status == crate::tickets::Status::Closed)?;
        Some(closed + crate::tickets::RATING_DAYS * crate::tickets::DAY_MS)
    }

    /// Where the ticket stands for the state machine (a proposed solution waiting or not).
    pub fn stage(&self) -> crate::tickets::Stage {
        crate::tickets::Stage {
            status: self.ticket.status,
            proposed: self.proposed_until.is_some(),
        }
    }

    /// The conversation as it happened: the messages, and between them the steps that moved
    /// the ticket (status, assignment, forced and field changes). Left out: what the page shows
    /// otherwise (the opening is the description; a message, note or file is its message), and
    /// the status change that comes with an assignment (the assignment's line says it).
    pub fn story(&self) -> Vec<Step<'_>> {
        use crate::events::EventKind;
        use crate::tickets::Status;
        let told = |e: &&TicketEvent| match &e.what {
            EventKind::Created
            | EventKind::Message { .. }
            | EventKind::Note { .. }
            | EventKind::Attachment { .. } => false,
            EventKind::Status {
                from: Status::Open,
                to: Status::Assigned,
                ..
            } => !self
                .history
                .iter()
                .any(|o| o.at == e.at && matches!(o.what, EventKind::Assigned { .. })),
            _ => true,
        };
        let mut events = self.history.iter().filter(told).peekable();
        let mut steps = Vec::with_capacity(self.messages.len() + self.history.len());
        for m in &self.messages {
            while let Some(e) = events.next_if(|e| e.at <= m.created_at) {
                steps.push(Step::Happened(e));
            }
            steps.push(Step::Said(m));
        }
        steps.extend(events.map(Step::Happened));
        steps
    }
}

/// A place in the delivery order of ticket events (`server::live`): the writing transaction
/// (PostgreSQL; 0 on SQLite) and the event's id. An app that has applied everything up to a
/// cursor asks for what comes after it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub tx: i64,
    pub id: i64,
}

/// What the live socket (`/ws`) tells an app, flat (one shape, cheap to decode): the cursor it
/// is now at, and either a ticket that changed (`ticket_id`; the app loads what it shows of it
/// again, through the server functions that check access again), or `reload` — too much
/// happened while it was away, so it loads everything again —, or `floor` — the floor changed
/// (breaks, plans, who is on duty; staff only) —, or, with none, where it starts. It never
/// carries what changed: nothing an app may not read travels this way.
///
/// Staff also hear who is on a ticket (`here`): sent for every ticket they may see whose
/// people change, and once for each on connecting.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LiveNote {
    pub cursor: Cursor,
    pub ticket_id: Option<i64>,
    pub reload: bool,
    pub floor: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub here: Option<Here>,
    /// A call of this person's changed (rang, was answered, ended): the `Call` as it is now, as
    /// JSON. Only the call screen reads it, a lazy chunk — so no app's first download carries
    /// its decoder (about 4 KB gzip).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// The other side of this person's call said something to their browser: the `Signal` as
    /// JSON, for the call screen likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
}

/// Who has a ticket open now (the apps leave themselves out), and who of them is writing.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Here {
    pub ticket_id: i64,
    pub people: Vec<Present>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Present {
    pub user_id: i64,
    pub name: String,
    pub typing: bool,
    /// On a live chat, for its client and its operator: the last of the other side's messages
    /// their tab has (`got`) and has shown while visible (`read`); 0 otherwise.
    #[serde(default)]
    pub got: i64,
    #[serde(default)]
    pub read: i64,
}

/// What an app tells its live socket: the ticket its tab shows (if any), whether its person is
/// writing on it (`note`: an internal note, which a client never hears of), and on a live chat
/// how far it has received and read the thread (`Present::got`, `Present::read`). Said again
/// whenever any of it changes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Say {
    pub viewing: Option<i64>,
    pub typing: bool,
    #[serde(default)]
    pub note: bool,
    #[serde(default)]
    pub got: i64,
    #[serde(default)]
    pub read: i64,
    /// The call the tab has on screen (ringing out or talking): while some tab of each side
    /// says so, the call goes on.
    #[serde(default)]
    pub call: Option<i64>,
}

/// What an app says over its live socket: what its tab shows, or a word for the browser on the
/// other side of a call.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Up {
    Say(Say),
    Signal(Signal),
}

/// What two browsers in a call tell each other through the server (WebRTC signalling), for
/// the call `call_id`. The server only checks who may say it and passes it on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    pub call_id: i64,
    pub data: SignalData,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignalData {
    /// A session description: an offer (`offer` true) or the answer to one.
    Description { offer: bool, sdp: String },
    /// A way to reach the sender's browser (an ICE candidate).
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
    /// Whether the sender's microphone is off (its picture speaks for itself).
    Media { muted: bool },
}

/// A voice or video call on a ticket, as one of its two sides sees it (`server::calls`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub id: i64,
    pub ticket_id: i64,
    pub subject: String,
    pub video: bool,
    /// The other side's name.
    pub with: String,
    /// Whether this side called (the other side rang).
    pub calling: bool,
    pub rang_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
}

/// Starting a call on a ticket: with cameras or voice only.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewCall {
    pub ticket_id: i64,
    pub video: bool,
}

/// How calls are made, as the admin sets it: the STUN and TURN servers browsers use to reach
/// each other through NAT — one per line, the address and, for TURN, its username and
/// credential (none built in: on one network none are needed) — and whether clients may call.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct CallSettings {
    pub ice_servers: String,
    pub clients_may_call: bool,
}

/// What a browser needs to make or take a call (`CallSettings`, read).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct CallSetup {
    pub ice_servers: Vec<IceServer>,
    pub clients_may_call: bool,
}

/// One STUN or TURN server (`stun:`, `stuns:`, `turn:` or `turns:` address); TURN needs a
/// username and credential.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct IceServer {
    pub url: String,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// What only a live chat has beside its ticket (`server::chat`): while it lasts, and how far
/// each side has received and read the other's messages (message ids; 0: none).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChatState {
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub client_got: i64,
    pub client_read: i64,
    pub staff_got: i64,
    pub staff_read: i64,
}

/// Whether a client may start a chat now — someone is on duty — and when support is staffed
/// (the working week of the service levels; empty: not set).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ChatAvailability {
    pub staffed: bool,
    pub hours: Vec<WorkHours>,
}

/// A client's first words in a new chat (they become the ticket's subject and description).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct NewChat {
    pub text: String,
    pub idempotency_key: String,
}

/// An operator hands their live chat to a colleague on duty, with a note for them (an internal
/// note on the ticket).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ChatTransfer {
    pub ticket_id: i64,
    pub operator_id: i64,
    pub note: String,
    pub idempotency_key: String,
}

/// A colleague a chat may be handed to: on duty now.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Colleague {
    pub id: i64,
    pub full_name: String,
}

/// A step with a ticket: the move, and the message, resolution or reason it needs.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TicketMove {
    pub ticket_id: i64,
    pub step: crate::tickets::Move,
    pub text: Option<String>,
    /// For `Assign`: the operator.
    pub operator_id: Option<i64>,
    /// Files on the move's message (pending uploads of the caller).
    #[serde(default)]
    pub attachments: Vec<i64>,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TicketMessage {
    pub ticket_id: i64,
    pub body: String,
    /// An internal note (operators and admins only).
    pub internal: bool,
    /// Files on the message (pending uploads of the caller).
    #[serde(default)]
    pub attachments: Vec<i64>,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// An admin's forced change: any status, optionally another operator, always a reason.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ForcedChange {
    pub ticket_id: i64,
    pub status: crate::tickets::Status,
    pub operator_id: Option<i64>,
    pub reason: String,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::{clock, minute_of, Step, ThreadMessage, TicketDetail, TicketEvent, TicketSummary};
    use crate::events::{EventKind, Why};
    use crate::roles::Role;
    use crate::tickets::{Priority, Status};

    #[test]
    fn the_story_interleaves_what_was_said_with_what_happened() {
        let event = |id, at, what| TicketEvent {
            id,
            at,
            actor_name: None,
            what,
            ticket: None,
        };
        let status = |from, to| EventKind::Status {
            from,
            to,
            reason: None,
            via: None,
        };
        let message = ThreadMessage {
            id: 7,
            author_name: "Ana".into(),
            author_role: Role::Client,
            body: "Which model?".into(),
            html: "Which model?".into(),
            internal: false,
            created_at: 30,
        };
        let assigned = EventKind::Assigned {
            from: None,
            to: None,
            to_name: Some("Tarik".into()),
            why: Some(Why::Manual),
        };
        let history = vec![
            event(1, 10, EventKind::Created),
            event(2, 20, assigned),
            event(3, 20, status(Status::Open, Status::Assigned)),
            event(4, 25, status(Status::Assigned, Status::InProgress)),
            event(5, 30, status(Status::InProgress, Status::ReturnedToClient)),
            event(6, 30, EventKind::Message { id: 7 }),
            event(7, 40, status(Status::ReturnedToClient, Status::Closed)),
        ];
        let detail = TicketDetail {
            ticket: TicketSummary {
                id: 1,
                reference: "T-000001".into(),
                subject: "Printer".into(),
                status: Status::Closed,
                priority: Priority::Normal,
                category: None,
                client_name: "Ana".into(),
                client_username: "ana".into(),
                operator_name: None,
                created_at: 10,
                updated_at: 40,
                closed_at: Some(40),
                sla: None,
                live_chat: false,
            },
            description: String::new(),
            description_html: String::new(),
            earlier_ticket: None,
            original_ref: None,
            messages: vec![message],
            attachments: Vec::new(),
            history: history.clone(),
            moves: Vec::new(),
            proposed_until: None,
            operator_id: None,
            sla: Vec::new(),
            tier: None,
            chat: None,
        };
        assert_eq!(
            detail.story(),
            vec![
                Step::Happened(&history[1]),
                Step::Happened(&history[3]),
                Step::Happened(&history[4]),
                Step::Said(&detail.messages[0]),
                Step::Happened(&history[6]),
            ]
        );
    }

    #[test]
    fn clock_times_go_both_ways() {
        assert_eq!(clock(510), "08:30");
        assert_eq!(clock(1440), "24:00");
        assert_eq!(minute_of("08:30"), Some(510));
        assert_eq!(minute_of(&clock(0)), Some(0));
        assert_eq!(minute_of(""), None);
        assert_eq!(minute_of("8h"), None);
    }
}
