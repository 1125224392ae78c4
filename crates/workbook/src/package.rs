//! The zip package of an .xlsx file: its parts, relationships, sheet list and shared strings.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipArchive;

use crate::WorkbookError;
use crate::text::decode_ooxml;
use crate::xml::{attr, local, resolve_ref};

/// The largest part (decompressed) read from a workbook: the official one's largest is 150 KiB.
const MAX_PART: u64 = 32 * 1024 * 1024;
/// The most all parts together may hold (decompressed): the official workbook holds 0.6 MiB.
const MAX_TOTAL: u64 = 128 * 1024 * 1024;

const OFFICE_DOCUMENT: &str = "/officeDocument";
const SHARED_STRINGS: &str = "/sharedStrings";
const WORKSHEET: &str = "/worksheet";

/// One sheet as listed in `xl/workbook.xml`.
#[derive(Debug, Clone)]
pub(crate) struct SheetEntry {
    pub name: String,
    /// The part path inside the zip, e.g. `xl/worksheets/sheet3.xml`, when it is a worksheet.
    pub path: Option<String>,
}

pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Lowercased part name → (name as stored, decompressed bytes). Part names are
    /// case-insensitive in OPC.
    parts: HashMap<String, (String, Vec<u8>)>,
    pub workbook_path: String,
    pub workbook_xml: String,
    pub sheets: Vec<SheetEntry>,
    pub shared_strings: Vec<String>,
    pub date1904: bool,
}

fn corrupt(part: &str, reason: impl std::fmt::Display) -> WorkbookError {
    WorkbookError::Corrupt { part: part.to_owned(), reason: reason.to_string() }
}

/// Decompresses every entry (checking its header and CRC), so that a damaged archive is refused
/// as a whole rather than only when a writer copies the damaged entry.
fn read_entries(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
) -> Result<HashMap<String, (String, Vec<u8>)>, WorkbookError> {
    let mut parts = HashMap::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let file = archive.by_index(i).map_err(|e| corrupt(&format!("entry {i}"), e))?;
        let name = file.name().map_err(|e| corrupt(&format!("entry {i}"), e))?.into_owned();
        let mut data = Vec::new();
        file.take(MAX_PART + 1).read_to_end(&mut data).map_err(|e| corrupt(&name, e))?;
        if data.len() as u64 > MAX_PART {
            return Err(corrupt(&name, format!("the part is larger than {} MiB", MAX_PART / 1024 / 1024)));
        }
        total += data.len() as u64;
        if total > MAX_TOTAL {
            return Err(corrupt(
                &name,
                format!("the parts add up to more than {} MiB", MAX_TOTAL / 1024 / 1024),
            ));
        }
        if parts.insert(name.to_ascii_lowercase(), (name.clone(), data)).is_some() {
            return Err(corrupt(&name, "the archive holds two entries of that name"));
        }
    }
    Ok(parts)
}

impl<'a> Package<'a> {
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Package<'a>, WorkbookError> {
        let mut archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| WorkbookError::NotXlsx(format!("the file is not a zip archive ({e})")))?;
        let parts = read_entries(&mut archive)?;
        let mut package = Package {
            archive,
            parts,
            workbook_path: String::new(),
            workbook_xml: String::new(),
            sheets: Vec::new(),
            shared_strings: Vec::new(),
            date1904: false,
        };
        if !package.has_part("[Content_Types].xml") {
            return Err(WorkbookError::NotXlsx(
                "the zip archive has no [Content_Types].xml: it is not an Office document".into(),
            ));
        }
        let root_rels = package.relationships("", "_rels/.rels")?;
        let Some(workbook_path) =
            root_rels.iter().find(|r| r.kind.ends_with(OFFICE_DOCUMENT)).map(|r| r.target.clone())
        else {
            return Err(WorkbookError::NotXlsx("the package names no main document (_rels/.rels)".into()));
        };
        if !package.has_part(&workbook_path) {
            return Err(WorkbookError::NotXlsx(format!("the main document {workbook_path} is missing")));
        }
        let workbook_xml = package.part_text(&workbook_path)?;
        let (listed, date1904) = parse_workbook(&workbook_xml).map_err(|e| corrupt(&workbook_path, e))?;
        if listed.is_empty() {
            return Err(WorkbookError::NotXlsx(format!(
                "{workbook_path} lists no sheets: the file is not an Excel workbook"
            )));
        }
        let (dir, file) = workbook_path.rsplit_once('/').unwrap_or(("", &workbook_path));
        let rels_path =
            if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
        let rels =
            if package.has_part(&rels_path) { package.relationships(dir, &rels_path)? } else { Vec::new() };
        let sheets = listed
            .into_iter()
            .map(|(name, rid)| {
                let path = rels
                    .iter()
                    .find(|r| r.id == rid && r.kind.ends_with(WORKSHEET))
                    .map(|r| r.target.clone());
                SheetEntry { name, path }
            })
            .collect();
        let shared_path = rels.iter().find(|r| r.kind.ends_with(SHARED_STRINGS)).map(|r| r.target.clone());
        let shared_strings = match shared_path {
            Some(path) if package.has_part(&path) => {
                let text = package.part_text(&path)?;
                parse_shared_strings(&text).map_err(|e| corrupt(&path, e))?
            }
            _ => Vec::new(),
        };
        package.workbook_path = workbook_path;
        package.workbook_xml = workbook_xml;
        package.sheets = sheets;
        package.shared_strings = shared_strings;
        package.date1904 = date1904;
        Ok(package)
    }

    pub(crate) fn has_part(&self, name: &str) -> bool {
        self.parts.contains_key(&name.to_ascii_lowercase())
    }

    /// The stored name of a part (its case as in the zip).
    pub(crate) fn stored_name(&self, name: &str) -> Option<&str> {
        self.parts.get(&name.to_ascii_lowercase()).map(|(stored, _)| stored.as_str())
    }

    /// A part's bytes, decompressed.
    pub(crate) fn part(&self, name: &str) -> Result<&[u8], WorkbookError> {
        self.parts
            .get(&name.to_ascii_lowercase())
            .map(|(_, data)| data.as_slice())
            .ok_or_else(|| corrupt(name, "the part is missing"))
    }

    /// A part as UTF-8 text (without a byte-order mark).
    pub(crate) fn part_text(&self, name: &str) -> Result<String, WorkbookError> {
        let data = self.part(name)?;
        let text = std::str::from_utf8(data).map_err(|_| corrupt(name, "the part is not UTF-8 text"))?;
        Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned())
    }

    fn relationships(&self, base_dir: &str, path: &str) -> Result<Vec<Relationship>, WorkbookError> {
        if !self.has_part(path) {
            return Err(WorkbookError::NotXlsx(format!("the package has no {path}")));
        }
        let text = self.part_text(path)?;
        parse_relationships(&text, base_dir).map_err(|e| corrupt(path, e))
    }

    /// The archive, for copying entries as they are.
    pub(crate) fn into_archive(self) -> ZipArchive<Cursor<&'a [u8]>> {
        self.archive
    }
}

#[derive(Debug, Clone)]
struct Relationship {
    id: String,
    kind: String,
    /// The target as a part path from the package root.
    target: String,
}

fn parse_relationships(xml: &str, base_dir: &str) -> Result<Vec<Relationship>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "Relationship" => {
                if attr(&e, "TargetMode", false)?.is_some_and(|m| m.eq_ignore_ascii_case("External")) {
                    continue;
                }
                let (Some(id), Some(kind), Some(target)) =
                    (attr(&e, "Id", false)?, attr(&e, "Type", false)?, attr(&e, "Target", false)?)
                else {
                    continue;
                };
                out.push(Relationship { id, kind, target: resolve_target(base_dir, &target) });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Resolves a relationship target against the folder of its source part.
fn resolve_target(base_dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None if base_dir.is_empty() => target.to_owned(),
        None => format!("{base_dir}/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The sheets (name, relationship id) and the 1904 date system flag.
fn parse_workbook(xml: &str) -> Result<(Vec<(String, String)>, bool), String> {
    let mut reader = Reader::from_str(xml);
    let mut sheets = Vec::new();
    let mut date1904 = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => match local(&e).as_str() {
                "sheet" => {
                    let name = attr(&e, "name", false)?.ok_or("a sheet has no name")?;
                    let rid = attr(&e, "id", true)?.ok_or_else(|| format!("sheet \"{name}\" has no r:id"))?;
                    sheets.push((name, rid));
                }
                "workbookPr" => {
                    date1904 = attr(&e, "date1904", false)?.is_some_and(|v| v == "1" || v == "true");
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, date1904))
}

/// The shared string table: each `<si>`'s text (rich-text runs joined, phonetic runs left out).
fn parse_shared_strings(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut in_t = false;
    let mut in_phonetic = 0u32;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => match local(&e).as_str() {
                "si" => current = Some(String::new()),
                "t" => in_t = in_phonetic == 0,
                "rPh" => in_phonetic += 1,
                _ => {}
            },
            Event::Empty(e) if local(&e) == "si" => out.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                "si" => {
                    if let Some(text) = current.take() {
                        out.push(decode_ooxml(&text));
                    }
                }
                "t" => in_t = false,
                "rPh" => in_phonetic = in_phonetic.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) if in_t => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if in_t => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_t => {
                let ch = resolve_ref(&r)?;
                if let Some(c) = current.as_mut() {
                    c.push(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_from_the_source_folder() {
        assert_eq!(resolve_target("xl", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve_target("xl", "/xl/styles.xml"), "xl/styles.xml");
        assert_eq!(resolve_target("xl", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve_target("", "xl/workbook.xml"), "xl/workbook.xml");
    }

    #[test]
    fn shared_strings_join_runs_and_skip_phonetics() {
        let xml = r#"<sst><si><t>a&amp;b</t></si><si><r><t>x</t></r><r><t xml:space="preserve"> y</t></r><rPh><t>no</t></rPh></si><si/><si><t>c_x000D_d</t></si></sst>"#;
        assert_eq!(parse_shared_strings(xml).unwrap(), ["a&b", "x y", "", "c\rd"]);
    }
}
