//! Generated scans read back to the values they were written from: hosts with any text (quotes,
//! ampersands, angle brackets, non-ASCII, newlines), every kind of address, port and OS guess,
//! surrounded by the parts of nmap's output that are skipped, and read through readers that hand
//! out a few bytes at a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::io::BufReader;

use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use ward_nmap::{
    Address, AddressKind, Finished, Host, HostCounts, HostStatus, Hostname, HostnameKind, NmapReader,
    OsClass, OsMatch, Port, PortState, Protocol, RunExit, ScanSummary, Service,
};

/// Escapes text for an attribute value or element content, the way nmap does (newlines and tabs
/// as character references, so that nothing is normalised away).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => write!(out, "&#x{:x};", u32::from(c)).unwrap(),
            c => out.push(c),
        }
    }
    out
}

/// ` name="value"`, or nothing when the value is absent.
fn attribute(name: &str, value: Option<&str>) -> String {
    value.map(|v| format!(" {name}=\"{}\"", escape(v))).unwrap_or_default()
}

/// The parts of nmap's output that the reader skips, to be sprinkled between the kept ones.
const NOISE: &[&str] = &[
    "",
    "\n",
    "<!-- a comment -->",
    "<?pi data?>",
    "<times srtt=\"1\" rttvar=\"2\" to=\"3\"/>",
    "<script id=\"banner\" output=\"&lt;html&gt;&#xa;&amp;\"><elem key=\"k\">v &amp; w</elem><table><elem>x</elem></table></script>",
    "<distance value=\"1\"/>",
    "<extraports state=\"closed\" count=\"998\"><extrareasons reason=\"resets\" count=\"998\"/></extraports>",
    "<osfingerprint fingerprint=\"OS:SCAN(V=7.94%E=4)&#xa;OS:X\"/>",
    "text that is not kept &amp; never looked at <b>bold</b>",
    "<![CDATA[ <not> &markup; ]]>",
];

/// Writes a scan as nmap would, noise included, and returns it with the line of each `<host>`.
fn write_scan(summary: &ScanSummary, hosts: &[Host], noise: &[&str]) -> (String, Vec<u64>) {
    let mut noise = noise.iter().cycle();
    let mut next_noise = || *noise.next().unwrap_or(&"");
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n");
    write!(
        xml,
        "<nmaprun{}{}{}{}{}>\n{}",
        attribute("scanner", summary.scanner.as_deref()),
        attribute("args", summary.args.as_deref()),
        attribute("start", summary.start_time.map(|t| t.to_string()).as_deref()),
        attribute("version", summary.version.as_deref()),
        attribute("xmloutputversion", summary.xml_output_version.as_deref()),
        next_noise(),
    )
    .unwrap();
    let mut lines = Vec::new();
    for host in hosts {
        xml.push_str("\n<hosthint><status state=\"up\"/><address addr=\"0.0.0.0\"/></hosthint>\n");
        lines.push(1 + xml.bytes().filter(|&b| b == b'\n').count() as u64);
        write!(
            xml,
            "<host starttime=\"1\"><status state=\"{}\" reason=\"r\"/>{}",
            host.status.as_str(),
            next_noise()
        )
        .unwrap();
        for address in &host.addresses {
            writeln!(
                xml,
                "<address{}{}{}/>",
                attribute("addr", Some(&address.address)),
                attribute("addrtype", Some(address.kind.as_str())),
                attribute("vendor", address.vendor.as_deref())
            )
            .unwrap();
        }
        xml.push_str("<hostnames>");
        for name in &host.hostnames {
            write!(
                xml,
                "<hostname{}{}/>",
                attribute("name", Some(&name.name)),
                attribute("type", name.kind.map(HostnameKind::as_str))
            )
            .unwrap();
        }
        write!(xml, "</hostnames>\n<ports>{}", next_noise()).unwrap();
        for port in &host.ports {
            write!(
                xml,
                "<port protocol=\"{}\" portid=\"{}\"><state{} reason=\"syn-ack\"/>",
                port.protocol.as_str(),
                port.number,
                attribute("state", Some(port.state.as_str()))
            )
            .unwrap();
            if let Some(service) = &port.service {
                write!(
                    xml,
                    "<service{}{}{}{}{}{}{}{} method=\"probed\">",
                    attribute("name", Some(&service.name)),
                    attribute("product", service.product.as_deref()),
                    attribute("version", service.version.as_deref()),
                    attribute("extrainfo", service.extra_info.as_deref()),
                    attribute("ostype", service.os_type.as_deref()),
                    attribute("devicetype", service.device_type.as_deref()),
                    attribute("tunnel", service.tunnel.as_deref()),
                    attribute("conf", service.confidence.map(|c| c.to_string()).as_deref()),
                )
                .unwrap();
                for cpe in &service.cpes {
                    write!(xml, "<cpe>{}</cpe>", escape(cpe)).unwrap();
                }
                xml.push_str("</service>");
            }
            writeln!(xml, "{}</port>", next_noise()).unwrap();
        }
        write!(xml, "</ports>\n<os><portused state=\"open\" proto=\"tcp\" portid=\"22\"/>").unwrap();
        let class = |xml: &mut String, class: &OsClass| {
            write!(
                xml,
                "<osclass{}{}{}{}{}>",
                attribute("type", class.device_type.as_deref()),
                attribute("vendor", class.vendor.as_deref()),
                attribute("osfamily", class.family.as_deref()),
                attribute("osgen", class.generation.as_deref()),
                attribute("accuracy", class.accuracy.map(|a| a.to_string()).as_deref()),
            )
            .unwrap();
            for cpe in &class.cpes {
                write!(xml, "<cpe>{}</cpe>", escape(cpe)).unwrap();
            }
            xml.push_str("</osclass>\n");
        };
        for loose in &host.os_classes {
            class(&mut xml, loose);
        }
        for os_match in &host.os_matches {
            write!(
                xml,
                "<osmatch{}{} line=\"1\">",
                attribute("name", Some(&os_match.name)),
                attribute("accuracy", os_match.accuracy.map(|a| a.to_string()).as_deref())
            )
            .unwrap();
            for in_match in &os_match.classes {
                class(&mut xml, in_match);
            }
            xml.push_str("</osmatch>\n");
        }
        write!(xml, "</os>{}\n</host>\n", next_noise()).unwrap();
    }
    if let Some(finished) = &summary.finished {
        write!(
            xml,
            "<runstats><finished{}{}{}{}{}/>",
            attribute("time", finished.time.map(|t| t.to_string()).as_deref()),
            attribute("elapsed", finished.elapsed_seconds.map(|e| e.to_string()).as_deref()),
            attribute("summary", finished.summary.as_deref()),
            attribute("exit", finished.exit.map(|e| if e == RunExit::Success { "success" } else { "error" })),
            attribute("errormsg", finished.error_message.as_deref()),
        )
        .unwrap();
        if let Some(counts) = summary.host_counts {
            write!(xml, "<hosts up=\"{}\" down=\"{}\" total=\"{}\"/>", counts.up, counts.down, counts.total)
                .unwrap();
        }
        xml.push_str("</runstats>\n");
    }
    xml.push_str("</nmaprun>\n<!-- Nmap done -->\n");
    (xml, lines)
}

/// Text nmap might write, awkward characters included; never empty (empty reads as absent).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ._-]{1,16}",
        "[ -~]{1,24}",
        "[a-z&<>\"' \n\té漢🩺]{1,12}",
        select(vec!["Philips Medical Systems", "GE Healthcare", "B. Braun & Co", "<none>", "\"quoted\""])
            .prop_map(str::to_owned),
    ]
}

/// CPEs as nmap writes them: no surrounding white space (it is trimmed on reading).
fn cpe() -> impl Strategy<Value = String> {
    "cpe:/[aoh]:[a-z_&<>]{1,10}:[a-z0-9_.&]{0,10}"
}

fn os_class() -> impl Strategy<Value = OsClass> {
    (
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(0..=100u8),
        proptest::collection::vec(cpe(), 0..3),
    )
        .prop_map(|(vendor, family, generation, device_type, accuracy, cpes)| OsClass {
            vendor,
            family,
            generation,
            device_type,
            accuracy,
            cpes,
        })
}

fn service() -> impl Strategy<Value = Service> {
    (
        text(),
        (option::of(text()), option::of(text()), option::of(text())),
        (option::of(text()), option::of(text()), option::of(Just("ssl".to_owned()))),
        option::of(0..=10u8),
        proptest::collection::vec(cpe(), 0..3),
    )
        .prop_map(
            |(name, (product, version, extra_info), (os_type, device_type, tunnel), confidence, cpes)| {
                Service { name, product, version, extra_info, os_type, device_type, tunnel, confidence, cpes }
            },
        )
}

fn port() -> impl Strategy<Value = Port> {
    let protocol = select(vec![Protocol::Tcp, Protocol::Udp, Protocol::Sctp, Protocol::Ip]);
    let state = select(vec![
        PortState::Open,
        PortState::Closed,
        PortState::Filtered,
        PortState::Unfiltered,
        PortState::OpenFiltered,
        PortState::ClosedFiltered,
        PortState::Other("testing".into()),
    ]);
    (protocol, any::<u16>(), state, option::of(service()))
        .prop_map(|(protocol, number, state, service)| Port { protocol, number, state, service })
}

fn host() -> impl Strategy<Value = Host> {
    let address =
        (select(vec![AddressKind::Ipv4, AddressKind::Ipv6, AddressKind::Mac]), text(), option::of(text()))
            .prop_map(|(kind, address, vendor)| Address { kind, address, vendor });
    let hostname = (text(), option::of(select(vec![HostnameKind::User, HostnameKind::Ptr])))
        .prop_map(|(name, kind)| Hostname { name, kind });
    let os_match = (text(), option::of(0..=100u8), proptest::collection::vec(os_class(), 0..3))
        .prop_map(|(name, accuracy, classes)| OsMatch { name, accuracy, classes });
    (
        select(vec![HostStatus::Up, HostStatus::Down, HostStatus::Unknown, HostStatus::Skipped]),
        proptest::collection::vec(address, 1..4),
        proptest::collection::vec(hostname, 0..3),
        proptest::collection::vec(port(), 0..5),
        proptest::collection::vec(os_match, 0..3),
        proptest::collection::vec(os_class(), 0..2),
    )
        .prop_map(|(status, addresses, hostnames, ports, os_matches, os_classes)| Host {
            line: 0,
            status,
            addresses,
            hostnames,
            ports,
            os_matches,
            os_classes,
        })
}

fn summary() -> impl Strategy<Value = ScanSummary> {
    let finished = (
        option::of(any::<u32>().prop_map(u64::from)),
        option::of((0..10_000_000u32).prop_map(|centis| f64::from(centis) / 100.0)),
        option::of(select(vec![RunExit::Success, RunExit::Error])),
        option::of(text()),
        option::of(text()),
    )
        .prop_map(|(time, elapsed_seconds, exit, error_message, summary)| Finished {
            time,
            elapsed_seconds,
            exit,
            error_message,
            summary,
        });
    let counts = (any::<u32>(), any::<u32>(), any::<u32>()).prop_map(|(up, down, total)| HostCounts {
        up: u64::from(up),
        down: u64::from(down),
        total: u64::from(total),
    });
    (
        option::of(select(vec!["nmap".to_owned(), "masscan".to_owned()])),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(any::<u64>()),
        option::of((finished, option::of(counts))),
    )
        .prop_map(|(scanner, version, xml_output_version, args, start_time, end)| {
            let (finished, host_counts) = match end {
                Some((finished, counts)) => (Some(finished), counts),
                None => (None, None),
            };
            ScanSummary {
                scanner,
                version,
                xml_output_version,
                args,
                start_time,
                hosts_seen: 0,
                finished,
                host_counts,
                truncated: None,
            }
        })
}

fn read_through(xml: &str, capacity: usize) -> (ScanSummary, Vec<Host>) {
    let mut reader = NmapReader::new(BufReader::with_capacity(capacity, xml.as_bytes())).unwrap();
    let header = reader.summary().clone();
    let hosts: Vec<Host> = reader.by_ref().map(Result::unwrap).collect();
    let summary = reader.into_summary();
    assert_eq!(
        (&header.scanner, &header.version, &header.args, header.start_time),
        (&summary.scanner, &summary.version, &summary.args, summary.start_time),
        "the header is known before the hosts"
    );
    (summary, hosts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_scans_read_back(
        summary in summary(),
        hosts in proptest::collection::vec(host(), 0..6),
        noise in proptest::collection::vec(select(NOISE), 1..8),
        capacity in 1..200usize,
    ) {
        let (xml, lines) = write_scan(&summary, &hosts, &noise);
        let (read_summary, read_hosts) = read_through(&xml, capacity);
        let expected_hosts: Vec<Host> =
            hosts.iter().zip(&lines).map(|(host, &line)| Host { line, ..host.clone() }).collect();
        prop_assert_eq!(&read_hosts, &expected_hosts, "{}", xml);
        let expected_summary = ScanSummary { hosts_seen: hosts.len() as u64, ..summary.clone() };
        prop_assert_eq!(&read_summary, &expected_summary);
        prop_assert_eq!(read_summary.is_complete(), summary.finished.is_some());
        // The same file cut in the middle: the hosts that end before the cut, marked as cut.
        let cut = xml.len() / 2;
        if let Ok((cut_summary, cut_hosts)) = common::read_all(&xml.as_bytes()[..cut]) {
            prop_assert!(cut_summary.truncated.is_some());
            prop_assert_eq!(&cut_hosts[..], &expected_hosts[..cut_hosts.len()]);
        }
    }
}

/// One generated value of each kind, written out, for a reader of this file to see the shape.
#[test]
fn a_written_scan_looks_like_nmap_output() {
    let host = Host {
        line: 0,
        status: HostStatus::Up,
        addresses: vec![Address {
            kind: AddressKind::Mac,
            address: "00:09:FB:01:02:03".into(),
            vendor: Some("Philips & Co".into()),
        }],
        hostnames: vec![],
        ports: vec![],
        os_matches: vec![],
        os_classes: vec![],
    };
    let (xml, lines) = write_scan(&ScanSummary::default(), std::slice::from_ref(&host), &[""]);
    assert!(
        xml.contains("<address addr=\"00:09:FB:01:02:03\" addrtype=\"mac\" vendor=\"Philips &amp; Co\"/>"),
        "{xml}"
    );
    let (_, hosts) = read_through(&xml, 5);
    assert_eq!(hosts, [Host { line: lines[0], ..host }]);
}
