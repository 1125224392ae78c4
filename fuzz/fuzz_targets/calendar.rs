//! The iCalendar writer takes user text (organisation names, obligation texts): every line it
//! writes stays within 75 octets and unfolds back to what was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_domain::calendar::{CalendarEvent, to_ics};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let event = CalendarEvent {
        uid: "fuzz@ward".into(),
        date: time::Date::MIN,
        summary: text.to_owned(),
        description: text.to_owned(),
        remind_days_before: vec![7],
    };
    let ics = to_ics(text, &[event], time::OffsetDateTime::UNIX_EPOCH);
    assert!(ics.split("\r\n").all(|line| line.len() <= 75));
});
