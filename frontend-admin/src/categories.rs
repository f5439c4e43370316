//! Ticket categories: add one, deactivate or reactivate it. Deactivated ones stay on their
//! tickets and are no longer offered to clients.

use app::api::categories::{list_categories, save_category};
use app::dto::limits::CATEGORY_MAX;
use app::dto::{Category, CategoryInput};
use app::i18n::Msg;
use app::ui::{t, ErrorNote, FormCall, TextField};
use leptos::prelude::*;

#[component]
pub fn CategoriesCard() -> impl IntoView {
    let list = RwSignal::new(Vec::<Category>::new());
    let name = RwSignal::new(String::new());
    let call = FormCall::new();
    call.run(list_categories(), move |l| list.set(l));
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CategoryInput {
            id: None,
            name: name.get_untracked(),
            active: true,
        };
        call.run(save_category(input), move |l| {
            name.set(String::new());
            list.set(l);
        });
    };
    view! {
        <section class="card">
            <h2>{t(Msg::Categories)}</h2>
            <p class="hint">{t(Msg::CategoriesHint)}</p>
            <ul class="categories">
                {move || list.get().into_iter().map(|c| {
                    let name = c.name.clone();
                    let toggle = move |_| {
                        let input = CategoryInput { id: Some(c.id), name: name.clone(), active: !c.active };
                        call.run(save_category(input), move |l| list.set(l));
                    };
                    view! {
                        <li>
                            <label class="check">
                                <input type="checkbox" checked=c.active on:change=toggle/>
                                {c.name.clone()} " (" {t(Msg::Active)} ")"
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="form row" on:submit=add>
                <TextField id="category-name" label=Msg::AddCategory value=name required=true maxlength=CATEGORY_MAX/>
                <button type="submit" disabled=move || call.busy.get()>{t(Msg::Add)}</button>
            </form>
            <ErrorNote message=call.message()/>
        </section>
    }
}
