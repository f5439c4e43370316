//! An e-mail's words: subject, plain text and HTML, in the reader's language. Pure — the sender
//! (`outbox`) gathers what a letter says and sends what this makes. Every value a person typed
//! (names, subjects, messages) is escaped in the HTML part, whose quoted message is the same
//! sanitized Markdown rendering the apps show; nothing in it needs an image to be read.

use super::texts::{self, Text};
use crate::dto::Notice;
use crate::i18n::Lang;
use crate::server::markdown;
use crate::tickets::reference;

/// What one e-mail says.
#[derive(Debug)]
pub struct Letter<'a> {
    pub notice: Notice,
    pub lang: Lang,
    /// The reader's full name.
    pub name: &'a str,
    pub company: &'a str,
    /// The ticket's id and subject.
    pub ticket: Option<(i64, &'a str)>,
    /// The ticket's client's name (operators' notices say whose it is).
    pub client: &'a str,
    /// The thread message quoted: its author's name and its text.
    pub quote: Option<(&'a str, &'a str)>,
    /// Where the reader opens the ticket (in their own app).
    pub link: &'a str,
    /// Mail to the support mailbox is read (`inbox`): a reply goes into the thread.
    pub replies: bool,
}

#[derive(Debug)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// `template` with each `{key}` replaced by its value, each value first passed through `esc`.
fn fill(template: &str, values: &[(&str, &str)], esc: fn(&str) -> String) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{key}}}"), &esc(value))
        })
}

/// Text for an HTML element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A header's text on one line: control characters (a line break above all) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub fn compose(letter: &Letter) -> Composed {
    let lang = letter.lang;
    let (subject, lead) = texts::of(letter.notice);
    let reference = letter
        .ticket
        .map(|(id, _)| reference(id))
        .unwrap_or_default();
    let values = [
        ("name", letter.name),
        ("company", letter.company),
        ("ref", reference.as_str()),
        ("client", letter.client),
        ("author", letter.quote.map_or("", |(author, _)| author)),
    ];
    let plain = |text: Text| fill(text.get(lang), &values, str::to_string);
    let html = |text: Text| fill(&escape(text.get(lang)), &values, escape);
    let subject = match letter.ticket {
        Some((_, title)) => format!("[{reference}] {}: {title}", subject.get(lang)),
        None => format!("{}: {}", letter.company, subject.get(lang)),
    };

    let mut text = format!("{}\n\n{}\n\n", plain(Text::Greeting), plain(lead));
    let mut body = format!("<p>{}</p>\n<p>{}</p>\n", html(Text::Greeting), html(lead));
    if let Some((_, said)) = letter.quote {
        text.push_str(&plain(Text::Quoted));
        text.push('\n');
        for line in said.lines() {
            text.push_str("> ");
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
        body.push_str(&format!(
            "<p style=\"color:#555\">{}</p>\n<blockquote style=\"margin:0 0 1em;padding-left:1em;border-left:3px solid #ccc\">{}</blockquote>\n",
            html(Text::Quoted),
            markdown::render(said)
        ));
    }
    // Answering by e-mail works where the mailbox is read — not to a closed ticket (that opens a
    // new one) or a test.
    if letter.replies
        && letter.ticket.is_some()
        && !matches!(
            letter.notice,
            Notice::Closed | Notice::Test | Notice::WebhookPaused
        )
    {
        text.push_str(&plain(Text::ReplyByMail));
        text.push_str("\n\n");
        body.push_str(&format!("<p>{}</p>\n", html(Text::ReplyByMail)));
    }
    text.push_str(&format!(
        "{}: {}\n\n-- \n{}\n",
        plain(Text::OpenIt),
        letter.link,
        plain(Text::Footer)
    ));
    body.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>\n<hr>\n<p style=\"font-size:small;color:#555\">{}</p>\n",
        escape(letter.link),
        html(Text::OpenIt),
        html(Text::Footer)
    ));
    Composed {
        subject: one_line(&subject),
        text,
        html: format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><body style=\"font-family:sans-serif;line-height:1.5;color:#1a1a1a\">\n{body}</body></html>\n",
            lang.code()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter<'a>(notice: Notice, lang: Lang, quote: Option<(&'a str, &'a str)>) -> Letter<'a> {
        Letter {
            notice,
            lang,
            name: "<script>alert(1)</script> Ana",
            company: "Acme & \"Sons\"",
            ticket: Some((42, "Printer\r\nBcc: victim@example.com <b>broken</b>")),
            client: "Ana",
            quote,
            link: "https://help.example.com/tickets/42?a=1&b=2",
            replies: false,
        }
    }

    #[test]
    fn a_reply_by_mail_is_offered_where_the_mailbox_is_read() {
        let said = "You can also answer by replying to this e-mail.";
        let plain = letter(Notice::Returned, Lang::En, None);
        assert!(!compose(&plain).text.contains(said));
        let read = Letter {
            replies: true,
            ..letter(Notice::Returned, Lang::En, None)
        };
        let mail = compose(&read);
        assert!(mail.text.contains(said) && mail.html.contains(said));
        let closed = Letter {
            replies: true,
            ..letter(Notice::Closed, Lang::En, None)
        };
        assert!(!compose(&closed).text.contains(said));
    }

    #[test]
    fn the_reference_is_in_the_subject_and_a_header_stays_one_line() {
        let mail = compose(&letter(Notice::Answered, Lang::En, None));
        assert_eq!(
            mail.subject,
            "[T-000042] New answer: Printer  Bcc: victim@example.com <b>broken</b>"
        );
        let mail = compose(&letter(Notice::Received, Lang::Bs, None));
        assert!(mail
            .subject
            .starts_with("[T-000042] Primili smo vaš zahtjev"));
        assert!(mail.text.contains("Primili smo vaš zahtjev T-000042"));
    }

    #[test]
    fn what_people_typed_is_only_ever_text_in_the_html() {
        let quote = Some((
            "Mallory <img src=x onerror=alert(1)>",
            "**Try** this <script>x()</script>\n<a href=\"javascript:alert(1)\">y</a>",
        ));
        let mail = compose(&letter(Notice::Answered, Lang::En, quote));
        assert!(!mail.html.contains("<script"), "{}", mail.html);
        assert!(!mail.html.contains("<img"), "{}", mail.html);
        assert!(!mail.html.contains("<a href=\"javascript"), "{}", mail.html);
        assert!(mail
            .html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; Ana"));
        assert!(mail.html.contains("<strong>Try</strong>"));
        assert!(mail
            .html
            .contains("href=\"https://help.example.com/tickets/42?a=1&amp;b=2\""));
        // The plain part says the same, as written.
        assert!(mail.text.contains("Hello <script>alert(1)</script> Ana,"));
        assert!(mail.text.contains("> **Try** this"));
        assert!(mail
            .text
            .contains("https://help.example.com/tickets/42?a=1&b=2"));
    }
}
