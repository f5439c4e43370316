//! Webhooks: the receivers Šalter posts ticket events to — each with its events, its state
//! (active, paused by the admin, or paused because it kept failing) and its deliveries, every
//! attempt with the receiver's answer and how long it took, each sendable again — and a form
//! that registers one and shows its signing secret once.

use app::api::webhooks::{
    create_webhook, delete_webhook, list_webhooks, redeliver_webhook, set_webhook_paused,
    webhook_deliveries,
};
use app::codes::Code;
use app::dto::{NewWebhook, Webhook, WebhookAttempt, WebhookDelivery};
use app::i18n::Msg;
use app::tickets::reference;
use app::ui::{t, use_ui, Checks, ErrorNote, FormCall, TextField, TicketLink, When};
use app::webhooks::Topic;
use leptos::prelude::*;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let hooks = RwSignal::new(Vec::<Webhook>::new());
    // The webhook whose deliveries are shown.
    let open = RwSignal::new(None::<i64>);
    let call = FormCall::new();
    let reload = move || call.run(list_webhooks(), move |l| hooks.set(l));
    reload();
    view! {
        <h1>{t(Msg::Webhooks)}</h1>
        <p class="hint">{t(Msg::WebhooksHint)}</p>
        <section class="card" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title" class="visually-hidden">{t(Msg::Webhooks)}</h2>
            {move || if hooks.with(Vec::is_empty) {
                view! { <p>{t(Msg::NoWebhooks)}</p> }.into_any()
            } else {
                view! { <WebhookTable hooks open on_change=reload/> }.into_any()
            }}
            <ErrorNote message=call.message()/>
        </section>
        {move || open.get().map(|id| view! { <Deliveries id on_change=reload/> })}
        <NewWebhookForm on_made=reload/>
    }
}

#[component]
fn WebhookTable(
    hooks: RwSignal<Vec<Webhook>>,
    open: RwSignal<Option<i64>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let act = FormCall::new();
    let row = move |hook: Webhook| {
        let lang = ui.lang.get();
        let id = hook.id;
        let paused = hook.paused_at.is_some();
        let state = match (paused, hook.paused_by_failures) {
            (false, _) => Msg::WebhookActive,
            (true, false) => Msg::WebhookPausedByAdmin,
            (true, true) => Msg::WebhookPausedByFailures,
        };
        let topics = hook
            .topics
            .iter()
            .map(|topic| topic.label(lang))
            .collect::<Vec<_>>()
            .join(", ");
        let toggle = move |_| act.run(set_webhook_paused(id, !paused), move |_| on_change());
        let delete = move |_| {
            act.run(delete_webhook(id), move |_| {
                if open.get_untracked() == Some(id) {
                    open.set(None);
                }
                on_change();
            })
        };
        view! {
            <tr>
                <td data-label=Msg::WebhookUrl.text(lang)><code>{hook.url.clone()}</code></td>
                <td data-label=Msg::WebhookTopics.text(lang)>{topics}</td>
                <td data-label=Msg::State.text(lang)>
                    <span class="badge" class:off=paused>{t(state)}</span>
                    {(hook.failing > 0).then(|| view! {
                        " " <span class="hint">{t(Msg::WebhookFailing)} ": " {hook.failing}</span>
                    })}
                </td>
                <td data-label=Msg::DeliveryWaiting.text(lang)>{hook.waiting}</td>
                <td data-label=Msg::DeliveryFailed.text(lang)>{hook.failed}</td>
                <td class="actions">
                    <button type="button" class="link" aria-expanded=move || (open.get() == Some(id)).to_string()
                        on:click=move |_| open.set(if open.get_untracked() == Some(id) { None } else { Some(id) })>
                        {t(Msg::ShowDeliveries)}</button>
                    <button type="button" class="link" disabled=move || act.busy() on:click=toggle>
                        {t(if paused { Msg::ResumeWebhook } else { Msg::PauseWebhook })}</button>
                    <button type="button" class="link danger" disabled=move || act.busy() on:click=delete>
                        {t(Msg::DeleteWebhook)}</button>
                </td>
            </tr>
        }
    };
    view! {
        <div class="table-wrap">
            <table class="webhooks">
                <thead><tr>
                    <th scope="col">{t(Msg::WebhookUrl)}</th>
                    <th scope="col">{t(Msg::WebhookTopics)}</th>
                    <th scope="col">{t(Msg::State)}</th>
                    <th scope="col">{t(Msg::DeliveryWaiting)}</th>
                    <th scope="col">{t(Msg::DeliveryFailed)}</th>
                    <th scope="col"><span class="visually-hidden">{t(Msg::Actions)}</span></th>
                </tr></thead>
                // Rebuilt when the language changes, with the labels in it.
                <tbody>{move || hooks.get().into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
        <ErrorNote message=act.message()/>
    }
}

/// One webhook's latest deliveries, each with its attempts and a "send again".
#[component]
fn Deliveries(id: i64, on_change: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ui = use_ui();
    let list = RwSignal::new(None::<Vec<WebhookDelivery>>);
    let sent_again = RwSignal::new(false);
    let call = FormCall::new();
    let load = move || call.run(webhook_deliveries(id), move |l| list.set(Some(l)));
    load();
    let again = FormCall::new();
    let attempt = move |a: WebhookAttempt| {
        let answer = match a.status {
            Some(status) => status.to_string(),
            None => Msg::NoAnswer.text(ui.lang.get_untracked()).to_string(),
        };
        view! {
            <li>
                <When at=a.at/> " · " <strong>{answer}</strong> " · " {format!("{} ms", a.ms)}
                {a.error.map(|e| view! { " · " <span class="hint">{e}</span> })}
            </li>
        }
    };
    let row = move |d: WebhookDelivery| {
        let lang = ui.lang.get();
        let delivery = d.id;
        let state = match (d.delivered_at, d.failed_at) {
            (Some(at), _) => view! { {t(Msg::Delivered)} " " <When at=at/> }.into_any(),
            (None, Some(_)) => {
                view! { <span class="badge off">{t(Msg::DeliveryFailed)}</span> }.into_any()
            }
            (None, None) => view! { {t(Msg::DeliveryWaiting)} }.into_any(),
        };
        let send = move |_| {
            sent_again.set(false);
            again.run(redeliver_webhook(delivery), move |_| {
                sent_again.set(true);
                load();
                on_change();
            })
        };
        view! {
            <tr>
                <td data-label=Msg::WebhookTopics.text(lang)><code>{d.topic.code()}</code></td>
                <td data-label=Msg::Reference.text(lang)><TicketLink id=d.ticket_id reference=reference(d.ticket_id)/></td>
                <td data-label=Msg::AuditTime.text(lang)><When at=d.at/></td>
                <td data-label=Msg::State.text(lang)>{state}</td>
                <td data-label=Msg::Attempts.text(lang)>
                    <ul class="attempts">{d.attempts.into_iter().map(attempt).collect_view()}</ul>
                </td>
                <td class="actions">
                    <button type="button" class="link" disabled=move || again.busy() on:click=send>
                        {t(Msg::SendAgain)}</button>
                </td>
            </tr>
        }
    };
    view! {
        <section class="card deliveries" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">{t(Msg::ShowDeliveries)}</h2>
            <p class="success" role="status" hidden=move || !sent_again.get()>{t(Msg::SentAgain)}</p>
            {move || list.get().map(|l| if l.is_empty() {
                view! { <p>{t(Msg::NoDeliveries)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th scope="col">{t(Msg::WebhookTopics)}</th>
                                <th scope="col">{t(Msg::Reference)}</th>
                                <th scope="col">{t(Msg::AuditTime)}</th>
                                <th scope="col">{t(Msg::State)}</th>
                                <th scope="col">{t(Msg::Attempts)}</th>
                                <th scope="col"><span class="visually-hidden">{t(Msg::Actions)}</span></th>
                            </tr></thead>
                            <tbody>{l.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            })}
            <ErrorNote message=call.message()/>
            <ErrorNote message=again.message()/>
        </section>
    }
}

/// Registers a webhook: its URL, its events and whether an internal address is allowed; the
/// secret is shown here once.
#[component]
fn NewWebhookForm(on_made: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let topics = RwSignal::new(vec![Topic::Created, Topic::StatusChanged]);
    let allow_private = RwSignal::new(false);
    let secret = RwSignal::new(None::<String>);
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        secret.set(None);
        let input = NewWebhook {
            url: url.get_untracked(),
            topics: topics.get_untracked(),
            allow_private: allow_private.get_untracked(),
        };
        call.run(create_webhook(input), move |issued| {
            url.set(String::new());
            secret.set(Some(issued.secret));
            on_made();
        });
    };
    view! {
        <section class="card form" aria-labelledby="new-webhook-title">
            <h2 id="new-webhook-title">{t(Msg::AddWebhook)}</h2>
            <form class="form" on:submit=submit>
                <TextField id="webhook-url" label=Msg::WebhookUrl value=url kind="url" required=true
                    maxlength=2000/>
                <Checks legend=Msg::WebhookTopics chosen=topics label=Topic::label
                    options=Signal::derive(|| Topic::ALL.to_vec())/>
                <div class="field">
                    <label class="check">
                        <input type="checkbox" id="webhook-private" aria-describedby="webhook-private-hint"
                            bind:checked=allow_private/>
                        {t(Msg::WebhookAllowPrivate)}
                    </label>
                    <p class="hint" id="webhook-private-hint">{t(Msg::WebhookAllowPrivateHint)}</p>
                </div>
                <ErrorNote message=call.message()/>
                {move || secret.get().map(|s| view! {
                    <div class="token-secret" role="status">
                        <label for="webhook-secret">{t(Msg::WebhookCreated)}</label>
                        <input id="webhook-secret" readonly value=s/>
                    </div>
                })}
                <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::AddWebhook)}</button>
            </form>
        </section>
    }
}
