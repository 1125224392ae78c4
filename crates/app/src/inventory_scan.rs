//! Turns an nmap scan (read by `ward-nmap`, host by host) into incoming assets for an import:
//! addresses, the MAC vendor, the name, the best OS guess, and what listens (services and CPEs),
//! kept for advisory matching.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use ward_domain::assets::check_asset;
use ward_nmap::{AddressKind, Host, NmapReader};

use crate::assets::Incoming;

/// The incoming assets of a scan (hosts that answered), no columns, and notes on the scan.
pub(crate) fn read_nmap(bytes: &[u8]) -> Result<crate::assets::Inventory, String> {
    let mut reader = NmapReader::new(bytes).map_err(|e| format!("not a readable nmap XML file: {e}"))?;
    let seen = reader
        .summary()
        .start_time
        .and_then(|t| i64::try_from(t).ok())
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    let mut incoming = Vec::new();
    let mut down = 0;
    while let Some(host) = reader.next_host().map_err(|e| format!("the scan cannot be read: {e}"))? {
        if !host.is_up() {
            down += 1;
            continue;
        }
        incoming.push(incoming_of(&host, seen));
    }
    let summary = reader.into_summary();
    let mut notes = Vec::new();
    if let Some(t) = &summary.truncated {
        notes.push(format!(
            "the file ends before the scan does (at {}): the hosts read so far are shown{}",
            t.at,
            t.unfinished_host_line
                .map(|l| format!("; the host starting on line {l} is incomplete and left out"))
                .unwrap_or_default()
        ));
    } else if summary.finished.is_none() {
        notes.push("nmap did not record the end of the scan: it may have been interrupted".to_owned());
    }
    if down > 0 {
        notes.push(format!("{down} host(s) that did not answer are left out"));
    }
    Ok((incoming, Vec::new(), notes))
}

fn incoming_of(host: &Host, seen: Option<OffsetDateTime>) -> Incoming {
    let ip = host.address(AddressKind::Ipv4).or_else(|| host.address(AddressKind::Ipv6)).and_then(|a| a.ip());
    let mac = host.address(AddressKind::Mac);
    let hostname = host.hostnames.first().map(|h| h.name.clone());
    let mut values = BTreeMap::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            values.insert(k.to_owned(), v);
        }
    };
    put(
        "name",
        hostname.clone().or_else(|| ip.map(|i| i.to_string())).or_else(|| mac.map(|m| m.address.clone())),
    );
    put("ip", ip.map(|i| i.to_string()));
    put("mac", mac.map(|m| m.address.clone()));
    put("vendor", mac.and_then(|m| m.vendor.clone()));
    put("hostname", hostname);
    put("os", host.os_matches.first().map(|m| m.name.clone()));
    let services: Vec<serde_json::Value> = host
        .open_ports()
        .map(|p| {
            let s = p.service.as_ref();
            serde_json::json!({
                "port": p.number,
                "protocol": p.protocol.as_str(),
                "service": s.map(|s| s.name.clone()),
                "product": s.and_then(|s| s.product.clone()),
                "version": s.and_then(|s| s.version.clone()),
                "cpes": s.map(|s| s.cpes.clone()).unwrap_or_default(),
            })
        })
        .collect();
    let observed = serde_json::json!({ "services": services, "os_cpes": host.os_cpes() });
    Incoming {
        line: usize::try_from(host.line).unwrap_or(usize::MAX),
        asset: check_asset(&values),
        observed: Some(observed),
        seen,
    }
}
