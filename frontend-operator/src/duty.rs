//! The operator's duty, always in view: on duty, off duty or on a break, the load against
//! capacity, today's shift, and the break switch.

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
            <ErrorNote message=call.message()/>
        </section>
    }
}
