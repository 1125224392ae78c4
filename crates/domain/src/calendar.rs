//! iCalendar (RFC 5545) writer for dated obligations: all-day events with reminders, for any
//! calendar application (Outlook, Google, Apple, Thunderbird).

use time::{Date, OffsetDateTime};

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across exports, so re-importing updates rather than duplicates.
    pub uid: String,
    pub date: Date,
    pub summary: String,
    pub description: String,
    /// Reminders, in days before the date.
    pub remind_days_before: Vec<u32>,
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn ymd(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day())
}

/// The calendar as text (CRLF line endings).
pub fn to_ics(name: &str, events: &[CalendarEvent], now: OffsetDateTime) -> String {
    let stamp = format!("{}T{:02}{:02}{:02}Z", ymd(now.date()), now.hour(), now.minute(), now.second());
    let mut out = String::new();
    for line in
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ward//Ward//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    {
        out.push_str(&fold(line));
    }
    out.push_str(&fold(&format!("X-WR-CALNAME:{}", escape(name))));
    for e in events {
        out.push_str(&fold("BEGIN:VEVENT"));
        out.push_str(&fold(&format!("UID:{}", escape(&e.uid))));
        out.push_str(&fold(&format!("DTSTAMP:{stamp}")));
        out.push_str(&fold(&format!("DTSTART;VALUE=DATE:{}", ymd(e.date))));
        out.push_str(&fold(&format!("DTEND;VALUE=DATE:{}", ymd(e.date.next_day().unwrap_or(e.date)))));
        out.push_str(&fold(&format!("SUMMARY:{}", escape(&e.summary))));
        out.push_str(&fold(&format!("DESCRIPTION:{}", escape(&e.description))));
        for days in &e.remind_days_before {
            out.push_str(&fold("BEGIN:VALARM"));
            out.push_str(&fold("ACTION:DISPLAY"));
            out.push_str(&fold(&format!("DESCRIPTION:{}", escape(&e.summary))));
            out.push_str(&fold(&format!("TRIGGER:-P{days}D")));
            out.push_str(&fold("END:VALARM"));
        }
        out.push_str(&fold("END:VEVENT"));
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn events_with_reminders_escaped_and_folded() {
        let ics = to_ics(
            "AZ Voorbeeldstad",
            &[CalendarEvent {
                uid: "certification@az".into(),
                date: date!(2027 - 04 - 18),
                summary: "CyFun certification; ISO, alternative".into(),
                description: "é".repeat(60),
                remind_days_before: vec![30, 7],
            }],
            datetime!(2026-11-29 10:00 UTC),
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20270418\r\nDTEND;VALUE=DATE:20270419\r\n"));
        assert!(ics.contains("SUMMARY:CyFun certification\\; ISO\\, alternative\r\n"));
        assert_eq!(ics.matches("TRIGGER:-P").count(), 2);
        assert!(ics.lines().all(|l| l.len() <= 75), "folded at 75 octets");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        // Unfolding gives the original text back.
        assert!(ics.replace("\r\n ", "").contains(&format!("DESCRIPTION:{}", "é".repeat(60))));
    }
}
