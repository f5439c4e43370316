//! E-mail on the settings page: the SMTP server and addresses, a test e-mail, and the outbox —
//! how many wait, and those that could not be delivered.

use app::api::mail::{get_mail_settings, get_outbox, send_test_mail, set_mail_settings};
use app::dto::limits::EMAIL_MAX;
use app::dto::{MailSettings, OutboxState};
use app::i18n::Msg;
use app::tickets::reference;
use app::ui::{t, use_ui, ErrorNote, FormCall, TextField, TicketLink};
use leptos::prelude::*;

#[component]
pub fn MailCard() -> impl IntoView {
    let url = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let reply_to = RwSignal::new(String::new());
    let test_to = RwSignal::new(String::new());
    let outbox = RwSignal::new(None::<OutboxState>);
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    let test = FormCall::new();
    let show = move |s: MailSettings| {
        url.set(s.smtp_url);
        from.set(s.from);
        reply_to.set(s.reply_to);
    };
    call.run(get_mail_settings(), show);
    test.run(get_outbox(), move |o| outbox.set(Some(o)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let input = MailSettings {
            smtp_url: url.get_untracked(),
            from: from.get_untracked(),
            reply_to: reply_to.get_untracked(),
        };
        call.run(set_mail_settings(input), move |s| {
            show(s);
            saved.set(true);
        });
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        test.run(send_test_mail(test_to.get_untracked()), move |o| {
            outbox.set(Some(o))
        });
    };
    view! {
        <section class="card form">
            <h2>{t(Msg::Mail)}</h2>
            <form class="form" on:submit=submit>
                <TextField id="smtp-url" label=Msg::SmtpUrl value=url hint=Msg::MailHint/>
                <TextField id="mail-from" label=Msg::MailFrom value=from kind="email" maxlength=EMAIL_MAX/>
                <TextField id="mail-reply-to" label=Msg::MailReplyTo value=reply_to kind="email" maxlength=EMAIL_MAX/>
                <ErrorNote message=call.message()/>
                <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
                <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Save)}</button>
            </form>
            <form class="form row" on:submit=send>
                <TextField id="test-mail-to" label=Msg::TestMailTo value=test_to kind="email"
                    required=true maxlength=EMAIL_MAX/>
                <button type="submit" disabled=move || test.busy()>{t(Msg::SendTestMail)}</button>
            </form>
            <ErrorNote message=test.message()/>
            {move || outbox.get().map(|o| view! { <Outbox outbox=o/> })}
        </section>
    }
}

#[component]
fn Outbox(outbox: OutboxState) -> impl IntoView {
    let ui = use_ui();
    view! {
        <p id="mail-waiting">{t(Msg::MailWaiting)} ": " <strong>{outbox.waiting}</strong></p>
        {(!outbox.failed.is_empty()).then(|| view! {
            <h3>{t(Msg::MailFailed)}</h3>
            <p class="hint">{t(Msg::MailFailedHint)}</p>
            <table id="mail-failed">
                <thead><tr>
                    <th scope="col">{t(Msg::MailAddress)}</th>
                    <th scope="col">{t(Msg::Reference)}</th>
                    <th scope="col">{t(Msg::Updated)}</th>
                    <th scope="col">{t(Msg::MailTries)}</th>
                    <th scope="col">{t(Msg::MailWhy)}</th>
                </tr></thead>
                <tbody>
                    {outbox.failed.into_iter().map(|f| view! {
                        <tr>
                            <td>{f.address}</td>
                            <td>{f.ticket_id.map(|id| view! { <TicketLink id reference=reference(id)/> })}</td>
                            <td>{ui.exact_time(f.at)}</td>
                            <td>{f.attempts}</td>
                            <td>{f.error}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
