//! Asset tags: allocated at insert time from a pattern such as
//! `PC-{YYYY}-{#####}`, never when a form opens.

use chrono::{Datelike, NaiveDate};

/// A checked tag pattern: text, `{YYYY}`, `{YY}`, `{MM}`, and exactly one
/// counter `{#...}` whose width is the number of `#`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagPattern(String);

/// Why a pattern is refused (each a message key).
pub const NO_COUNTER: &str = "tag-pattern-no-counter";
pub const BAD_PATTERN: &str = "tag-pattern-invalid";

impl TagPattern {
    pub fn parse(text: &str) -> Result<TagPattern, &'static str> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 60 {
            return Err(BAD_PATTERN);
        }
        let mut counters = 0;
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let literal = &rest[..open];
            if !literal.chars().all(allowed) {
                return Err(BAD_PATTERN);
            }
            let close = rest[open..].find('}').ok_or(BAD_PATTERN)? + open;
            match &rest[open + 1..close] {
                "YYYY" | "YY" | "MM" => {}
                counter if !counter.is_empty() && counter.len() <= 10 && counter.chars().all(|c| c == '#') => {
                    counters += 1
                }
                _ => return Err(BAD_PATTERN),
            }
            rest = &rest[close + 1..];
        }
        if !rest.chars().all(allowed) {
            return Err(BAD_PATTERN);
        }
        match counters {
            0 => Err(NO_COUNTER),
            1 => Ok(TagPattern(text.to_owned())),
            _ => Err(BAD_PATTERN),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pattern with the date filled in and the counter left as `{#}`:
    /// tags sharing it share a counter (PC-2026-... counts apart from PC-2027-...).
    pub fn series(&self, on: NaiveDate) -> String {
        self.0
            .replace("{YYYY}", &format!("{:04}", on.year()))
            .replace("{YY}", &format!("{:02}", on.year() % 100))
            .replace("{MM}", &format!("{:02}", on.month()))
            .split('{')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_owned()
                } else {
                    format!("{{#}}{}", part.split_once('}').map(|(_, r)| r).unwrap_or(""))
                }
            })
            .collect()
    }

    /// The tag with counter `n`, zero-padded to the counter's width.
    pub fn render(&self, on: NaiveDate, n: i64) -> String {
        let width =
            self.0.split('{').find_map(|p| p.split('}').next().filter(|c| c.starts_with('#'))).map_or(1, str::len);
        self.series(on).replace("{#}", &format!("{n:0width$}"))
    }
}

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default()
    }

    #[test]
    fn renders_dates_and_a_padded_counter() {
        let pattern = TagPattern::parse("PC-{YYYY}-{#####}").expect("valid");
        assert_eq!(pattern.render(day(), 42), "PC-2026-00042");
        assert_eq!(pattern.series(day()), "PC-2026-{#}");
        let short = TagPattern::parse("{YY}{MM}/{###}").expect("valid");
        assert_eq!(short.render(day(), 7), "2603/007");
        // A counter wider than its padding is written in full, not cut.
        assert_eq!(TagPattern::parse("X{#}").expect("valid").render(day(), 123), "X123");
    }

    #[test]
    fn refuses_patterns_without_exactly_one_counter_or_with_unknown_parts() {
        assert_eq!(TagPattern::parse("PC-{YYYY}"), Err(NO_COUNTER));
        assert_eq!(TagPattern::parse("PC"), Err(NO_COUNTER));
        for bad in ["{#}-{#}", "PC-{DATE}-{###}", "PC {###}", "PC-{###", "<b>{#}</b>", "", "{###########}"] {
            assert_eq!(TagPattern::parse(bad), Err(BAD_PATTERN), "{bad}");
        }
    }
}
