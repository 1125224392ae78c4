//! Search across the guidance in all three languages, by the words people actually type
//! ("infusion pump", "badge", "downtime", "EPD").
//!
//! Every language is searched whatever the page language: a Brussels nurse may type Dutch words
//! in a French page. Words are compared without case or accents, as prefixes ("pump" finds
//! "pumps"), inside compounds ("pomp" finds "infuuspompen"), and through a few synonyms that
//! differ by country or vendor (EHR / EPD / DPI). Every meaningful query word must match; when no
//! entry has them all, the entries that have most of them are shown instead.

use crate::Locale;
use crate::locale::fold_words as words;

use super::content::{Challenge, Guidance, Plan, RequirementGuidance};
use crate::cyfun::Framework;

/// What a search found.
#[derive(Debug, Clone, Copy)]
pub enum Found<'a> {
    Requirement(&'a RequirementGuidance),
    Plan(&'a Plan),
    Challenge(&'a Challenge),
}

/// One result, best first.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub found: Found<'a>,
    pub score: u32,
    /// The language the best match was in.
    pub language: Locale,
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Requirement(usize),
    Plan(usize),
    Challenge(usize),
}

#[derive(Debug)]
struct Field {
    weight: u32,
    language: Locale,
    /// Distinct words, folded.
    words: Vec<String>,
    /// The folded words joined by single spaces, for phrase matches.
    phrase: String,
}

#[derive(Debug)]
struct Doc {
    target: Target,
    /// Lower-cased id, for searches by requirement id.
    id: String,
    fields: Vec<Field>,
}

/// The folded words of every entry, built once with the guidance.
#[derive(Debug, Default)]
pub(crate) struct Index {
    docs: Vec<Doc>,
}

/// Field weights: a title or keyword match says more than a word deep in the advice.
const TITLE: u32 = 4;
const KEYWORDS: u32 = 4;
const SUMMARY: u32 = 2;
const BODY: u32 = 1;

/// Words dropped from queries (they match everywhere and mean nothing on their own).
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "how", "what", "do", "i", "we", "our",
    "my", "is", "are", "de", "het", "een", "en", "van", "voor", "met", "op", "hoe", "wat", "wij", "onze",
    "le", "la", "les", "l", "un", "une", "des", "du", "et", "pour", "avec", "sur", "comment", "quoi", "nous",
    "nos", "d", "au", "aux", "est",
];

/// Words that mean the same thing in healthcare IT, folded.
const SYNONYMS: &[&[&str]] = &[
    &["ehr", "emr", "epd", "dpi", "emd"],
    &["mfa", "2fa", "tfa"],
    &["login", "logon", "signin"],
    &["biomed", "biomedical"],
    &["backup", "sauvegarde", "back"],
];

fn field(weight: u32, language: Locale, texts: &[&str]) -> Field {
    let all: Vec<String> = texts.iter().flat_map(|t| words(t)).collect();
    let phrase = all.join(" ");
    let mut distinct = all;
    distinct.sort();
    distinct.dedup();
    Field { weight, language, words: distinct, phrase }
}

impl Index {
    pub(crate) fn build(
        requirements: &[RequirementGuidance],
        plans: &[Plan],
        challenges: &[Challenge],
    ) -> Index {
        let catalog = Framework::Cyfun2025.catalog();
        let mut docs = Vec::new();
        for (i, g) in requirements.iter().enumerate() {
            let title = catalog.requirement(&g.id).map(|r| &r.title);
            let mut fields = Vec::new();
            for (language, a) in g.text.each() {
                if let Some(t) = title {
                    fields.push(field(TITLE, language, &[t.get(language)]));
                }
                let keywords: Vec<&str> = a.keywords.iter().map(String::as_str).collect();
                fields.push(field(KEYWORDS, language, &keywords));
                fields.push(field(SUMMARY, language, &[&a.healthcare]));
                let mut rest: Vec<&str> = vec![&a.safety, &a.project];
                rest.extend(a.first_steps.iter().map(String::as_str));
                rest.extend(a.evidence.iter().map(String::as_str));
                fields.push(field(BODY, language, &rest));
            }
            docs.push(Doc { target: Target::Requirement(i), id: g.id.to_lowercase(), fields });
        }
        for (i, p) in plans.iter().enumerate() {
            let mut fields = Vec::new();
            for language in Locale::ALL {
                let t = p.text(language);
                fields.push(field(TITLE, language, &[&t.title]));
                fields.push(field(SUMMARY, language, &[&t.summary]));
                let steps: Vec<&str> = p
                    .steps
                    .iter()
                    .flat_map(|s| [s.text(language).title.as_str(), &s.text(language).detail])
                    .collect();
                fields.push(field(BODY, language, &steps));
            }
            docs.push(Doc { target: Target::Plan(i), id: p.id.clone(), fields });
        }
        for (i, c) in challenges.iter().enumerate() {
            let mut fields = Vec::new();
            for language in Locale::ALL {
                let t = c.text(language);
                fields.push(field(TITLE, language, &[&t.title]));
                let keywords: Vec<&str> = t.keywords.iter().map(String::as_str).collect();
                fields.push(field(KEYWORDS, language, &keywords));
                fields.push(field(SUMMARY, language, &[&t.summary]));
                fields.push(field(BODY, language, &[&t.body]));
            }
            docs.push(Doc { target: Target::Challenge(i), id: c.id.clone(), fields });
        }
        Index { docs }
    }
}

/// How well a folded query word matches a folded document word: 3 exact, 2 a prefix or the
/// same stem, 1 inside a compound; 0 not at all.
fn quality(query: &str, word: &str) -> u32 {
    if query == word {
        return 3;
    }
    let n = query.chars().count();
    if n >= 3 && word.starts_with(query) {
        return 2;
    }
    let stem = stem(query);
    if stem.chars().count() >= 3 && (word == stem || word.starts_with(stem)) {
        return 2;
    }
    if n >= 4 && word.contains(query) {
        return 1;
    }
    0
}

/// Drops a plural ending, so "pumps", "pompen" and "pompes" meet "pump", "pomp", "pompe".
fn stem(word: &str) -> &str {
    for ending in ["en", "es", "s"] {
        if let Some(s) = word.strip_suffix(ending)
            && s.chars().count() >= 3
        {
            return s;
        }
    }
    word
}

/// The alternatives a query word stands for (itself, plus its synonyms).
fn alternatives(word: &str) -> Vec<&str> {
    SYNONYMS
        .iter()
        .find(|group| group.contains(&word) || group.contains(&stem(word)))
        .map_or_else(|| vec![word], |group| group.to_vec())
}

impl Guidance {
    /// Entries matching `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<'_>> {
        let raw = words(query);
        let meaningful: Vec<String> =
            raw.iter().filter(|w| !STOPWORDS.contains(&w.as_str())).cloned().collect();
        let terms = if meaningful.is_empty() { raw } else { meaningful };
        if terms.is_empty() {
            return Vec::new();
        }
        let id_query = query.trim().to_lowercase();
        let looks_like_id = id_query.contains('.') || id_query.contains('-');
        let phrase = terms.join(" ");

        // Per document: (matched terms, score, language of the best field).
        let mut scored: Vec<(usize, u32, Locale, usize)> = Vec::new();
        for (d, doc) in self.search_index.docs.iter().enumerate() {
            if looks_like_id && doc.id.starts_with(&id_query) {
                scored.push((terms.len(), 100, Locale::En, d));
                continue;
            }
            let mut matched = 0;
            let mut score = 0;
            let mut best: (u32, Locale) = (0, Locale::En);
            for term in &terms {
                let alternatives = alternatives(term);
                // Every field that mentions the word adds to the score: an entry about downtime
                // names it in its title, keywords and advice, one that merely mentions it does not.
                let mut term_score = 0;
                for f in &doc.fields {
                    let q = f
                        .words
                        .iter()
                        .map(|w| alternatives.iter().map(|a| quality(a, w)).max().unwrap_or(0))
                        .max()
                        .unwrap_or(0);
                    let s = q * f.weight;
                    term_score += s;
                    if s > best.0 {
                        best = (s, f.language);
                    }
                }
                if term_score > 0 {
                    matched += 1;
                    score += term_score;
                }
            }
            if terms.len() > 1 {
                // Words side by side, as typed, count for more than words scattered about.
                let bonus =
                    doc.fields.iter().filter(|f| f.phrase.contains(&phrase)).map(|f| f.weight * 3).max();
                score += bonus.unwrap_or(0);
            }
            if matched > 0 {
                scored.push((matched, score, best.1, d));
            }
        }
        let all_terms = scored.iter().any(|s| s.0 == terms.len());
        let needed = if all_terms { terms.len() } else { terms.len().div_ceil(2) };
        scored.retain(|s| s.0 >= needed);
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.3.cmp(&b.3)));
        scored
            .into_iter()
            .take(limit)
            .map(|(_, score, language, d)| Hit {
                found: match self.search_index.docs[d].target {
                    Target::Requirement(i) => Found::Requirement(&self.requirements[i]),
                    Target::Plan(i) => Found::Plan(&self.plans[i]),
                    Target::Challenge(i) => Found::Challenge(&self.challenges[i]),
                },
                score,
                language,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(
            words("L'hôpital, PACS/EPD — pompes à perfusion"),
            ["l", "hopital", "pacs", "epd", "pompes", "a", "perfusion"]
        );
    }

    #[test]
    fn plurals_prefixes_and_compounds_match() {
        assert_eq!(quality("pump", "pumps"), 2);
        assert_eq!(quality("pumps", "pump"), 2);
        assert_eq!(quality("pompen", "pomp"), 2);
        assert_eq!(quality("pomp", "infuuspompen"), 1);
        assert_eq!(quality("badge", "badge"), 3);
        assert_eq!(quality("it", "security"), 0);
    }

    #[test]
    fn synonyms_cover_national_names_of_the_patient_record() {
        assert!(alternatives("epd").contains(&"ehr"));
        assert!(alternatives("dpi").contains(&"epd"));
        assert_eq!(alternatives("pump"), ["pump"]);
    }
}
