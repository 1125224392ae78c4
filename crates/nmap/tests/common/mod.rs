//! Shared by the integration tests: where the sample scans are, and reading one whole.
#![allow(dead_code)]

use std::convert::Infallible;
use std::path::PathBuf;

use ward_nmap::{Host, ParseError, ScanSummary};

/// The nmap XML samples of the project's shared data folder (public test fixtures of
/// python-libnmap and nmap_xml_parser, see its README). They are not in the repository.
pub const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/nmap");

/// Whether missing samples must fail the tests rather than skip them (on CI, or when asked).
fn samples_required() -> bool {
    ["CI", "WARD_TEST_REQUIRE_WORKBOOK"].into_iter().any(|name| {
        std::env::var(name).is_ok_and(|value| !value.is_empty() && value != "0" && value != "false")
    })
}

/// The sample folder's `.xml` files, sorted, or `None` (the test is skipped with a note) when
/// the folder is absent and not required.
pub fn sample_files() -> Option<Vec<PathBuf>> {
    match std::fs::read_dir(SAMPLES) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .map(|entry| entry.expect("a readable folder entry").path())
                .filter(|path| path.extension().is_some_and(|e| e == "xml"))
                .collect();
            files.sort();
            assert!(!files.is_empty(), "{SAMPLES} holds no .xml file");
            Some(files)
        }
        Err(err) => {
            if samples_required() {
                panic!(
                    "{SAMPLES} is required (CI or WARD_TEST_REQUIRE_WORKBOOK is set) but cannot be read: {err}"
                );
            }
            eprintln!("skipped: the nmap samples folder {SAMPLES} cannot be read ({err})");
            None
        }
    }
}

/// One sample's bytes, or `None` when the folder is absent and not required.
pub fn sample(name: &str) -> Option<Vec<u8>> {
    sample_files()?;
    let path = format!("{SAMPLES}/{name}");
    Some(std::fs::read(&path).unwrap_or_else(|err| panic!("{path} cannot be read: {err}")))
}

/// Reads a whole scan into memory: fine for tests, which is why the crate itself does not offer it.
pub fn read_all(bytes: &[u8]) -> Result<(ScanSummary, Vec<Host>), ParseError> {
    let mut hosts = Vec::new();
    let summary = ward_nmap::parse(bytes, |host| {
        hosts.push(host);
        Ok::<(), Infallible>(())
    })
    .map_err(|error| match error {
        ward_nmap::Error::Parse(error) => error,
        ward_nmap::Error::Handler(never) => match never {},
    })?;
    Ok((summary, hosts))
}

/// The hosts read before the input ran out or was refused, and how it ended.
pub fn read_until_stopped(bytes: &[u8]) -> (Vec<Host>, Result<ScanSummary, ParseError>) {
    let mut hosts = Vec::new();
    let mut reader = match ward_nmap::NmapReader::new(bytes) {
        Ok(reader) => reader,
        Err(error) => return (hosts, Err(error)),
    };
    loop {
        match reader.next_host() {
            Ok(Some(host)) => hosts.push(host),
            Ok(None) => return (hosts, Ok(reader.into_summary())),
            Err(error) => {
                assert_eq!(reader.next_host(), Ok(None), "the reader stops after an error");
                return (hosts, Err(error));
            }
        }
    }
}
