//! Light Markdown for what people write: emphasis, lists, links, code, quotes. Rendered on the
//! server and passed through an HTML sanitizer (ammonia) with a short allow-list, so no
//! user-supplied HTML reaches a page: HTML typed into a message is shown as text, and whatever
//! the Markdown renderer makes is cleaned again.

use pulldown_cmark::{html, Event, Options, Parser};
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

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.tags(TAGS.iter().copied().collect::<HashSet<_>>())
            .add_tag_attributes("a", ["href"])
            .add_tag_attributes("ol", ["start"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer nofollow"));
        b
    })
}

/// Safe HTML for a text: Markdown rendered, HTML in the source shown as text, line breaks kept
/// (people write plain text and expect their new lines to stay).
pub fn render(text: &str) -> String {
    let events = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::SoftBreak => Event::HardBreak,
        other => other,
    });
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, events);
    sanitizer().clean(&out).to_string()
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
}
