//! The admin's tools on a ticket: assign it by hand, and force any status and operator, with a
//! reason the history keeps. Both start from the ticket as it is: its operator, its status.

use app::api::accounts::accounts_overview;
use app::api::tickets::{force_ticket, move_ticket};
use app::dto::limits::REASON_MAX;
use app::dto::{Account, ForcedChange, Role, TicketDetail, TicketMove};
use app::i18n::Msg;
use app::tickets::{Move, Status};
use app::ui::{
    choices, id_options, t, ActionKey, ErrorNote, FormCall, Select, Since, StaffTicketView,
    TextArea,
};
use leptos::prelude::*;

#[component]
pub fn AdminTicketPage(id: i64) -> impl IntoView {
    let detail = RwSignal::new(None::<TicketDetail>);
    let operators = RwSignal::new(Vec::<Account>::new());
    let load = FormCall::new();
    load.run(accounts_overview(), move |list| {
        operators.set(
            list.accounts
                .into_iter()
                .filter(|a| a.role == Role::Operator && !a.disabled)
                .collect(),
        )
    });
    view! {
        <StaffTicketView id=id detail=detail/>
        <ErrorNote message=load.message()/>
        <AdminTools id=id operators=operators detail=detail/>
    }
}

/// Assign to an operator (open tickets), or force any status and operator with a reason.
#[component]
fn AdminTools(
    id: i64,
    operators: RwSignal<Vec<Account>>,
    detail: RwSignal<Option<TicketDetail>>,
) -> impl IntoView {
    // The form shows the ticket as it is, until the admin picks something else.
    let picked_status = RwSignal::new(None::<Status>);
    let picked_operator = RwSignal::new(None::<Option<i64>>);
    let status = move || {
        picked_status
            .get()
            .or_else(|| detail.with(|d| d.as_ref().map(|d| d.ticket.status)))
            .unwrap_or(Status::Open)
    };
    let operator = move || {
        picked_operator
            .get()
            .unwrap_or_else(|| detail.with(|d| d.as_ref().and_then(|d| d.operator_id)))
    };
    let reason = RwSignal::new(String::new());
    let call = FormCall::new();
    // Picks are made against the ticket as it was when the admin began.
    let since = Since::new(call);
    let version = move || detail.with_untracked(|d| d.as_ref().map_or(0, TicketDetail::version));
    let key = ActionKey::new();
    let done = move |d| {
        key.renew();
        since.done();
        picked_status.set(None);
        picked_operator.set(None);
        reason.set(String::new());
        detail.set(Some(d));
    };
    let assign = move |_| {
        let input = TicketMove {
            ticket_id: id,
            step: Move::Assign,
            text: None,
            operator_id: untrack(operator),
            attachments: Vec::new(),
            seen: since.seen(version()),
            idempotency_key: Some(key.current()),
        };
        call.run(move_ticket(input), done);
    };
    let force = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ForcedChange {
            ticket_id: id,
            status: untrack(status),
            operator_id: untrack(operator),
            reason: reason.get_untracked(),
            seen: since.seen(version()),
            idempotency_key: Some(key.current()),
        };
        call.run(force_ticket(input), done);
    };
    view! {
        <form class="card form force" on:submit=force>
            <Select id="operator" label=Msg::Operator blank=Msg::Unassigned
                options=id_options(operators, |a| Some((a.id, a.full_name.clone())))
                current=Signal::derive(move || operator().map(|id| id.to_string()).unwrap_or_default())
                on_pick=move |v| {
                    since.begin(version());
                    picked_operator.set(Some(v.parse().ok()));
                }/>
            <p class="actions">
                <button type="button" on:click=assign disabled=move || call.busy()>{t(Msg::MoveAssign)}</button>
            </p>
            <h2>{t(Msg::ForceTitle)}</h2>
            <p class="hint">{t(Msg::ForceHint)}</p>
            <Select id="force-status" label=Msg::Status
                options=choices(&Status::CHOICES)
                current=Signal::derive(move || status().as_str().to_string())
                on_pick=move |v| {
                    since.begin(version());
                    picked_status.set(Status::parse(&v));
                }/>
            <TextArea id="force-reason" label=Msg::Reason value=reason maxlength=REASON_MAX/>
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Force)}</button>
        </form>
    }
}
