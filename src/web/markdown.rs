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
    let mut rendered = String::with_capacity(text.len() + text.len() / 4);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut rendered, Parser::new_ext(text, options));
    SANITIZER.clean(&rendered).to_string()
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
    fn raw_html_text_stays_visible_as_text() {
        let html = to_safe_html("a < b & c > d");
        assert_eq!(html.trim(), "<p>a &lt; b &amp; c &gt; d</p>");
    }
}
