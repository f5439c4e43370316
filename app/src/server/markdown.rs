//! Light Markdown for what people write: emphasis, lists, links, code, quotes. Rendered on the
//! server and passed through an HTML sanitizer (ammonia) with a short allow-list, so no
//! user-supplied HTML reaches a page: HTML typed into a message is shown as text, and whatever
//! the Markdown renderer makes is cleaned again. Knowledge-base articles (`render_article`) may
//! also show pictures — only files uploaded here (`/api/attachments/<id>`), never an address
//! elsewhere (no tracking pixels, nothing fetched from another site).

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::OnceLock;

const TAGS: &[&str] = &[
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
];

/// The sanitizer for messages and the like.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(light)
}

fn light() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect::<HashSet<_>>())
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("ol", ["start"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"));
    b
}

/// The sanitizer for articles: the light one, and pictures whose source is a file uploaded
/// here. `render_with` keeps only those already; the sanitizer checks the source again.
fn article_sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = light();
        b.add_tags(["img"])
            .add_tag_attributes("img", ["src", "alt"])
            .attribute_filter(|element, attribute, value| {
                let picture = (element, attribute) == ("img", "src");
                (!picture || uploaded_here(value)).then_some(value.into())
            });
        b
    })
}

/// Whether `src` is exactly a file uploaded here (`/api/attachments/<id>`).
fn uploaded_here(src: &str) -> bool {
    match crate::kb::files(src)[..] {
        [id] => src == format!("{}{id}", crate::kb::FILE_PATH),
        _ => false,
    }
}

/// Safe HTML for a text: Markdown rendered, HTML in the source shown as text, line breaks kept
/// (people write plain text and expect their new lines to stay), a picture read as its
/// description.
pub fn render(text: &str) -> String {
    render_with(text, false)
}

/// Safe HTML for an article's text: as `render`, but pictures uploaded here are shown (any
/// other picture still reads as its description).
pub fn render_article(text: &str) -> String {
    render_with(text, true)
}

fn render_with(text: &str, pictures: bool) -> String {
    // For each picture being read: whether it is shown (else its description stays as text).
    let mut shown: Vec<bool> = Vec::new();
    let parser = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH);
    let events = parser.filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::SoftBreak => Some(Event::HardBreak),
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let show = pictures && uploaded_here(dest_url);
            shown.push(show);
            show.then_some(event)
        }
        Event::End(TagEnd::Image) => shown.pop().unwrap_or(false).then_some(event),
        other => Some(other),
    });
    let sanitizer = if pictures {
        article_sanitizer()
    } else {
        sanitizer()
    };
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, events);
    sanitizer.clean(&out).to_string()
}

/// What a text being written will look like once sent: cleaned by the rules a message goes
/// through (so a text the server would refuse is refused here too), then rendered.
pub fn preview(text: &str) -> Result<String, crate::error::AppError> {
    use crate::dto::limits::TEXT_MAX;
    let text = super::input::clean_text(crate::error::Field::Text, text, TEXT_MAX)?;
    Ok(render(&text))
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn light_markdown_renders() {
        assert_eq!(
            render("**bold** and *it*"),
            "<p><strong>bold</strong> and <em>it</em></p>\n"
        );
        assert_eq!(render("- a\n- b"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
        assert_eq!(
            render("line one\nline two"),
            "<p>line one<br>\nline two</p>\n"
        );
        assert!(render("`x < y`").contains("<code>x &lt; y</code>"));
        assert_eq!(
            render("[docs](https://example.org)"),
            "<p><a href=\"https://example.org\" rel=\"noopener noreferrer nofollow\">docs</a></p>\n"
        );
    }

    /// Every tag in `html`: its name and the whole tag text.
    fn tags(html: &str) -> Vec<(String, String)> {
        html.split('<')
            .skip(1)
            .map(|rest| {
                let tag = rest.split('>').next().unwrap_or("");
                let name = tag.trim_start_matches('/');
                let name = name.split([' ', '/']).next().unwrap_or("");
                (name.to_string(), tag.to_string())
            })
            .collect()
    }

    #[test]
    fn no_user_html_reaches_the_page() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<svg onload=alert(1)>",
            "[x](javascript:alert(1))",
            "![x](https://tracker.example/pixel.png)",
            "<a href=\"https://e.org\" onclick=\"alert(1)\">x</a>",
            "<iframe src=https://e.org></iframe>",
            "<div>\n<style>body{}</style>\n</div>",
        ] {
            let html = render(attack);
            for (name, tag) in tags(&html) {
                assert!(
                    super::TAGS.contains(&name.as_str()),
                    "{attack:?} gave {html:?}"
                );
                assert!(
                    !tag.contains(" on") && !tag.contains("javascript:"),
                    "{attack:?} gave {html:?}"
                );
            }
        }
        // Typed HTML is shown as the text it is.
        assert_eq!(render("<b>hi</b>"), "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n");
    }

    #[test]
    fn articles_show_only_pictures_uploaded_here() {
        use super::render_article;
        assert_eq!(
            render_article("![plan](/api/attachments/12)"),
            "<p><img src=\"/api/attachments/12\" alt=\"plan\"></p>\n"
        );
        // A message shows no picture at all: its description.
        assert_eq!(
            super::render("![plan](/api/attachments/12)"),
            "<p>plan</p>\n"
        );
        for elsewhere in [
            "![x](https://tracker.example/pixel.png)",
            "![x](//tracker.example/api/attachments/1)",
            "![x](/api/attachments/1?u=2)",
            "![x](/api/attachments/1/../../logout)",
            "![x](javascript:alert(1))",
            "![x](data:image/png;base64,AAAA)",
        ] {
            let html = render_article(elsewhere);
            assert_eq!(html, "<p>x</p>\n", "{elsewhere:?}");
        }
        for attack in [
            "<img src=/api/attachments/1 onerror=alert(1)>",
            "![x](/api/attachments/1 \"t\" onerror=alert(1))",
            "![x\" onerror=\"alert(1)](/api/attachments/1)",
        ] {
            let html = render_article(attack);
            for (_, tag) in tags(&html) {
                // The attribute names: what stands before `=` outside quoted values.
                let names: Vec<&str> = tag
                    .split('"')
                    .step_by(2)
                    .flat_map(|outside| outside.split_whitespace())
                    .filter_map(|word| word.strip_suffix('='))
                    .collect();
                assert!(
                    names.iter().all(|n| ["src", "alt"].contains(n)),
                    "{attack:?} gave {html:?}"
                );
            }
        }
    }
}
