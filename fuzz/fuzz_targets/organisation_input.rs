//! Organisation input arrives from forms, JSON and the command line: validation must never panic,
//! and whatever it accepts must validate again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_domain::{EnterpriseNumber, NewOrganisation, OrgSlug};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut fields = text.splitn(5, '\u{1f}');
    let name = fields.next().unwrap_or("");
    let slug = fields.next();
    let kind = fields.next();
    let number = fields.next();
    let locale = fields.next();
    if let Ok(org) = NewOrganisation::parse(name, slug, kind, number, locale) {
        assert!(OrgSlug::parse(org.slug.as_str()).is_ok());
        if let Some(n) = &org.enterprise_number {
            assert_eq!(EnterpriseNumber::parse(&n.formatted()).ok().as_ref(), Some(n));
        }
    }
});
