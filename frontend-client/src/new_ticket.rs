//! Opening a ticket: subject, description, category, priority, files, and optionally the
//! earlier ticket it follows up on. The reference is shown once it exists.

use app::api::categories::list_categories;
use app::api::tickets::{create_ticket, list_tickets};
use app::dto::limits::{SUBJECT_MAX, TEXT_MAX};
use app::dto::{Attachment, Category, NewTicket, TicketQuery, TicketSummary};
use app::i18n::Msg;
use app::tickets::Priority;
use app::ui::{
    choices, id_options, t, use_ui, ActionKey, ErrorNote, FilePicker, FormCall, Select, TextArea,
    TextField,
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
