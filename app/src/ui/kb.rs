//! The knowledge base in the staff apps: the list of articles with their states (and, for
//! admins, the sections), and one article's page — the form that saves a new version, the
//! workflow's steps the caller may take, the versions (each compared with the latest, or
//! restored) and the history. Only the staff apps reference it; clients read articles in the
//! portal's Help.

use super::canned::{put_at_caret, put_in_reply};
use super::files::{upload_files, UnderWay};
use crate::api::accounts::accounts_overview;
use crate::api::kb::{
    article_versions, kb_article, kb_articles, kb_publishers, kb_search, kb_sections, kb_usage,
    link_article, restore_article, save_article, save_section, set_publisher, step_article,
    ticket_articles,
};
use crate::canned::escape_markdown;
use crate::dto::limits::{ARTICLE_BODY_MAX, ARTICLE_TITLE_MAX, SECTION_MAX};
use crate::dto::{Account, Bucket, KbAnalytics, Period, StatsFilter, StatsQuery};
use crate::dto::{
    Article, ArticleInput, ArticleMove, ArticleSummary, ArticleVersion, LinkedArticle, Role,
    Section, SectionInput,
};
use crate::i18n::{Lang, Msg};
use crate::kb::{diff, file_markdown, ArticleChange, ArticleState, ArticleStep, Diff};
use crate::report::share;
use crate::ui::{
    follow, id_options, label, t, use_ui, ErrorNote, FormCall, Loading, Select, TextArea,
    TextField, When,
};
use leptos::prelude::*;

/// `/kb/N`: article N's page.
pub fn kb_path(path: &str) -> Option<i64> {
    path.strip_prefix("/kb/")?.parse().ok()
}

/// A section's name as a list shows it: "Accounts › Passwords" for one inside another.
pub fn section_name(sections: &[Section], id: Option<i64>) -> Option<String> {
    let section = sections.iter().find(|s| Some(s.id) == id)?;
    Some(
        match section
            .parent_id
            .and_then(|p| sections.iter().find(|s| s.id == p))
        {
            Some(parent) => format!("{} › {}", parent.name, section.name),
            None => section.name.clone(),
        },
    )
}

/// The articles the reader may read and the sections, as they come (`load` says how).
#[derive(Clone, Copy)]
pub struct Library {
    pub articles: RwSignal<Option<Vec<ArticleSummary>>>,
    pub sections: RwSignal<Vec<Section>>,
    pub load: FormCall,
}

impl Library {
    pub fn load() -> Library {
        let library = Library {
            articles: RwSignal::new(None),
            sections: RwSignal::new(Vec::new()),
            load: FormCall::new(),
        };
        library
            .load
            .run(kb_articles(), move |list| library.articles.set(Some(list)));
        library
            .load
            .run(kb_sections(), move |list| library.sections.set(list));
        library
    }
}

/// A search of the published articles that follows what is typed into `words`: it asks once
/// typing pauses for `pause` (and only for `min` characters or more), and shows only the answer
/// to the latest words — `None` while there is nothing to look for.
pub struct AsTyped {
    pub hits: RwSignal<Option<Vec<ArticleSummary>>>,
    pub call: FormCall,
}

impl AsTyped {
    pub fn follow(words: RwSignal<String>, min: usize, pause: std::time::Duration) -> AsTyped {
        let ui = use_ui();
        let found = AsTyped {
            hits: RwSignal::new(None),
            call: FormCall::new(),
        };
        let asked = StoredValue::new(0u32);
        Effect::watch(
            move || words.get(),
            move |typed, _, _| {
                let n = asked.get_value().wrapping_add(1);
                asked.set_value(n);
                let typed = typed.trim().to_string();
                if typed.chars().count() < min.max(1) {
                    found.hits.set(None);
                    return;
                }
                set_timeout(
                    move || {
                        if asked.try_get_value() != Some(n) {
                            return;
                        }
                        let lang = ui.lang.get_untracked();
                        found.call.run(kb_search(typed, lang), move |list| {
                            if asked.try_get_value() == Some(n) {
                                found.hits.set(Some(list));
                            }
                        });
                    },
                    pause,
                );
            },
            false,
        );
        found
    }
}

/// A link to an article's page in this app.
#[component]
fn ArticleLink(id: i64, title: String) -> impl IntoView {
    let ui = use_ui();
    let path = format!("/kb/{id}");
    view! { <a href=ui.href(&path) on:click=follow(ui, path)>{title}</a> }
}

/// Every article with where it stands, newest changes first within a state filter; admins
/// also keep the sections here.
#[component]
pub fn KbPage() -> impl IntoView {
    let ui = use_ui();
    let Library {
        articles,
        sections,
        load,
    } = Library::load();
    let shown_state = RwSignal::new(String::new());
    let rows = move || {
        let lang = ui.lang.get();
        let wanted = ArticleState::parse(&shown_state.get());
        let all = sections.get();
        articles.get().map(|list| {
            list.into_iter()
                .filter(|a| wanted.is_none_or(|w| a.state == w))
                .map(|a| {
                    let section = section_name(&all, a.section_id)
                        .unwrap_or_else(|| Msg::NoSection.text(lang).to_string());
                    view! {
                        <tr>
                            <td data-label=Msg::ArticleTitle.text(lang)><ArticleLink id=a.id title=a.title.clone()/></td>
                            <td data-label=Msg::Language.text(lang)>{a.language.native_name()}</td>
                            <td data-label=Msg::Section.text(lang)>{section}</td>
                            <td data-label=Msg::ArticleStateLabel.text(lang)>
                                <span class=format!("badge kb-{}", a.state.as_str())>{label(a.state, ArticleState::label)}</span>
                                {a.staff_only.then(|| view! { " " <span class="hint">{t(Msg::StaffOnly)}</span> })}
                            </td>
                            <td data-label=Msg::Updated.text(lang)><When at=a.updated_at/></td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <h1>{t(Msg::KnowledgeBase)}</h1>
        <p class="actions cta">
            <a href=ui.href("/kb/new") on:click=follow(ui, "/kb/new".to_string())>{t(Msg::NewArticle)}</a>
        </p>
        <section class="card">
            <Select id="kb-state" label=Msg::ArticleStateLabel blank=Msg::AllStates
                options=crate::ui::choices(&ArticleState::CHOICES)
                current=Signal::derive(move || shown_state.get())
                on_pick=move |v| shown_state.set(v)/>
            <ErrorNote message=load.message()/>
            {move || (load.busy() && articles.with(Option::is_none)).then(|| view! { <Loading/> })}
            {move || articles.with(|a| a.as_ref().is_some_and(Vec::is_empty))
                .then(|| view! { <p class="empty">{t(Msg::NoArticles)}</p> })}
            <table class="kb">
                <thead><tr>
                    <th scope="col">{t(Msg::ArticleTitle)}</th>
                    <th scope="col">{t(Msg::Language)}</th>
                    <th scope="col">{t(Msg::Section)}</th>
                    <th scope="col">{t(Msg::ArticleStateLabel)}</th>
                    <th scope="col">{t(Msg::Updated)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
        {(ui.app == Role::Admin).then(|| view! {
            <SectionsForm sections=sections/>
            <Publishers/>
            <KbUsage/>
        })}
    }
}

/// The operators an admin lets publish and archive articles (admins always may).
#[component]
fn Publishers() -> impl IntoView {
    let operators = RwSignal::new(Vec::<Account>::new());
    let granted = RwSignal::new(Vec::<i64>::new());
    let call = FormCall::new();
    call.run(accounts_overview(), move |list| {
        operators.set(
            list.accounts
                .into_iter()
                .filter(|a| a.role == Role::Operator && !a.disabled)
                .collect(),
        )
    });
    call.run(kb_publishers(), move |ids| granted.set(ids));
    view! {
        <section class="card kb-publishers" aria-labelledby="kb-publishers-title">
            <h2 id="kb-publishers-title">{t(Msg::Publishers)}</h2>
            <p class="hint">{t(Msg::PublishersHint)}</p>
            <ul>
                {move || operators.get().into_iter().map(|a| {
                    let id = a.id;
                    view! {
                        <li>
                            <label class="check">
                                <input type="checkbox"
                                    prop:checked=move || granted.with(|g| g.contains(&id))
                                    disabled=move || call.busy()
                                    on:change=move |ev| {
                                        let allowed = event_target_checked(&ev);
                                        call.run(set_publisher(id, allowed), move |ids| granted.set(ids));
                                    }/>
                                {a.full_name}
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ErrorNote message=call.message()/>
        </section>
    }
}

/// How the knowledge base was used over a period (admins): what clients read and whether it
/// helped, tickets it made unnecessary, searches and the words that found nothing, and the
/// articles most read and most linked from tickets.
#[component]
fn KbUsage() -> impl IntoView {
    let period = RwSignal::new(Period::Last30Days);
    let figures = RwSignal::new(None::<KbAnalytics>);
    let call = FormCall::new();
    Effect::new(move |_| {
        let query = StatsQuery {
            period: period.get(),
            bucket: Bucket::Day,
            filter: StatsFilter::default(),
        };
        call.run(kb_usage(query), move |f| figures.set(Some(f)));
    });
    const PERIODS: [(&str, Msg); 3] = [
        ("today", Msg::PeriodToday),
        ("7", Msg::PeriodLast7Days),
        ("30", Msg::PeriodLast30Days),
    ];
    view! {
        <section class="card kb-usage" aria-labelledby="kb-usage-title">
            <h2 id="kb-usage-title">{t(Msg::KbUse)}</h2>
            <Select id="kb-usage-period" label=Msg::Period
                options=crate::ui::choices(&PERIODS)
                current="30".to_string()
                on_pick=move |v| period.set(match v.as_str() {
                    "today" => Period::Today,
                    "7" => Period::Last7Days,
                    _ => Period::Last30Days,
                })/>
            <ErrorNote message=call.message()/>
            {move || figures.get().map(|f| view! {
                <dl class="figures">
                    <dt>{t(Msg::KbViews)}</dt><dd>{f.views}</dd>
                    <dt>{t(Msg::Helpful)}</dt><dd>{share(f.helpful, f.unhelpful)}</dd>
                    <dt>{t(Msg::Deflections)}</dt><dd>{f.deflections}</dd>
                    <dt>{t(Msg::KbSearches)}</dt><dd>{f.searches}</dd>
                </dl>
                <p class="hint">{t(Msg::DeflectionsHint)}</p>
                <h3>{t(Msg::NotFoundWords)}</h3>
                <table class="kb-not-found">
                    <thead><tr><th scope="col">{t(Msg::KbSearches)}</th><th scope="col" class="num">{t(Msg::Times)}</th></tr></thead>
                    <tbody>{f.not_found.into_iter().map(|(words, n)| view! {
                        <tr><td>{words}</td><td class="num">{n}</td></tr>
                    }).collect_view()}</tbody>
                </table>
                <h3>{t(Msg::KnowledgeBase)}</h3>
                <table class="kb-articles-use">
                    <thead><tr>
                        <th scope="col">{t(Msg::ArticleTitle)}</th>
                        <th scope="col" class="num">{t(Msg::KbViews)}</th>
                        <th scope="col" class="num">{t(Msg::Helpful)}</th>
                        <th scope="col" class="num">{t(Msg::Unhelpful)}</th>
                        <th scope="col" class="num">{t(Msg::LinkedFromTickets)}</th>
                    </tr></thead>
                    <tbody>{f.articles.into_iter().map(|a| view! {
                        <tr>
                            <td><ArticleLink id=a.id title=a.title/></td>
                            <td class="num">{a.views}</td>
                            <td class="num">{a.helpful}</td>
                            <td class="num">{a.unhelpful}</td>
                            <td class="num">{a.linked}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            })}
        </section>
    }
}

/// The admin's sections: the list, and a form that adds one at the top or inside another.
#[component]
fn SectionsForm(sections: RwSignal<Vec<Section>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(None::<i64>);
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SectionInput {
            id: None,
            parent_id: parent.get_untracked(),
            name: name.get_untracked(),
        };
        call.run(save_section(input), move |list| {
            sections.set(list);
            name.set(String::new());
        });
    };
    view! {
        <form class="card form row kb-sections" on:submit=submit>
            <h2>{t(Msg::Sections)}</h2>
            <ul>
                {move || {
                    let all = sections.get();
                    all.iter().map(|s| view! { <li>{section_name(&all, Some(s.id))}</li> }).collect_view()
                }}
            </ul>
            <TextField id="section-name" label=Msg::Section value=name required=true maxlength=SECTION_MAX/>
            <Select id="section-parent" label=Msg::ParentSection blank=Msg::TopLevel
                options=id_options(sections, |s| s.parent_id.is_none().then(|| (s.id, s.name.clone())))
                current=Signal::derive(move || parent.get().map(|p| p.to_string()).unwrap_or_default())
                on_pick=move |v| parent.set(v.parse().ok())/>
            <ErrorNote message=call.message()/>
            <button type="submit" disabled=move || call.busy()>{t(Msg::AddSection)}</button>
        </form>
    }
}

/// What the form holds while it is written.
#[derive(Clone, Copy)]
struct Fields {
    title: RwSignal<String>,
    body: RwSignal<String>,
    tags: RwSignal<String>,
    section: RwSignal<Option<i64>>,
    language: RwSignal<Lang>,
    translation_of: RwSignal<Option<i64>>,
    staff_only: RwSignal<bool>,
}

impl Fields {
    fn new(lang: Lang) -> Fields {
        Fields {
            title: RwSignal::new(String::new()),
            body: RwSignal::new(String::new()),
            tags: RwSignal::new(String::new()),
            section: RwSignal::new(None),
            language: RwSignal::new(lang),
            translation_of: RwSignal::new(None),
            staff_only: RwSignal::new(false),
        }
    }

    /// The form shows `a` as last saved.
    fn show(self, a: &Article) {
        self.title.set(a.summary.title.clone());
        self.body.set(a.body.clone());
        self.tags.set(a.tags.join(", "));
        self.section.set(a.summary.section_id);
        self.language.set(a.summary.language);
        self.translation_of.set(a.translation_of);
        self.staff_only.set(a.summary.staff_only);
    }

    fn input(self, id: Option<i64>, seen: Option<i64>) -> ArticleInput {
        ArticleInput {
            id,
            section_id: self.section.get_untracked(),
            language: self.language.get_untracked(),
            translation_of: self.translation_of.get_untracked(),
            staff_only: self.staff_only.get_untracked(),
            title: self.title.get_untracked(),
            body: self.body.get_untracked(),
            tags: self
                .tags
                .get_untracked()
                .split(',')
                .map(str::to_string)
                .collect(),
            seen,
        }
    }
}

/// One article's page (`id` none: a new one): the form, the steps, the versions, the history.
#[component]
pub fn KbArticlePage(id: Option<i64>) -> impl IntoView {
    let ui = use_ui();
    let article = RwSignal::new(None::<Article>);
    let Library {
        articles,
        sections,
        load,
    } = Library::load();
    // The articles this one may translate: every other.
    let others = Signal::derive(move || {
        articles.with(|list| {
            list.iter()
                .flatten()
                .filter(|a| Some(a.id) != id)
                .map(|a| {
                    let name = format!("{} ({})", a.title, a.language.native_name());
                    (a.id.to_string(), name)
                })
                .collect()
        })
    });
    let fields = Fields::new(ui.lang.get_untracked());
    if let Some(id) = id {
        load.run(kb_article(id, None), move |a| {
            fields.show(&a);
            article.set(Some(a));
        });
    }
    let save = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let seen = article.with_untracked(|a| a.as_ref().map(|a| a.summary.version));
        save.run(save_article(fields.input(id, seen)), move |a: Article| {
            // A new article's page is its own (this one goes with the navigation).
            if id.is_none() {
                return ui.navigate(&format!("/kb/{}", a.summary.id));
            }
            fields.show(&a);
            article.set(Some(a));
        });
    };
    let language_options = Signal::derive(|| {
        Lang::ALL
            .iter()
            .map(|l| (l.code().to_string(), l.native_name().to_string()))
            .collect()
    });
    view! {
        <p><a href=ui.href("/kb") on:click=follow(ui, "/kb".to_string())>{t(Msg::KnowledgeBase)}</a></p>
        <h1>{move || article.with(|a| a.as_ref().map(|a| a.summary.title.clone()))
            .unwrap_or_else(|| Msg::NewArticle.text(ui.lang.get()).to_string())}</h1>
        <ErrorNote message=load.message()/>
        {move || article.get().map(|a| view! { <Standing article=a.clone() on_change=move |a: Article| {
            fields.show(&a);
            article.set(Some(a));
        }/> })}
        <form class="card form kb-article" on:submit=submit>
            <TextField id="article-title" label=Msg::ArticleTitle value=fields.title required=true maxlength=ARTICLE_TITLE_MAX/>
            <div class="row">
                <Select id="article-section" label=Msg::Section blank=Msg::NoSection
                    options=Signal::derive(move || {
                        let all = sections.get();
                        all.iter().map(|s| (s.id.to_string(), section_name(&all, Some(s.id)).unwrap_or_default())).collect()
                    })
                    current=Signal::derive(move || fields.section.get().map(|s| s.to_string()).unwrap_or_default())
                    on_pick=move |v| fields.section.set(v.parse().ok())/>
                <Select id="article-language" label=Msg::Language options=language_options
                    current=Signal::derive(move || fields.language.get().code().to_string())
                    on_pick=move |v| fields.language.set(Lang::from_tag(&v).unwrap_or_default())/>
                <Select id="article-translation" label=Msg::TranslationOf blank=Msg::NoTranslation
                    options=others
                    current=Signal::derive(move || fields.translation_of.get().map(|s| s.to_string()).unwrap_or_default())
                    on_pick=move |v| fields.translation_of.set(v.parse().ok())/>
            </div>
            <TextField id="article-tags" label=Msg::Tags value=fields.tags hint=Msg::TagsHint/>
            <TextArea id=BODY label=Msg::Text value=fields.body required=true maxlength=ARTICLE_BODY_MAX/>
            <ArticleFiles body=fields.body/>
            <label class="check">
                <input type="checkbox" id="article-staff-only" bind:checked=fields.staff_only/>
                {t(Msg::StaffOnly)}
            </label>
            <p class="hint">{t(Msg::SaveMakesDraft)}</p>
            <ErrorNote message=save.message()/>
            <button type="submit" class="primary" disabled=move || save.busy()>{t(Msg::SaveVersion)}</button>
        </form>
        {move || article.get().map(|a| view! {
            <section class="card" aria-labelledby="as-readers-see">
                <h2 id="as-readers-see">{t(Msg::AsReadersSee)}</h2>
                <div class="text" inner_html=a.html.clone()></div>
            </section>
            <Versions article=a.clone() on_change=move |a: Article| {
                fields.show(&a);
                article.set(Some(a));
            }/>
            <ArticleHistory article=a/>
        })}
    }
}

/// The article's text box.
const BODY: &str = "article-body";

/// Pictures and files for an article: each one chosen is uploaded at once and put into the text
/// where the caret is — a picture where it should appear, another file as a link to download
/// it. Saving the text makes them the article's.
#[component]
fn ArticleFiles(body: RwSignal<String>) -> impl IntoView {
    let call = FormCall::new();
    let uploading = RwSignal::new(Vec::new());
    let chosen = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        upload_files(input.files(), uploading, call, move |a| {
            let image = a.media_type.starts_with("image/");
            put_at_caret(BODY, body, &file_markdown(&a.name, a.id, image), false);
        });
        input.set_value("");
    };
    view! {
        <div class="field">
            <label for="article-file">{t(Msg::ArticleFiles)}</label>
            <input type="file" id="article-file" multiple aria-describedby="article-file-hint" on:change=chosen/>
            <p class="hint" id="article-file-hint">{t(Msg::ArticleFilesHint)}</p>
            <ul class="files" aria-live="polite"><UnderWay uploading/></ul>
            <ErrorNote message=call.message()/>
        </div>
    }
}

/// Where the article stands, and the steps the caller may take from there.
#[component]
fn Standing(
    article: Article,
    on_change: impl Fn(Article) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let call = FormCall::new();
    let (id, version) = (article.summary.id, article.summary.version);
    let state = article.summary.state;
    view! {
        <section class="card kb-standing">
            <p>
                <span class=format!("badge kb-{}", state.as_str())>{label(state, ArticleState::label)}</span>
                " · " {t(Msg::Version)} " " {version}
                " · " {match article.summary.published_version {
                    Some(v) => view! { {t(Msg::ReadersSee)} " " {v} }.into_any(),
                    None => view! { {t(Msg::NotPublished)} }.into_any(),
                }}
                {article.summary.staff_only.then(|| view! { " · " {t(Msg::StaffOnly)} })}
            </p>
            <p class="actions">
                {article.steps.iter().map(|&step| view! {
                    <button type="button" class=if step == ArticleStep::Publish { "primary" } else { "" }
                        disabled=move || call.busy()
                        on:click=move |_| call.run(step_article(ArticleMove { id, step, version }), on_change)>
                        {label(step, ArticleStep::label)}
                    </button>
                }).collect_view()}
            </p>
            <ErrorNote message=call.message()/>
        </section>
    }
}

/// The versions, newest first: each compared with the latest, or restored as a new version.
#[component]
fn Versions(
    article: Article,
    on_change: impl Fn(Article) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (id, latest) = (article.summary.id, article.summary.version);
    let versions = RwSignal::new(Vec::<ArticleVersion>::new());
    let compared = RwSignal::new(None::<i64>);
    let call = FormCall::new();
    call.run(article_versions(id), move |list| versions.set(list));
    let comparison = move || {
        let old = compared.get()?;
        versions.with(|all| {
            let newest = all.iter().find(|v| v.version == latest)?;
            let older = all.iter().find(|v| v.version == old)?;
            let before = format!("{}\n\n{}", older.title, older.body);
            let after = format!("{}\n\n{}", newest.title, newest.body);
            let lines = diff(&before, &after)
                .into_iter()
                .map(|d| match d {
                    Diff::Same(l) => view! { <li class="same">{l.to_string()}</li> }.into_any(),
                    Diff::Removed(l) => view! { <li class="removed"><span class="mark">"− "</span>{l.to_string()}</li> }.into_any(),
                    Diff::Added(l) => view! { <li class="added"><span class="mark">"+ "</span>{l.to_string()}</li> }.into_any(),
                })
                .collect_view();
            Some(view! {
                <h3>{t(Msg::Version)} " " {old} " → " {latest}</h3>
                <ol class="diff">{lines}</ol>
            })
        })
    };
    view! {
        <details class="card kb-versions">
            <summary>{t(Msg::Versions)}</summary>
            <ol class="versions">
                {move || versions.get().into_iter().map(|v| {
                    let n = v.version;
                    view! {
                        <li>
                            <strong>{t(Msg::Version)} " " {n}</strong> " · " {v.author_name.clone()} " · " <When at=v.saved_at/>
                            {(n != latest).then(|| view! {
                                " "
                                <button type="button" class="link" on:click=move |_| compared.set(Some(n))>{t(Msg::CompareLatest)}</button>
                                " "
                                <button type="button" class="link" disabled=move || call.busy()
                                    on:click=move |_| call.run(restore_article(id, n, latest), on_change)>{t(Msg::Restore)}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {comparison}
            <ErrorNote message=call.message()/>
        </details>
    }
}

/// Who did what to the article, oldest first.
#[component]
fn ArticleHistory(article: Article) -> impl IntoView {
    view! {
        <details class="card">
            <summary>{t(Msg::History)}</summary>
            <ol class="history">
                {article.history.into_iter().map(|e| view! {
                    <li>
                        <When at=e.at/> " · " {e.actor_name} " · " {label(e.change, ArticleChange::label)}
                        " · " {t(Msg::Version)} " " {e.version}
                        {e.from_version.map(|from| view! { " ← " {from} })}
                    </li>
                }).collect_view()}
            </ol>
        </details>
    }
}

/// The knowledge base beside a ticket's composer (staff): published articles found as one
/// types — a link to one or its text goes into the reply where the caret is, or it is marked
/// as the one that solved the ticket, which its client then sees —, and the articles linked
/// from the ticket so far.
#[component]
pub fn ArticlePicker(ticket: i64, body: RwSignal<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    let words = RwSignal::new(String::new());
    let found = AsTyped::follow(words, 1, std::time::Duration::from_millis(150));
    let linked = RwSignal::new(Vec::<LinkedArticle>::new());
    let call = FormCall::new();
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() {
            call.run(ticket_articles(ticket), move |list| linked.set(list));
        }
    };
    let link = move |article: i64, solved: bool| {
        call.run(link_article(ticket, article, solved), move |list| {
            linked.set(list)
        });
    };
    let insert_link = move |a: ArticleSummary| {
        let text = format!("[{}](/help/{})", escape_markdown(&a.title), a.id);
        put_in_reply(body, &text, false);
        link(a.id, false);
    };
    let insert_text = move |a: ArticleSummary| {
        let published = a.published_version;
        call.run(article_versions(a.id), move |versions| {
            if let Some(v) = versions.iter().find(|v| Some(v.version) == published) {
                put_in_reply(body, &v.body, false);
                link(a.id, false);
            }
        });
    };
    view! {
        <p class="kb-open">
            <button type="button" class="link" id="kb-open" aria-expanded=move || open.get().to_string()
                on:click=toggle>{t(Msg::KnowledgeBase)}</button>
        </p>
        {move || open.get().then(|| view! {
            <div class="card kb-picker">
                <TextField id="kb-find" label=Msg::FindArticle value=words kind="search"/>
                <ul class="kb-found">
                    {move || found.hits.get().unwrap_or_default().into_iter().map(|a| {
                        let (for_link, for_text, id) = (a.clone(), a.clone(), a.id);
                        let for_clients = !a.staff_only;
                        view! {
                            <li>
                                <strong>{a.title.clone()}</strong>
                                {a.staff_only.then(|| view! { " " <span class="hint">{t(Msg::StaffOnly)}</span> })}
                                <span class="actions">
                                    {for_clients.then(|| view! {
                                        <button type="button" class="link" on:click=move |_| insert_link(for_link.clone())>{t(Msg::InsertLink)}</button>
                                    })}
                                    <button type="button" class="link" on:click=move |_| insert_text(for_text.clone())>{t(Msg::InsertText)}</button>
                                    {for_clients.then(|| view! {
                                        <button type="button" class="link" on:click=move |_| link(id, true)>{t(Msg::SolvedByThis)}</button>
                                    })}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {move || (!linked.with(Vec::is_empty)).then(|| view! {
                    <h3>{t(Msg::ArticlesForTicket)}</h3>
                    <ul class="kb-linked">
                        {linked.get().into_iter().map(|l| view! {
                            <li><ArticleLink id=l.id title=l.title/>
                                {l.solved.then(|| view! { " · " <strong>{t(Msg::SolvedMark)}</strong> })}</li>
                        }).collect_view()}
                    </ul>
                })}
                <ErrorNote message=found.call.message()/>
                <ErrorNote message=call.message()/>
            </div>
        })}
    }
}
