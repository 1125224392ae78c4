//! Task files come from spreadsheets and other tools: any bytes give tasks or row errors, never a
//! panic, and every task read is written back and read again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_domain::tasks::{TaskLine, parse_csv, write_csv};

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = parse_csv(data) else { return };
    let text = write_csv(rows.iter().map(|r| TaskLine { id: r.id.as_deref().unwrap_or(""), task: &r.task }));
    let again = parse_csv(text.as_bytes()).expect("Ward reads what it writes");
    assert_eq!(again.len(), rows.len());
});
