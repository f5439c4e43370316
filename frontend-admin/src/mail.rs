//! E-mail on the settings page: the SMTP server, the support mailbox and the addresses, a test
//! e-mail, and the outbox — how many wait, and those that could not be delivered; then the mail
//! held from the mailbox, each accepted as a ticket or dropped.

use app::api::mail::{
    accept_held_mail, drop_held_mail, fetch_mail_now, get_held_mail, get_mail_settings, get_outbox,
    send_test_mail, set_mail_settings,
};
use app::dto::limits::{EMAIL_MAX, FULL_NAME_MAX};
use app::dto::{AcceptedMail, Held, HeldMail, MailSettings, OutboxState};
use app::i18n::Msg;
use app::tickets::reference;
use app::ui::{t, use_ui, ErrorNote, FormCall, TextField, TicketLink};
use leptos::prelude::*;

#[component]
pub fn MailCard() -> impl IntoView {
    let url = RwSignal::new(String::new());
    let imap_url = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let reply_to = RwSignal::new(String::new());
    let test_to = RwSignal::new(String::new());
    let outbox = RwSignal::new(None::<OutboxState>);
    let saved = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let call = FormCall::new();
    let test = FormCall::new();
    let show = move |s: MailSettings| {
        url.set(s.smtp_url);
        imap_url.set(s.imap_url);
        from.set(s.from);
        reply_to.set(s.reply_to);
        loaded.set(true);
    };
    call.run(get_mail_settings(), show);
    test.run(get_outbox(), move |o| outbox.set(Some(o)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let input = MailSettings {
            smtp_url: url.get_untracked(),
            imap_url: imap_url.get_untracked(),
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
                // Not to be typed into before the values in force arrive, which would replace it.
                <fieldset class="until-loaded" disabled=move || !loaded.get()>
                    <TextField id="smtp-url" label=Msg::SmtpUrl value=url hint=Msg::MailHint/>
                    <TextField id="mail-from" label=Msg::MailFrom value=from kind="email" maxlength=EMAIL_MAX/>
                    <TextField id="mail-reply-to" label=Msg::MailReplyTo value=reply_to kind="email" maxlength=EMAIL_MAX/>
                    <TextField id="imap-url" label=Msg::ImapUrl value=imap_url hint=Msg::ImapHint/>
                </fieldset>
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

/// Mail from the support mailbox that waits for the admin: who sent it, why it waits, and the
/// two choices. "Check the mailbox now" fetches at once and says why when it cannot.
#[component]
pub fn HeldMailCard() -> impl IntoView {
    let held = RwSignal::new(Vec::<HeldMail>::new());
    let fetched = RwSignal::new(None::<usize>);
    let accepted = RwSignal::new(None::<AcceptedMail>);
    let call = FormCall::new();
    call.run(get_held_mail(), move |h| held.set(h));
    let fetch = move |_| {
        fetched.set(None);
        call.run(fetch_mail_now(), move |n| {
            fetched.set(Some(n));
            call.run(get_held_mail(), move |h| held.set(h));
        });
    };
    view! {
        <section class="card" aria-labelledby="held-title">
            <h2 id="held-title">{t(Msg::HeldMail)}</h2>
            <p class="hint">{t(Msg::HeldMailHint)}</p>
            <p class="actions">
                <button type="button" on:click=fetch disabled=move || call.busy()>{t(Msg::FetchNow)}</button>
                {move || fetched.get().map(|n| view! {
                    <span role="status" id="fetched">{t(Msg::FetchedCount)} ": " {n}</span>
                })}
            </p>
            <ErrorNote message=call.message()/>
            {move || accepted.get().map(|a| view! {
                <p class="success" role="status">
                    {t(Msg::AcceptedMailNote)} ": " <TicketLink id=a.ticket_id reference=reference(a.ticket_id)/>
                </p>
                {a.new_account.map(|issued| view! {
                    <super::accounts::CredentialsPanel issued on_done=move || accepted.update(|a| {
                        if let Some(a) = a { a.new_account = None; }
                    })/>
                })}
            })}
            {move || {
                let list = held.get();
                if list.is_empty() {
                    view! { <p id="no-held-mail">{t(Msg::NoHeldMail)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="held-mail">
                            {list.into_iter().map(|mail| view! {
                                <HeldItem mail held accepted/>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn HeldItem(
    mail: HeldMail,
    held: RwSignal<Vec<HeldMail>>,
    accepted: RwSignal<Option<AcceptedMail>>,
) -> impl IntoView {
    let ui = use_ui();
    let id = mail.id;
    let name = RwSignal::new(mail.from_name.clone().unwrap_or_default());
    let call = FormCall::new();
    let accept = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        call.run(accept_held_mail(id, name.get_untracked()), move |a| {
            accepted.set(Some(a));
            held.update(|h| h.retain(|m| m.id != id));
        });
    };
    let drop = move |_| call.run(drop_held_mail(id), move |h| held.set(h));
    let input_id = format!("held-name-{id}");
    let why = mail.why;
    let sender = match &mail.from_name {
        Some(n) => format!("{n} <{}>", mail.from_address),
        None => mail.from_address.clone(),
    };
    let label = sender.clone();
    view! {
        <li class="held" aria-label=label>
            <p>
                <strong>{sender}</strong> " · "
                <span class="why">{move || why.label(ui.lang.get())}</span> " · "
                {ui.exact_time(mail.received_at)}
            </p>
            <p class="subject">{mail.subject}</p>
            <p class="excerpt">{mail.excerpt}</p>
            <form class="form row" on:submit=accept>
                {(why == Held::UnknownSender).then(|| view! {
                    <div class="field">
                        <label for=input_id.clone()>{t(Msg::FullName)}</label>
                        <input id=input_id.clone() required=true maxlength=FULL_NAME_MAX bind:value=name/>
                    </div>
                })}
                <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::AcceptMail)}</button>
                <button type="button" on:click=drop disabled=move || call.busy()>{t(Msg::DropMail)}</button>
            </form>
            <ErrorNote message=call.message()/>
        </li>
    }
}
