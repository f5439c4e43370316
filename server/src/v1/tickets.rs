//! `/api/v1/tickets` and `/api/v1/categories`: tickets listed, opened, read, answered and moved
//! through the same rules as the apps' calls (`app::server::tickets`), with their visibility:
//! a client's token sees its own tickets, an operator's those assigned to them, an admin's all;
//! internal notes only staff.

use super::{answer, idempotency_key, parse_time, time, ErrorBody, Token};
use crate::attachments::{self, UploadQuery};
use app::dto::{self, NewTicket, TicketDetail, TicketMessage, TicketMove, TicketQuery};
use app::error::{AppError, Field, Problem};
use app::roles::Role;
use app::server::access::Policy;
use app::server::{categories, tickets};
use app::tickets::{Move, Priority, Status};
use app::tokens::Scope;
use axum::extract::{Path, Query, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<app::server::AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read))
        .routes(routes!(message))
        .routes(routes!(make_move))
        .routes(routes!(list_categories))
        .routes(routes!(upload))
        .routes(routes!(download))
}

/// A ticket as lists show it.
#[derive(Serialize, ToSchema)]
pub struct Ticket {
    pub id: i64,
    /// What people quote: `T-000042`.
    pub reference: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub category: Option<String>,
    pub client_name: String,
    pub client_username: String,
    pub operator_name: Option<String>,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
}

impl From<dto::TicketSummary> for Ticket {
    fn from(t: dto::TicketSummary) -> Self {
        Ticket {
            id: t.id,
            reference: t.reference,
            subject: t.subject,
            status: t.status,
            priority: t.priority,
            category: t.category,
            client_name: t.client_name,
            client_username: t.client_username,
            operator_name: t.operator_name,
            created_at: time(t.created_at),
            updated_at: time(t.updated_at),
            closed_at: t.closed_at.map(time),
        }
    }
}

/// One page of tickets, newest first (an operator's: by priority, then oldest first).
#[derive(Serialize, ToSchema)]
pub struct TicketList {
    pub items: Vec<Ticket>,
    /// Pass as `cursor` for the next page; none on the last one.
    pub next: Option<String>,
}

/// A ticket with its thread.
#[derive(Serialize, ToSchema)]
pub struct TicketView {
    pub ticket: Ticket,
    /// The client's description, as written (light Markdown).
    pub description: String,
    /// The thread, oldest first; internal notes only for staff.
    pub messages: Vec<Message>,
    /// The files on the description and on the messages the caller may read.
    pub files: Vec<File>,
    /// The moves the token's account may make now (`POST …/moves`).
    pub moves: Vec<Move>,
}

impl From<TicketDetail> for TicketView {
    fn from(d: TicketDetail) -> Self {
        TicketView {
            ticket: d.ticket.into(),
            description: d.description,
            messages: d
                .messages
                .into_iter()
                .map(|m| Message {
                    id: m.id,
                    author_name: m.author_name,
                    author_role: m.author_role,
                    body: m.body,
                    internal: m.internal,
                    created_at: time(m.created_at),
                })
                .collect(),
            files: d.attachments.into_iter().map(File::from).collect(),
            moves: d.moves,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Message {
    pub id: i64,
    pub author_name: String,
    pub author_role: Role,
    /// As written (light Markdown).
    pub body: String,
    /// An internal note: staff only.
    pub internal: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct File {
    pub id: i64,
    /// The message it came with; none: the ticket's description.
    pub message_id: Option<i64>,
    pub name: String,
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// Where to download it.
    pub url: String,
}

impl From<dto::Attachment> for File {
    fn from(a: dto::Attachment) -> Self {
        File {
            url: format!("/api/v1/attachments/{}", a.id),
            id: a.id,
            message_id: a.message_id,
            name: a.name,
            media_type: a.media_type,
            size: a.size,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only tickets in this status.
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub category_id: Option<i64>,
    /// Admins: only this operator's tickets.
    pub operator_id: Option<i64>,
    /// Admins: only this client's tickets.
    pub client_id: Option<i64>,
    /// Created at or after (RFC 3339).
    pub created_from: Option<String>,
    /// Created before (RFC 3339).
    pub created_before: Option<String>,
    /// Words to search for in subjects, descriptions and messages (one page of the best
    /// matches; the other filters and the cursor do not apply).
    pub q: Option<String>,
    /// The previous page's `next`.
    pub cursor: Option<String>,
}

/// List tickets
///
/// The tickets the token's account may see, a page at a time. Scope: `tickets:read`.
#[utoipa::path(operation_id = "list_tickets", get, path = "/tickets", tag = "tickets", params(ListQuery),
    security(("token" = [])),
    responses((status = 200, description = "Done", body = TicketList), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn list(
    Extension(api): Token,
    Query(q): Query<ListQuery>,
) -> Result<Json<TicketList>, AppError> {
    let session = api.admit(Scope::TicketsRead, Policy::AnyRole)?;
    let state = &api.caller.state;
    let page = match q.q.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(words) => tickets::search(state, session, words).await?,
        None => {
            let query = TicketQuery {
                status: q.status,
                operator_id: q.operator_id,
                client_id: q.client_id,
                category_id: q.category_id,
                priority: q.priority,
                from: q
                    .created_from
                    .as_deref()
                    .map(|t| parse_time(t, Field::Period))
                    .transpose()?,
                until: q
                    .created_before
                    .as_deref()
                    .map(|t| parse_time(t, Field::Period))
                    .transpose()?,
                after: q.cursor,
            };
            tickets::list(state, session, &query).await?
        }
    };
    Ok(Json(TicketList {
        items: page.tickets.into_iter().map(Ticket::from).collect(),
        next: page.next,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewTicketBody {
    pub subject: String,
    /// Light Markdown.
    pub description: String,
    pub category_id: Option<i64>,
    /// `normal` when not given.
    pub priority: Option<Priority>,
    /// An earlier ticket of the same client this one refers to.
    pub earlier_ticket_id: Option<i64>,
    /// Files uploaded before (`POST /api/attachments`), joined to the ticket.
    #[serde(default)]
    pub attachments: Vec<i64>,
}

/// Open a ticket
///
/// Opens a ticket as the token's account, which must be a client's. Scope: `tickets:write`.
/// The `Idempotency-Key` header is required: sending the same key again answers the same
/// ticket (with another body: `409 idempotency_conflict`), so a retry never opens two.
#[utoipa::path(operation_id = "create_ticket", post, path = "/tickets", tag = "tickets", request_body = NewTicketBody,
    params(("Idempotency-Key" = String, Header, description = "One per ticket; reused on a retry")),
    security(("token" = [])),
    responses((status = 201, description = "Made", body = TicketView), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn create(
    Extension(api): Token,
    headers: HeaderMap,
    Json(body): Json<NewTicketBody>,
) -> Result<Response, AppError> {
    let session = api.admit(Scope::TicketsWrite, Policy::Role(Role::Client))?;
    let key = idempotency_key(&headers)
        .ok_or(AppError::invalid(Field::IdempotencyKey, Problem::Required))?;
    let input = NewTicket {
        subject: body.subject,
        description: body.description,
        category_id: body.category_id,
        priority: body.priority.unwrap_or(Priority::Normal),
        earlier_ticket_id: body.earlier_ticket_id,
        idempotency_key: key,
        attachments: body.attachments,
    };
    let detail = tickets::create(&api.caller.state, session, &input).await?;
    Ok(answer(StatusCode::CREATED, TicketView::from(detail)))
}

/// Read a ticket
///
/// The ticket with its thread and files. Scope: `tickets:read`.
#[utoipa::path(operation_id = "read_ticket", get, path = "/tickets/{id}", tag = "tickets", params(("id" = i64, Path)),
    security(("token" = [])),
    responses((status = 200, description = "Done", body = TicketView), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn read(Extension(api): Token, Path(id): Path<i64>) -> Result<Json<TicketView>, AppError> {
    let session = api.admit(Scope::TicketsRead, Policy::AnyRole)?;
    let detail = tickets::view(&api.caller.state, session, id).await?;
    Ok(Json(detail.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct MessageBody {
    /// Light Markdown.
    pub body: String,
    /// An internal note (staff only).
    #[serde(default)]
    pub internal: bool,
    /// Files uploaded before, joined to the message.
    #[serde(default)]
    pub attachments: Vec<i64>,
}

/// Write a message
///
/// A message in the ticket's thread, or (staff) an internal note; a client's message on a
/// ticket returned to them answers it. Scope: `tickets:write`. With an `Idempotency-Key`, a
/// retry is answered from what the first call did.
#[utoipa::path(operation_id = "write_message", post, path = "/tickets/{id}/messages", tag = "tickets", request_body = MessageBody,
    params(("id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    security(("token" = [])),
    responses((status = 201, description = "Made", body = TicketView), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn message(
    Extension(api): Token,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<MessageBody>,
) -> Result<Response, AppError> {
    let session = api.admit(Scope::TicketsWrite, Policy::AnyRole)?;
    let input = TicketMessage {
        ticket_id: id,
        body: body.body,
        internal: body.internal,
        attachments: body.attachments,
        seen: None,
        idempotency_key: idempotency_key(&headers),
    };
    let detail = tickets::post(&api.caller.state, session, &input).await?;
    Ok(answer(StatusCode::CREATED, TicketView::from(detail)))
}

#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    /// One of the ticket's `moves`.
    pub step: Move,
    /// The words a step takes (a reason to reopen, a message returned to the client …).
    pub text: Option<String>,
    /// For `assign` (admins): the operator.
    pub operator_id: Option<i64>,
}

/// Move a ticket
///
/// One step through the statuses, as the apps offer it to the token's account (the ticket's
/// `moves`). Scope: `tickets:write`. With an `Idempotency-Key`, a retry is answered from what
/// the first call did.
#[utoipa::path(operation_id = "move_ticket", post, path = "/tickets/{id}/moves", tag = "tickets", request_body = MoveBody,
    params(("id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    security(("token" = [])),
    responses((status = 200, description = "Done", body = TicketView), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn make_move(
    Extension(api): Token,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<MoveBody>,
) -> Result<Json<TicketView>, AppError> {
    let session = api.admit(Scope::TicketsWrite, Policy::AnyRole)?;
    let input = TicketMove {
        ticket_id: id,
        step: body.step,
        text: body.text,
        operator_id: body.operator_id,
        attachments: Vec::new(),
        seen: None,
        idempotency_key: idempotency_key(&headers),
    };
    let detail = tickets::make_move(&api.caller.state, session, &input).await?;
    Ok(Json(detail.into()))
}

#[derive(Serialize, ToSchema)]
pub struct Category {
    pub id: i64,
    pub name: String,
    /// Inactive ones stay on their tickets but take no new ones (admins see them too).
    pub active: bool,
}

/// List categories
///
/// The categories a new ticket may take (admins: every one). Scope: `tickets:read`.
#[utoipa::path(operation_id = "list_categories", get, path = "/categories", tag = "tickets", security(("token" = [])),
    responses((status = 200, description = "Done", body = Vec<Category>), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn list_categories(Extension(api): Token) -> Result<Json<Vec<Category>>, AppError> {
    let session = api.admit(Scope::TicketsRead, Policy::AnyRole)?;
    let all = categories::list(&api.caller.state, session).await?;
    Ok(Json(
        all.into_iter()
            .map(|c| Category {
                id: c.id,
                name: c.name,
                active: c.active,
            })
            .collect(),
    ))
}

/// Upload a file
///
/// The request's body is the file (at most the installation's upload limit; PNG, JPEG, GIF,
/// PDF, ZIP or plain text, judged by its content). It waits, the token's account's, until a new
/// ticket, a message or a move names it in `attachments`; one not used within a day is removed.
/// Scope: `tickets:write`.
#[utoipa::path(operation_id = "upload_file", post, path = "/attachments", tag = "tickets", params(UploadQuery),
    request_body(content = String, content_type = "application/octet-stream"),
    security(("token" = [])),
    responses((status = 201, description = "Made", body = File), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn upload(
    Extension(api): Token,
    Query(query): Query<UploadQuery>,
    req: Request,
) -> Result<Response, AppError> {
    let session = api.admit(Scope::TicketsWrite, Policy::AnyRole)?;
    let (parts, body) = req.into_parts();
    let file = attachments::upload_as(&api.caller.state, session, query, &parts, body).await?;
    Ok(answer(StatusCode::CREATED, File::from(file)))
}

/// Download a file
///
/// A file on a ticket the token's account may read (a note's only for staff). Scope:
/// `tickets:read`.
#[utoipa::path(operation_id = "download_file", get, path = "/attachments/{id}", tag = "tickets", params(("id" = i64, Path)),
    security(("token" = [])),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = String),
        (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn download(Extension(api): Token, Path(id): Path<i64>) -> Result<Response, AppError> {
    let session = api.admit(Scope::TicketsRead, Policy::AnyRole)?;
    attachments::download_as(&api.caller.state, session, id).await
}
