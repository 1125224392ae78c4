//! Text for spreadsheets: every CSV Ward writes (audit log, tasks) quotes its cells the same way
//! and defuses formulas, because the text comes from people and files are opened in Excel.

/// Quotes a CSV field and defuses spreadsheet formulas (a cell starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading `'`).
pub fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "\"plain\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1+2"), "\"'-1+2\"");
    }
}
