//! The audit log: every sign-in, password and second-factor change and use of an admin's
//! powers, filtered by act, person and period, newest first a page at a time; what is shown
//! downloads as CSV.

use app::api::audit::audit_log;
use app::audit::{Action, AuditEntry, AuditQuery};
use app::i18n::{action_text, Msg};
use app::report::csv;
use app::ui::{t, use_ui, ErrorNote, FormCall, Select, TextField};
use leptos::prelude::*;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let ui = use_ui();
    let action = RwSignal::new(String::new());
    let person = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let entries = RwSignal::new(None::<Vec<AuditEntry>>);
    let more = RwSignal::new(false);
    let call = FormCall::new();
    let query = move |before: Option<i64>| AuditQuery {
        action: Action::parse(&action.get_untracked()),
        actor: Some(person.get_untracked()).filter(|p| !p.trim().is_empty()),
        from: super::tickets::day_start(&from.get_untracked(), 0),
        to: super::tickets::day_start(&to.get_untracked(), 1),
        before,
    };
    let load = move || {
        call.run(audit_log(query(None)), move |page| {
            entries.set(Some(page.entries));
            more.set(page.more);
        })
    };
    load();
    let show_more = move |_| {
        let last = entries.get_untracked().and_then(|e| e.last().map(|e| e.id));
        call.run(audit_log(query(last)), move |page| {
            entries.update(|e| e.get_or_insert_with(Vec::new).extend(page.entries));
            more.set(page.more);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load();
    };
    let acts = Signal::derive(move || {
        let lang = ui.lang.get();
        Action::ALL
            .iter()
            .map(|a| (a.code().to_string(), action_text(*a, lang).to_string()))
            .collect()
    });
    let head = move || {
        let lang = ui.lang.get();
        [
            Msg::AuditTime,
            Msg::AuditPerson,
            Msg::SessionAddress,
            Msg::AuditAct,
            Msg::AuditTarget,
            Msg::AuditDetail,
        ]
        .map(|m| m.text(lang).to_string())
    };
    let cells = move |e: &AuditEntry| {
        let lang = ui.lang.get();
        let who = if e.actor.is_empty() {
            Msg::AuditMachine.text(lang).to_string()
        } else {
            e.actor.clone()
        };
        [
            ui.exact_time(e.at),
            who,
            e.address.clone(),
            action_text(e.action, lang).to_string(),
            e.target_id.map(|id| format!("#{id}")).unwrap_or_default(),
            e.detail.clone(),
        ]
    };
    let download = move |_| {
        let rows: Vec<Vec<String>> = entries
            .get_untracked()
            .unwrap_or_default()
            .iter()
            .map(|e| cells(e).to_vec())
            .collect();
        super::charts::download("audit-log.csv", &csv(head().as_ref(), &rows));
    };
    view! {
        <h1>{t(Msg::AuditLog)}</h1>
        <p class="hint">{t(Msg::AuditHint)}</p>
        <form class="card form row filters" on:submit=submit>
            <Select id="audit-act" label=Msg::AuditAct options=acts blank=Msg::AuditAnyAct
                on_pick=move |v| action.set(v)/>
            <TextField id="audit-person" label=Msg::AuditPerson value=person hint=Msg::AuditPersonHint/>
            <div class="field">
                <label for="audit-from">{t(Msg::FromDay)}</label>
                <input type="date" id="audit-from" bind:value=from/>
            </div>
            <div class="field">
                <label for="audit-to">{t(Msg::ToDay)}</label>
                <input type="date" id="audit-to" bind:value=to/>
            </div>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Search)}</button>
        </form>
        <ErrorNote message=call.message()/>
        <section class="card">
            <div class="table-wrap">
                <table class="audit">
                    <thead><tr>{move || head().into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {move || {
                            let names = head();
                            entries.get().unwrap_or_default().iter().map(|e| {
                                let row = cells(e);
                                view! {
                                    <tr>
                                        {row.into_iter().zip(names.clone()).map(|(cell, name)| view! {
                                            <td data-label=name>{cell}</td>
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            <p class="empty" hidden=move || !entries.get().is_some_and(|e| e.is_empty())>{t(Msg::AuditEmpty)}</p>
            <p class="actions">
                <button type="button" on:click=show_more hidden=move || !more.get() disabled=move || call.busy()>{t(Msg::LoadMore)}</button>
                <button type="button" on:click=download>{t(Msg::DownloadCsv)}</button>
            </p>
        </section>
    }
}
