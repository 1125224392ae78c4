//! Whatever the bytes, reading them hands out hosts and then ends or fails, never panics; and a
//! real scan cut anywhere gives exactly the hosts that end before the cut, and says it was cut.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::BufReader;

use common::{read_all, read_until_stopped, sample, sample_files};
use proptest::prelude::*;
use ward_nmap::{ErrorKind, Host, ParseError, ScanSummary};

/// A small scan that reads, for mutations to start from.
const VALID: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -A 10.0.0.0/30" start="1700000000" version="7.94" xmloutputversion="1.05">
<host><status state="up" reason="arp-response"/>
<address addr="10.0.0.1" addrtype="ipv4"/><address addr="00:09:FB:00:00:01" addrtype="mac" vendor="Philips"/>
<hostnames><hostname name="pump-1" type="PTR"/></hostnames>
<ports><extraports state="closed" count="998"/>
<port protocol="tcp" portid="104"><state state="open"/><service name="dicom" product="P &amp; Q" version="1.0"><cpe>cpe:/a:p:q:1.0</cpe></service><script id="x" output="a&#xa;b"><elem key="k">v</elem></script></port>
</ports>
<os><osmatch name="Linux 5.X" accuracy="97"><osclass vendor="Linux" osfamily="Linux" osgen="5.X" accuracy="97"><cpe>cpe:/o:linux:linux_kernel:5</cpe></osclass></osmatch></os>
</host>
<host><status state="down"/><address addr="10.0.0.2"/></host>
<runstats><finished time="1700000100" elapsed="100.5" exit="success"/><hosts up="1" down="1" total="2"/></runstats>
</nmaprun>
"#;

/// Pieces of XML and of nmap's format, to build inputs that get further than random bytes do.
const PIECES: &[&str] = &[
    "<nmaprun>",
    "</nmaprun>",
    "<nmaprun scanner=\"nmap\" version=\"7.94\">",
    "<host>",
    "</host>",
    "<status state=\"up\"/>",
    "<status state=\"down\"/>",
    "<address addr=\"10.0.0.1\"/>",
    "<address addr=\"AA:BB\" addrtype=\"mac\" vendor=\"V\"/>",
    "<hostnames>",
    "<hostname name=\"n\" type=\"user\"/>",
    "<ports>",
    "</ports>",
    "<port protocol=\"tcp\" portid=\"80\">",
    "<port protocol=\"udp\" portid=\"65536\">",
    "</port>",
    "<state state=\"open\"/>",
    "<service name=\"http\" conf=\"10\">",
    "</service>",
    "<cpe>",
    "</cpe>",
    "cpe:/a:x:y",
    "<os>",
    "</os>",
    "<osmatch name=\"L\" accuracy=\"90\">",
    "</osmatch>",
    "<osclass vendor=\"v\">",
    "</osclass>",
    "<runstats>",
    "<finished time=\"1\" elapsed=\"1.5\" exit=\"success\"/>",
    "<hosts up=\"1\" down=\"0\" total=\"1\"/>",
    "</runstats>",
    "<script id=\"s\" output=\"o\">",
    "</script>",
    "<!DOCTYPE nmaprun>",
    "<!DOCTYPE x [<!ENTITY e \"e\">]>",
    "<?xml version=\"1.0\"?>",
    "<!-- c -->",
    "<![CDATA[d]]>",
    "&amp;",
    "&#x41;",
    "&#0;",
    "&e;",
    "&",
    "<",
    ">",
    "\"",
    "=",
    "/>",
    " ",
    "\n",
    "\r\n",
    "é",
    "\u{feff}",
    "\0",
];

/// Checks what any outcome must satisfy, whatever the input.
fn keeps_its_promises(input: &[u8], hosts: &[Host], outcome: &Result<ScanSummary, ParseError>) {
    let length = input.len() as u64;
    assert!(hosts.windows(2).all(|w| w[0].line < w[1].line));
    for host in hosts {
        assert!(host.line >= 1);
        assert!(host.hostnames.iter().all(|h| !h.name.is_empty()));
        assert!(host.os_cpes().iter().all(|c| !c.is_empty() && c.trim() == *c));
    }
    match outcome {
        Ok(summary) => {
            assert_eq!(summary.hosts_seen, hosts.len() as u64);
            if let Some(truncated) = summary.truncated {
                assert_eq!(truncated.at.offset, length, "a cut is at the end of the input");
            }
        }
        Err(error) => {
            assert!(error.position.offset <= length);
            assert!(error.position.line >= 1 && error.position.column >= 1);
            assert!(!error.to_string().is_empty());
        }
    }
}

fn check(input: &[u8]) {
    let (hosts, outcome) = read_until_stopped(input);
    keeps_its_promises(input, &hosts, &outcome);
    // Read through a reader that hands out one byte at a time: the same outcome.
    let mut reader = match ward_nmap::NmapReader::new(BufReader::with_capacity(1, input)) {
        Ok(reader) => reader,
        Err(error) => {
            assert_eq!(Err(error), outcome.map(|_| ()));
            return;
        }
    };
    let mut slow_hosts = Vec::new();
    let slow_outcome = loop {
        match reader.next_host() {
            Ok(Some(host)) => slow_hosts.push(host),
            Ok(None) => break Ok(reader.into_summary()),
            Err(error) => break Err(error),
        }
    };
    assert_eq!(slow_hosts, hosts);
    assert_eq!(slow_outcome, outcome);
}

/// The offsets just past each `</host>`: a cut at or after one keeps that host.
fn host_ends(text: &[u8]) -> Vec<usize> {
    text.windows(7).enumerate().filter(|(_, w)| *w == b"</host>").map(|(at, _)| at + 7).collect()
}

/// Reads `text` cut at `cut` and checks the hosts and the ending against the whole file's.
fn check_cut(name: &str, text: &[u8], cut: usize, whole: &[Host]) {
    let root_read = text
        .windows(9)
        .position(|w| w == b"<nmaprun ")
        .map(|at| at + text.get(at..).unwrap().iter().position(|&b| b == b'>').unwrap() + 1);
    let prefix = &text[..cut];
    let (hosts, outcome) = read_until_stopped(prefix);
    keeps_its_promises(prefix, &hosts, &outcome);
    let expected = host_ends(text).iter().filter(|&&end| end <= cut).count();
    assert_eq!(hosts.len(), expected, "{name} cut at {cut}");
    assert_eq!(hosts[..], whole[..expected], "{name} cut at {cut}");
    let scan_end = text.windows(10).position(|w| w == b"</nmaprun>").map_or(usize::MAX, |at| at + 10);
    match outcome {
        Ok(summary) if cut >= scan_end => assert!(summary.truncated.is_none(), "{name} cut at {cut}"),
        Ok(summary) => {
            assert!(summary.truncated.is_some(), "{name} cut at {cut}: reported as cut");
            assert!(!summary.is_complete());
            assert!(root_read.is_some_and(|root| cut >= root), "{name} cut at {cut}: read before the root");
        }
        Err(error) => {
            assert_eq!(error.kind, ErrorKind::NoRootElement, "{name} cut at {cut}: {error}");
            assert!(root_read.is_none_or(|root| cut < root), "{name} cut at {cut}: {error}");
        }
    }
}

fn samples() -> Vec<(String, Vec<u8>, Vec<Host>)> {
    let Some(files) = sample_files() else { return Vec::new() };
    files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read(path).unwrap();
            let (_, hosts) = read_all(&text).unwrap();
            (name, text, hosts)
        })
        .collect()
}

proptest! {
    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        check(&bytes);
    }

    #[test]
    fn arbitrary_text(text in ".{0,512}") {
        check(text.as_bytes());
    }

    #[test]
    fn pieces_of_nmap_xml(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60)) {
        check(pieces.concat().as_bytes());
    }

    #[test]
    fn a_valid_scan_mutated(
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<proptest::sample::Index>(),
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        check(&bytes);
    }

    #[test]
    fn a_valid_scan_with_pieces_inserted(
        inserts in proptest::collection::vec((any::<proptest::sample::Index>(), proptest::sample::select(PIECES)), 1..6),
    ) {
        let mut text = VALID.to_owned();
        for (at, piece) in inserts {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, piece);
        }
        check(text.as_bytes());
    }

    #[test]
    fn any_prefix_of_a_real_scan(cut in any::<proptest::sample::Index>()) {
        for (name, text, whole) in samples() {
            check_cut(&name, &text, cut.index(text.len() + 1), &whole);
        }
    }
}

#[test]
fn the_starting_scan_reads() {
    let (summary, hosts) = read_all(VALID.as_bytes()).unwrap();
    assert_eq!(hosts.len(), 2);
    assert!(summary.is_complete());
    assert_eq!(hosts[0].ports[0].service.as_ref().unwrap().product.as_deref(), Some("P & Q"));
    for cut in 0..=VALID.len() {
        check_cut("VALID", VALID.as_bytes(), cut, &hosts);
    }
}

/// Every prefix of the ping scan, and every 7th of the OS-class one: the sweep the property test
/// samples.
#[test]
fn every_prefix_of_two_real_scans() {
    for (name, step) in [("libnmap_1_host_ping.xml", 1), ("libnmap_test_osclass.xml", 7)] {
        let Some(text) = sample(name) else { return };
        let (_, whole) = read_all(&text).unwrap();
        for cut in (0..=text.len()).step_by(step) {
            check_cut(name, &text, cut, &whole);
        }
    }
}
