//! Opening a ticket: subject, description, category, priority, files, and optionally the
//! earlier ticket it follows up on. The reference is shown once it exists. While the subject
//! is typed, published articles that match it are offered beside the form: one opened, and no
//! ticket sent after it, is a ticket the knowledge base made unnecessary (a deflection).

use app::api::categories::list_categories;
use app::api::kb::kb_article;
use app::api::tickets::{create_ticket, list_tickets};
use app::dto::limits::{SUBJECT_MAX, TEXT_MAX};
use app::dto::{
    Article, ArticleSummary, Attachment, Category, NewTicket, TicketQuery, TicketSummary,
};
use app::i18n::Msg;
use app::tickets::Priority;
use app::ui::{
    choices, id_options, t, use_ui, ActionKey, AsTyped, ErrorNote, FilePicker, FormCall, Select,
    TextArea, TextField,
};
use leptos::prelude::*;

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let ui = use_ui();
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let priority = RwSignal::new(Priority::Normal);
    let category = RwSignal::new(None::<i64>);
    let categories = RwSignal::new(Vec::<Category>::new());
    let earlier = RwSignal::new(None::<i64>);
    let mine = RwSignal::new(Vec::<TicketSummary>::new());
    let files = RwSignal::new(Vec::<Attachment>::new());
    // A key per ticket the client means to create: a retried request reuses it.
    let key = ActionKey::new();
    // The page's loads and the form's submit (with its uploads) are separate actions: the
    // submit button waits only for its own.
    let loads = FormCall::new();
    loads.run(list_categories(), move |list| categories.set(list));
    loads.run(list_tickets(TicketQuery::default()), move |page| {
        mine.set(page.tickets)
    });
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewTicket {
            subject: subject.get_untracked(),
            description: description.get_untracked(),
            category_id: category.get_untracked(),
            priority: priority.get_untracked(),
            earlier_ticket_id: earlier.get_untracked(),
            idempotency_key: key.current(),
            attachments: files.get_untracked().iter().map(|a| a.id).collect(),
        };
        call.run(create_ticket(input), move |detail| {
            key.renew();
            ui.navigate(&format!("/tickets/{}", detail.ticket.id));
        });
    };
    view! {
        <h1>{t(Msg::NewTicket)}</h1>
        <ErrorNote message=loads.message()/>
        <form class="card form" on:submit=submit>
            <TextField id="subject" label=Msg::Subject value=subject required=true maxlength=SUBJECT_MAX/>
            <Suggestions subject=subject/>
            <TextArea id="description" label=Msg::Description value=description required=true maxlength=TEXT_MAX/>
            {move || (!categories.get().is_empty()).then(|| view! {
                <Select id="category" label=Msg::Category blank=Msg::NoCategory
                    options=id_options(categories, |c| Some((c.id, c.name.clone())))
                    on_pick=move |v| category.set(v.parse().ok())/>
            })}
            <Select id="priority" label=Msg::Priority
                options=choices(&Priority::CHOICES)
                current="normal".to_string()
                on_pick=move |v| priority.set(Priority::parse(&v).unwrap_or(Priority::Normal))/>
            <p class="hint">{t(Msg::PriorityHint)}</p>
            {move || (!mine.get().is_empty()).then(|| view! {
                <Select id="earlier" label=Msg::EarlierTicket blank=Msg::NoEarlierTicket
                    options=id_options(mine, |s| Some((s.id, format!("{} · {}", s.reference, s.subject))))
                    on_pick=move |v| earlier.set(v.parse().ok())/>
            })}
            <FilePicker id="files" files=files call=call/>
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::OpenTicket)}</button>
        </form>
    }
}

/// How long typing pauses before the suggestions are looked for, and how many are shown.
const PAUSE: std::time::Duration = std::time::Duration::from_millis(300);
const SUGGESTED: usize = 5;

/// Up to five published articles matching the subject as it is typed, each opened in place
/// (counted as opened from a suggestion) with "Did this help?" under it.
#[component]
fn Suggestions(subject: RwSignal<String>) -> impl IntoView {
    let AsTyped { hits, call } = AsTyped::follow(subject, 3, PAUSE);
    let found = move || {
        let mut list = hits.get().unwrap_or_default();
        list.truncate(SUGGESTED);
        list
    };
    view! {
        <div aria-live="polite">
            <ErrorNote message=call.message()/>
            {move || (!found().is_empty()).then(|| view! {
                <aside class="card suggestions">
                    <p><strong>{t(Msg::MaybeThisHelps)}</strong></p>
                    <ul>
                        {found().into_iter().map(|a| view! { <li><Suggested article=a/></li> }).collect_view()}
                    </ul>
                </aside>
            })}
        </div>
    }
}

/// One suggestion: its title; opened, the article and "Did this help?".
#[component]
fn Suggested(article: ArticleSummary) -> impl IntoView {
    let id = article.id;
    let open = RwSignal::new(false);
    let shown = RwSignal::new(None::<Article>);
    let call = FormCall::new();
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() && shown.with_untracked(Option::is_none) {
            call.run(kb_article(id, Some(true)), move |a| shown.set(Some(a)));
        }
    };
    view! {
        <button type="button" class="link" aria-expanded=move || open.get().to_string() on:click=toggle>
            {article.title}
        </button>
        <ErrorNote message=call.message()/>
        {move || open.get().then(|| shown.get().map(|a| view! {
            <div class="suggested">
                <div class="text" inner_html=a.html.clone()></div>
                <crate::help::Helped id=a.summary.id helped=a.helped/>
            </div>
        }))}
    }
}
