//! Ward's own words in English, Dutch and French, and how a request picks its language.
//!
//! Texts live in `locales/{en,nl,fr}.toml` (embedded at build time). The language comes from the
//! `ward_lang` cookie (set by the language picker), then the browser's `Accept-Language`, then
//! English. Tests check that every key exists in every language and every key a template uses exists.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use ward_domain::Locale;

pub const LANG_COOKIE: &str = "ward_lang";

const SOURCES: [(Locale, &str); 3] = [
    (Locale::En, include_str!("../locales/en.toml")),
    (Locale::Nl, include_str!("../locales/nl.toml")),
    (Locale::Fr, include_str!("../locales/fr.toml")),
];

/// All texts of all languages, flattened to `section.key`.
#[derive(Debug)]
pub struct Catalog {
    texts: HashMap<Locale, HashMap<String, String>>,
}

impl Catalog {
    /// The embedded catalog. Parsed once; a broken locale file fails the build's tests, so at run
    /// time a parse error can only mean a corrupted binary and falls back to keys.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::parse(&SOURCES).unwrap_or_else(|e| {
                tracing::error!(error = %e, "embedded locale files are invalid");
                Catalog { texts: HashMap::new() }
            })
        })
    }

    pub fn parse(sources: &[(Locale, &str)]) -> Result<Catalog, String> {
        let mut texts = HashMap::new();
        for (locale, source) in sources {
            let table: toml::Table = source.parse().map_err(|e| format!("locale {}: {e}", locale.tag()))?;
            let mut flat = HashMap::new();
            flatten("", &table, &mut flat).map_err(|e| format!("locale {}: {e}", locale.tag()))?;
            texts.insert(*locale, flat);
        }
        Ok(Catalog { texts })
    }

    pub fn keys(&self, locale: Locale) -> impl Iterator<Item = &str> {
        self.texts.get(&locale).into_iter().flat_map(|m| m.keys().map(String::as_str))
    }

    pub fn get(&self, locale: Locale, key: &str) -> Option<&str> {
        self.texts.get(&locale)?.get(key).map(String::as_str)
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) -> Result<(), String> {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out)?,
            _ => return Err(format!("{full}: only strings and tables are allowed")),
        }
    }
    Ok(())
}

/// The translator for one request: `tr.t("home.title")` in templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub locale: Locale,
    catalog: &'static Catalog,
}

impl Tr {
    pub fn new(locale: Locale) -> Self {
        Self { locale, catalog: Catalog::embedded() }
    }

    /// The text for `key`; a missing key shows itself (and the catalog tests prevent that).
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.catalog.get(self.locale, key).or_else(|| self.catalog.get(Locale::En, key)).unwrap_or(key)
    }

    /// The label of a stored code, e.g. `label("kind", "care_home")`; the code itself when unknown.
    pub fn label(&self, section: &str, code: &'static str) -> &'static str {
        let key = format!("{section}.{code}");
        self.catalog.get(self.locale, &key).or_else(|| self.catalog.get(Locale::En, &key)).unwrap_or(code)
    }

    /// A scoping message (`scoping_text.<key>`) with its values filled in; a sector is shown by
    /// its localised name. Falls back to English, then to the domain's own text.
    pub fn scoping_message(&self, message: &ward_domain::scoping::Message, english: &str) -> String {
        let key = format!("scoping_text.{}", message.key);
        let Some(template) =
            self.catalog.get(self.locale, &key).or_else(|| self.catalog.get(Locale::En, &key))
        else {
            return english.to_owned();
        };
        let slug = message.params.iter().find(|(k, _)| *k == "sector_slug").map(|(_, v)| v.clone());
        let params: Vec<(&'static str, String)> = message
            .params
            .iter()
            .map(|(k, v)| match (*k, &slug) {
                ("sector", Some(slug)) => (*k, self.sector_name(slug).unwrap_or(v).to_owned()),
                _ => (*k, v.clone()),
            })
            .collect();
        ward_domain::scoping::fill(template, &params)
    }

    /// A sector's name in the reader's language.
    pub fn sector_name(&self, slug: &str) -> Option<&'static str> {
        let key = format!("sector.{slug}");
        self.catalog.get(self.locale, &key).or_else(|| self.catalog.get(Locale::En, &key))
    }

    pub fn locales(&self) -> [Locale; 3] {
        Locale::ALL
    }
}

/// Reads a cookie value from the request headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

pub fn locale_of(parts: &Parts) -> Locale {
    cookie(parts, LANG_COOKIE)
        .and_then(Locale::from_tag)
        .or_else(|| {
            parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Locale::negotiate)
        })
        .unwrap_or_default()
}

/// The reader's language: a signed-in person's own choice first, then the language cookie, then
/// the browser's preference.
pub fn tr_for(parts: &Parts) -> Tr {
    let chosen = parts
        .extensions
        .get::<crate::auth::Auth>()
        .and_then(|a| a.session.as_ref().or(a.pending.as_ref()))
        .and_then(|s| s.user.locale);
    Tr::new(chosen.unwrap_or_else(|| locale_of(parts)))
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(tr_for(parts))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_language_has_every_key() {
        let catalog = Catalog::parse(&SOURCES).unwrap();
        let english: BTreeSet<_> = catalog.keys(Locale::En).collect();
        for locale in [Locale::Nl, Locale::Fr] {
            let other: BTreeSet<_> = catalog.keys(locale).collect();
            let missing: Vec<_> = english.difference(&other).collect();
            let extra: Vec<_> = other.difference(&english).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", locale.tag());
            assert!(extra.is_empty(), "{} has unknown keys {extra:?}", locale.tag());
        }
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let catalog = Catalog::parse(&SOURCES).unwrap();
        let dirs =
            [concat!(env!("CARGO_MANIFEST_DIR"), "/templates"), concat!(env!("CARGO_MANIFEST_DIR"), "/src")];
        let mut used = BTreeSet::new();
        for dir in dirs {
            for path in walk(std::path::Path::new(dir)) {
                let text = std::fs::read_to_string(&path).unwrap();
                // Literal keys: t("section.key"); keys built from codes are checked where built.
                for piece in text.split(".t(\"").skip(1) {
                    if let Some(key) = piece.split('"').next() {
                        used.insert(key.to_owned());
                    }
                }
            }
        }
        assert!(used.len() > 10, "too few keys found: the scan is broken");
        let missing: Vec<_> = used.iter().filter(|k| catalog.get(Locale::En, k).is_none()).collect();
        assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn scoping_messages_match_the_domain_and_exist_in_every_language() {
        let catalog = Catalog::parse(&SOURCES).unwrap();
        for (key, template) in ward_domain::scoping::MESSAGES {
            let full = format!("scoping_text.{key}");
            assert_eq!(
                catalog.get(Locale::En, &full),
                Some(*template),
                "en.toml differs from the domain for {key}"
            );
            for locale in [Locale::Nl, Locale::Fr] {
                let text =
                    catalog.get(locale, &full).unwrap_or_else(|| panic!("{} lacks {key}", locale.tag()));
                let placeholders = |t: &str| t.matches('{').count();
                assert_eq!(
                    placeholders(text),
                    placeholders(template),
                    "{} {key}: same placeholders",
                    locale.tag()
                );
            }
        }
        for sector in &ward_domain::scoping::Rules::embedded().sectors {
            for locale in Locale::ALL {
                assert!(
                    catalog.get(locale, &format!("sector.{}", sector.slug)).is_some(),
                    "{} lacks sector {}",
                    locale.tag(),
                    sector.slug
                );
            }
        }
    }

    #[test]
    fn every_kind_has_a_label() {
        let catalog = Catalog::parse(&SOURCES).unwrap();
        let codes = ward_domain::OrgKind::ALL.map(|k| format!("kind.{}", k.code()));
        let sites = ward_domain::SiteKind::ALL.map(|k| format!("site_kind.{}", k.code()));
        for key in codes.iter().chain(&sites) {
            assert!(catalog.get(Locale::En, key).is_some(), "{key} has no label");
        }
    }

    #[test]
    fn cookie_beats_accept_language() {
        let req = axum::http::Request::builder()
            .header(COOKIE, "other=1; ward_lang=fr")
            .header(ACCEPT_LANGUAGE, "nl-BE")
            .body(())
            .unwrap();
        let (parts, _) = req.into_parts();
        assert_eq!(locale_of(&parts), Locale::Fr);
        let req = axum::http::Request::builder().header(ACCEPT_LANGUAGE, "nl-BE,fr;q=0.5").body(()).unwrap();
        assert_eq!(locale_of(&req.into_parts().0), Locale::Nl);
        let req = axum::http::Request::builder().body(()).unwrap();
        assert_eq!(locale_of(&req.into_parts().0), Locale::En);
    }
}
