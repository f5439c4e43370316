//! What a file is and what it is called, decided by its content: pure, tested without a disk.

use crate::server::input::is_direction_control;

/// How many first bytes decide a file's kind.
pub(super) const HEAD: usize = 512;
const NAME_MAX: usize = 200;

/// The kinds of file accepted, decided by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Pdf,
    Zip,
    Text,
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Pdf => "application/pdf",
            Kind::Zip => "application/zip",
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    /// The extensions a name of this kind may end with; the first is added when it ends with
    /// none of them.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg"],
            Kind::Gif => &["gif"],
            Kind::Pdf => &["pdf"],
            Kind::Zip => &["zip"],
            Kind::Text => &["txt", "log"],
        }
    }

    /// The kind of a file from its first bytes, and whether the whole of it is plain text.
    pub fn of(head: &[u8], plain_text: bool) -> Option<Kind> {
        let magic: [(&[u8], Kind); 7] = [
            (b"\x89PNG\r\n\x1a\n", Kind::Png),
            (b"\xFF\xD8\xFF", Kind::Jpeg),
            (b"GIF87a", Kind::Gif),
            (b"GIF89a", Kind::Gif),
            (b"%PDF-", Kind::Pdf),
            (b"PK\x03\x04", Kind::Zip),
            (b"PK\x05\x06", Kind::Zip),
        ];
        if let Some((_, kind)) = magic.iter().find(|(m, _)| head.starts_with(m)) {
            return Some(*kind);
        }
        (plain_text && !looks_like_markup(head)).then_some(Kind::Text)
    }
}

/// HTML, SVG and XML start with `<` after an optional byte-order mark and white space.
fn looks_like_markup(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Whether a stream of bytes is UTF-8 text without NUL bytes, checked chunk by chunk.
pub(super) struct TextCheck {
    carry: Vec<u8>,
    ok: bool,
}

impl TextCheck {
    pub(super) fn new() -> TextCheck {
        TextCheck {
            carry: Vec::new(),
            ok: true,
        }
    }

    pub(super) fn feed(&mut self, chunk: &[u8]) {
        if !self.ok {
            return;
        }
        if chunk.contains(&0) {
            self.ok = false;
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(_) => {}
            // A character cut at the chunk's end: finish it with the next chunk.
            Err(e) if e.error_len().is_none() => self.carry = bytes[e.valid_up_to()..].to_vec(),
            Err(_) => self.ok = false,
        }
    }

    pub(super) fn is_text(&self) -> bool {
        self.ok && self.carry.is_empty()
    }
}

/// The name shown and offered for download: the last path component, without control
/// characters and direction controls (so `invoice<U+202E>gnp.txt` cannot show as
/// "invoicetxt.png"), bounded, and ending in an extension that fits what the file really is.
pub fn display_name(given: &str, kind: Kind) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_direction_control(*c))
        .take(NAME_MAX)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    let clean = if clean.is_empty() {
        "file".to_string()
    } else {
        clean
    };
    let extension = clean
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if kind.extensions().contains(&extension.as_str()) {
        clean
    } else {
        format!("{clean}.{}", kind.extensions()[0])
    }
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_content_not_names() {
        assert_eq!(Kind::of(b"\x89PNG\r\n\x1a\nrest", false), Some(Kind::Png));
        assert_eq!(Kind::of(b"%PDF-1.7", false), Some(Kind::Pdf));
        assert_eq!(Kind::of(b"GIF89a...", false), Some(Kind::Gif));
        assert_eq!(Kind::of(b"PK\x03\x04", false), Some(Kind::Zip));
        assert_eq!(
            Kind::of(b"2026-11-22 error: disk full\n", true),
            Some(Kind::Text)
        );
        // Markup is refused even when it is valid text.
        assert_eq!(
            Kind::of(b"<svg xmlns='http://www.w3.org/2000/svg'/>", true),
            None
        );
        assert_eq!(Kind::of(b"\xEF\xBB\xBF \n<!DOCTYPE html>", true), None);
        assert_eq!(Kind::of(b"MZ\x90\x00", false), None);
    }

    #[test]
    fn text_is_checked_across_chunks() {
        let mut check = TextCheck {
            carry: Vec::new(),
            ok: true,
        };
        let text = "Šalter čćđ".as_bytes();
        // Cut inside the two-byte 'Š'.
        check.feed(&text[..1]);
        check.feed(&text[1..]);
        assert!(check.is_text());
        check.feed(b"\xFF\xFE");
        assert!(!check.is_text());
        let mut cut = TextCheck {
            carry: Vec::new(),
            ok: true,
        };
        cut.feed(&text[..1]);
        assert!(!cut.is_text(), "a file may not end inside a character");
    }

    #[test]
    fn names_fit_the_content() {
        assert_eq!(display_name("screen.PNG", Kind::Png), "screen.PNG");
        assert_eq!(display_name("page.html", Kind::Png), "page.html.png");
        assert_eq!(display_name("../../etc/passwd", Kind::Text), "passwd.txt");
        assert_eq!(display_name("C:\\x\\boot.log", Kind::Text), "boot.log");
        assert_eq!(display_name("", Kind::Pdf), "file.pdf");
        assert_eq!(display_name(".htaccess", Kind::Text), "htaccess.txt");
        assert_eq!(
            display_name("invoice\u{202E}gnp.txt", Kind::Text),
            "invoicegnp.txt"
        );
    }

    #[test]
    fn downloads_name_the_file_safely() {
        assert_eq!(
            content_disposition("račun \"1\".pdf"),
            "attachment; filename=\"ra_un _1_.pdf\"; filename*=UTF-8''ra%C4%8Dun%20%221%22.pdf"
        );
    }
}
