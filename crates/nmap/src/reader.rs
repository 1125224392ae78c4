//! The streaming reader: quick-xml's events in, one [`Host`] at a time out.
//!
//! Only what a host is made of is held: the host being read (bounded by
//! [`Limits::max_host_bytes`]), the stack of open elements (bounded by [`Limits::max_depth`]) and
//! one event (bounded by [`Limits::max_markup_bytes`]). Text that is not kept, which is nearly all
//! of it (white space between tags, script output, Zenmap's copy of the screen output), is skipped
//! without being copied, so it may be of any length.

use std::io::BufRead;
use std::iter::FusedIterator;
use std::mem;

use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::error::quoted;
use crate::input::TrackedInput;
use crate::{
    Address, AddressKind, ErrorKind, Finished, Host, HostCounts, HostStatus, Hostname, HostnameKind, OsClass,
    OsMatch, ParseError, PortState, Position, Protocol, RunExit, ScanSummary, Service, Truncation,
};

/// Bounds on what one input may make the reader hold. The defaults are far above anything nmap
/// writes and far below what would hurt a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest tag (with all its attributes), comment, declaration, reference or kept text
    /// run, in bytes. nmap's longest are script outputs and service fingerprints of a few KiB.
    pub max_markup_bytes: usize,
    /// The longest attribute value or `<cpe>` text that is kept, in bytes.
    pub max_value_bytes: usize,
    /// The deepest nesting of elements. nmap's deepest (script tables) is about ten.
    pub max_depth: usize,
    /// The most data one host may hold once read, in bytes (approximately: text plus the size of
    /// each value). A host with all 65,535 TCP ports open holds about 10 MiB.
    pub max_host_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_markup_bytes: 1024 * 1024,
            max_value_bytes: 64 * 1024,
            max_depth: 100,
            max_host_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Reads an nmap XML file host by host.
///
/// [`NmapReader::new`] reads up to the `<nmaprun>` tag, so the scan's header ([`Self::summary`]:
/// nmap version, command line, start time) is known before any host; [`Self::next_host`] (or the
/// iterator) then hands out each `<host>` as soon as its end tag is read. Once it answers `None`,
/// the summary is complete: how many hosts were read, `<runstats>`, and whether the input was cut
/// short.
///
/// An input that ends before `</nmaprun>` is what an interrupted nmap leaves behind: it is not an
/// error. The hosts before the cut are handed out, a host the cut falls in is not, and
/// [`ScanSummary::truncated`] says where the input ends. Anything else wrong is a [`ParseError`];
/// after one, the reader hands out nothing more.
///
/// ```
/// use ward_nmap::NmapReader;
///
/// let xml = r#"<?xml version="1.0"?>
/// <nmaprun scanner="nmap" version="7.94" args="nmap -sV 10.0.0.0/24">
/// <host><status state="up"/><address addr="10.0.0.7" addrtype="ipv4"/>
/// <address addr="00:09:FB:12:34:56" addrtype="mac" vendor="Philips Medical Systems"/></host>
/// <runstats><finished time="1700000000" elapsed="12.5" exit="success"/><hosts up="1" down="255" total="256"/></runstats>
/// </nmaprun>"#;
/// let mut reader = NmapReader::new(xml.as_bytes())?;
/// assert_eq!(reader.summary().version.as_deref(), Some("7.94"));
/// while let Some(host) = reader.next_host()? {
///     assert_eq!(host.addresses[1].vendor.as_deref(), Some("Philips Medical Systems"));
/// }
/// assert!(reader.summary().is_complete());
/// # Ok::<(), ward_nmap::ParseError>(())
/// ```
pub struct NmapReader<R> {
    xml: Reader<TrackedInput<R>>,
    event_buffer: Vec<u8>,
    scan: ScanState,
}

impl<R: BufRead> NmapReader<R> {
    /// Reads the input up to and including the `<nmaprun>` tag, with the default [`Limits`].
    ///
    /// Fails when the input is not XML, is another kind of document, or ends first.
    pub fn new(input: R) -> Result<Self, ParseError> {
        Self::with_limits(input, Limits::default())
    }

    /// [`Self::new`] with other limits.
    pub fn with_limits(input: R, limits: Limits) -> Result<Self, ParseError> {
        let mut xml = Reader::from_reader(TrackedInput::new(input, limits.max_markup_bytes));
        // The defaults, spelt out because the reader relies on them: end tags must match (the
        // stack of open elements follows the document), `<a/>` stays one event, text is as read.
        let config = xml.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.allow_dangling_amp = false;
        config.trim_text(false);
        let mut reader = NmapReader { xml, event_buffer: Vec::new(), scan: ScanState::new(limits) };
        while reader.scan.phase == Phase::Prolog {
            if let Err(error) = reader.step() {
                reader.scan.phase = Phase::Failed;
                return Err(error);
            }
        }
        Ok(reader)
    }

    /// The next host, `None` once the scan (or the input) ends. After an error, always `None`.
    pub fn next_host(&mut self) -> Result<Option<Host>, ParseError> {
        while matches!(self.scan.phase, Phase::Scan | Phase::AfterScan) {
            match self.step() {
                Ok(Some(host)) => return Ok(Some(host)),
                Ok(None) => {}
                Err(error) => {
                    self.scan.phase = Phase::Failed;
                    return Err(error);
                }
            }
        }
        Ok(None)
    }

    /// The scan's header, and what is known so far of its end.
    pub fn summary(&self) -> &ScanSummary {
        &self.scan.summary
    }

    /// The summary, once done with the reader.
    pub fn into_summary(self) -> ScanSummary {
        self.scan.summary
    }

    /// Reads one event and acts on it.
    fn step(&mut self) -> Result<Option<Host>, ParseError> {
        let input = self.xml.get_mut();
        let read_error = |input: &TrackedInput<R>, error: std::io::Error| ParseError {
            position: input.position(),
            kind: ErrorKind::Read(error.to_string()),
        };
        match self.scan.phase {
            // Outside the root only markup and white space may appear: looking at the first byte
            // that is not white space answers "is this XML at all?" without reading a whole
            // non-XML file as one text run.
            Phase::Prolog | Phase::AfterScan => {
                let at_start = input.position().offset == 0;
                if at_start {
                    input.skip_utf8_bom().map_err(|e| read_error(input, e))?;
                }
                let next = input.skip_white_space().map_err(|e| read_error(input, e))?;
                let kind = match next {
                    None | Some(b'<') => None,
                    // The byte-order marks of UTF-16.
                    Some(0xFE | 0xFF) if at_start => Some(ErrorKind::NotUtf8),
                    Some(_) if self.scan.phase == Phase::AfterScan => Some(ErrorKind::ContentAfterEnd),
                    Some(_) if at_start => Some(not_xml("the input does not begin with XML markup")),
                    Some(_) => Some(not_xml("text before the root element")),
                };
                if let Some(kind) = kind {
                    return Err(ParseError { position: input.position(), kind });
                }
            }
            Phase::Scan if !self.scan.keeps_text() => {
                input.skip_character_data().map_err(|e| read_error(input, e))?;
            }
            _ => {}
        }
        input.begin_markup();
        let at = input.position();
        self.event_buffer.clear();
        match self.xml.read_event_into(&mut self.event_buffer) {
            Ok(event) => self.scan.handle(event, at),
            Err(error) => self.scan.read_failed(error, at, self.xml.get_mut()),
        }
    }
}

impl<R: BufRead> Iterator for NmapReader<R> {
    type Item = Result<Host, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_host().transpose()
    }
}

/// After `None` (the end, or an error), always `None`.
impl<R: BufRead> FusedIterator for NmapReader<R> {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before `<nmaprun>`.
    Prolog,
    /// Inside `<nmaprun>`.
    Scan,
    /// After `</nmaprun>`, before the end of the input.
    AfterScan,
    /// The input is read (whole or cut short).
    Done,
    /// An error was returned.
    Failed,
}

/// What an open element means to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Root,
    Host,
    Hostnames,
    Ports,
    Port,
    Service,
    Os,
    OsMatch,
    OsClass(ClassOwner),
    Cpe(CpeOwner),
    Runstats,
    /// Anything else, with all it holds.
    Ignored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassOwner {
    /// `<osmatch><osclass>` (nmap 6 and later).
    Match,
    /// `<os><osclass>` (before nmap 6).
    Os,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CpeOwner {
    Service,
    Class(ClassOwner),
}

/// The host being read.
struct HostDraft {
    start: Position,
    status: Option<HostStatus>,
    addresses: Vec<Address>,
    hostnames: Vec<Hostname>,
    ports: Vec<crate::Port>,
    os_matches: Vec<OsMatch>,
    os_classes: Vec<OsClass>,
    /// Roughly how many bytes the draft holds.
    held_bytes: usize,
}

impl HostDraft {
    /// Counts `bytes` more against the host's budget.
    fn hold(&mut self, bytes: usize, limit: usize) -> Result<(), ErrorKind> {
        self.held_bytes = self.held_bytes.saturating_add(bytes);
        if self.held_bytes > limit { Err(ErrorKind::HostTooLarge(limit)) } else { Ok(()) }
    }
}

/// The port being read.
struct PortDraft {
    start: Position,
    protocol: Protocol,
    number: u16,
    state: Option<PortState>,
    service: Option<Service>,
}

struct ScanState {
    limits: Limits,
    phase: Phase,
    summary: ScanSummary,
    stack: Vec<Frame>,
    host: Option<HostDraft>,
    port: Option<PortDraft>,
    cpe: String,
    /// Whether an event was read yet (the XML declaration may only come first).
    any_event: bool,
    seen_doctype: bool,
}

type Step = Result<Option<Host>, ParseError>;

fn fail<T>(position: Position, kind: ErrorKind) -> Result<T, ParseError> {
    Err(ParseError { position, kind })
}

impl ScanState {
    fn new(limits: Limits) -> Self {
        ScanState {
            limits,
            phase: Phase::Prolog,
            summary: ScanSummary::default(),
            stack: Vec::new(),
            host: None,
            port: None,
            cpe: String::new(),
            any_event: false,
            seen_doctype: false,
        }
    }

    /// Whether the text at the current place is kept (only `<cpe>` text is).
    fn keeps_text(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Cpe(_)))
    }

    fn handle(&mut self, event: Event<'_>, at: Position) -> Step {
        let first_event = !mem::replace(&mut self.any_event, true);
        match self.phase {
            Phase::Prolog => self.prolog(event, at, first_event),
            Phase::Scan => self.scan(event, at),
            Phase::AfterScan => match event {
                Event::Eof => {
                    self.phase = Phase::Done;
                    Ok(None)
                }
                Event::Comment(_) | Event::PI(_) => Ok(None),
                Event::Text(text) if is_white_space(&text) => Ok(None),
                _ => fail(at, ErrorKind::ContentAfterEnd),
            },
            Phase::Done | Phase::Failed => Ok(None),
        }
    }

    fn prolog(&mut self, event: Event<'_>, at: Position, first_event: bool) -> Step {
        match event {
            Event::Decl(_) if first_event => Ok(None),
            Event::Decl(_) => fail(at, not_xml("the XML declaration is not at the start")),
            Event::Comment(_) | Event::PI(_) => Ok(None),
            Event::Text(text) if is_white_space(&text) => Ok(None),
            Event::DocType(doctype) => {
                if mem::replace(&mut self.seen_doctype, true) {
                    return fail(at, not_xml("a second document type declaration"));
                }
                if has_internal_subset(&doctype) {
                    return fail(at, ErrorKind::DoctypeDeclarations);
                }
                Ok(None)
            }
            Event::Start(tag) | Event::Empty(tag) if tag.name().0 != "nmaprun" => {
                fail(at, ErrorKind::NotNmap(quoted(tag.name().0)))
            }
            Event::Start(tag) => {
                self.read_header(&tag, at)?;
                self.stack.push(Frame::Root);
                self.phase = Phase::Scan;
                Ok(None)
            }
            Event::Empty(tag) => {
                self.read_header(&tag, at)?;
                self.phase = Phase::AfterScan;
                Ok(None)
            }
            Event::Eof => fail(at, ErrorKind::NoRootElement),
            _ => fail(at, not_xml("markup that cannot come before the root element")),
        }
    }

    fn read_header(&mut self, tag: &BytesStart<'_>, at: Position) -> Result<(), ParseError> {
        let [scanner, args, start, version, xml_output_version] = self
            .attributes(tag, ["scanner", "args", "start", "version", "xmloutputversion"])
            .map_err(|kind| ParseError { position: at, kind })?;
        let summary = &mut self.summary;
        summary.scanner = non_empty(scanner);
        summary.args = non_empty(args);
        summary.start_time =
            number(start, "nmaprun", "start").map_err(|kind| ParseError { position: at, kind })?;
        summary.version = non_empty(version);
        summary.xml_output_version = non_empty(xml_output_version);
        Ok(())
    }

    fn scan(&mut self, event: Event<'_>, at: Position) -> Step {
        match event {
            Event::Start(tag) => {
                let frame = self.open(&tag, at)?;
                self.stack.push(frame);
                Ok(None)
            }
            Event::Empty(tag) => {
                let frame = self.open(&tag, at)?;
                self.close(frame, at)
            }
            Event::End(_) => match self.stack.pop() {
                Some(frame) => self.close(frame, at),
                None => fail(at, not_xml("an end tag without a start tag")),
            },
            Event::Text(text) => self.keep_text(&text, at),
            Event::CData(data) => self.keep_text(&data, at),
            Event::GeneralRef(reference) => {
                let resolved =
                    resolve_reference(&reference).map_err(|kind| ParseError { position: at, kind })?;
                self.keep_text(resolved.encode_utf8(&mut [0; 4]), at)
            }
            Event::Comment(_) | Event::PI(_) => Ok(None),
            Event::Decl(_) | Event::DocType(_) => {
                fail(at, not_xml("an XML or document type declaration inside the document"))
            }
            Event::Eof => {
                // nmap stopped (or the file was cut) before `</nmaprun>`.
                self.truncate(at);
                Ok(None)
            }
        }
    }

    /// Records that the input ends at `at`, inside the scan.
    fn truncate(&mut self, at: Position) {
        self.summary.truncated =
            Some(Truncation { at, unfinished_host_line: self.host.as_ref().map(|h| h.start.line) });
        self.host = None;
        self.port = None;
        self.stack.clear();
        self.phase = Phase::Done;
    }

    fn keep_text(&mut self, text: &str, at: Position) -> Step {
        if self.keeps_text() {
            if self.cpe.len().saturating_add(text.len()) > self.limits.max_value_bytes {
                return fail(at, ErrorKind::TooLong { what: "a <cpe>", limit: self.limits.max_value_bytes });
            }
            self.cpe.push_str(text);
        }
        Ok(None)
    }

    /// Acts on a start tag inside the scan and says what it opens.
    fn open(&mut self, tag: &BytesStart<'_>, at: Position) -> Result<Frame, ParseError> {
        if self.stack.len() >= self.limits.max_depth {
            return fail(at, ErrorKind::TooDeep(self.limits.max_depth));
        }
        let parent = self.stack.last().copied().unwrap_or(Frame::Ignored);
        self.open_in(parent, tag, at).map_err(|kind| ParseError { position: at, kind })
    }

    fn open_in(&mut self, parent: Frame, tag: &BytesStart<'_>, at: Position) -> Result<Frame, ErrorKind> {
        let limits = self.limits;
        let name = tag.name().0;
        let frame = match (parent, name) {
            (Frame::Root, "host") => {
                self.attributes(tag, [])?;
                self.host = Some(HostDraft {
                    start: at,
                    status: None,
                    addresses: Vec::new(),
                    hostnames: Vec::new(),
                    ports: Vec::new(),
                    os_matches: Vec::new(),
                    os_classes: Vec::new(),
                    held_bytes: mem::size_of::<Host>(),
                });
                Frame::Host
            }
            (Frame::Root, "runstats") => Frame::Runstats,
            (Frame::Host, "status") => {
                let [state] = self.attributes(tag, ["state"])?;
                let state = required(state, "status", "state")?;
                let status = HostStatus::parse(&state).ok_or_else(|| invalid("status", "state", &state))?;
                if let Some(host) = &mut self.host {
                    host.status = Some(status);
                }
                Frame::Ignored
            }
            (Frame::Host, "address") => {
                let [address, kind, vendor] = self.attributes(tag, ["addr", "addrtype", "vendor"])?;
                let address = required(address, "address", "addr")?;
                let kind = match kind {
                    None => AddressKind::Ipv4,
                    Some(kind) => {
                        AddressKind::parse(&kind).ok_or_else(|| invalid("address", "addrtype", &kind))?
                    }
                };
                let address = Address { kind, address, vendor: non_empty(vendor) };
                if let Some(host) = &mut self.host {
                    host.hold(held(&address.address) + held_option(&address.vendor), limits.max_host_bytes)?;
                    host.addresses.push(address);
                }
                Frame::Ignored
            }
            (Frame::Host, "hostnames") => Frame::Hostnames,
            (Frame::Host, "ports") => Frame::Ports,
            (Frame::Host, "os") => Frame::Os,
            (Frame::Hostnames, "hostname") => {
                let [name, kind] = self.attributes(tag, ["name", "type"])?;
                let kind = match kind {
                    None => None,
                    Some(kind) => {
                        Some(HostnameKind::parse(&kind).ok_or_else(|| invalid("hostname", "type", &kind))?)
                    }
                };
                if let (Some(name), Some(host)) = (non_empty(name), &mut self.host) {
                    host.hold(held(&name), limits.max_host_bytes)?;
                    host.hostnames.push(Hostname { name, kind });
                }
                Frame::Ignored
            }
            (Frame::Ports, "port") => {
                let [protocol, number] = self.attributes(tag, ["protocol", "portid"])?;
                let protocol = required(protocol, "port", "protocol")?;
                let protocol =
                    Protocol::parse(&protocol).ok_or_else(|| invalid("port", "protocol", &protocol))?;
                let number = number_required(number, "port", "portid")?;
                self.port = Some(PortDraft { start: at, protocol, number, state: None, service: None });
                Frame::Port
            }
            (Frame::Port, "state") => {
                let [state] = self.attributes(tag, ["state"])?;
                let state = PortState::parse(&required(state, "state", "state")?);
                if let Some(port) = &mut self.port {
                    port.state = Some(state);
                }
                Frame::Ignored
            }
            (Frame::Port, "service") => {
                let [name, product, version, extra_info, os_type, device_type, tunnel, confidence] = self
                    .attributes(
                        tag,
                        ["name", "product", "version", "extrainfo", "ostype", "devicetype", "tunnel", "conf"],
                    )?;
                let confidence: Option<u8> = number(confidence, "service", "conf")?;
                if confidence.is_some_and(|c| c > 10) {
                    return Err(invalid("service", "conf", &confidence.unwrap_or_default().to_string()));
                }
                let service = Service {
                    name: required(name, "service", "name")?,
                    product: non_empty(product),
                    version: non_empty(version),
                    extra_info: non_empty(extra_info),
                    os_type: non_empty(os_type),
                    device_type: non_empty(device_type),
                    tunnel: non_empty(tunnel),
                    confidence,
                    cpes: Vec::new(),
                };
                if let Some(port) = &mut self.port {
                    port.service = Some(service);
                }
                Frame::Service
            }
            (Frame::Service, "cpe") => {
                self.attributes(tag, [])?;
                self.cpe.clear();
                Frame::Cpe(CpeOwner::Service)
            }
            (Frame::Os, "osmatch") => {
                let [name, accuracy] = self.attributes(tag, ["name", "accuracy"])?;
                let os_match = OsMatch {
                    name: required(name, "osmatch", "name")?,
                    accuracy: percent(accuracy, "osmatch")?,
                    classes: Vec::new(),
                };
                if let Some(host) = &mut self.host {
                    host.hold(mem::size_of::<OsMatch>() + os_match.name.len(), limits.max_host_bytes)?;
                    host.os_matches.push(os_match);
                }
                Frame::OsMatch
            }
            (Frame::Os, "osclass") => {
                let class = self.os_class(tag)?;
                if let Some(host) = &mut self.host {
                    host.hold(held_class(&class), limits.max_host_bytes)?;
                    host.os_classes.push(class);
                }
                Frame::OsClass(ClassOwner::Os)
            }
            (Frame::OsMatch, "osclass") => {
                let class = self.os_class(tag)?;
                if let Some(host) = &mut self.host {
                    host.hold(held_class(&class), limits.max_host_bytes)?;
                    if let Some(os_match) = host.os_matches.last_mut() {
                        os_match.classes.push(class);
                    }
                }
                Frame::OsClass(ClassOwner::Match)
            }
            (Frame::OsClass(owner), "cpe") => {
                self.attributes(tag, [])?;
                self.cpe.clear();
                Frame::Cpe(CpeOwner::Class(owner))
            }
            (Frame::Runstats, "finished") => {
                let [time, elapsed, exit, error_message, summary] =
                    self.attributes(tag, ["time", "elapsed", "exit", "errormsg", "summary"])?;
                let exit = match exit.as_deref() {
                    None => None,
                    Some("success") => Some(RunExit::Success),
                    Some("error") => Some(RunExit::Error),
                    Some(other) => return Err(invalid("finished", "exit", other)),
                };
                let elapsed_seconds = match elapsed {
                    None => None,
                    Some(text) => match text.parse::<f64>() {
                        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => Some(seconds),
                        _ => return Err(invalid("finished", "elapsed", &text)),
                    },
                };
                self.summary.finished = Some(Finished {
                    time: number(time, "finished", "time")?,
                    elapsed_seconds,
                    exit,
                    error_message: non_empty(error_message),
                    summary: non_empty(summary),
                });
                Frame::Ignored
            }
            (Frame::Runstats, "hosts") => {
                let [up, down, total] = self.attributes(tag, ["up", "down", "total"])?;
                self.summary.host_counts = Some(HostCounts {
                    up: number(up, "hosts", "up")?.unwrap_or(0),
                    down: number(down, "hosts", "down")?.unwrap_or(0),
                    total: number_required(total, "hosts", "total")?,
                });
                Frame::Ignored
            }
            _ => {
                self.attributes(tag, [])?;
                Frame::Ignored
            }
        };
        Ok(frame)
    }

    fn os_class(&self, tag: &BytesStart<'_>) -> Result<OsClass, ErrorKind> {
        let [vendor, family, generation, device_type, accuracy] =
            self.attributes(tag, ["vendor", "osfamily", "osgen", "type", "accuracy"])?;
        Ok(OsClass {
            vendor: non_empty(vendor),
            family: non_empty(family),
            generation: non_empty(generation),
            device_type: non_empty(device_type),
            accuracy: percent(accuracy, "osclass")?,
            cpes: Vec::new(),
        })
    }

    /// Acts on the end of an element (or on an empty element, right after [`Self::open`]).
    fn close(&mut self, frame: Frame, at: Position) -> Step {
        match frame {
            Frame::Host => {
                let Some(draft) = self.host.take() else { return Ok(None) };
                let Some(status) = draft.status else {
                    return fail(draft.start, ErrorKind::MissingElement { element: "host", child: "status" });
                };
                self.summary.hosts_seen += 1;
                Ok(Some(Host {
                    line: draft.start.line,
                    status,
                    addresses: draft.addresses,
                    hostnames: draft.hostnames,
                    ports: draft.ports,
                    os_matches: draft.os_matches,
                    os_classes: draft.os_classes,
                }))
            }
            Frame::Port => {
                let Some(draft) = self.port.take() else { return Ok(None) };
                let Some(state) = draft.state else {
                    return fail(draft.start, ErrorKind::MissingElement { element: "port", child: "state" });
                };
                let port = crate::Port {
                    protocol: draft.protocol,
                    number: draft.number,
                    state,
                    service: draft.service,
                };
                if let Some(host) = &mut self.host {
                    let bytes = mem::size_of::<crate::Port>() + held_port(&port);
                    host.hold(bytes, self.limits.max_host_bytes)
                        .map_err(|kind| ParseError { position: at, kind })?;
                    host.ports.push(port);
                }
                Ok(None)
            }
            Frame::Cpe(owner) => {
                let cpe = self.cpe.trim();
                if cpe.is_empty() {
                    return Ok(None);
                }
                let cpe = cpe.to_owned();
                self.cpe.clear();
                let Some(host) = &mut self.host else { return Ok(None) };
                host.hold(held(&cpe), self.limits.max_host_bytes)
                    .map_err(|kind| ParseError { position: at, kind })?;
                let cpes = match owner {
                    CpeOwner::Service => {
                        self.port.as_mut().and_then(|p| p.service.as_mut()).map(|s| &mut s.cpes)
                    }
                    CpeOwner::Class(ClassOwner::Match) => {
                        host.os_matches.last_mut().and_then(|m| m.classes.last_mut()).map(|c| &mut c.cpes)
                    }
                    CpeOwner::Class(ClassOwner::Os) => host.os_classes.last_mut().map(|c| &mut c.cpes),
                };
                if let Some(cpes) = cpes {
                    cpes.push(cpe);
                }
                Ok(None)
            }
            Frame::Root => {
                self.phase = Phase::AfterScan;
                Ok(None)
            }
            Frame::Hostnames
            | Frame::Ports
            | Frame::Service
            | Frame::Os
            | Frame::OsMatch
            | Frame::OsClass(_)
            | Frame::Runstats
            | Frame::Ignored => Ok(None),
        }
    }

    /// The values of the `wanted` attributes of `tag`, entities resolved; every attribute, wanted
    /// or not, is checked for well-formedness and unknown entities.
    fn attributes<const N: usize>(
        &self,
        tag: &BytesStart<'_>,
        wanted: [&str; N],
    ) -> Result<[Option<String>; N], ErrorKind> {
        let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
        for attribute in tag.attributes() {
            let attribute = attribute.map_err(|e| not_xml(&e.to_string()))?;
            let raw = &*attribute.value;
            match wanted.iter().position(|&w| w == attribute.key.0) {
                Some(index) => {
                    if raw.len() > self.limits.max_value_bytes {
                        return Err(ErrorKind::TooLong {
                            what: "an attribute value",
                            limit: self.limits.max_value_bytes,
                        });
                    }
                    let value = quick_xml::escape::unescape(raw).map_err(escape_error)?.into_owned();
                    if let Some(slot) = values.get_mut(index) {
                        *slot = Some(value);
                    }
                }
                None if raw.contains('&') => {
                    quick_xml::escape::unescape(raw).map_err(escape_error)?;
                }
                None => {}
            }
        }
        Ok(values)
    }

    /// Turns a failed read into an error, or into the end of a cut-short scan.
    fn read_failed<R: BufRead>(
        &mut self,
        error: XmlError,
        at: Position,
        input: &mut TrackedInput<R>,
    ) -> Step {
        if input.markup_too_long() {
            let what = "a tag, comment, declaration or text run";
            return fail(at, ErrorKind::TooLong { what, limit: self.limits.max_markup_bytes });
        }
        // Whether the input ended inside markup (every syntax error but `<!` followed by neither a
        // comment, CDATA nor DOCTYPE is that), inside a reference, or inside a character.
        let cut_short = match &error {
            XmlError::Syntax(SyntaxError::InvalidBangMarkup)
            | XmlError::IllFormed(IllFormedError::UnclosedReference)
            | XmlError::Encoding(_) => input.at_end(),
            XmlError::Syntax(_) => true,
            _ => false,
        };
        if cut_short && self.phase == Phase::Scan {
            self.truncate(input.position());
            return Ok(None);
        }
        let kind = match error {
            XmlError::Io(error) => ErrorKind::Read(error.to_string()),
            XmlError::Encoding(_) => ErrorKind::NotUtf8,
            _ if cut_short && self.phase == Phase::Prolog => ErrorKind::NoRootElement,
            error => not_xml(&error.to_string()),
        };
        fail(at, kind)
    }
}

fn not_xml(reason: &str) -> ErrorKind {
    ErrorKind::NotXml(quoted(reason))
}

fn invalid(element: &'static str, attribute: &'static str, value: &str) -> ErrorKind {
    ErrorKind::InvalidValue { element, attribute, value: quoted(value) }
}

fn escape_error(error: EscapeError) -> ErrorKind {
    match error {
        EscapeError::UnrecognizedEntity(_, name) => ErrorKind::UnknownEntity(quoted(&name)),
        EscapeError::InvalidCharRef(reason) => {
            ErrorKind::InvalidCharacterReference(quoted(&reason.to_string()))
        }
        other => not_xml(&other.to_string()),
    }
}

/// The character a reference in text stands for.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<char, ErrorKind> {
    let name: &str = reference;
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(character)) => Ok(character),
            _ => Err(ErrorKind::InvalidCharacterReference(format!("&{};", quoted(name)))),
        };
    }
    quick_xml::escape::resolve_xml_entity(name)
        .and_then(|text| text.chars().next())
        .ok_or_else(|| ErrorKind::UnknownEntity(quoted(name)))
}

fn is_white_space(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Whether a DOCTYPE's content (after `<!DOCTYPE`) has an internal subset (`[…]`), outside
/// quoted system or public identifiers.
fn has_internal_subset(doctype: &str) -> bool {
    let mut quote = None;
    for character in doctype.chars() {
        match (quote, character) {
            (None, '"' | '\'') => quote = Some(character),
            (Some(open), _) if open == character => quote = None,
            (None, '[') => return true,
            _ => {}
        }
    }
    false
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn required(
    value: Option<String>,
    element: &'static str,
    attribute: &'static str,
) -> Result<String, ErrorKind> {
    value.ok_or(ErrorKind::MissingAttribute { element, attribute })
}

fn number<T: std::str::FromStr>(
    value: Option<String>,
    element: &'static str,
    attribute: &'static str,
) -> Result<Option<T>, ErrorKind> {
    match value {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| invalid(element, attribute, &text)),
    }
}

fn number_required<T: std::str::FromStr>(
    value: Option<String>,
    element: &'static str,
    attribute: &'static str,
) -> Result<T, ErrorKind> {
    let text = required(value, element, attribute)?;
    text.parse().map_err(|_| invalid(element, attribute, &text))
}

fn percent(value: Option<String>, element: &'static str) -> Result<Option<u8>, ErrorKind> {
    let text = value.clone();
    match number::<u8>(value, element, "accuracy")? {
        Some(accuracy) if accuracy > 100 => Err(invalid(element, "accuracy", &text.unwrap_or_default())),
        accuracy => Ok(accuracy),
    }
}

/// What a kept string costs a host.
fn held(text: &str) -> usize {
    mem::size_of::<String>() + text.len()
}

fn held_option(text: &Option<String>) -> usize {
    text.as_deref().map_or(0, str::len)
}

fn held_class(class: &OsClass) -> usize {
    mem::size_of::<OsClass>()
        + [&class.vendor, &class.family, &class.generation, &class.device_type]
            .into_iter()
            .map(held_option)
            .sum::<usize>()
}

fn held_port(port: &crate::Port) -> usize {
    let state = match &port.state {
        PortState::Other(state) => state.len(),
        _ => 0,
    };
    let service = port.service.as_ref().map_or(0, |s| {
        s.name.len()
            + [&s.product, &s.version, &s.extra_info, &s.os_type, &s.device_type, &s.tunnel]
                .into_iter()
                .map(held_option)
                .sum::<usize>()
    });
    state + service
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_subsets_are_found_outside_quotes_only() {
        assert!(!has_internal_subset("nmaprun"));
        assert!(!has_internal_subset("nmaprun SYSTEM \"nmap[1].dtd\""));
        assert!(has_internal_subset("lolz [<!ENTITY lol \"lol\">]"));
        assert!(has_internal_subset("x SYSTEM 'a' ["));
    }

    #[test]
    fn references_resolve_to_characters_or_are_refused() {
        assert_eq!(resolve_reference(&BytesRef::new("amp")), Ok('&'));
        assert_eq!(resolve_reference(&BytesRef::new("#x41")), Ok('A'));
        assert_eq!(resolve_reference(&BytesRef::new("xxe")), Err(ErrorKind::UnknownEntity("xxe".into())));
        assert_eq!(
            resolve_reference(&BytesRef::new("#0")),
            Err(ErrorKind::InvalidCharacterReference("&#0;".into()))
        );
    }
}
