//! Remediation tasks: the work that closes gaps. Their statuses, when they are due, and the CSV
//! form people exchange with spreadsheets and other tools.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ValidationError;
use crate::cyfun::Framework;
use crate::spreadsheet::csv_field;

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    InProgress,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] =
        [TaskStatus::Open, TaskStatus::InProgress, TaskStatus::Done, TaskStatus::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Result<TaskStatus, ValidationError> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        TaskStatus::ALL.into_iter().find(|s| s.code() == t).ok_or_else(|| {
            ValidationError::new("status", "unknown_status", "use open, in_progress, done or cancelled")
        })
    }

    /// Still to do.
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::InProgress)
    }
}

/// How close an open task is to its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    Overdue,
    /// Due within [`DUE_SOON_DAYS`].
    DueSoon,
    Later,
    /// No due date, or the task is closed.
    None,
}

/// A task due within this many days is "coming due" and gets a reminder.
pub const DUE_SOON_DAYS: i64 = 7;

pub fn due_state(status: TaskStatus, due: Option<Date>, today: Date) -> DueState {
    match due {
        Some(d) if status.is_open() => {
            let days = (d - today).whole_days();
            if days < 0 {
                DueState::Overdue
            } else if days <= DUE_SOON_DAYS {
                DueState::DueSoon
            } else {
                DueState::Later
            }
        }
        _ => DueState::None,
    }
}

/// A task's fields as typed in a form, the API or a CSV row, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskDraft {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    pub status: TaskStatus,
    /// CyFun requirement ids (2025 or 2023), unique.
    pub requirements: Vec<String>,
    pub notes: Option<String>,
}

const TITLE_MAX: usize = 200;
const NOTES_MAX: usize = 4000;
const OWNER_MAX: usize = 200;

/// Checks a task's fields. Requirement ids must exist in one of the CyFun catalogs.
pub fn check_task(
    title: &str,
    owner: Option<&str>,
    due: Option<&str>,
    status: Option<&str>,
    requirements: &[String],
    notes: Option<&str>,
) -> Result<TaskDraft, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        errors.push(ValidationError::new(
            "title",
            "length",
            format!("give the task a title of 1 to {TITLE_MAX} characters"),
        ));
    }
    let owner = owner.map(str::trim).filter(|o| !o.is_empty());
    if owner.is_some_and(|o| o.chars().count() > OWNER_MAX) {
        errors.push(ValidationError::new("owner", "length", format!("at most {OWNER_MAX} characters")));
    }
    let due = match due.map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => match parse_date(d) {
            Some(date) => Some(date),
            None => {
                errors.push(ValidationError::new(
                    "due",
                    "date",
                    format!("\"{d}\" is not a date (use YYYY-MM-DD)"),
                ));
                None
            }
        },
    };
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => TaskStatus::Open,
        Some(s) => TaskStatus::parse(s).unwrap_or_else(|e| {
            errors.push(e);
            TaskStatus::Open
        }),
    };
    let mut ids: Vec<String> = Vec::new();
    for raw in requirements {
        let id = raw.trim();
        if id.is_empty() {
            continue;
        }
        let known = Framework::ALL.iter().find_map(|f| f.catalog().requirement(id).map(|r| r.id.clone()));
        match known {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => errors.push(ValidationError::new(
                "requirements",
                "unknown_requirement",
                format!("{id} is not a CyFun requirement"),
            )),
        }
    }
    let notes = notes.map(str::trim).filter(|n| !n.is_empty());
    if notes.is_some_and(|n| n.chars().count() > NOTES_MAX) {
        errors.push(ValidationError::new("notes", "length", format!("at most {NOTES_MAX} characters")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(TaskDraft {
        title: title.to_owned(),
        owner: owner.map(str::to_owned),
        due,
        status,
        requirements: ids,
        notes: notes.map(str::to_owned),
    })
}

/// `2026-12-31`, or `31/12/2026` and `31-12-2026` as Belgian spreadsheets write dates.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(text, iso) {
        return Some(d);
    }
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts[..]
        && y.len() == 4
    {
        let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
        return Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok();
    }
    None
}

/// The CSV columns, in the order Ward writes them.
pub const CSV_COLUMNS: [&str; 7] = ["id", "title", "owner", "due", "status", "requirements", "notes"];

/// One row of a task file, checked; `id` names an existing task to update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    /// The row's line number in the file (the header is line 1).
    pub line: usize,
    pub id: Option<String>,
    pub task: TaskDraft,
}

/// A row that cannot be imported: its line, and each field's problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct RowError {
    pub line: usize,
    pub errors: Vec<ValidationError>,
}

/// The largest task file accepted, in rows.
pub const CSV_MAX_ROWS: usize = 20_000;

/// Reads a task file: a header naming at least `title` (others optional, any order, any case;
/// unknown columns ignored), then one task per row; `,` or `;` separated (Belgian Excel writes
/// `;`), UTF-8 with or without a byte-order mark. Every row is checked: the file is all good, or
/// every bad row is named with its line.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<TaskRow>, Vec<RowError>> {
    let file_error = |message: String| {
        vec![RowError { line: 1, errors: vec![ValidationError::new("file", "csv", message)] }]
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(file_error("the file is not UTF-8 text; save it as \"CSV UTF-8\"".into()));
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect::<Vec<_>>(),
        Err(e) => return Err(file_error(format!("cannot read the header: {e}"))),
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let Some(title_at) = column("title") else {
        return Err(file_error(format!(
            "the header has no \"title\" column (columns: {})",
            CSV_COLUMNS.join(", ")
        )));
    };
    let at = CSV_COLUMNS.map(column);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        if n >= CSV_MAX_ROWS {
            return Err(file_error(format!("more than {CSV_MAX_ROWS} rows; split the file")));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors
                    .push(RowError { line, errors: vec![ValidationError::new("row", "csv", e.to_string())] });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| at[i].and_then(|c| record.get(c));
        let requirements: Vec<String> =
            get(5).unwrap_or_default().split([' ', ',', ';', '\n']).map(str::to_owned).collect();
        match check_task(
            record.get(title_at).unwrap_or_default(),
            get(2),
            get(3),
            get(4),
            &requirements,
            get(6),
        ) {
            Ok(task) => rows.push(TaskRow {
                line,
                id: get(0).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
                task,
            }),
            Err(e) => errors.push(RowError { line, errors: e }),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// One task as Ward writes it to a file.
#[derive(Debug, Clone)]
pub struct TaskLine<'a> {
    pub id: &'a str,
    pub task: &'a TaskDraft,
}

/// Writes tasks as CSV (header, then one row each), readable by [`parse_csv`].
pub fn write_csv<'a>(tasks: impl IntoIterator<Item = TaskLine<'a>>) -> String {
    let mut out = CSV_COLUMNS.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for t in tasks {
        let due = t.task.due.map(|d| d.to_string()).unwrap_or_default();
        let fields = [
            t.id,
            &t.task.title,
            t.task.owner.as_deref().unwrap_or_default(),
            &due,
            t.task.status.code(),
            &t.task.requirements.join(" "),
            t.task.notes.as_deref().unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn due_states() {
        let today = date!(2026 - 11 - 29);
        assert_eq!(due_state(TaskStatus::Open, Some(date!(2026 - 11 - 28)), today), DueState::Overdue);
        assert_eq!(due_state(TaskStatus::InProgress, Some(date!(2026 - 12 - 06)), today), DueState::DueSoon);
        assert_eq!(due_state(TaskStatus::Open, Some(date!(2026 - 12 - 07)), today), DueState::Later);
        assert_eq!(due_state(TaskStatus::Done, Some(date!(2026 - 11 - 01)), today), DueState::None);
        assert_eq!(due_state(TaskStatus::Open, None, today), DueState::None);
    }

    #[test]
    fn dates_as_belgian_spreadsheets_write_them() {
        assert_eq!(parse_date("2026-12-31"), Some(date!(2026 - 12 - 31)));
        assert_eq!(parse_date("31/12/2026"), Some(date!(2026 - 12 - 31)));
        assert_eq!(parse_date("31.12.2026"), Some(date!(2026 - 12 - 31)));
        assert_eq!(parse_date("31/13/2026"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn a_file_round_trips_and_bad_rows_are_named() {
        let draft = check_task(
            "=Enable MFA, \"now\"",
            Some("it@az.example"),
            Some("2026-12-31"),
            Some("in progress"),
            &["pr.aa-03.2".into(), "PR.AA-03.2".into()],
            Some("line one\nline two"),
        )
        .unwrap_err();
        // Ids are case-sensitive in the catalog: the lower-case one is unknown.
        assert_eq!(draft[0].field, "requirements");
        let draft = check_task(
            "=Enable MFA, \"now\"",
            Some("it@az.example"),
            Some("2026-12-31"),
            Some("in progress"),
            &["PR.AA-03.2".into(), "PR.AA-03.2".into()],
            Some("line one\nline two"),
        )
        .unwrap();
        assert_eq!(draft.requirements, ["PR.AA-03.2"]);
        let text = write_csv([TaskLine { id: "t1", task: &draft }]);
        assert!(text.contains("\"'=Enable MFA, \"\"now\"\"\""), "{text}");
        let rows = parse_csv(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].id.as_deref(), Some("t1"));
        assert_eq!(
            rows[0].task.title, "'=Enable MFA, \"now\"",
            "the defusing quote stays: it is what the file says"
        );
        assert_eq!(rows[0].task.status, TaskStatus::InProgress);

        let bad = "\u{feff}Title;Due;Requirements\nBackups offline;31/12/2026;PR.DS-11.1\n;2026-01-01;\nPatch;someday;XX-1\n";
        let errors = parse_csv(bad.as_bytes()).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 4]);
        assert!(errors[1].to_string().contains("someday"), "{}", errors[1]);
        assert!(parse_csv(b"name,owner\nx,y\n").unwrap_err()[0].to_string().contains("no \"title\" column"));
        assert!(parse_csv(&[0xff, 0xfe, 0x00]).is_err());
    }
}
