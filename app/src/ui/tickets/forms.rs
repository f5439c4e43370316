//! The forms on a ticket: the one composer (a message or internal note, whose send buttons
//! carry the moves that take a message), a move that takes nothing or a reason, the staff's
//! priority and category.

use crate::api::tickets::{edit_ticket, move_ticket, post_message, preview_text};
use crate::dto::limits::{REASON_MAX, TEXT_MAX};
use crate::dto::{Attachment, Category, Role, TicketDetail, TicketEdit, TicketMessage, TicketMove};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::tickets::{rule, Move, Needs, Priority, Stage};
use crate::ui::{
    add_files, choices, id_options, t, use_ui, ActionKey, ErrorNote, FilePicker, FormCall, Select,
    TextArea,
};
use leptos::prelude::*;

/// How long after the last keystroke someone counts as no longer writing.
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_secs(4);

/// A move's button: on its own form, or (the moves that take a message) in the composer.
fn move_label(mv: Move, role: Role) -> Msg {
    match (mv, role) {
        (Move::Assign, _) => Msg::MoveAssign,
        (Move::Start, _) => Msg::MoveStart,
        (Move::ReturnToClient, _) => Msg::SendAndReturn,
        (Move::Answer, _) => Msg::MoveAnswer,
        (Move::Close, Role::Client) => Msg::MoveCloseClient,
        (Move::Close, _) => Msg::SendAndClose,
        (Move::Reopen, _) => Msg::MoveReopen,
        (Move::Propose, _) => Msg::SendAndPropose,
        (Move::Confirm, _) => Msg::MoveConfirm,
        (Move::Reject, _) => Msg::MoveReject,
        (Move::Escalate, _) => Msg::MoveEscalate,
    }
}

/// The version of a ticket a change is made against (`TicketMove::seen` …): taken when the
/// person begins it — the first keystroke, the first pick — and kept while the ticket loads
/// again under them, so that a change someone else made meanwhile refuses the send
/// (`AppError::Stale`) instead of being overruled unseen. Once refused, it moves on to the
/// version the refusal names, keeping where it was (`refused`) so the page can show what changed;
/// the next send goes through.
#[derive(Clone, Copy)]
pub struct Since {
    at: RwSignal<Option<i64>>,
    refused: RwSignal<Option<i64>>,
}

impl Since {
    /// Follows `call`'s refusals.
    pub fn new(call: FormCall) -> Since {
        let since = Since {
            at: RwSignal::new(None),
            refused: RwSignal::new(None),
        };
        Effect::new(move |_| {
            if let Some(AppError::Stale { version }) = call.error.get() {
                since.refused.set(since.at.get_untracked());
                since.at.set(Some(version));
            }
        });
        since
    }

    /// The person began the change while the ticket was at `version`.
    pub fn begin(self, version: i64) {
        if self.at.get_untracked().is_none() {
            self.at.set(Some(version));
        }
    }

    /// What a send says it was made against: where it began, or else the version on screen.
    pub fn seen(self, version: i64) -> Option<i64> {
        Some(self.at.get_untracked().unwrap_or(version))
    }

    /// Begun anew: the next change is made against what is on screen then.
    pub fn restart(self) {
        if self.at.get_untracked().is_some() {
            self.at.set(None);
        }
    }

    /// Sent: the next change begins anew.
    pub fn done(self) {
        self.at.set(None);
        self.refused.set(None);
    }

    /// The version the person had when a send was refused (tracked).
    pub fn refused(self) -> Option<i64> {
        self.refused.get()
    }
}

/// Staff change a ticket's priority and category; each change is kept in its history.
#[component]
pub(super) fn FieldsForm(
    detail: RwSignal<Option<TicketDetail>>,
    categories: RwSignal<Vec<Category>>,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // The ticket's fields as they are, until the user picks — found by name in the categories,
    // which may arrive after the ticket (a form made before they did would otherwise clear it).
    // Picks stay while the ticket loads again under them.
    let shown = move || {
        detail.with(|d| {
            d.as_ref()
                .map(|d| (d.ticket.priority, d.ticket.category.clone(), d.version()))
        })
    };
    let picked_priority = RwSignal::new(None::<Priority>);
    let picked_category = RwSignal::new(None::<Option<i64>>);
    let priority = Signal::derive(move || {
        picked_priority
            .get()
            .or_else(|| shown().map(|s| s.0))
            .unwrap_or(Priority::Normal)
    });
    let category = Signal::derive(move || {
        picked_category.get().unwrap_or_else(|| {
            let current = shown().and_then(|s| s.1);
            categories.with(|list| {
                list.iter()
                    .find(|c| Some(&c.name) == current.as_ref())
                    .map(|c| c.id)
            })
        })
    });
    let version = move || untrack(shown).map_or(0, |s| s.2);
    let call = FormCall::new();
    let since = Since::new(call);
    let key = ActionKey::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(ticket_id) = detail.with_untracked(|d| d.as_ref().map(|d| d.ticket.id)) else {
            return;
        };
        let input = TicketEdit {
            ticket_id,
            priority: priority.get_untracked(),
            category_id: category.get_untracked(),
            seen: since.seen(version()),
            idempotency_key: Some(key.current()),
        };
        call.run(edit_ticket(input), move |d| {
            key.renew();
            since.done();
            picked_priority.set(None);
            picked_category.set(None);
            on_change(d);
        });
    };
    view! {
        <form class="card form fields row" on:submit=submit>
            <Select id="edit-priority" label=Msg::Priority
                options=choices(&Priority::CHOICES)
                current=Signal::derive(move || priority.get().as_str().to_string())
                on_pick=move |v| {
                    since.begin(version());
                    picked_priority.set(Some(Priority::parse(&v).unwrap_or(Priority::Normal)));
                }/>
            <Select id="edit-category" label=Msg::Category blank=Msg::NoCategory
                options=id_options(categories, |c| c.active.then(|| (c.id, c.name.clone())))
                current=Signal::derive(move || category.get().map(|c| c.to_string()).unwrap_or_default())
                on_pick=move |v| {
                    since.begin(version());
                    picked_category.set(Some(v.parse().ok()));
                }/>
            <ErrorNote message=call.message()/>
            <button type="submit" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}

/// One move: a button, with the text box (and files) the move needs.
/// A move that takes nothing (start, a client's "solved"), or a reason (reopening): a button,
/// with the reason's box. The moves that take a message are the composer's.
#[component]
pub(super) fn MoveForm(
    id: i64,
    stage: Stage,
    mv: Move,
    /// The ticket's version on screen.
    version: i64,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let reason = rule(mv, ui.app, stage).is_some_and(|r| r.1 == Needs::Reason);
    let why = match mv {
        Move::Escalate => Msg::WhyEscalate,
        _ => Msg::NeedsReason,
    };
    let text = RwSignal::new(String::new());
    let call = FormCall::new();
    let key = ActionKey::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TicketMove {
            ticket_id: id,
            step: mv,
            text: reason.then(|| text.get_untracked()),
            operator_id: None,
            attachments: Vec::new(),
            seen: Some(version),
            idempotency_key: Some(key.current()),
        };
        call.run(move_ticket(input), move |d| {
            key.renew();
            on_change(d);
        });
    };
    view! {
        <form class="form move" on:submit=submit>
            {reason.then(|| view! {
                <TextArea id="move-reason" label=why value=text required=true maxlength=REASON_MAX/>
            })}
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(move_label(mv, ui.app))}</button>
        </form>
    }
}

/// What a staff app adds under a ticket's message box (canned responses, the knowledge base), given
/// the ticket and the text being written: provided by `StaffTicketView`, so the client app,
/// which never references it, does not carry it.
#[derive(Clone, Copy)]
pub struct ComposerTools(pub fn(i64, RwSignal<String>) -> AnyView);

/// What is being written in a ticket's composer: kept by the ticket's page, so that the ticket
/// loading again (someone else changed it) leaves the text, the files and the note switch as
/// they are.
#[derive(Clone, Copy)]
pub(super) struct Draft {
    body: RwSignal<String>,
    internal: RwSignal<bool>,
    files: RwSignal<Vec<Attachment>>,
    /// The composer's call, and the version its text was begun against.
    call: FormCall,
    pub(super) since: Since,
}

impl Draft {
    pub(super) fn new() -> Draft {
        let call = FormCall::new();
        Draft {
            body: RwSignal::new(String::new()),
            internal: RwSignal::new(false),
            files: RwSignal::new(Vec::new()),
            call,
            since: Since::new(call),
        }
    }
}

/// The one composer of a ticket: a message to the other side, with files; staff may make it an
/// internal note instead. Its send buttons carry the moves that take a message (`steps`:
/// "Send and ask the client", "Send and close"), so no move has a box of its own. A client
/// `answering` a returned ticket sends the answer the operator asked for — or, to a proposed
/// solution (`rejecting`), what still does not work — and the server moves the ticket back to
/// work.
#[component]
pub(super) fn Reply(
    id: i64,
    answering: bool,
    rejecting: bool,
    steps: Vec<Move>,
    draft: Draft,
    /// The ticket's version on screen.
    version: i64,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let Draft {
        body,
        internal,
        files,
        call,
        since,
    } = draft;
    let staff = ui.app != Role::Client;
    let tools = use_context::<ComposerTools>();
    // Staff's writing begins against the ticket on screen (an emptied box begins anew), so a
    // colleague's change meanwhile is shown before the reply goes. A client answers what the
    // screen shows now: the operator's question arriving is why they write.
    Effect::watch(
        move || body.with(|b| !b.is_empty()),
        move |writing, _, _| match (*writing, staff) {
            (true, true) => since.begin(version),
            (false, _) => since.restart(),
            (true, false) => {}
        },
        true,
    );
    // Writing a note is not writing to the client (a chat's client hears who writes to them).
    Effect::new(move |_| {
        let note = internal.get();
        if ui.note.get_untracked() != note {
            ui.note.set(note);
        }
    });
    // Staff on the ticket see that someone is writing, until a pause of `TYPING_PAUSE`.
    let typed = StoredValue::new(0u32);
    Effect::watch(
        move || body.with(|b| b.len()),
        move |len, _, _| {
            let n = typed.get_value().wrapping_add(1);
            typed.set_value(n);
            // Told once when it changes, not at every keystroke.
            if ui.typing.get_untracked() != (*len > 0) {
                ui.typing.set(*len > 0);
            }
            set_timeout(
                move || {
                    if typed.try_get_value() == Some(n) {
                        ui.typing.set(false);
                    }
                },
                TYPING_PAUSE,
            );
        },
        false,
    );
    let key = ActionKey::new();
    // Which send button was pressed (its click comes before the form's submit): a plain
    // message, or a move that carries it.
    let step = RwSignal::new(None::<Move>);
    // Files pasted into the message join its attachments.
    let uploading = RwSignal::new(Vec::new());
    let pasted = move |ev: leptos::ev::ClipboardEvent| {
        let list = ev.clipboard_data().and_then(|d| d.files());
        if list.as_ref().is_some_and(|l| l.length() > 0) {
            ev.prevent_default();
            add_files(list, files, uploading, call);
        }
    };
    // The text as it will read once sent (server-rendered, like the thread), until it changes.
    let shown = RwSignal::new(None::<String>);
    let previewing = FormCall::new();
    Effect::new(move |_| {
        body.track();
        shown.set(None);
    });
    let preview = move |_| {
        previewing.run(preview_text(body.get_untracked()), move |html| {
            shown.set(Some(html))
        })
    };
    // Sent: the composer starts again empty, as a reply (a note is a choice made each time).
    let done = move |d| {
        key.renew();
        since.done();
        body.set(String::new());
        files.set(Vec::new());
        internal.set(false);
        on_change(d);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let attachments = files.get_untracked().iter().map(|a| a.id).collect();
        let idempotency_key = Some(key.current());
        match step.get_untracked().filter(|_| !internal.get_untracked()) {
            Some(mv) => call.run(
                move_ticket(TicketMove {
                    ticket_id: id,
                    step: mv,
                    text: Some(body.get_untracked()),
                    operator_id: None,
                    attachments,
                    seen: since.seen(version),
                    idempotency_key,
                }),
                done,
            ),
            None => call.run(
                post_message(TicketMessage {
                    ticket_id: id,
                    body: body.get_untracked(),
                    internal: internal.get_untracked(),
                    attachments,
                    seen: since.seen(version),
                    idempotency_key,
                }),
                done,
            ),
        }
    };
    view! {
        <form class="form reply" class:note=move || internal.get() on:submit=submit on:paste=pasted>
            <TextArea id="reply" label=match (answering, rejecting) {
                    (_, true) => Msg::NeedsWhatIsWrong,
                    (true, false) => Msg::NeedsAnswer,
                    (false, false) => Msg::Message,
                }
                value=body required=true maxlength=TEXT_MAX/>
            {tools.map(|tools| (tools.0)(id, body))}
            <p class="hint">
                {t(Msg::PreviewHint)} " "
                <button type="button" class="link" disabled=move || previewing.busy() on:click=preview>
                    {t(Msg::Preview)}
                </button>
            </p>
            <ErrorNote message=previewing.message()/>
            {move || shown.get().map(|html| view! {
                <div class="text preview" aria-live="polite" inner_html=html></div>
            })}
            <FilePicker id="reply-files" files=files call=call uploading=uploading/>
            {staff.then(|| view! {
                <label class="check">
                    <input type="checkbox" id="reply-internal" bind:checked=internal/>
                    {t(Msg::InternalNote)}
                </label>
                <p class="hint">{t(Msg::InternalNoteHint)}</p>
            })}
            <ErrorNote message=call.message()/>
            <p class="actions">
                <button type="submit" disabled=move || call.busy() on:click=move |_| step.set(None)>
                    {move || t(match (answering, rejecting, internal.get()) {
                        (_, true, _) => Msg::MoveReject,
                        (true, false, _) => Msg::MoveAnswer,
                        (false, _, true) => Msg::AddNote,
                        (false, _, false) => Msg::Send,
                    })()}
                </button>
                {steps.into_iter().map(|mv| view! {
                    <button type="submit" class="primary" hidden=move || internal.get()
                        disabled=move || call.busy() on:click=move |_| step.set(Some(mv))>
                        {t(move_label(mv, ui.app))}
                    </button>
                }).collect_view()}
            </p>
        </form>
    }
}
