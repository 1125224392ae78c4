//! Whatever the bytes, reading them returns a library or an error, never a panic, and a library
//! that comes back keeps its promises.

use proptest::prelude::*;
use ward_library::{Library, parse_ciso_library};

/// A small library that parses, for mutations to start from.
const VALID: &str = "urn: urn:intuitem:risk:library:ccb-cyfun2025\nref_id: cyfun2025\nname: N\n\
version: 7\nlocale: en\nobjects:\n  framework:\n    requirement_nodes:\n    - ref_id: GV\n      \
assessable: false\n    - ref_id: GV.OC-01.1\n      assessable: true\n      description: '[KEY MEASURE] T'\n      \
annotation: G\n      translations:\n        nl: {description: N, annotation: null}\n        fr:\n          \
description: F\n";

/// Pieces of YAML and of libraries, to build inputs that get past the YAML parser more often
/// than random bytes do.
const PIECES: &[&str] = &[
    "\n",
    "  ",
    "    ",
    "- ",
    ": ",
    "urn: ",
    "urn:intuitem:risk:library:ccb-cyfun2025",
    "urn:intuitem:risk:library:ccb-cff-2023-03-01",
    "ref_id: ",
    "cyfun2025",
    "CCB-CFF-2023-03-01",
    "objects:",
    "framework:",
    "requirement_nodes:",
    "assessable: true",
    "assessable: false",
    "description: ",
    "annotation: ",
    "translations:",
    "nl:",
    "fr:",
    "en:",
    "locale: ",
    "name: ",
    "version: ",
    "BASIC_ID.AM-1.1",
    "R.AC-3.4",
    "GV.OC-01.1",
    "[KEY MEASURE]",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    "\"",
    "&a ",
    "*a",
    "? ",
    "|\n",
    ">\n",
    "!!binary ",
    "!!str ",
    "~",
    "null",
    "7",
    "1.5",
    "# c",
    "---\n",
    "...\n",
    "\t",
    "\u{feff}",
    "é",
    "\\u0000",
];

fn check(bytes: &[u8]) {
    if let Ok(library) = parse_ciso_library(bytes) {
        keeps_its_promises(&library);
    }
}

fn keeps_its_promises(library: &Library) {
    assert!(!library.texts.is_empty());
    for text in &library.texts {
        let id = text.requirement_id.as_bytes();
        assert!(id.len() >= 9 && id[2] == b'.' && id[5] == b'-', "{}", text.requirement_id);
        assert!(["en", "nl", "fr"].contains(&text.language.as_str()));
        assert!(!text.text.is_empty() && text.text == text.text.trim());
        assert!(text.guidance.as_deref().is_none_or(|g| !g.is_empty()));
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn arbitrary_text(text in ".{0,512}") {
        check(text.as_bytes());
    }

    #[test]
    fn pieces_of_yaml(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..80)) {
        check(pieces.concat().as_bytes());
    }

    #[test]
    fn a_valid_library_mutated(
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<proptest::sample::Index>(),
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        check(&bytes);
    }
}

#[test]
fn the_starting_library_parses() {
    let library = parse_ciso_library(VALID.as_bytes()).expect("parses");
    keeps_its_promises(&library);
    assert_eq!(library.texts.len(), 3);
    assert_eq!(library.texts[0].text, "T");
}
