//! The languages Ward speaks, and how a browser's `Accept-Language` picks one.
//!
//! Belgium has three official languages; Ward's pages exist in English, Dutch and French.

use serde::{Deserialize, Serialize};

/// Lower-case, accents removed, split into words of letters and digits: how Ward compares
/// text typed in any of its three languages (search, column headers).
pub fn fold_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                word.push(fold(l));
            }
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The accented letters of English, Dutch and French, without their accents.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ÿ' | 'ý' => 'y',
        'œ' => 'o',
        _ => c,
    }
}

/// One value per language Ward speaks (titles, advice).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InLanguages<T> {
    pub en: T,
    pub nl: T,
    pub fr: T,
}

impl<T> InLanguages<T> {
    pub fn get(&self, locale: Locale) -> &T {
        match locale {
            Locale::En => &self.en,
            Locale::Nl => &self.nl,
            Locale::Fr => &self.fr,
        }
    }

    pub fn each(&self) -> [(Locale, &T); 3] {
        [(Locale::En, &self.en), (Locale::Nl, &self.nl), (Locale::Fr, &self.fr)]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Nl,
    Fr,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Nl, Locale::Fr];

    /// The BCP 47 tag used in `lang` attributes, cookies and URLs.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Nl => "nl",
            Locale::Fr => "fr",
        }
    }

    /// The language's own name, as shown in a language picker.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Nl => "Nederlands",
            Locale::Fr => "Français",
        }
    }

    /// Accepts `en`, `nl-BE`, `FR_be` …: the primary subtag decides.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "nl" => Some(Locale::Nl),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }

    /// Picks the supported language the client prefers most (RFC 9110 §12.5.4 weights).
    ///
    /// Malformed entries are ignored rather than rejected: a browser header is never a reason to
    /// fail a page. Ties keep the header's order; nothing acceptable gives `None`.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(u16, Locale)> = None;
        for entry in accept_language.split(',').take(32) {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let Some(locale) = Locale::from_tag(tag) else { continue };
            let weight =
                parts.find_map(|p| p.trim().strip_prefix("q=").map(parse_weight)).unwrap_or(Some(1000));
            let Some(weight) = weight else { continue };
            if weight == 0 {
                continue;
            }
            if best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, locale));
            }
        }
        best.map(|(_, l)| l)
    }
}

/// A qvalue as thousandths (0..=1000); `None` when it is not a valid qvalue.
fn parse_weight(q: &str) -> Option<u16> {
    let q = q.trim();
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: u16 = match int {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let mut thousandths = 0u16;
    for (i, b) in frac.bytes().enumerate() {
        thousandths += u16::from(b - b'0') * [100, 10, 1][i.min(2)];
    }
    let value = int * 1000 + thousandths;
    (value <= 1000).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn picks_the_highest_weight() {
        assert_eq!(Locale::negotiate("fr-BE,fr;q=0.9,nl;q=0.8,en;q=0.7"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate("de-DE, nl;q=0.5, en;q=0.9"), Some(Locale::En));
        assert_eq!(Locale::negotiate("nl-BE"), Some(Locale::Nl));
    }

    #[test]
    fn ignores_unsupported_zero_and_malformed() {
        assert_eq!(Locale::negotiate("de, es"), None);
        assert_eq!(Locale::negotiate("en;q=0, fr;q=0.1"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate("nl;q=2, fr;q=abc, en;q=0.3"), Some(Locale::En));
        assert_eq!(Locale::negotiate(""), None);
        assert_eq!(Locale::negotiate("*"), None);
    }

    #[test]
    fn ties_keep_header_order() {
        assert_eq!(Locale::negotiate("nl;q=0.8, fr;q=0.8"), Some(Locale::Nl));
    }

    #[test]
    fn weights_parse_exactly() {
        assert_eq!(parse_weight("1"), Some(1000));
        assert_eq!(parse_weight("1.000"), Some(1000));
        assert_eq!(parse_weight("1.001"), None);
        assert_eq!(parse_weight("0.125"), Some(125));
        assert_eq!(parse_weight("0.5"), Some(500));
        assert_eq!(parse_weight("0.1234"), None);
        assert_eq!(parse_weight(".5"), None);
    }

    proptest! {
        #[test]
        fn negotiate_never_panics(header in ".{0,200}") {
            let _ = Locale::negotiate(&header);
        }

        #[test]
        fn a_single_supported_tag_wins(idx in 0usize..3, region in "[A-Z]{2}") {
            let locale = Locale::ALL[idx];
            let header = format!("{}-{}", locale.tag(), region);
            prop_assert_eq!(Locale::negotiate(&header), Some(locale));
        }
    }
}
