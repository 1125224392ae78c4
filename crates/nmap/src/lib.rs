//! Reads nmap's XML output (`nmap -oX`) host by host, so that Ward can build a hospital's device
//! inventory from the scans its network team already runs.
//!
//! A hospital network scan may list a hundred thousand hosts, and the file comes from a user: it is
//! read as a stream ([`NmapReader`], or [`parse`] with a callback), one host in memory at a time,
//! and every way a file can be wrong ends in a [`ParseError`] that names the line, never in a panic
//! or an unbounded allocation. This crate is a parser of an outside format: it does no I/O of its
//! own (the caller hands it a [`std::io::BufRead`]) and knows no other Ward crate.
//!
//! What is read, per host (everything else is skipped):
//!
//! ```xml
//! <nmaprun scanner="nmap" args="nmap -A 10.0.0.0/24" start="1700000000" version="7.94" xmloutputversion="1.05">
//!   <host>                                              <!-- Host::line is this tag's line -->
//!     <status state="up"/>
//!     <address addr="10.0.0.7" addrtype="ipv4"/>
//!     <address addr="00:09:FB:12:34:56" addrtype="mac" vendor="Philips Medical Systems"/>
//!     <hostnames><hostname name="mx800-icu3" type="PTR"/></hostnames>
//!     <ports>
//!       <port protocol="tcp" portid="104"><state state="open"/>
//!         <service name="dicom" product="…" version="…" extrainfo="…"><cpe>cpe:/a:…</cpe></service>
//!       </port>
//!     </ports>
//!     <os><osmatch name="Linux 4.15 - 5.6" accuracy="100">
//!       <osclass vendor="Linux" osfamily="Linux" osgen="5.X" accuracy="100"><cpe>cpe:/o:linux:linux_kernel:5</cpe></osclass>
//!     </osmatch></os>
//!   </host>
//!   <runstats><finished time="…" elapsed="…" exit="success"/><hosts up="1" down="0" total="1"/></runstats>
//! </nmaprun>
//! ```
//!
//! An interrupted scan (nmap stopped, or a file cut short) is not an error: its hosts are read and
//! [`ScanSummary::truncated`] / [`ScanSummary::is_complete`] say so.
//!
//! Hostile input: a document type declaration with an internal subset (where entities are declared:
//! "billion laughs", external entities) is refused, and so is any entity reference other than
//! XML's five and character references; no entity is ever expanded or fetched. [`Limits`] bound
//! the length of each tag or kept value, the nesting depth, and what one host may hold.

mod error;
mod input;
mod model;
mod reader;

use std::io::BufRead;

pub use error::{Error, ErrorKind, ParseError, Position, QUOTED_CHARS};
pub use model::{
    Address, AddressKind, Finished, Host, HostCounts, HostStatus, Hostname, HostnameKind, OsClass, OsMatch,
    Port, PortState, Protocol, RunExit, ScanSummary, Service, Truncation,
};
pub use reader::{Limits, NmapReader};

/// Reads a whole scan, handing each host to `on_host` as soon as it is read, and returns the
/// summary.
///
/// `on_host` may stop the reading by returning an error, which comes back as
/// [`Error::Handler`]. On a [`ParseError`], the hosts handed out before it stand (the caller
/// decides whether a partial import is kept).
///
/// ```
/// let xml = br#"<nmaprun scanner="nmap" version="7.94"><host><status state="up"/>
/// <address addr="10.0.0.7"/></host></nmaprun>"#;
/// let mut addresses = Vec::new();
/// let summary = ward_nmap::parse(&xml[..], |host| {
///     addresses.push(host.addresses[0].address.clone());
///     Ok::<(), std::convert::Infallible>(())
/// })?;
/// assert_eq!(addresses, ["10.0.0.7"]);
/// assert_eq!(summary.hosts_seen, 1);
/// assert!(summary.finished.is_none());
/// # Ok::<(), ward_nmap::Error<std::convert::Infallible>>(())
/// ```
pub fn parse<R: BufRead, E>(
    input: R,
    mut on_host: impl FnMut(Host) -> Result<(), E>,
) -> Result<ScanSummary, Error<E>> {
    let mut reader = NmapReader::new(input)?;
    while let Some(host) = reader.next_host()? {
        on_host(host).map_err(Error::Handler)?;
    }
    Ok(reader.into_summary())
}
