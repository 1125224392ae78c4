//! Real nmap output, from nmap 5.51 to 7.91: every sample of the shared data folder reads, with
//! the hosts, addresses, vendors, services, CPEs and OS guesses the files hold (values checked
//! against the files by hand), and the one interrupted scan reads as such.
//!
//! The samples are not in the repository (see `common::SAMPLES`); without them the tests are
//! skipped with a note, unless `CI` or `WARD_TEST_REQUIRE_WORKBOOK` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::BufReader;

use common::{read_all, sample, sample_files};
use ward_nmap::{
    AddressKind, Host, HostCounts, HostStatus, HostnameKind, NmapReader, PortState, Protocol, RunExit,
    ScanSummary,
};

fn read_sample(name: &str) -> Option<(ScanSummary, Vec<Host>)> {
    let bytes = sample(name)?;
    Some(read_all(&bytes).unwrap_or_else(|err| panic!("{name}: {err}")))
}

fn host<'a>(hosts: &'a [Host], ip: &str) -> &'a Host {
    hosts
        .iter()
        .find(|h| h.address(AddressKind::Ipv4).is_some_and(|a| a.address == ip))
        .unwrap_or_else(|| panic!("no host {ip}"))
}

fn mac(host: &Host) -> Option<(&str, Option<&str>)> {
    host.address(AddressKind::Mac).map(|a| (a.address.as_str(), a.vendor.as_deref()))
}

fn open_ports(host: &Host) -> Vec<u16> {
    host.open_ports().map(|p| p.number).collect()
}

/// Every sample reads, with its number of hosts (and hosts up), complete or not.
#[test]
fn every_sample_reads() {
    let Some(files) = sample_files() else { return };
    let expected: &[(&str, usize, usize, bool)] = &[
        ("libnmap_1_host_ping.xml", 1, 1, true),
        ("libnmap_2_hosts_version.xml", 2, 2, true),
        ("libnmap_dionaea_scan.xml", 1, 1, true),
        ("libnmap_full_sudo6.xml", 256, 4, true),
        ("libnmap_os_scan6.xml", 256, 3, true),
        ("libnmap_test_osclass.xml", 1, 1, true),
        ("nmap_xml_parser_incomplete_scan.xml", 0, 0, false),
        ("nmap_xml_parser_test.xml", 1, 1, true),
    ];
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        let (summary, hosts) = read_all(&bytes).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(summary.hosts_seen, hosts.len() as u64, "{name}");
        assert_eq!(summary.scanner.as_deref(), Some("nmap"), "{name}");
        assert!(hosts.windows(2).all(|w| w[0].line < w[1].line), "{name}: host lines increase");
        // The same through a reader that hands out one byte at a time.
        let slow: Vec<Host> =
            NmapReader::new(BufReader::with_capacity(1, &bytes[..])).unwrap().map(Result::unwrap).collect();
        assert_eq!(slow, hosts, "{name}: read a byte at a time");
        let Some(&(_, count, up, complete)) = expected.iter().find(|e| e.0 == name) else {
            eprintln!(
                "note: {name} is a new sample: it reads ({} hosts) but has no expectations here",
                hosts.len()
            );
            continue;
        };
        assert_eq!(hosts.len(), count, "{name}: hosts");
        assert_eq!(hosts.iter().filter(|h| h.is_up()).count(), up, "{name}: hosts up");
        assert_eq!(summary.is_complete(), complete, "{name}: complete");
        if let Some(counts) = summary.host_counts {
            assert_eq!((counts.total, counts.up), (count as u64, up as u64), "{name}: runstats agree");
        }
    }
    for (name, ..) in expected {
        assert!(files.iter().any(|f| f.ends_with(name)), "{name} is missing from {}", common::SAMPLES);
    }
}

#[test]
fn full_sudo6_a_slash_24_with_mac_vendors_services_and_os_cpes() {
    let Some((summary, hosts)) = read_sample("libnmap_full_sudo6.xml") else { return };
    assert_eq!(summary.version.as_deref(), Some("6.40-2"));
    assert_eq!(summary.xml_output_version.as_deref(), Some("1.04"));
    assert_eq!(summary.args.as_deref(), Some("nmap -A -vv -oX full_sudo6.xml 192.168.1.0/24"));
    assert_eq!(summary.start_time, Some(1_399_586_452));
    let finished = summary.finished.as_ref().unwrap();
    assert_eq!(finished.time, Some(1_399_586_607));
    assert_eq!(finished.elapsed_seconds, Some(155.75));
    assert_eq!(finished.exit, Some(RunExit::Success));
    assert!(finished.summary.as_deref().unwrap().contains("256 IP addresses (4 hosts up)"));
    assert_eq!(summary.host_counts, Some(HostCounts { up: 4, down: 252, total: 256 }));
    assert!(summary.truncated.is_none());

    let first = &hosts[0];
    assert_eq!((first.line, first.status), (12, HostStatus::Down));
    assert_eq!(first.addresses[0].address, "192.168.1.0");
    assert!(first.ports.is_empty() && first.os_matches.is_empty());

    let router = host(&hosts, "192.168.1.1");
    assert_eq!(router.line, 777);
    assert_eq!(router.status, HostStatus::Up);
    assert_eq!(mac(router), Some(("6C:2E:85:19:AF:00", Some("Sagemcom"))));
    assert!(router.hostnames.is_empty());
    assert_eq!(open_ports(router), [23, 80, 443, 992, 8080, 8443]);
    let telnet = router.ports[0].service.as_ref().unwrap();
    assert_eq!(telnet.name, "telnet");
    assert_eq!(telnet.product.as_deref(), Some("Sagem router telnetd"));
    assert_eq!(telnet.device_type.as_deref(), Some("router"));
    assert_eq!(telnet.confidence, Some(10));
    assert_eq!(router.ports[3].service.as_ref().unwrap().tunnel.as_deref(), Some("ssl"));
    assert_eq!(router.os_matches.len(), 1);
    assert_eq!(router.os_matches[0].name, "Linux 2.6.13 (embedded)");
    assert_eq!(router.os_matches[0].accuracy, Some(100));
    let class = &router.os_matches[0].classes[0];
    assert_eq!(
        (
            class.vendor.as_deref(),
            class.family.as_deref(),
            class.generation.as_deref(),
            class.device_type.as_deref()
        ),
        (Some("Linux"), Some("Linux"), Some("2.6.X"), Some("WAP"))
    );
    assert_eq!(router.os_cpes(), ["cpe:/o:linux:linux_kernel:2.6.13"]);

    let apple = host(&hosts, "192.168.1.2");
    assert_eq!(mac(apple), Some(("C0:63:94:05:01:03", Some("Apple"))));
    assert_eq!(apple.ports[0].service.as_ref().unwrap().name, "tcpwrapped");
    assert!(apple.os_matches.is_empty(), "a fingerprint without a match");

    let windows = host(&hosts, "192.168.1.5");
    assert_eq!(mac(windows), Some(("00:1F:3C:87:66:50", Some("Intel Corporate"))));
    let upnp = windows.ports[0].service.as_ref().unwrap();
    assert_eq!((windows.ports[0].protocol, windows.ports[0].number), (Protocol::Tcp, 2869));
    assert_eq!(upnp.product.as_deref(), Some("Microsoft HTTPAPI httpd"));
    assert_eq!(upnp.version.as_deref(), Some("2.0"));
    assert_eq!(upnp.extra_info.as_deref(), Some("SSDP/UPnP"));
    assert_eq!(upnp.os_type.as_deref(), Some("Windows"));
    assert_eq!(upnp.cpes, ["cpe:/o:microsoft:windows"]);
    assert_eq!(windows.os_matches.len(), 5);
    assert_eq!(windows.os_matches[3].classes.len(), 3);
    assert_eq!(
        windows.os_matches[3].cpes().collect::<Vec<_>>(),
        [
            "cpe:/o:microsoft:windows_vista::-",
            "cpe:/o:microsoft:windows_vista::sp1",
            "cpe:/o:microsoft:windows_server_2008::sp1",
            "cpe:/o:microsoft:windows_7"
        ]
    );
    assert_eq!(windows.os_cpes().len(), 10, "distinct OS CPEs over the five matches");

    let mac_mini = host(&hosts, "192.168.1.3");
    assert_eq!(mac(mac_mini), None, "the scanning machine itself has no MAC");
    let kerberos = mac_mini.ports[0].service.as_ref().unwrap();
    assert_eq!(kerberos.product.as_deref(), Some("Heimdal Kerberos"));
    assert_eq!(kerberos.extra_info.as_deref(), Some("server time: 2014-05-08 22:03:25Z"));
    assert_eq!(kerberos.cpes, ["cpe:/a:heimdal:kerberos"]);
    assert_eq!(mac_mini.os_matches[0].classes.len(), 3);
    assert_eq!(mac_mini.os_cpes(), ["cpe:/o:apple:mac_os_x:10.8", "cpe:/o:apple:iphone_os:5"]);
}

#[test]
fn os_scan6_os_detection_only() {
    let Some((summary, hosts)) = read_sample("libnmap_os_scan6.xml") else { return };
    assert_eq!(summary.args.as_deref(), Some("nmap -O -vv -oX osscan.xml 192.168.1.0/24"));
    assert_eq!(summary.host_counts, Some(HostCounts { up: 3, down: 253, total: 256 }));
    let router = host(&hosts, "192.168.1.1");
    assert_eq!(router.line, 775);
    assert_eq!(mac(router), Some(("6C:2E:85:19:AF:00", Some("Sagemcom"))));
    let telnet = router.ports[0].service.as_ref().unwrap();
    assert_eq!(
        (telnet.name.as_str(), telnet.product.as_deref(), telnet.confidence),
        ("telnet", None, Some(3))
    );
    let mac_mini = host(&hosts, "192.168.1.3");
    assert_eq!(mac_mini.os_matches.len(), 2);
    assert_eq!(mac_mini.os_matches[0].name, "Apple Mac OS X 10.8 (Mountain Lion) (Darwin 12.0.0)");
    assert_eq!(mac_mini.os_matches[1].classes[2].device_type.as_deref(), Some("media device"));
    let vendors: Vec<_> = hosts.iter().filter_map(|h| mac(h).and_then(|m| m.1)).collect();
    assert_eq!(vendors, ["Sagemcom", "Intel Corporate"]);
}

#[test]
fn dionaea_nmap_7_91_with_scripts_service_cpes_and_a_host_hint() {
    let Some((summary, hosts)) = read_sample("libnmap_dionaea_scan.xml") else { return };
    assert_eq!(summary.version.as_deref(), Some("7.91"));
    assert_eq!(summary.xml_output_version.as_deref(), Some("1.05"));
    assert!(summary.args.as_deref().unwrap().contains("--script default,safe"), "&#45; resolved");
    assert_eq!(hosts.len(), 1, "the <hosthint> is not a host");
    let honeypot = &hosts[0];
    assert_eq!(honeypot.line, 23);
    assert_eq!(mac(honeypot), Some(("02:42:AC:1C:01:03", None)));
    let names: Vec<_> = honeypot.hostnames.iter().map(|h| (h.name.as_str(), h.kind)).collect();
    assert_eq!(
        names,
        [
            ("dionaea", Some(HostnameKind::User)),
            ("dionaea.libnmap-testing_testing_net", Some(HostnameKind::Ptr))
        ]
    );
    assert_eq!(
        open_ports(honeypot),
        [21, 23, 42, 53, 80, 135, 443, 445, 1433, 1723, 1883, 3306, 5060, 9100, 11211, 27017]
    );
    let service =
        |port: u16| honeypot.ports.iter().find(|p| p.number == port).unwrap().service.clone().unwrap();
    assert_eq!(service(80).cpes, ["cpe:/a:igor_sysoev:nginx"]);
    assert_eq!(
        (service(3306).product.as_deref(), service(3306).version.as_deref()),
        (Some("MySQL"), Some("5.7.16"))
    );
    assert_eq!(service(3306).cpes, ["cpe:/a:mysql:mysql:5.7.16"]);
    assert_eq!(service(11211).extra_info.as_deref(), Some("uptime 132 seconds"));
    let pptp = service(1723);
    assert_eq!(
        (pptp.product, pptp.version.as_deref()),
        (None, Some("(Firmware: 1)")),
        "product=\"\" is absent"
    );
    assert_eq!(honeypot.os_matches[0].name, "Linux 4.15 - 5.6");
    assert_eq!(honeypot.os_cpes(), ["cpe:/o:linux:linux_kernel:4", "cpe:/o:linux:linux_kernel:5"]);
}

#[test]
fn test_osclass_a_sanitised_address_still_reads() {
    let Some((summary, hosts)) = read_sample("libnmap_test_osclass.xml") else { return };
    assert_eq!(summary.version.as_deref(), Some("6.47"));
    let only = &hosts[0];
    assert_eq!(only.addresses[0].address, "IP");
    assert_eq!(only.addresses[0].ip(), None);
    assert_eq!(only.hostnames[0].name, "localhost");
    assert_eq!(open_ports(only), [22, 53, 80, 631, 3306, 8000, 9418]);
    assert_eq!(only.os_matches[0].name, "Linux 3.7 - 3.15");
    assert_eq!(only.os_cpes(), ["cpe:/o:linux:linux_kernel:3"]);
}

#[test]
fn two_hosts_version_nmap_5_51_os_classes_outside_matches() {
    let Some((summary, hosts)) = read_sample("libnmap_2_hosts_version.xml") else { return };
    assert_eq!(summary.xml_output_version.as_deref(), Some("1.03"));
    let localhost = host(&hosts, "127.0.0.1");
    assert_eq!(localhost.addresses[0].ip(), Some("127.0.0.1".parse().unwrap()));
    assert_eq!(open_ports(localhost), [22, 25, 111, 631, 3306]);
    assert_eq!(localhost.os_classes.len(), 9);
    assert_eq!(localhost.os_classes[0].vendor.as_deref(), Some("Netgear"));
    assert_eq!(localhost.os_classes[0].accuracy, Some(96));
    assert!(localhost.os_cpes().is_empty(), "nmap 5 wrote no CPEs");
    let scanme = host(&hosts, "74.207.244.221");
    assert_eq!(scanme.hostnames[0].name, "scanme.nmap.org");
    assert_eq!(scanme.ports[1].number, 25);
    assert_eq!(scanme.ports[1].state, PortState::Filtered);
    assert_eq!(open_ports(scanme), [22, 80, 9929]);
    assert_eq!(scanme.os_matches.len(), 10);
    assert_eq!(scanme.os_matches[0].name, "Netgear DG834G WAP");
    assert_eq!(scanme.os_matches[0].accuracy, Some(92));
    assert!(scanme.os_matches.iter().all(|m| m.classes.is_empty()));
    assert_eq!(scanme.os_classes.len(), 16);
}

#[test]
fn ping_scan_a_mac_without_vendor() {
    let Some((summary, hosts)) = read_sample("libnmap_1_host_ping.xml") else { return };
    assert_eq!(summary.args.as_deref(), Some("nmap -sP -oX /tmp/a.xml dionaea"));
    assert_eq!(hosts[0].line, 8);
    assert_eq!(mac(&hosts[0]), Some(("02:42:AC:1C:01:03", None)));
    assert!(hosts[0].ports.is_empty());
    assert_eq!(hosts[0].hostnames.len(), 2);
}

#[test]
fn nmap_xml_parser_test_scanme() {
    let Some((_, hosts)) = read_sample("nmap_xml_parser_test.xml") else { return };
    let scanme = host(&hosts, "45.33.32.156");
    assert_eq!(open_ports(scanme), [22, 80, 9929, 31337]);
    assert_eq!(scanme.ports[3].service.as_ref().unwrap().name, "Elite");
}

#[test]
fn the_interrupted_scan_reads_as_unfinished() {
    let Some(bytes) = sample("nmap_xml_parser_incomplete_scan.xml") else { return };
    let (summary, hosts) = read_all(&bytes).unwrap();
    assert!(hosts.is_empty());
    assert_eq!(summary.version.as_deref(), Some("7.80"));
    assert_eq!(summary.args.as_deref(), Some("nmap -sS -oX test.xml scanme.nmap.org"));
    assert!(summary.finished.is_none());
    assert!(!summary.is_complete());
    let truncated = summary.truncated.unwrap();
    assert_eq!(truncated.at.offset, bytes.len() as u64);
    assert_eq!(truncated.at.line, 12, "the file ends after the newline of its 11th line");
    assert_eq!(truncated.unfinished_host_line, None);
}

/// The interrupted scan is the common case of a cut: cutting a complete sample inside its last
/// host gives every host but that one and says which host was lost.
#[test]
fn a_scan_cut_inside_a_host_keeps_the_hosts_before() {
    let Some(bytes) = sample("libnmap_full_sudo6.xml") else { return };
    let text = String::from_utf8(bytes).unwrap();
    let cut = text.find("<address addr=\"192.168.1.3\"").unwrap();
    let (summary, hosts) = read_all(&text.as_bytes()[..cut]).unwrap();
    assert_eq!(hosts.len(), 255);
    assert!(summary.finished.is_none());
    assert_eq!(summary.truncated.unwrap().unfinished_host_line, Some(982));
}
