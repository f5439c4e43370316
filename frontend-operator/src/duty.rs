//! The operator's duty, always in view: on duty, off duty or on a break, the load against
//! capacity, and the break switch.

use app::api::assignment::{my_duty, set_break};
use app::dto::OperatorDuty;
use app::i18n::Msg;
use app::ui::{t, ErrorNote, FormCall};
use leptos::prelude::*;

#[component]
pub fn DutyBar() -> impl IntoView {
    let duty = RwSignal::new(None::<OperatorDuty>);
    let call = FormCall::new();
    call.run(my_duty(), move |d| duty.set(Some(d)));
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
                    </p>
                    <button type="button" on:click=toggle disabled=move || call.busy.get()>
                        {t(if d.on_break { Msg::BackToWork } else { Msg::TakeBreak })}
                    </button>
                }
            })}
            <ErrorNote message=call.message()/>
        </section>
    }
}
