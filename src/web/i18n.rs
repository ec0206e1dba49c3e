//! French and English, from Fluent message catalogues (`i18n/*.ftl`) compiled
//! into the binary. A person's locale is their own choice, else the browser's.

use std::{collections::HashMap, sync::LazyLock};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    #[default]
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, for the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header that Parc speaks, by
    /// the order of preference the browser gives.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut offers: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let primary = tag.split('-').next()?;
                let lang = Lang::parse(primary)?;
                let quality =
                    pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                Some((quality, lang))
            })
            .collect();
        // Stable sort keeps the header's order among equal qualities.
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map(|(_, lang)| *lang)
    }
}

struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// Messages without arguments (no `{ $name }`), formatted once: most
    /// lookups of a page, some once per row of a list.
    constant: HashMap<&'static str, String>,
}

struct Catalogues {
    en: Catalogue,
    fr: Catalogue,
}

impl Catalogues {
    fn of(&self, lang: Lang) -> &Catalogue {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// The message ids of a catalogue: lines that start a message (`id = ...`).
fn message_ids(source: &str) -> impl Iterator<Item = &str> {
    source
        .lines()
        .filter(|line| !line.starts_with([' ', '#', '\t']) && line.contains(" ="))
        .filter_map(|line| line.split(" =").next())
}

fn catalogue(lang: Lang, source: &'static str) -> Catalogue {
    let resource = FluentResource::try_new(source.to_owned())
        .unwrap_or_else(|(_, errors)| panic!("syntax error in the {} catalogue: {errors:?}", lang.code()));
    let langid = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Unicode isolation marks would show up inside HTML attributes and CSV.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("duplicate keys in the {} catalogue: {errors:?}", lang.code()));
    let mut constant = HashMap::new();
    for id in message_ids(source) {
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { continue };
        let mut errors = Vec::new();
        // The same call as a lookup without arguments; a message that needs
        // one reports an error and stays formatted on each lookup.
        let text = bundle.format_pattern(pattern, Some(&FluentArgs::new()), &mut errors).into_owned();
        if errors.is_empty() {
            constant.insert(id, text);
        }
    }
    Catalogue { bundle, constant }
}

static CATALOGUES: LazyLock<Catalogues> = LazyLock::new(|| Catalogues {
    en: catalogue(Lang::En, include_str!("i18n/en.ftl")),
    fr: catalogue(Lang::Fr, include_str!("i18n/fr.ftl")),
});

/// The message `key` in `lang`; the key itself when the catalogue lacks it
/// (a unit test keeps both catalogues complete).
pub fn tr(lang: Lang, key: &str) -> String {
    match CATALOGUES.of(lang).constant.get(key) {
        Some(text) => text.clone(),
        None => tr_args(lang, key, &[]),
    }
}

/// The message `key` in `lang` with named arguments.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let bundle = &CATALOGUES.of(lang).bundle;
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // Numbers go in as numbers, so plural rules ([one], [other]) apply.
        match value.parse::<f64>() {
            Ok(number) => fluent_args.set(*name, FluentValue::from(number)),
            Err(_) => fluent_args.set(*name, FluentValue::from(*value)),
        }
    }
    let mut errors = Vec::new();
    bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
}

/// Whether `key` exists in the catalogues (used to ignore forged flash keys).
pub fn has_key(key: &str) -> bool {
    CATALOGUES.en.bundle.has_message(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> Vec<&str> {
        message_ids(source).collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let mut en = keys(include_str!("i18n/en.ftl"));
        let mut fr = keys(include_str!("i18n/fr.ftl"));
        en.sort_unstable();
        fr.sort_unstable();
        let only_en: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        let only_fr: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        assert!(only_en.is_empty() && only_fr.is_empty(), "only in en: {only_en:?}; only in fr: {only_fr:?}");
    }

    #[test]
    fn messages_formatted_once_read_as_formatted_each_time() {
        for (lang, source) in [(Lang::En, include_str!("i18n/en.ftl")), (Lang::Fr, include_str!("i18n/fr.ftl"))] {
            assert!(CATALOGUES.of(lang).constant.len() > 100, "{lang:?}");
            for key in message_ids(source) {
                assert_eq!(tr(lang, key), tr_args(lang, key, &[]), "{lang:?} {key}");
            }
        }
        // A message with an argument is formatted on each lookup.
        assert!(!CATALOGUES.of(Lang::En).constant.contains_key("list-total"));
    }

    #[test]
    fn messages_are_translated() {
        assert_eq!(tr(Lang::En, "nav-users"), "Users");
        assert_eq!(tr(Lang::Fr, "nav-users"), "Utilisateurs");
        assert_eq!(tr(Lang::Fr, "no-such-key"), "no-such-key");
        assert_eq!(tr_args(Lang::Fr, "list-total", &[("count", "1")]), "1 élément");
        // French counts zero as singular: the number must still be the real one.
        assert_eq!(tr_args(Lang::Fr, "list-total", &[("count", "0")]), "0 élément");
        assert_eq!(tr_args(Lang::En, "list-total", &[("count", "12")]), "12 items");
    }

    #[test]
    fn accept_language_picks_the_preferred_known_language() {
        assert_eq!(Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de-DE,en-GB;q=0.7,fr;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("en;q=0.2, fr;q=0.9"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de, es"), None);
    }
}
