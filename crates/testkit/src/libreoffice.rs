//! LibreOffice as a second spreadsheet engine: recalculates workbooks that Ward wrote (whose
//! cached formula results are stale) so that a test can compare the engine's results with Ward's.
//!
//! Debian's `libreoffice-calc-nogui` provides `soffice`. A test that needs it calls
//! [`soffice`] first: it skips with a note when LibreOffice is missing, and fails when
//! `WARD_TEST_REQUIRE_LIBREOFFICE` is set.

use std::collections::HashSet;
use std::io::{self, Cursor};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx};

/// How long one LibreOffice run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(300);

/// A profile whose only settings make Calc recalculate every formula when it loads a file
/// (0 = always), for OOXML (.xlsx) and ODF files alike.
const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

/// The `soffice` program on `PATH`; `None` (with a note) when LibreOffice is not installed and
/// not required (`WARD_TEST_REQUIRE_LIBREOFFICE`).
pub fn soffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|dir| dir.join("soffice")).find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("WARD_TEST_REQUIRE_LIBREOFFICE").is_none(),
            "LibreOffice (soffice) is required here (WARD_TEST_REQUIRE_LIBREOFFICE) but is not on PATH; \
             install libreoffice-calc-nogui"
        );
        eprintln!("note: LibreOffice (soffice) is not installed; skipping");
    }
    found
}

/// Opens each workbook in one headless LibreOffice process (it is slow to start), recalculates
/// every formula, and saves it as .xlsx in `out_dir` under the same file name; returns the new
/// paths, in the order of `files`.
///
/// LibreOffice runs with a fresh, throw-away profile that forces recalculation on load, so the
/// results do not depend on the machine's settings nor on what the files ask for.
pub fn recalculate_with_libreoffice(files: &[PathBuf], out_dir: &Path) -> io::Result<Vec<PathBuf>> {
    let soffice =
        soffice().ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "soffice is not on PATH"))?;
    std::fs::create_dir_all(out_dir)?;
    let out_dir = out_dir.canonicalize()?;
    let mut outputs = Vec::with_capacity(files.len());
    let mut names = HashSet::new();
    let mut inputs = Vec::with_capacity(files.len());
    for file in files {
        let file = file.canonicalize()?;
        let stem = file.file_stem().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{} has no file name", file.display()))
        })?;
        if !names.insert(stem.to_owned()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("two inputs are named {}: their outputs would collide", stem.to_string_lossy()),
            ));
        }
        if file.parent() == Some(out_dir.as_path()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is in the output folder: LibreOffice would overwrite it", file.display()),
            ));
        }
        let mut output = out_dir.join(stem);
        output.set_extension("xlsx");
        let _ = std::fs::remove_file(&output);
        outputs.push(output);
        inputs.push(file);
    }
    if inputs.is_empty() {
        return Ok(outputs);
    }

    let profile = tempfile::tempdir()?;
    std::fs::create_dir_all(profile.path().join("user"))?;
    std::fs::write(profile.path().join("user/registrymodifications.xcu"), PROFILE)?;
    let mut child = Command::new(soffice)
        .arg("--headless")
        .arg("--norestore")
        .arg("--nologo")
        .arg(format!("-env:UserInstallation={}", file_url(profile.path())))
        .arg("--convert-to")
        .arg("xlsx")
        .arg("--outdir")
        .arg(&out_dir)
        .args(&inputs)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "LibreOffice did not finish within 5 minutes",
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output()?;
    let missing: Vec<String> =
        outputs.iter().filter(|o| !o.is_file()).map(|o| o.display().to_string()).collect();
    if !status.success() || !missing.is_empty() {
        return Err(io::Error::other(format!(
            "LibreOffice ({status}) did not write {}\nstdout: {}\nstderr: {}",
            missing.join(", "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(outputs)
}

/// `file:///…` for a local folder (percent-encoding what a URL cannot carry).
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(char::from(byte))
            }
            other => url.push_str(&format!("%{other:02X}")),
        }
    }
    url
}

/// The cached numeric values of cells of an .xlsx file, e.g.
/// `cached_numbers(&bytes, &[("ESSENTIAL Summary", "M4"), ("GOVERN", "K3")])`: `None` for a cell
/// that is empty or does not hold a number (dates give their serial number).
pub fn cached_numbers(xlsx: &[u8], cells: &[(&str, &str)]) -> io::Result<Vec<Option<f64>>> {
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(xlsx)).map_err(io::Error::other)?;
    let mut out = Vec::with_capacity(cells.len());
    for (sheet, cell) in cells {
        let range = workbook.worksheet_range(sheet).map_err(io::Error::other)?;
        let (row, col) = parse_a1(cell).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("bad cell reference {cell}"))
        })?;
        out.push(match range.get_value((row, col)) {
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(i)) => Some(*i as f64),
            Some(Data::DateTime(d)) => Some(d.as_f64()),
            _ => None,
        });
    }
    Ok(out)
}

/// `"K3"` → (2, 10): zero-based row and column, as calamine counts.
fn parse_a1(cell: &str) -> Option<(u32, u32)> {
    let split = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = cell.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

/// Where the CCB's official CyFun 2025 workbook lies: beside the repository, in
/// `shared/data/cyfun/` (it is the CCB's and never committed).
pub const OFFICIAL_WORKBOOK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/cyfun/CyFun2025_Self-Assessment_tool_ESSENTIAL_v3.1.xlsx"
);

/// The official blank workbook's bytes; `None` (with a note) when it is missing and not required
/// (`WARD_TEST_REQUIRE_WORKBOOK`, set under CI).
pub fn official_workbook() -> Option<Vec<u8>> {
    match std::fs::read(OFFICIAL_WORKBOOK) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            assert!(
                !crate::required("WARD_TEST_REQUIRE_WORKBOOK"),
                "the official CyFun workbook is required here but cannot be read at {OFFICIAL_WORKBOOK}: {e}"
            );
            eprintln!("note: {OFFICIAL_WORKBOOK} is missing; skipping");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_and_urls() {
        assert_eq!(parse_a1("A1"), Some((0, 0)));
        assert_eq!(parse_a1("K3"), Some((2, 10)));
        assert_eq!(parse_a1("AE30"), Some((29, 30)));
        assert_eq!(parse_a1("3"), None);
        assert_eq!(parse_a1("A0"), None);
        assert_eq!(file_url(Path::new("/tmp/a b/c")), "file:///tmp/a%20b/c");
    }
}
