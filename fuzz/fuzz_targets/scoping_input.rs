//! Scoping answers arrive as JSON from the API: any input either fails to parse, is refused with
//! named fields, or is scoped, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_domain::scoping::{Rules, ScopingInput, scope};

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = serde_json::from_slice::<ScopingInput>(data) {
        if let Ok(result) = scope(Rules::embedded(), &input) {
            assert!(!result.reasons.is_empty());
        }
    }
});
