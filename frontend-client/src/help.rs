//! The portal's Help: the published articles meant for clients, by section, and a search that
//! answers as the client types; one article with the other languages it is written in.

use app::api::kb::{kb_article, kb_search};
use app::dto::{Article, ArticleSummary, Section};
use app::i18n::Msg;
use app::ui::{follow, t, use_ui, ErrorNote, FormCall, Library, Loading, TextField};
use leptos::prelude::*;

/// `/help/N`: article N.
pub fn help_path(path: &str) -> Option<i64> {
    path.strip_prefix("/help/")?.parse().ok()
}

/// How long typing pauses before the search asks.
const PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

#[component]
fn ArticleList(articles: Vec<ArticleSummary>) -> impl IntoView {
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
    let ui = use_ui();
    let Library {
        articles,
        sections,
        load,
    } = Library::load();
    let words = RwSignal::new(String::new());
    let hits = RwSignal::new(None::<Vec<ArticleSummary>>);
    let searching = FormCall::new();
    // The search asks once typing pauses; only the answer to the latest words is shown.
    let asked = StoredValue::new(0u32);
    Effect::watch(
        move || words.get(),
        move |typed, _, _| {
            let n = asked.get_value().wrapping_add(1);
            asked.set_value(n);
            let typed = typed.trim().to_string();
            if typed.is_empty() {
                hits.set(None);
                return;
            }
            set_timeout(
                move || {
                    if asked.try_get_value() != Some(n) {
                        return;
                    }
                    searching.run(kb_search(typed, ui.lang.get_untracked()), move |found| {
                        if asked.try_get_value() == Some(n) {
                            hits.set(Some(found));
                        }
                    });
                },
                PAUSE,
            );
        },
        false,
    );
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
    load.run(kb_article(id), move |a| article.set(Some(a)));
    view! {
        <p><a href=ui.href("/help") on:click=follow(ui, "/help".to_string())>{t(Msg::Help)}</a></p>
        <ErrorNote message=load.message()/>
        {move || (load.busy() && article.with(Option::is_none)).then(|| view! { <Loading/> })}
        {move || article.get().map(|a| view! {
            <article class="card help-article" lang=a.summary.language.code()>
                <h1>{a.summary.title.clone()}</h1>
                <div class="text" inner_html=a.html.clone()></div>
            </article>
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
