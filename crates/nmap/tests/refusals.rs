//! Files that are not nmap scans, are broken, or are built to hurt: each is refused with an error
//! that says what and where, quickly and without holding much memory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{self, BufRead, BufReader, Read};
use std::time::{Duration, Instant};

use common::{read_all, read_until_stopped};
use ward_nmap::{Error, ErrorKind, Limits, NmapReader, ParseError, Position};

fn refusal(input: &[u8]) -> ParseError {
    match read_until_stopped(input) {
        (_, Err(error)) => error,
        (hosts, Ok(summary)) => panic!("accepted: {} hosts, {summary:?}", hosts.len()),
    }
}

fn at(line: u64, column: u64) -> impl Fn(&ParseError) -> bool {
    move |e| (e.position.line, e.position.column) == (line, column)
}

const HOST: &str = r#"<host><status state="up"/><address addr="10.0.0.1"/></host>"#;

fn scan(body: &str) -> String {
    format!("<?xml version=\"1.0\"?>\n<nmaprun scanner=\"nmap\" version=\"7.94\">\n{body}\n</nmaprun>\n")
}

#[test]
fn what_is_not_xml_says_so() {
    for input in [&b"hello world"[..], b"{\"hosts\": []}", b"%PDF-1.7\n<<>>", b"ip,mac\n10.0.0.1,00:11"] {
        let error = refusal(input);
        assert!(matches!(error.kind, ErrorKind::NotXml(_)), "{error}");
        assert_eq!(error.position, Position { offset: 0, line: 1, column: 1 });
    }
    let error = refusal(b"\n\n  Nmap scan report for 10.0.0.1");
    assert!(matches!(error.kind, ErrorKind::NotXml(_)) && at(3, 3)(&error), "{error}");
    assert_eq!(refusal(b"\xff\xfe<\0n\0").kind, ErrorKind::NotUtf8, "UTF-16");
    assert_eq!(refusal(b"<nmaprun args=\"caf\xe9\">").kind, ErrorKind::NotUtf8, "Latin-1");
}

#[test]
fn what_holds_no_element_says_so() {
    for input in [
        "",
        "  \n",
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\"?>\n<!-- nmap -->\n",
        "<nmaprun scanner=",
    ] {
        assert_eq!(refusal(input.as_bytes()).kind, ErrorKind::NoRootElement, "{input:?}");
    }
}

#[test]
fn another_xml_document_is_not_a_scan() {
    let error = refusal(b"<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<html><body/></html>");
    assert_eq!(error.kind, ErrorKind::NotNmap("html".into()));
    assert!(at(3, 1)(&error));
    assert!(error.to_string().starts_with("line 3, column 1 (byte 38): not an nmap XML file"), "{error}");
    assert_eq!(refusal(b"<NmapRun/>").kind, ErrorKind::NotNmap("NmapRun".into()));
}

#[test]
fn broken_xml_names_the_line_of_the_fault() {
    let error = refusal(scan("<host><status state=\"up\"/>\n  </hots>").as_bytes());
    assert!(matches!(&error.kind, ErrorKind::NotXml(reason) if reason.contains("hots")), "{error}");
    assert!(at(4, 3)(&error), "{error}");
    let error = refusal(scan("<host a=\"1\" a=\"2\">").as_bytes());
    assert!(matches!(error.kind, ErrorKind::NotXml(_)) && at(3, 1)(&error), "duplicate attribute: {error}");
    let error = refusal(scan("<?xml version=\"1.0\"?>").as_bytes());
    assert!(matches!(error.kind, ErrorKind::NotXml(_)), "declaration inside: {error}");
    let error = refusal(b"<!DOCTYPE nmaprun>\n<!DOCTYPE nmaprun>\n<nmaprun/>");
    assert!(matches!(error.kind, ErrorKind::NotXml(_)) && at(2, 1)(&error), "two doctypes: {error}");
    let error = refusal(scan("<host>a & b</host>").as_bytes());
    assert!(matches!(error.kind, ErrorKind::NotXml(_)), "a bare ampersand: {error}");
}

#[test]
fn line_endings_of_windows_count_as_lines() {
    let input = scan(HOST).replace('\n', "\r\n");
    let (_, hosts) = read_all(input.as_bytes()).unwrap();
    assert_eq!(hosts[0].line, 3);
}

#[test]
fn entity_declarations_are_refused_billion_laughs_and_xxe() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE nmaprun [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<nmaprun args="&lol9;"><host><status state="up"/><address addr="&lol9;"/></host></nmaprun>"#;
    let error = refusal(laughs.as_bytes());
    assert_eq!(error.kind, ErrorKind::DoctypeDeclarations);
    assert!(at(2, 1)(&error));
    let xxe = "<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><nmaprun>&xxe;</nmaprun>";
    assert_eq!(refusal(xxe.as_bytes()).kind, ErrorKind::DoctypeDeclarations);
}

#[test]
fn unknown_entities_are_errors_wherever_they_are() {
    let unknown = |e: ParseError| assert_eq!(e.kind, ErrorKind::UnknownEntity("xxe".into()), "{e}");
    // An external DTD is allowed (nmap's documentation suggests one) but never read: what it
    // would declare stays unknown.
    let external = "<!DOCTYPE nmaprun SYSTEM \"file:///etc/passwd\">\n<nmaprun>\n";
    let (_, outcome) = read_until_stopped(format!("{external}</nmaprun>").as_bytes());
    assert!(outcome.is_ok());
    unknown(refusal(format!("{external}&xxe;</nmaprun>").as_bytes()));
    unknown(refusal(b"<nmaprun args=\"nmap &xxe;\">"));
    unknown(refusal(scan(r#"<host><status state="up"/><address addr="&xxe;"/></host>"#).as_bytes()));
    unknown(refusal(scan(r#"<prescript><script id="x" output="&xxe;"/></prescript>"#).as_bytes()));
    unknown(refusal(
        scan("<host><ports><port protocol=\"tcp\" portid=\"1\"><service name=\"x\"><cpe>cpe:/a:&xxe;</cpe>")
            .as_bytes(),
    ));
    let error = refusal(scan("<output>&#0;</output>").as_bytes());
    assert!(matches!(error.kind, ErrorKind::InvalidCharacterReference(_)), "{error}");
    let error = refusal(scan("<host><address addr=\"&#xD800;\"/></host>").as_bytes());
    assert!(matches!(error.kind, ErrorKind::InvalidCharacterReference(_)), "{error}");
}

/// Predefined entities and character references are resolved, in attributes and in text.
#[test]
fn known_references_resolve() {
    let input = scan(
        r#"<host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4" vendor="A&amp;B &#x4D;&#101;d"/>
<ports><port protocol="tcp" portid="104"><state state="open"/><service name="dicom"><cpe>cpe:/a:a&amp;b:&lt;x&gt;</cpe><cpe><![CDATA[cpe:/a:cdata]]></cpe></service></port></ports></host>"#,
    );
    let (_, hosts) = read_all(input.as_bytes()).unwrap();
    assert_eq!(hosts[0].addresses[0].vendor.as_deref(), Some("A&B Med"));
    assert_eq!(hosts[0].ports[0].service.as_ref().unwrap().cpes, ["cpe:/a:a&b:<x>", "cpe:/a:cdata"]);
}

fn quickly<T>(what: &str, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = work();
    assert!(started.elapsed() < Duration::from_secs(5), "{what} took {:?}", started.elapsed());
    result
}

#[test]
fn a_ten_megabyte_attribute_is_refused_quickly() {
    let huge = "A".repeat(10 * 1024 * 1024);
    let input = scan(&format!("<host><status state=\"up\"/><address addr=\"{huge}\"/></host>"));
    let error = quickly("a 10 MB attribute", || refusal(input.as_bytes()));
    assert!(matches!(error.kind, ErrorKind::TooLong { limit: 1_048_576, .. }), "{error}");
    assert!(at(3, 27)(&error), "{error}");
    // Within the markup limit but beyond what a kept value may be.
    let long = "A".repeat(100 * 1024);
    let error = refusal(format!("<nmaprun args=\"{long}\">").as_bytes());
    assert_eq!(error.kind, ErrorKind::TooLong { what: "an attribute value", limit: 65_536 });
    let error = refusal(
        scan(&format!(
            "<host><ports><port protocol=\"tcp\" portid=\"1\"><service name=\"x\"><cpe>{long}</cpe>"
        ))
        .as_bytes(),
    );
    assert!(matches!(error.kind, ErrorKind::TooLong { .. }), "{error}");
}

#[test]
fn a_hundred_thousand_nested_elements_are_refused_quickly() {
    let depth = 100_000;
    let input = scan(&format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth)));
    let error = quickly("100,000 nested elements", || refusal(input.as_bytes()));
    assert_eq!(error.kind, ErrorKind::TooDeep(100));
    let first = input.find("<a>").unwrap();
    assert_eq!(error.position.offset, (first + 99 * 3) as u64, "the 100th <a> (nmaprun is the first level)");
}

#[test]
fn a_host_too_large_is_refused() {
    let limits = Limits { max_host_bytes: 64 * 1024, ..Limits::default() };
    let ports: String = (1..=2000)
        .map(|n| format!("<port protocol=\"tcp\" portid=\"{n}\"><state state=\"open\"/><service name=\"unknown\"/></port>"))
        .collect();
    let input = scan(&format!(
        "<host><status state=\"up\"/><address addr=\"10.0.0.1\"/><ports>{ports}</ports></host>"
    ));
    let mut reader = NmapReader::with_limits(input.as_bytes(), limits).unwrap();
    let error = reader.next_host().unwrap_err();
    assert_eq!(error.kind, ErrorKind::HostTooLarge(64 * 1024));
    // The default limit takes the same host.
    let (_, hosts) = read_all(input.as_bytes()).unwrap();
    assert_eq!(hosts[0].ports.len(), 2000);
}

/// Text that is not kept may be of any length: Zenmap saves the whole screen output in the file.
#[test]
fn long_text_that_is_not_kept_is_skipped() {
    let screen = "Nmap scan report for 10.0.0.1\nHost is up.\n".repeat(200_000);
    let input = scan(&format!("<output type=\"interactive\">{screen}&lt;end&gt;</output>{HOST}"));
    assert!(input.len() > 8 * 1024 * 1024);
    let (summary, hosts) = quickly("8 MB of screen output", || read_all(input.as_bytes()).unwrap());
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0].line, 3 + 400_000);
    assert!(summary.truncated.is_none());
}

#[test]
fn missing_and_invalid_values_are_named() {
    let cases: &[(&str, ErrorKind)] = &[
        (
            "<host><address addr=\"1.2.3.4\"/></host>",
            ErrorKind::MissingElement { element: "host", child: "status" },
        ),
        ("<host><status/></host>", ErrorKind::MissingAttribute { element: "status", attribute: "state" }),
        (
            "<host><status state=\"sleeping\"/></host>",
            ErrorKind::InvalidValue { element: "status", attribute: "state", value: "sleeping".into() },
        ),
        (
            "<host><status state=\"up\"/><address/></host>",
            ErrorKind::MissingAttribute { element: "address", attribute: "addr" },
        ),
        (
            "<host><status state=\"up\"/><address addr=\"x\" addrtype=\"ipx\"/></host>",
            ErrorKind::InvalidValue { element: "address", attribute: "addrtype", value: "ipx".into() },
        ),
        (
            "<host><ports><port protocol=\"tcp\"/></ports></host>",
            ErrorKind::MissingAttribute { element: "port", attribute: "portid" },
        ),
        (
            "<host><ports><port protocol=\"tcp\" portid=\"70000\"/></ports></host>",
            ErrorKind::InvalidValue { element: "port", attribute: "portid", value: "70000".into() },
        ),
        (
            "<host><ports><port protocol=\"icmp\" portid=\"1\"/></ports></host>",
            ErrorKind::InvalidValue { element: "port", attribute: "protocol", value: "icmp".into() },
        ),
        (
            "<host><status state=\"up\"/><ports><port protocol=\"tcp\" portid=\"1\"></port></ports></host>",
            ErrorKind::MissingElement { element: "port", child: "state" },
        ),
        (
            "<host><os><osmatch name=\"x\" accuracy=\"101\"/></os></host>",
            ErrorKind::InvalidValue { element: "osmatch", attribute: "accuracy", value: "101".into() },
        ),
        (
            "<runstats><finished exit=\"maybe\"/></runstats>",
            ErrorKind::InvalidValue { element: "finished", attribute: "exit", value: "maybe".into() },
        ),
    ];
    for (body, kind) in cases {
        let error = refusal(scan(body).as_bytes());
        assert_eq!(&error.kind, kind, "{body}");
        assert_eq!(error.position.line, 3, "{body}");
    }
    let long_value = "x".repeat(500);
    let error = refusal(scan(&format!("<host><status state=\"{long_value}\"/></host>")).as_bytes());
    assert!(error.to_string().len() < 200, "quoted values are cut: {error}");
}

#[test]
fn content_after_the_scan_is_refused() {
    let twice = format!("{}{}", scan(HOST), scan(HOST));
    let (hosts, outcome) = read_until_stopped(twice.as_bytes());
    assert_eq!(hosts.len(), 1, "the first scan's hosts came out");
    let error = outcome.unwrap_err();
    assert_eq!(error.kind, ErrorKind::ContentAfterEnd);
    assert!(at(5, 1)(&error) || at(6, 1)(&error), "{error}");
    assert_eq!(refusal(format!("{}trailing", scan(HOST)).as_bytes()).kind, ErrorKind::ContentAfterEnd);
    // Comments, processing instructions and white space are fine.
    read_all(format!("{}<!-- end -->\n<?pi x?>\n\n", scan(HOST)).as_bytes()).unwrap();
}

#[test]
fn cuts_are_reported_not_refused_once_the_scan_started() {
    let whole = scan(&format!("{HOST}\n{HOST}\n<runstats><finished time=\"1\" elapsed=\"2\"/></runstats>"));
    let second_host = whole.rfind("<host>").unwrap();
    for cut in [second_host, second_host + 3, second_host + 30, second_host + 52, whole.len() - 5] {
        let (summary, hosts) = read_all(&whole.as_bytes()[..cut]).unwrap();
        let truncated = summary.truncated.expect("cut");
        assert_eq!(truncated.at.offset, cut as u64);
        // Inside the second host once its start tag is whole.
        let inside_second = cut >= second_host + "<host>".len() && cut < second_host + HOST.len();
        assert_eq!(hosts.len(), if cut >= second_host + HOST.len() { 2 } else { 1 }, "cut at {cut}");
        assert_eq!(truncated.unfinished_host_line, inside_second.then_some(4), "cut at {cut}");
        assert!(!summary.is_complete());
    }
    let (summary, _) = read_all(whole.as_bytes()).unwrap();
    assert!(summary.is_complete());
    // `<nmaprun/>`: a scan of nothing, closed but without runstats.
    let (summary, hosts) = read_all(b"<nmaprun version=\"7.94\"/>").unwrap();
    assert!(hosts.is_empty() && summary.truncated.is_none() && summary.finished.is_none());
}

#[test]
fn a_failing_handler_stops_the_reading() {
    let input = scan(&format!("{HOST}{HOST}{HOST}"));
    let mut seen = 0;
    let outcome = ward_nmap::parse(input.as_bytes(), |_| {
        seen += 1;
        if seen == 2 { Err("enough") } else { Ok(()) }
    });
    assert_eq!(outcome, Err(Error::Handler("enough")));
    assert_eq!(seen, 2);
}

#[test]
fn a_failing_reader_is_a_read_error() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    let input = scan(HOST);
    let reader = BufReader::new(input.as_bytes().chain(BufReader::new(Failing)));
    let (hosts, outcome) = read_until_stopped_from(reader);
    assert_eq!(hosts, 1);
    let error = outcome.unwrap_err();
    assert!(matches!(&error.kind, ErrorKind::Read(reason) if reason.contains("disk on fire")), "{error}");
}

fn read_until_stopped_from(input: impl BufRead) -> (usize, Result<(), ParseError>) {
    let mut reader = NmapReader::new(input).unwrap();
    let mut hosts = 0;
    loop {
        match reader.next() {
            Some(Ok(_)) => hosts += 1,
            Some(Err(error)) => return (hosts, Err(error)),
            None => return (hosts, Ok(())),
        }
    }
}

/// The iterator form hands out the same hosts and stops after an error.
#[test]
fn the_iterator_ends_after_an_error() {
    let input = scan(&format!("{HOST}<host><status state=\"bad\"/></host>{HOST}"));
    let results: Vec<_> = NmapReader::new(input.as_bytes()).unwrap().collect();
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok() && results[1].is_err());
}
