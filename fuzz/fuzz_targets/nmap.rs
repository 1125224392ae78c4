//! An nmap XML file is an upload: any bytes give hosts and then an end or an error, never a panic
//! or unbounded memory; the outcome does not depend on how the reader is fed (here, all at once
//! and one byte at a time); a cut is reported at the end of the input and errors point inside it.
//!
//! Seed the corpus with the shared samples for depth (they are not committed):
//! `mkdir -p corpus/nmap && cp ../../shared/data/nmap/*.xml corpus/nmap/`.
#![no_main]

use std::io::BufReader;

use libfuzzer_sys::fuzz_target;
use ward_nmap::{Host, NmapReader, ParseError, ScanSummary};

fn read(input: impl std::io::BufRead) -> (Vec<Host>, Result<ScanSummary, ParseError>) {
    let mut reader = match NmapReader::new(input) {
        Ok(reader) => reader,
        Err(error) => return (Vec::new(), Err(error)),
    };
    let mut hosts = Vec::new();
    loop {
        match reader.next_host() {
            Ok(Some(host)) => hosts.push(host),
            Ok(None) => return (hosts, Ok(reader.into_summary())),
            Err(error) => {
                assert_eq!(reader.next_host(), Ok(None), "nothing after an error");
                return (hosts, Err(error));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (hosts, outcome) = read(data);
    let length = data.len() as u64;
    assert!(hosts.windows(2).all(|w| w[0].line < w[1].line));
    match &outcome {
        Ok(summary) => {
            assert_eq!(summary.hosts_seen, hosts.len() as u64);
            if let Some(cut) = summary.truncated {
                assert_eq!(cut.at.offset, length);
            }
        }
        Err(error) => {
            assert!(error.position.offset <= length && error.position.line >= 1);
            assert!(!error.to_string().is_empty());
        }
    }
    let (slow_hosts, slow_outcome) = read(BufReader::with_capacity(1, data));
    assert_eq!(slow_hosts, hosts);
    assert_eq!(slow_outcome, outcome);
});
