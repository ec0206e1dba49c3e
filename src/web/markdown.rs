//! Markdown typed by people (ticket descriptions, followups, articles) to
//! HTML that is safe to put on a page: CommonMark is rendered, then the HTML
//! goes through an allow-list sanitizer (ammonia), so raw HTML, event
//! handlers, `javascript:` links and the like never reach the browser,
//! whatever trick the text plays.

use std::{collections::HashSet, sync::LazyLock};

use pulldown_cmark::{Options, Parser, html};

/// Elements Markdown produces, and nothing else.
const TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect::<HashSet<_>>())
        .tag_attributes([("a", ["href"].into_iter().collect::<HashSet<_>>())].into_iter().collect())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    builder
});

/// Safe HTML for `text`.
pub fn to_safe_html(text: &str) -> String {
    if text.len() > recent::LONGEST {
        return render(text);
    }
    if let Some(html) = recent::get(text) {
        return html;
    }
    let html = render(text);
    recent::put(text, &html);
    html
}

fn render(text: &str) -> String {
    let mut rendered = String::with_capacity(text.len() + text.len() / 4);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut rendered, Parser::new_ext(text, options));
    SANITIZER.clean(&rendered).to_string()
}

/// The HTML of texts rendered lately. Sanitizing costs far more than the
/// rest of a ticket's page, whose followups are shown again at each visit;
/// the HTML depends on the text alone (the text itself is the key), so a
/// copy can never be stale, whoever changes what.
mod recent {
    use std::{
        collections::HashMap,
        sync::{LazyLock, Mutex},
    };

    /// Longer texts are rendered each time (rare, and they would crowd the rest out).
    pub const LONGEST: usize = 16 * 1024;
    /// Bytes of texts and HTML kept; past it, the copies are dropped.
    const KEPT_BYTES: usize = 8 * 1024 * 1024;

    #[derive(Default)]
    struct Copies {
        html: HashMap<Box<str>, Box<str>>,
        bytes: usize,
    }

    static COPIES: LazyLock<Mutex<Copies>> = LazyLock::new(Mutex::default);

    pub fn get(text: &str) -> Option<String> {
        COPIES.lock().ok()?.html.get(text).map(|html| html.to_string())
    }

    pub fn put(text: &str, html: &str) {
        let Ok(mut copies) = COPIES.lock() else { return };
        if copies.html.contains_key(text) {
            return;
        }
        if copies.bytes + text.len() + html.len() > KEPT_BYTES {
            *copies = Copies::default();
        }
        copies.bytes += text.len() + html.len();
        copies.html.insert(text.into(), html.into());
    }
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_is_rendered() {
        let html = to_safe_html("**Écran** noir\n\n- un\n- deux\n\n[doc](https://example.org/a?b=1&c=2)");
        assert!(html.contains("<strong>Écran</strong>"), "{html}");
        assert!(html.contains("<li>deux</li>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">doc</a>"#),
            "{html}"
        );
    }

    #[test]
    fn tricks_are_neutralised() {
        let attacks = [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "<img src=x onerror=alert(1)>",
            "![x](https://evil.example/x.png\" onerror=\"alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<style>body{display:none}</style>",
            "<div onclick=\"alert(1)\">x</div>",
            "[x](vbscript:msgbox)",
        ];
        for attack in attacks {
            let html = to_safe_html(attack).to_lowercase();
            // Text may mention anything; tags may not carry it.
            for tag in tags(&html) {
                let name = tag.split_whitespace().next().unwrap_or_default().trim_start_matches('/');
                assert!(super::TAGS.contains(&name), "{attack:?} gave the tag {tag:?}");
                for banned in ["javascript:", "vbscript:", "data:", " on", "style", "src"] {
                    assert!(!tag.contains(banned), "{attack:?} gave {tag:?}");
                }
            }
        }
    }

    /// The inside of every `<...>` of some HTML.
    fn tags(html: &str) -> Vec<&str> {
        html.split('<').skip(1).filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag)).collect()
    }

    #[test]
    fn a_text_seen_again_gives_the_same_html() {
        for text in ["Suivi **12**", "<script>alert(1)</script>", "a < b", ""] {
            let first = to_safe_html(text);
            assert_eq!(to_safe_html(text), first, "{text:?}");
            assert_eq!(super::render(text), first, "{text:?}");
        }
        let long = "mot ".repeat(super::recent::LONGEST);
        assert_eq!(to_safe_html(&long), super::render(&long));
    }

    #[test]
    fn raw_html_text_stays_visible_as_text() {
        let html = to_safe_html("a < b & c > d");
        assert_eq!(html.trim(), "<p>a &lt; b &amp; c &gt; d</p>");
    }
}
