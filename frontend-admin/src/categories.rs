//! Ticket categories: add one, rename it, deactivate or reactivate it. Deactivated ones stay on their
//! tickets and are no longer offered to clients.

use app::api::categories::{list_categories, save_category};
use app::dto::limits::CATEGORY_MAX;
use app::dto::{Category, CategoryInput};
use app::i18n::Msg;
use app::ui::{t, use_ui, ErrorNote, FormCall, TextField};
use leptos::prelude::*;

#[component]
pub fn CategoriesCard() -> impl IntoView {
    let ui = use_ui();
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
            restricted: false,
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
                    // One save for every control: a new name (committed with Enter or on leaving
                    // the field), or the other state of a switch.
                    let save = move |name: String, active: bool, restricted: bool| {
                        let input = CategoryInput { id: Some(c.id), name, active, restricted };
                        call.run(save_category(input), move |l| list.set(l));
                    };
                    let (name, again) = (c.name.clone(), c.name.clone());
                    let rename = format!("{} {}", Msg::Rename.text(ui.lang.get()), c.name);
                    view! {
                        <li class="row">
                            <input type="text" value=c.name.clone() aria-label=rename maxlength=CATEGORY_MAX
                                on:change=move |ev| save(event_target_value(&ev), c.active, c.restricted)/>
                            <label class="check">
                                <input type="checkbox" checked=c.active on:change=move |_| save(name.clone(), !c.active, c.restricted)/>
                                {c.name.clone()} " (" {t(Msg::Active)} ")"
                            </label>
                            <label class="check">
                                <input type="checkbox" checked=c.restricted on:change=move |_| save(again.clone(), c.active, !c.restricted)/>
                                {c.name.clone()} " (" {t(Msg::Restricted)} ")"
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="form row" on:submit=add>
                <TextField id="category-name" label=Msg::AddCategory value=name required=true maxlength=CATEGORY_MAX/>
                <button type="submit" disabled=move || call.busy()>{t(Msg::Add)}</button>
            </form>
            <ErrorNote message=call.message()/>
        </section>
    }
}
