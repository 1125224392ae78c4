//! `Accept-Language` comes from any browser: negotiation must never panic and must only ever
//! answer a supported language.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_domain::Locale;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = std::str::from_utf8(data) {
        if let Some(locale) = Locale::negotiate(header) {
            assert!(Locale::ALL.contains(&locale));
        }
    }
});
