//! Ticket categories: add one; rename, deactivate or restrict one in place and save it.
//! Deactivated ones stay on their tickets and are no longer offered to clients.

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
                    // Each category is edited in place and saved with its own button (or Enter).
                    let name = RwSignal::new(c.name.clone());
                    let active = RwSignal::new(c.active);
                    let restricted = RwSignal::new(c.restricted);
                    let save = move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let input = CategoryInput {
                            id: Some(c.id),
                            name: name.get_untracked(),
                            active: active.get_untracked(),
                            restricted: restricted.get_untracked(),
                        };
                        call.run(save_category(input), move |l| list.set(l));
                    };
                    let lang = ui.lang.get();
                    let rename = format!("{} {}", Msg::Rename.text(lang), c.name);
                    let save_label = format!("{} · {}", Msg::Save.text(lang), c.name);
                    view! {
                        <li>
                            <form class="row category" on:submit=save>
                                <fieldset>
                                    <legend class="visually-hidden">{c.name.clone()}</legend>
                                    <input type="text" aria-label=rename maxlength=CATEGORY_MAX required=true bind:value=name/>
                                    <label class="check">
                                        <input type="checkbox" bind:checked=active/>
                                        {t(Msg::Active)}
                                    </label>
                                    <label class="check">
                                        <input type="checkbox" bind:checked=restricted/>
                                        {t(Msg::Restricted)}
                                    </label>
                                    <button type="submit" aria-label=save_label disabled=move || call.busy()>{t(Msg::Save)}</button>
                                </fieldset>
                            </form>
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
