//! The values read from a scan: what Ward's inventory needs to recognise a device (addresses, the
//! MAC vendor, names), what it runs (services with product, version and CPE) and what nmap guesses
//! it is (OS matches with their CPEs). Everything else in nmap's output (timings, traces, script
//! output, fingerprints) is skipped.
//!
//! Text is kept as nmap wrote it, entities resolved; attributes nmap left empty (`product=""`)
//! read as absent. Addresses are kept as text: a sanitised or odd file (`addr="IP"`) still imports,
//! and [`Address::ip`] parses when it can.

use std::net::IpAddr;

use crate::Position;

/// One `<host>` of the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// The 1-based line on which the `<host>` tag starts: where the import preview and its
    /// messages point the user to.
    pub line: u64,
    /// Whether the host answered (`<status state>`).
    pub status: HostStatus,
    /// IPv4, IPv6 and MAC addresses, in file order.
    pub addresses: Vec<Address>,
    /// Names from the command line and reverse DNS, in file order.
    pub hostnames: Vec<Hostname>,
    /// Every port nmap listed on its own (open ones, and closed or filtered ones it did not fold
    /// into `<extraports>`), in file order.
    pub ports: Vec<Port>,
    /// OS guesses (`<os>/<osmatch>`), best first as nmap orders them.
    pub os_matches: Vec<OsMatch>,
    /// OS classes written directly under `<os>`, as nmap before 6.00 did (newer versions put them
    /// inside each match).
    pub os_classes: Vec<OsClass>,
}

impl Host {
    /// Whether nmap saw the host up.
    pub fn is_up(&self) -> bool {
        self.status == HostStatus::Up
    }

    /// The first address of a kind.
    pub fn address(&self, kind: AddressKind) -> Option<&Address> {
        self.addresses.iter().find(|a| a.kind == kind)
    }

    /// The ports in state `open`.
    pub fn open_ports(&self) -> impl Iterator<Item = &Port> {
        self.ports.iter().filter(|p| p.state == PortState::Open)
    }

    /// Every OS CPE of the host, in match order, without repeats.
    pub fn os_cpes(&self) -> Vec<&str> {
        let classes = self.os_matches.iter().flat_map(|m| &m.classes).chain(&self.os_classes);
        let mut cpes: Vec<&str> = Vec::new();
        for cpe in classes.flat_map(|c| &c.cpes) {
            if !cpes.contains(&cpe.as_str()) {
                cpes.push(cpe);
            }
        }
        cpes
    }
}

/// `<status state>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostStatus {
    Up,
    Down,
    Unknown,
    Skipped,
}

impl HostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HostStatus::Up => "up",
            HostStatus::Down => "down",
            HostStatus::Unknown => "unknown",
            HostStatus::Skipped => "skipped",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        [HostStatus::Up, HostStatus::Down, HostStatus::Unknown, HostStatus::Skipped]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// An `<address>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    pub kind: AddressKind,
    /// As nmap wrote it (MACs in upper case with colons).
    pub address: String,
    /// The MAC vendor from nmap's OUI table (`vendor`), when nmap knew it.
    pub vendor: Option<String>,
}

impl Address {
    /// The address as an IP address, when it is an IPv4 or IPv6 one that parses.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.kind {
            AddressKind::Ipv4 | AddressKind::Ipv6 => self.address.parse().ok(),
            AddressKind::Mac => None,
        }
    }
}

/// `<address addrtype>`; nmap's DTD makes `ipv4` the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressKind {
    Ipv4,
    Ipv6,
    Mac,
}

impl AddressKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressKind::Ipv4 => "ipv4",
            AddressKind::Ipv6 => "ipv6",
            AddressKind::Mac => "mac",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        [AddressKind::Ipv4, AddressKind::Ipv6, AddressKind::Mac].into_iter().find(|k| k.as_str() == value)
    }
}

/// A `<hostname>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hostname {
    pub name: String,
    /// Where the name came from, when nmap said.
    pub kind: Option<HostnameKind>,
}

/// `<hostname type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostnameKind {
    /// Given on the command line.
    User,
    /// From reverse DNS.
    Ptr,
}

impl HostnameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HostnameKind::User => "user",
            HostnameKind::Ptr => "PTR",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        [HostnameKind::User, HostnameKind::Ptr].into_iter().find(|k| k.as_str() == value)
    }
}

/// A `<port>` with its state and, when nmap identified it, its service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Port {
    pub protocol: Protocol,
    /// The port number (for `ip`, the IP protocol number).
    pub number: u16,
    pub state: PortState,
    pub service: Option<Service>,
}

/// `<port protocol>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
    /// An IP protocol scan (`-sO`): the "port" is a protocol number.
    Ip,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
            Protocol::Ip => "ip",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        [Protocol::Tcp, Protocol::Udp, Protocol::Sctp, Protocol::Ip].into_iter().find(|p| p.as_str() == value)
    }
}

/// `<state state>` of a port. nmap's DTD leaves the list open, so a state this crate does not
/// know is kept as written rather than refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PortState {
    Open,
    Closed,
    Filtered,
    Unfiltered,
    OpenFiltered,
    ClosedFiltered,
    Other(String),
}

impl PortState {
    pub fn as_str(&self) -> &str {
        match self {
            PortState::Open => "open",
            PortState::Closed => "closed",
            PortState::Filtered => "filtered",
            PortState::Unfiltered => "unfiltered",
            PortState::OpenFiltered => "open|filtered",
            PortState::ClosedFiltered => "closed|filtered",
            PortState::Other(state) => state,
        }
    }

    pub(crate) fn parse(value: &str) -> Self {
        match value {
            "open" => PortState::Open,
            "closed" => PortState::Closed,
            "filtered" => PortState::Filtered,
            "unfiltered" => PortState::Unfiltered,
            "open|filtered" => PortState::OpenFiltered,
            "closed|filtered" => PortState::ClosedFiltered,
            other => PortState::Other(other.to_owned()),
        }
    }
}

/// A `<service>`: nmap's name for what listens on the port and, with version detection (`-sV`),
/// what product it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Service {
    /// nmap's service name (`http`, `dicom`, `hl7`…).
    pub name: String,
    pub product: Option<String>,
    pub version: Option<String>,
    /// `extrainfo`: what the probe learnt besides product and version.
    pub extra_info: Option<String>,
    /// `ostype`: the OS the service reveals.
    pub os_type: Option<String>,
    /// `devicetype`: `router`, `printer`, `webcam`, `media device`…
    pub device_type: Option<String>,
    /// `tunnel`: `ssl` when the service was found inside TLS.
    pub tunnel: Option<String>,
    /// `conf`: nmap's confidence from 0 (a guess from the port number is 3) to 10 (probed).
    pub confidence: Option<u8>,
    /// CPE names of the product and OS (`cpe:/a:…`, `cpe:/o:…`).
    pub cpes: Vec<String>,
}

/// An `<osmatch>`: one OS guess.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OsMatch {
    pub name: String,
    /// How well the fingerprint matched, 0 to 100.
    pub accuracy: Option<u8>,
    pub classes: Vec<OsClass>,
}

impl OsMatch {
    /// The CPEs of all the match's classes, in order.
    pub fn cpes(&self) -> impl Iterator<Item = &str> {
        self.classes.iter().flat_map(|c| c.cpes.iter().map(String::as_str))
    }
}

/// An `<osclass>`: vendor, family, generation and device type of an OS guess, with its CPEs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OsClass {
    pub vendor: Option<String>,
    /// `osfamily`: `Linux`, `Windows`, `embedded`…
    pub family: Option<String>,
    /// `osgen`: `2.6.X`, `7`…
    pub generation: Option<String>,
    /// `type`: `general purpose`, `WAP`, `specialized`…
    pub device_type: Option<String>,
    pub accuracy: Option<u8>,
    pub cpes: Vec<String>,
}

/// The scan as a whole: nmap's header, and how the run ended.
///
/// The header fields are known as soon as [`crate::NmapReader::new`] returns; the rest once every
/// host has been read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanSummary {
    /// `scanner`: `nmap` (masscan writes the same format with `masscan`).
    pub scanner: Option<String>,
    /// nmap's version (`7.94`, `6.40-2`…).
    pub version: Option<String>,
    /// The version of the XML format (`1.05`).
    pub xml_output_version: Option<String>,
    /// The command line of the scan.
    pub args: Option<String>,
    /// When the scan started, in seconds since the Unix epoch.
    pub start_time: Option<u64>,
    /// How many `<host>` elements were read and handed out.
    pub hosts_seen: u64,
    /// `<runstats><finished>`: nmap reached the end of the run and said how it went. Absent when
    /// the scan was interrupted (or the file cut) before.
    pub finished: Option<Finished>,
    /// `<runstats><hosts>`: nmap's own count of the hosts of the run.
    pub host_counts: Option<HostCounts>,
    /// Set when the input ends before `</nmaprun>`: nmap was stopped, or the file was cut.
    pub truncated: Option<Truncation>,
}

impl ScanSummary {
    /// Whether the scan ran to its end and the file is whole: `<runstats><finished>` read and
    /// `</nmaprun>` reached. (A finished run may still have ended in an nmap error: see
    /// [`Finished::exit`].)
    pub fn is_complete(&self) -> bool {
        self.finished.is_some() && self.truncated.is_none()
    }
}

/// `<runstats><finished>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finished {
    /// When the scan ended, in seconds since the Unix epoch.
    pub time: Option<u64>,
    /// How long it ran, in seconds.
    pub elapsed_seconds: Option<f64>,
    pub exit: Option<RunExit>,
    /// nmap's message when the run ended in an error.
    pub error_message: Option<String>,
    /// nmap's one-line summary ("Nmap done at …; 256 IP addresses (4 hosts up) scanned in …").
    pub summary: Option<String>,
}

/// `<finished exit>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunExit {
    Success,
    Error,
}

/// `<runstats><hosts>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct HostCounts {
    pub up: u64,
    pub down: u64,
    pub total: u64,
}

/// Where an unfinished file ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Truncation {
    /// The end of the input.
    pub at: Position,
    /// The line of the `<host>` the input ends in, if it ends inside one: that host was not handed
    /// out.
    pub unfinished_host_line: Option<u64>,
}
