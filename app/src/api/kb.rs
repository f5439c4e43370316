//! The knowledge base: sections and articles — read by clients in the portal's Help (published,
//! meant for them), written by staff, published by admins.

use crate::dto::{Article, ArticleInput, ArticleMove, ArticleSummary, ArticleVersion, Section};
use crate::dto::{ArticleFeedback, KbAnalytics, LinkedArticle, SectionInput, StatsQuery};
use crate::i18n::Lang;

endpoint! {
    /// Every section, by name.
    "kb/sections" for AnyRole => pub async fn kb_sections() -> Vec<Section> |caller| {
        crate::server::kb::read::sections(&caller.state).await
    }
}

endpoint! {
    /// Creates a section (no `id`), or renames or moves one; every section comes back.
    "kb/save_section" for Admin => pub async fn save_section(input: SectionInput) -> Vec<Section> |caller| {
        let sections = crate::server::kb::write::save_section(&caller.state, &input).await?;
        let target = sections.iter().find(|s| Some(s.id) == input.id || s.name == input.name.trim()).map(|s| s.id);
        caller.audit(crate::audit::Action::SectionSaved, target, input.name.trim()).await?;
        Ok(sections)
    }
}

endpoint! {
    /// The articles the caller may read: clients the published ones meant for them, staff all.
    "kb/articles" for AnyRole => pub async fn kb_articles() -> Vec<ArticleSummary> |caller| {
        crate::server::kb::read::list(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// One article as the caller may read it; a client's reading counts as a view
    /// (`suggested`: opened from the suggestions beside a new ticket's form).
    "kb/article" for AnyRole => pub async fn kb_article(id: i64, suggested: Option<bool>) -> Article |caller| {
        let suggested = suggested.unwrap_or(false);
        crate::server::kb::read::view(&caller.state, caller.session()?, id, suggested).await
    }
}

endpoint! {
    /// Published articles matching the words (the last a prefix), best first, in `lang` first.
    "kb/search" for AnyRole => pub async fn kb_search(words: String, lang: Lang) -> Vec<ArticleSummary> |caller| {
        crate::server::kb::search::search(&caller.state, caller.session()?, &words, lang).await
    }
}

endpoint! {
    /// Saves an article: a new one, or a new version (a draft) of one.
    "kb/save" for Staff => pub async fn save_article(input: ArticleInput) -> Article |caller| {
        crate::server::kb::write::save(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    /// A workflow step on an article's latest version: submit, publish, archive, withdraw.
    "kb/step" for Staff => pub async fn step_article(input: ArticleMove) -> Article |caller| {
        crate::server::kb::write::step(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    /// Every version of an article, newest first.
    "kb/versions" for Staff => pub async fn article_versions(id: i64) -> Vec<ArticleVersion> |caller| {
        crate::server::kb::read::versions(&caller.state, caller.session()?, id).await
    }
}

endpoint! {
    /// An older version saved again as the newest (a draft); `seen` is the latest version the
    /// caller looked at.
    "kb/restore" for Staff => pub async fn restore_article(id: i64, version: i64, seen: i64) -> Article |caller| {
        crate::server::kb::write::restore(&caller.state, caller.session()?, id, version, seen).await
    }
}

endpoint! {
    /// "Did this help?": a client's answer about an article they read, with an optional comment.
    "kb/feedback" for Client => pub async fn rate_article(input: ArticleFeedback) -> () |caller| {
        crate::server::kb::usage::feedback(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    /// Links an article from a ticket the caller deals with (`solved`: the one that solved it,
    /// shown to its client); the ticket's articles come back.
    "kb/link" for Staff => pub async fn link_article(ticket_id: i64, article_id: i64, solved: bool) -> Vec<LinkedArticle> |caller| {
        crate::server::kb::usage::link(&caller.state, caller.session()?, ticket_id, article_id, solved).await
    }
}

endpoint! {
    /// The articles linked from a ticket, as the caller may see them.
    "kb/for_ticket" for AnyRole => pub async fn ticket_articles(ticket_id: i64) -> Vec<LinkedArticle> |caller| {
        crate::server::kb::usage::linked(&caller.state, caller.session()?, ticket_id).await
    }
}

endpoint! {
    /// How the knowledge base was used over a period.
    "kb/analytics" for Admin => pub async fn kb_usage(query: StatsQuery) -> KbAnalytics |caller| {
        crate::server::kb::usage::analytics(&caller.state, &query).await
    }
}

endpoint! {
    /// The operators an admin let publish articles.
    "kb/publishers" for Admin => pub async fn kb_publishers() -> Vec<i64> |caller| {
        crate::server::kb::write::publishers(&caller.state).await
    }
}

endpoint! {
    /// Lets an operator publish and archive articles, or no longer; the operators who may.
    "kb/set_publisher" for Admin => pub async fn set_publisher(operator_id: i64, allowed: bool) -> Vec<i64> |caller| {
        let publishers = crate::server::kb::write::set_publisher(&caller.state, caller.session()?, operator_id, allowed).await?;
        let detail = if allowed { "allowed" } else { "not allowed" };
        caller.audit(crate::audit::Action::PublisherSet, Some(operator_id), detail).await?;
        Ok(publishers)
    }
}
