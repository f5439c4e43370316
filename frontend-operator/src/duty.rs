//! The operator's duty, always in view: on duty, off duty or on a break, the load against
//! capacity, today's shift, how many tickets are overdue or near a service-level target (with
//! an alert when one passes its target), and the break switch.

use crate::alerts::{announce, AlertChoices};
use app::api::assignment::{my_duty, set_break};
use app::dto::OperatorDuty;
use app::i18n::Msg;
use app::ui::{t, use_ui, ErrorNote, FormCall};
use leptos::prelude::*;

#[component]
pub fn DutyBar() -> impl IntoView {
    let ui = use_ui();
    let duty = RwSignal::new(None::<OperatorDuty>);
    let call = FormCall::new();
    // Again after each change of the operator's own: closing a ticket lowers the load.
    Effect::new(move |_| {
        ui.changes.track();
        call.run(my_duty(), move |d| duty.set(Some(d)));
    });
    // New assignments while the console is open (the live connection reloads the duty): an
    // alert until the operator dismisses it, the tickets waiting to be started counted in the
    // tab's title, so a console in a background tab shows it too, and the tone and the
    // browser's notification the operator chose (`alerts`).
    let waiting = StoredValue::new(None::<i64>);
    let fresh = RwSignal::new(0i64);
    Effect::new(move |_| {
        let Some(d) = duty.get() else { return };
        if let Some(before) = waiting.get_value() {
            if d.not_started > before {
                fresh.update(|n| *n += d.not_started - before);
                announce(d.not_started - before, ui.lang.get_untracked());
            }
        }
        waiting.set_value(Some(d.not_started));
        let title = document().title();
        let bare = title
            .strip_prefix('(')
            .and_then(|t| t.split_once(") "))
            .map_or(title.as_str(), |(_, rest)| rest);
        let counted = if d.not_started > 0 {
            format!("({}) {bare}", d.not_started)
        } else {
            bare.to_string()
        };
        document().set_title(&counted);
    });
    // A ticket passing a service-level target (the watcher's note reloads the duty): an alert
    // until dismissed, again when another passes one.
    let overdue_seen = StoredValue::new(0i64);
    let overdue_alert = RwSignal::new(0i64);
    Effect::new(move |_| {
        let Some(d) = duty.get() else { return };
        if d.overdue > overdue_seen.get_value() {
            overdue_alert.set(d.overdue);
        }
        overdue_seen.set_value(d.overdue);
    });
    let toggle = move |_| {
        let on_break = duty.get_untracked().is_none_or(|d| !d.on_break);
        call.run(set_break(on_break), move |d| duty.set(Some(d)));
    };
    view! {
        <section class="card duty row" role="status">
            {move || duty.get().map(|d| {
                let now = if d.on_break { Msg::OnBreak } else if d.on_duty { Msg::OnDuty } else { Msg::OffDuty };
                view! {
                    <p>
                        {t(Msg::DutyNow)} " " <strong class="duty-state">{t(now)}</strong>
                        " · " {t(Msg::Load)} ": " {format!("{} / {}", d.load, d.plan.capacity)}
                        {(d.overdue > 0).then(|| view! {
                            " · " <span class="badge sla sla-overdue">{t(Msg::SlaOverdueTickets)} ": " {d.overdue}</span>
                        })}
                        {(d.near > 0).then(|| view! {
                            " · " <span class="badge sla sla-near">{t(Msg::SlaNearTickets)} ": " {d.near}</span>
                        })}
                        {(!d.today.is_empty()).then(|| {
                            let day_off = d.today == "-";
                            let shift = d.today.clone();
                            view! {
                                " · " {t(Msg::Today)} ": "
                                {move || if day_off { Msg::DayOff.text(ui.lang.get()).to_string() } else { shift.clone() }}
                            }
                        })}
                    </p>
                    <button type="button" on:click=toggle disabled=move || call.busy()>
                        {t(if d.on_break { Msg::BackToWork } else { Msg::TakeBreak })}
                    </button>
                }
            })}
            <p class="alert-choices"><AlertChoices/></p>
            <ErrorNote message=call.message()/>
        </section>
        {move || (overdue_alert.get() > 0).then(|| view! {
            <p class="card alert-overdue" role="alert">
                <strong>{t(Msg::SlaOverdueAlert)} ": " {overdue_alert.get()}</strong> " "
                <button type="button" class="link" on:click=move |_| overdue_alert.set(0)>{t(Msg::Dismiss)}</button>
            </p>
        })}
        {move || (fresh.get() > 0).then(|| view! {
            <p class="card alert-new" role="alert">
                <strong>{t(Msg::NewInQueue)} ": " {fresh.get()}</strong> " "
                <button type="button" class="link" on:click=move |_| fresh.set(0)>{t(Msg::Dismiss)}</button>
            </p>
        })}
    }
}
