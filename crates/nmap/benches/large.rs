//! Reading a hospital-sized scan: 100,000 hosts as `nmap -A` writes them (IPv4, MAC with vendor,
//! reverse-DNS name, 2–5 open services with product, version, CPE and a script's output, an OS
//! guess with its class and CPE, timings and fingerprints), streamed from a file while counting
//! hosts. Targets: under 10 s and under 300 MB peak resident memory (the file is several hundred
//! MB, so staying under the target shows it is never held whole).
//!
//! Run: `cargo bench -p ward-nmap --bench large`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use ward_nmap::NmapReader;

const HOSTS: u32 = 100_000;

const VENDORS: &[&str] = &[
    "Philips Medical Systems",
    "GE Healthcare",
    "Siemens Healthineers",
    "B. Braun Melsungen",
    "Baxter Healthcare",
    "Draeger Medical",
    "Hewlett Packard",
    "Cisco Systems",
];

/// (port, service, product, version, CPE)
const SERVICES: &[(u16, &str, &str, &str, &str)] = &[
    (22, "ssh", "OpenSSH", "7.4", "cpe:/a:openbsd:openssh:7.4"),
    (80, "http", "Apache httpd", "2.4.6", "cpe:/a:apache:http_server:2.4.6"),
    (104, "dicom", "DICOM Storage SCP", "3.6.1", "cpe:/a:offis:dcmtk:3.6.1"),
    (443, "https", "nginx", "1.18.0", "cpe:/a:igor_sysoev:nginx:1.18.0"),
    (2575, "hl7", "HL7 MLLP listener", "2.5", "cpe:/a:hl7:mllp:2.5"),
    (3389, "ms-wbt-server", "Microsoft Terminal Services", "10.0", "cpe:/o:microsoft:windows"),
    (8080, "http-proxy", "Jetty", "9.4.z-SNAPSHOT", "cpe:/a:eclipse:jetty:9.4"),
];

/// (name, family, generation, CPE)
const SYSTEMS: &[(&str, &str, &str, &str)] = &[
    ("Linux 4.15 - 5.6", "Linux", "5.X", "cpe:/o:linux:linux_kernel:5"),
    ("Microsoft Windows 10 1607", "Windows", "10", "cpe:/o:microsoft:windows_10:1607"),
    ("VxWorks 6.9", "VxWorks", "6.X", "cpe:/o:windriver:vxworks:6.9"),
];

fn pick<T>(items: &[T], n: u32) -> &T {
    &items[n as usize % items.len()]
}

/// Writes the scan and returns its size in bytes.
fn write_scan(path: &std::path::Path) -> u64 {
    let mut out = BufWriter::new(File::create(path).unwrap());
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>").unwrap();
    writeln!(
        out,
        "<nmaprun scanner=\"nmap\" args=\"nmap -A -oX scan.xml 10.0.0.0/15\" start=\"1700000000\" \
         version=\"7.94\" xmloutputversion=\"1.05\">\n<verbose level=\"0\"/>\n<debugging level=\"0\"/>"
    )
    .unwrap();
    for n in 0..HOSTS {
        let ip = format!("10.{}.{}.{}", n >> 16, (n >> 8) & 255, n & 255);
        let mac = format!("00:09:FB:{:02X}:{:02X}:{:02X}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
        writeln!(
            out,
            "<host starttime=\"1700000001\" endtime=\"1700000099\"><status state=\"up\" reason=\"arp-response\" \
             reason_ttl=\"0\"/>\n<address addr=\"{ip}\" addrtype=\"ipv4\"/>\n<address addr=\"{mac}\" \
             addrtype=\"mac\" vendor=\"{}\"/>\n<hostnames>\n<hostname name=\"dev-{n}.ward.example\" \
             type=\"PTR\"/>\n</hostnames>\n<ports><extraports state=\"closed\" count=\"995\">\n<extrareasons \
             reason=\"resets\" count=\"995\"/>\n</extraports>",
            pick(VENDORS, n)
        )
        .unwrap();
        for s in 0..2 + n % 4 {
            let (port, name, product, version, cpe) = pick(SERVICES, n + s * 3);
            writeln!(
                out,
                "<port protocol=\"tcp\" portid=\"{port}\"><state state=\"open\" reason=\"syn-ack\" \
                 reason_ttl=\"64\"/><service name=\"{name}\" product=\"{product}\" version=\"{version}\" \
                 extrainfo=\"protocol 2.0\" method=\"probed\" conf=\"10\"><cpe>{cpe}</cpe></service><script \
                 id=\"banner\" output=\"{product} {version}&#xa;ready &amp; waiting\"/></port>"
            )
            .unwrap();
        }
        let (os, family, generation, os_cpe) = pick(SYSTEMS, n);
        writeln!(
            out,
            "</ports>\n<os><portused state=\"open\" proto=\"tcp\" portid=\"22\"/>\n<osmatch name=\"{os}\" \
             accuracy=\"98\" line=\"67241\">\n<osclass type=\"specialized\" vendor=\"{family}\" \
             osfamily=\"{family}\" osgen=\"{generation}\" accuracy=\"98\"><cpe>{os_cpe}</cpe></osclass>\n\
             </osmatch>\n<osfingerprint fingerprint=\"OS:SCAN(V=7.94%E=4%D=11/14%OT=22%CT=1%CU=40137%PV=Y%DS=1\
             %DC=D%G=Y%M=0009FB%TM=6553&#xa;OS:SEQ(SP=106%GCD=1%ISR=10C%TI=Z%CI=Z%II=I%TS=A)\"/>\n</os>\n\
             <uptime seconds=\"4190117\" lastboot=\"Mon Oct  5 05:19:16 2023\"/>\n<distance value=\"1\"/>\n\
             <tcpsequence index=\"256\" difficulty=\"Good luck!\" values=\"C90AE511,ECA907F4,3CD0549B\"/>\n\
             <times srtt=\"210\" rttvar=\"70\" to=\"100000\"/>\n</host>"
        )
        .unwrap();
    }
    writeln!(
        out,
        "<runstats><finished time=\"1700003600\" timestr=\"Tue Nov 14 23:13:20 2023\" elapsed=\"3600.00\" \
         summary=\"Nmap done; {HOSTS} IP addresses ({HOSTS} hosts up) scanned in 3600.00 seconds\" \
         exit=\"success\"/><hosts up=\"{HOSTS}\" down=\"0\" total=\"{HOSTS}\"/>\n</runstats>\n</nmaprun>"
    )
    .unwrap();
    out.into_inner().unwrap().metadata().unwrap().len()
}

/// The peak resident set of this process so far (`VmHWM`), in KiB.
fn peak_resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("scan.xml");
    let written = Instant::now();
    let bytes = write_scan(&path);
    println!(
        "wrote {HOSTS} hosts, {:.1} MB, in {:.1} s (peak RSS so far {} MiB)",
        bytes as f64 / 1e6,
        written.elapsed().as_secs_f64(),
        peak_resident_kib().map_or("?".into(), |k| (k / 1024).to_string())
    );

    let started = Instant::now();
    let mut reader = NmapReader::new(BufReader::new(File::open(&path).unwrap())).unwrap();
    let (mut hosts, mut ports, mut cpes) = (0u64, 0usize, 0usize);
    while let Some(host) = reader.next_host().unwrap() {
        hosts += 1;
        ports += host.ports.len();
        cpes += host.os_cpes().len()
            + host.ports.iter().filter_map(|p| p.service.as_ref()).map(|s| s.cpes.len()).sum::<usize>();
        assert!(host.address(ward_nmap::AddressKind::Mac).is_some_and(|m| m.vendor.is_some()));
    }
    let elapsed = started.elapsed();
    let summary = reader.into_summary();
    assert_eq!((hosts, summary.hosts_seen), (u64::from(HOSTS), u64::from(HOSTS)));
    assert!(summary.is_complete());
    let peak_mib = peak_resident_kib().map(|k| k as f64 / 1024.0);
    println!(
        "read {hosts} hosts ({ports} ports, {cpes} CPEs) in {:.2} s ({:.0} MB/s); peak RSS {} (targets: < 10 s, < 300 MB)",
        elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        peak_mib.map_or("unknown".into(), |m| format!("{m:.1} MiB")),
    );
    assert!(elapsed.as_secs_f64() < 10.0, "over the 10 s target");
    assert!(peak_mib.is_none_or(|m| m < 300.0), "over the 300 MB target");
}
