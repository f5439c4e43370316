//! Who may call what. Every server function names a `Policy`, checked by the gateway before
//! its body runs; objects with finer rules get one function each here, called from every path
//! that touches them.

use super::auth::Session;
use super::ticket::Parties;
use crate::dto::Role;
use crate::error::{AppError, Field, Problem};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not (company name, sign-in).
    Public,
    /// Any signed-in user, even one who still holds a one-time password or has yet to set up
    /// the second factor their role requires: only "who am I", "change password", "sign out",
    /// the language of the app in use, one's sessions and one's second factor take this.
    SignedIn,
    /// A signed-in user of this role who has replaced the one-time password (and has a second
    /// factor, where the role requires one; so for the policies below).
    Role(Role),
    /// A signed-in user of any role who has replaced the one-time password; the body then asks
    /// the object's own access function (e.g. `ticket`).
    AnyRole,
    /// An operator or an admin who has replaced the one-time password.
    Staff,
}

/// The session, if the policy admits the caller.
pub fn check(session: Option<&Session>, policy: Policy) -> Result<Option<&Session>, AppError> {
    match (policy, session) {
        (Policy::Public, s) => Ok(s),
        (_, None) => Err(AppError::Unauthenticated),
        (Policy::SignedIn, Some(s)) => Ok(Some(s)),
        (_, Some(s)) if s.user.must_change_password() => Err(AppError::PasswordChangeRequired),
        (_, Some(s)) if s.user.must_set_up_second_factor()? => {
            Err(AppError::SecondFactorSetupRequired)
        }
        (Policy::AnyRole, Some(s)) => Ok(Some(s)),
        (Policy::Staff, Some(s)) => match s.user.role()? {
            Role::Client => Err(AppError::Forbidden),
            Role::Operator | Role::Admin => Ok(Some(s)),
        },
        (Policy::Role(role), Some(s)) => {
            if s.user.role()? != role {
                Err(AppError::Forbidden)
            } else {
                Ok(Some(s))
            }
        }
    }
}

/// Accounts: admins manage every account but their own, which they change in their own
/// account settings (so no admin can disable or reset themselves out of the system).
pub fn manage_account(session: &Session, account_id: i64) -> Result<(), AppError> {
    if session.user.role()? != Role::Admin || session.user.id == account_id {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// A client's own data (export, erasure): a client their own (`None` or their id), an admin any
/// client's (an id is required); anyone else's does not exist for a client (`NotFound`), and
/// operators have no part in it. Returns the client whose data it is.
pub fn client_data(session: &Session, client: Option<i64>) -> Result<i64, AppError> {
    let me = session.user.id;
    match (session.user.role()?, client) {
        (Role::Client, None) => Ok(me),
        (Role::Client, Some(id)) if id == me => Ok(me),
        (Role::Client, Some(_)) => Err(AppError::NotFound),
        (Role::Admin, Some(id)) => Ok(id),
        (Role::Admin, None) => Err(AppError::invalid(Field::Client, Problem::Required)),
        (Role::Operator, _) => Err(AppError::Forbidden),
    }
}

/// API tokens: the tokens acting as one's own account are one's own to see, make and revoke;
/// an admin may do so for every account (an integration's). Anyone else's token does not exist
/// for the caller (`NotFound`, like tickets).
pub fn api_token(session: &Session, account_id: i64) -> Result<(), AppError> {
    if session.user.id == account_id || session.user.role()? == Role::Admin {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Work histories: an operator reads their own (`None` or their id), an admin anyone's (an id
/// is required); any other history does not exist for the caller (`NotFound`, like tickets).
/// Returns the operator whose history it is.
pub fn work_history(session: &Session, operator: Option<i64>) -> Result<i64, AppError> {
    let me = session.user.id;
    match (session.user.role()?, operator) {
        (Role::Operator, None) => Ok(me),
        (Role::Operator, Some(id)) if id == me => Ok(me),
        (Role::Admin, Some(id)) => Ok(id),
        (Role::Admin, None) => Err(AppError::invalid(Field::Operator, Problem::Required)),
        _ => Err(AppError::NotFound),
    }
}

/// What a caller does with a canned response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CannedUse {
    /// Inserts it into a reply.
    Insert,
    /// Writes, changes or deletes it.
    Change,
}

/// Canned responses (`owner` none: shared): staff use the shared ones and their own; only
/// admins change shared ones (an operator is refused one they can see); another person's own
/// does not exist for the caller (`NotFound`, like tickets). Clients have none.
pub fn canned(session: &Session, owner: Option<i64>, what: CannedUse) -> Result<(), AppError> {
    match (session.user.role()?, owner, what) {
        (Role::Client, _, _) => Err(AppError::Forbidden),
        (_, Some(owner), _) if owner == session.user.id => Ok(()),
        (_, Some(_), _) => Err(AppError::NotFound),
        (_, None, CannedUse::Insert) | (Role::Admin, None, CannedUse::Change) => Ok(()),
        (Role::Operator, None, CannedUse::Change) => Err(AppError::Forbidden),
    }
}

/// What a caller does with a knowledge-base article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleUse {
    Read,
    /// Writes a version, restores one, takes a workflow step (which `kb::rule` narrows).
    Write,
}

/// Knowledge-base articles: staff read and write every one; a client reads only a published
/// article that is not for staff only — any other does not exist for them (`NotFound`, so ids
/// cannot be probed).
pub fn article(
    session: &Session,
    published: bool,
    staff_only: bool,
    what: ArticleUse,
) -> Result<(), AppError> {
    match (session.user.role()?, what) {
        (Role::Operator | Role::Admin, _) => Ok(()),
        (Role::Client, ArticleUse::Read) if published && !staff_only => Ok(()),
        (Role::Client, _) => Err(AppError::NotFound),
    }
}

/// In what capacity a user deals with a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketRole {
    Client,
    Operator,
    Admin,
}

/// Tickets: a client deals with its own, an operator with those assigned to it (now or when it
/// closed them), an admin with all. Any other ticket does not exist for the caller (`NotFound`,
/// so ids cannot be probed). Internal notes are for `Operator` and `Admin` only.
pub fn ticket(session: &Session, ticket: impl Into<Parties>) -> Result<TicketRole, AppError> {
    let ticket = ticket.into();
    let me = session.user.id;
    match session.user.role()? {
        Role::Admin => Ok(TicketRole::Admin),
        Role::Client if ticket.client_id == me => Ok(TicketRole::Client),
        Role::Operator if ticket.operator_id == Some(me) => Ok(TicketRole::Operator),
        _ => Err(AppError::NotFound),
    }
}
