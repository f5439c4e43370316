//! The floor: who is on duty, each operator's load against capacity, how many of their tickets
//! are not started yet, and the spread (highest minus lowest load on duty). Each operator's
//! plan (capacity, skills, working hours, days off) is set through `assignment/set_plan`; its
//! form waits for room in the size budget (see ARCHITECTURE.md).

use app::api::assignment::floor_view;
use app::dto::Floor;
use app::i18n::Msg;
use app::ui::{t, ErrorNote, FormCall};
use leptos::prelude::*;

#[component]
pub fn FloorPage() -> impl IntoView {
    let floor = RwSignal::new(None::<Floor>);
    let call = FormCall::new();
    call.run(floor_view(), move |f| floor.set(Some(f)));
    view! {
        <h1>{t(Msg::Floor)}</h1>
        <ErrorNote message=call.message()/>
        {move || floor.get().map(|f| view! {
            <section class="card">
                <p class="spread">
                    {t(Msg::Spread)} ": "
                    <strong>{f.spread.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</strong>
                    " · " {t(Msg::TimeZone)} ": " {f.time_zone.clone()}
                </p>
                <table class="floor">
                    <thead><tr>
                        <th scope="col">{t(Msg::Operator)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                        <th scope="col">{t(Msg::Load)}</th>
                        <th scope="col">{t(Msg::NotStarted)}</th>
                    </tr></thead>
                    <tbody>
                        {f.operators.into_iter().map(|o| view! {
                            <tr>
                                <td>{o.full_name}</td>
                                <td>{t(if o.on_break { Msg::OnBreak } else if o.on_duty { Msg::OnDuty } else { Msg::OffDuty })}</td>
                                <td>{format!("{} / {}", o.load, o.plan.capacity)}</td>
                                <td>{o.not_started}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
    }
}
