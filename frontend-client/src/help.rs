//! The portal's Help: the published articles meant for clients, by section, and a search that
//! answers as the client types; one article with the other languages it is written in.

use app::api::kb::{kb_article, rate_article};
use app::dto::{Article, ArticleFeedback, ArticleSummary, Section};
use app::i18n::Msg;
use app::ui::{follow, t, use_ui, AsTyped, ErrorNote, FormCall, Library, Loading, TextField};
use leptos::prelude::*;

/// `/help/N`: article N.
pub fn help_path(path: &str) -> Option<i64> {
    path.strip_prefix("/help/")?.parse().ok()
}

/// How long typing pauses before the search asks.
const PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

#[component]
pub fn ArticleList(articles: Vec<ArticleSummary>) -> impl IntoView {
    let ui = use_ui();
    view! {
        <ul class="help-articles">
            {articles.into_iter().map(|a| {
                let path = format!("/help/{}", a.id);
                view! { <li><a href=ui.href(&path) on:click=follow(ui, path)>{a.title}</a></li> }
            }).collect_view()}
        </ul>
    }
}

/// A section with its articles, and the sections inside it with theirs; nothing when none of
/// them holds an article.
fn section_view(
    section: &Section,
    sections: &[Section],
    articles: &[ArticleSummary],
) -> Option<AnyView> {
    let of = |id: i64| -> Vec<ArticleSummary> {
        articles
            .iter()
            .filter(|a| a.section_id == Some(id))
            .cloned()
            .collect()
    };
    let own = of(section.id);
    let inner: Vec<(String, Vec<ArticleSummary>)> = sections
        .iter()
        .filter(|s| s.parent_id == Some(section.id))
        .map(|s| (s.name.clone(), of(s.id)))
        .filter(|(_, list)| !list.is_empty())
        .collect();
    if own.is_empty() && inner.is_empty() {
        return None;
    }
    Some(
        view! {
            <section class="card help-section">
                <h2>{section.name.clone()}</h2>
                {(!own.is_empty()).then(|| view! { <ArticleList articles=own/> })}
                {inner.into_iter().map(|(name, list)| view! {
                    <h3>{name}</h3>
                    <ArticleList articles=list/>
                }).collect_view()}
            </section>
        }
        .into_any(),
    )
}

/// Help's front page: a search, and every article by section.
#[component]
pub fn HelpPage() -> impl IntoView {
    let Library {
        articles,
        sections,
        load,
    } = Library::load();
    let words = RwSignal::new(String::new());
    let AsTyped {
        hits,
        call: searching,
    } = AsTyped::follow(words, 1, PAUSE);
    let browse = move || {
        let list = articles.get()?;
        let all = sections.get();
        let tops = all
            .iter()
            .filter(|s| s.parent_id.is_none())
            .filter_map(|s| section_view(s, &all, &list))
            .collect_view();
        let loose: Vec<ArticleSummary> = list
            .iter()
            .filter(|a| {
                a.section_id
                    .is_none_or(|id| !all.iter().any(|s| s.id == id))
            })
            .cloned()
            .collect();
        Some(view! {
            {tops}
            {(!loose.is_empty()).then(|| view! {
                <section class="card help-section">
                    <h2>{t(Msg::OtherArticles)}</h2>
                    <ArticleList articles=loose/>
                </section>
            })}
            {list.is_empty().then(|| view! { <p class="empty">{t(Msg::NoArticles)}</p> })}
        })
    };
    view! {
        <h1>{t(Msg::Help)}</h1>
        <div class="card help-search" role="search">
            <TextField id="help-search" label=Msg::SearchHelp value=words kind="search"/>
            <div aria-live="polite">
                {move || hits.get().map(|found| if found.is_empty() {
                    view! { <p class="empty">{t(Msg::NoHelpFound)}</p> }.into_any()
                } else {
                    view! { <ArticleList articles=found/> }.into_any()
                })}
            </div>
            <ErrorNote message=searching.message()/>
        </div>
        <ErrorNote message=load.message()/>
        {move || (load.busy() && articles.with(Option::is_none)).then(|| view! { <Loading/> })}
        {move || hits.with(Option::is_none).then(browse)}
    }
}

/// One article, as published, with the other languages it is written in.
#[component]
pub fn HelpArticle(id: i64) -> impl IntoView {
    let ui = use_ui();
    let article = RwSignal::new(None::<Article>);
    let load = FormCall::new();
    load.run(kb_article(id, None), move |a| article.set(Some(a)));
    view! {
        <p><a href=ui.href("/help") on:click=follow(ui, "/help".to_string())>{t(Msg::Help)}</a></p>
        <ErrorNote message=load.message()/>
        {move || (load.busy() && article.with(Option::is_none)).then(|| view! { <Loading/> })}
        {move || article.get().map(|a| view! {
            <article class="card help-article" lang=a.summary.language.code()>
                <h1>{a.summary.title.clone()}</h1>
                <div class="text" inner_html=a.html.clone()></div>
                <Helped id=a.summary.id helped=a.helped/>
            </article>
            {(!a.related.is_empty()).then(|| view! {
                <section class="card">
                    <h2>{t(Msg::RelatedArticles)}</h2>
                    <ArticleList articles=a.related.clone()/>
                </section>
            })}
            {(!a.translations.is_empty()).then(|| view! {
                <p class="hint">{t(Msg::AlsoIn)} " "
                    {a.translations.iter().map(|&(other, lang)| {
                        let path = format!("/help/{other}");
                        view! { <a href=ui.href(&path) on:click=follow(ui, path) lang=lang.code()>{lang.native_name()}</a> " " }
                    }).collect_view()}
                </p>
            })}
        })}
    }
}

/// "Did this help?" under an article: yes or no in one tap, then an optional comment; a new
/// answer replaces the last.
#[component]
pub fn Helped(id: i64, helped: Option<bool>) -> impl IntoView {
    let answer = RwSignal::new(helped);
    let comment = RwSignal::new(String::new());
    let commented = RwSignal::new(false);
    let call = FormCall::new();
    let send = move |helpful: bool, with_comment: bool| {
        let input = ArticleFeedback {
            id,
            helpful,
            comment: with_comment.then(|| comment.get_untracked()),
        };
        call.run(rate_article(input), move |()| {
            answer.set(Some(helpful));
            commented.set(with_comment);
        });
    };
    let choice = move |helpful: bool, label: Msg| {
        view! {
            <button type="button" aria-pressed=move || (answer.get() == Some(helpful)).to_string()
                disabled=move || call.busy() on:click=move |_| send(helpful, false)>{t(label)}</button>
        }
    };
    // Several articles may ask at once (the suggestions beside a new ticket): ids of their own.
    let field = format!("helped-comment-{id}");
    view! {
        <section class="helped">
            <p><strong>{t(Msg::DidThisHelp)}</strong> " " {choice(true, Msg::Yes)} " " {choice(false, Msg::No)}</p>
            {move || answer.get().map(|helpful| if commented.get() {
                view! { <p role="status">{t(Msg::CommentSent)}</p> }.into_any()
            } else {
                view! {
                    <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        send(helpful, true);
                    }>
                        <div class="field">
                            <label for=field.clone()>{t(Msg::ThanksAnythingToAdd)}</label>
                            <textarea id=field.clone() rows="2" required=true bind:value=comment></textarea>
                        </div>
                        <button type="submit" disabled=move || call.busy()>{t(Msg::Send)}</button>
                    </form>
                }.into_any()
            })}
            <ErrorNote message=call.message()/>
        </section>
    }
}
