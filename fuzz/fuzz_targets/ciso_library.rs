//! A CISO Assistant library is a file the user uploads: any bytes either fail with a
//! `LibraryError` or give texts with catalog-shaped ids, and never panic or blow up memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_library::parse_ciso_library;

fuzz_target!(|data: &[u8]| {
    match parse_ciso_library(data) {
        Ok(library) => {
            assert!(!library.texts.is_empty());
            for text in &library.texts {
                let id = text.requirement_id.as_bytes();
                assert!(id.len() >= 9 && id[2] == b'.' && id[5] == b'-');
                assert!(["en", "nl", "fr"].contains(&text.language.as_str()));
                assert!(!text.text.is_empty());
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
