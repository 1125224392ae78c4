//! Why a workbook was refused, in words a user can act on.

use std::fmt;

/// A workbook that cannot be read, or a fill that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WorkbookError {
    /// The bytes are not an .xlsx file (not a zip archive, or a zip without a workbook).
    #[error("not an Excel workbook (.xlsx): {0}")]
    NotXlsx(String),
    /// A part of the archive cannot be read (bad compression, bad XML, too large).
    #[error("the workbook is damaged: {part}: {reason}")]
    Corrupt { part: String, reason: String },
    /// A sheet of the official workbook is missing.
    #[error(
        "the workbook has no sheet named \"{sheet}\": it is not the CCB's CyFun 2025 self-assessment workbook \
         (ESSENTIAL edition), or its sheets were renamed"
    )]
    MissingSheet { sheet: String },
    /// Another edition (BASIC, IMPORTANT) of the self-assessment workbook.
    #[error(
        "this is the {found} edition of the CyFun self-assessment workbook ({location}); \
         Ward reads the ESSENTIAL edition"
    )]
    WrongEdition {
        /// The edition word found, e.g. `BASIC`.
        found: String,
        /// Where it was found: a cell (`GOVERN!G1`) or a sheet name.
        location: String,
    },
    /// Cells that hold what the official workbook does not allow: every one found, so that a
    /// user can fix them all at once.
    #[error("{}", list(.0, "the workbook has"))]
    Cells(Vec<CellError>),
    /// Fills that cannot be written into the template: every one found.
    #[error("{}", list(.0, "cannot fill in the workbook:"))]
    Fills(Vec<FillError>),
    /// The completion date cannot be stored as an Excel date.
    #[error(
        "the completion date {0} cannot be stored in the workbook (it must lie between 1900-03-01 and 9999-12-31)"
    )]
    DateOutOfRange(time::Date),
}

fn list<T: fmt::Display>(items: &[T], lead: &str) -> String {
    match items {
        [one] if lead.ends_with(':') => format!("{lead} {one}"),
        [one] => format!("{lead} a problem: {one}"),
        many => {
            let mut out = if lead.ends_with(':') {
                lead.to_owned()
            } else {
                format!("{lead} {} problems:", many.len())
            };
            for item in many {
                out.push_str("\n  ");
                out.push_str(&item.to_string());
            }
            out
        }
    }
}

impl WorkbookError {
    /// The cell problems, when this is [`WorkbookError::Cells`].
    pub fn cell_errors(&self) -> &[CellError] {
        match self {
            WorkbookError::Cells(errors) => errors,
            _ => &[],
        }
    }
}

/// One cell that breaks the rules: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub sheet: String,
    /// The cell in A1 notation, e.g. `G7`.
    pub cell: String,
    pub kind: CellErrorKind,
}

impl CellError {
    /// `GOVERN!G7`, or `'ESSENTIAL Summary'!M4` for a sheet name that needs quotes.
    pub fn location(&self) -> String {
        location(&self.sheet, &self.cell)
    }
}

/// `sheet!cell` as Excel writes it.
pub(crate) fn location(sheet: &str, cell: &str) -> String {
    if sheet.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{sheet}!{cell}")
    } else {
        format!("'{}'!{cell}", sheet.replace('\'', "''"))
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.kind)
    }
}

/// What is wrong with a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CellErrorKind {
    /// A documentation or implementation score that is not 1 to 5 or N/A.
    InvalidScore {
        /// `"documentation"` or `"implementation"`.
        score: &'static str,
        /// What the cell holds, as text.
        found: String,
    },
    /// A formula that is not the one the official workbook has there (a modified template).
    UnexpectedFormula { found: String, expected: String },
    /// A formula is missing where the official workbook has one.
    MissingFormula { expected: String },
    /// Column F does not start with a requirement id such as `GV.OC-01.1`.
    InvalidRequirement { found: String },
    /// The same requirement id on two rows.
    DuplicateRequirement { id: String, first: String },
    /// Column E is not Basic, Important or Essential.
    InvalidLevel { found: String },
    /// The completion date is not a date.
    InvalidDate { found: String },
    /// The formulas do not fit together (a requirement averaged twice or never, a category
    /// missing from the summary, a reference to a row without requirement).
    Structure(String),
}

impl fmt::Display for CellErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellErrorKind::InvalidScore { score, found } => {
                write!(f, "the {score} score must be 1, 2, 3, 4, 5 or N/A, but the cell holds {found}")
            }
            CellErrorKind::UnexpectedFormula { found, expected } => write!(
                f,
                "the formula ={found} is not the official workbook's (expected {expected}); \
                 the template was modified, start again from the CCB's workbook"
            ),
            CellErrorKind::MissingFormula { expected } => write!(
                f,
                "the official workbook has a formula here ({expected}) but the cell has none; \
                 the template was modified, start again from the CCB's workbook"
            ),
            CellErrorKind::InvalidRequirement { found } => {
                write!(
                    f,
                    "expected a requirement id such as GV.OC-01.1 at the start of the text, found \"{found}\""
                )
            }
            CellErrorKind::DuplicateRequirement { id, first } => {
                write!(f, "requirement {id} appears a second time (first at {first})")
            }
            CellErrorKind::InvalidLevel { found } => {
                write!(f, "the assurance level must be Basic, Important or Essential, found \"{found}\"")
            }
            CellErrorKind::InvalidDate { found } => {
                write!(f, "the self-assessment completion date must be a date, but the cell holds {found}")
            }
            CellErrorKind::Structure(message) => f.write_str(message),
        }
    }
}

/// One fill that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillError {
    /// The requirement id of the fill.
    pub id: String,
    pub kind: FillErrorKind,
}

impl fmt::Display for FillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.id, self.kind)
    }
}

/// What is wrong with a fill.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FillErrorKind {
    /// The template has no row for this requirement id.
    UnknownRequirement,
    /// Two fills for the same requirement.
    Duplicate,
    /// A level outside 1 to 5.
    InvalidLevel(u8),
    /// N/A on a row whose data validation allows only 1 to 5 (e.g. key measures).
    NotApplicableNotAllowed {
        /// The cell, e.g. `GOVERN!G12`.
        cell: String,
    },
    /// A comment longer than a cell can hold (32,767 characters).
    CommentTooLong(usize),
}

impl fmt::Display for FillErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FillErrorKind::UnknownRequirement => f.write_str("the workbook has no row for this requirement"),
            FillErrorKind::Duplicate => f.write_str("the requirement is filled in twice"),
            FillErrorKind::InvalidLevel(level) => write!(f, "a score must be 1 to 5 or N/A, not {level}"),
            FillErrorKind::NotApplicableNotAllowed { cell } => {
                write!(f, "the workbook does not allow N/A for this requirement (data validation of {cell})")
            }
            FillErrorKind::CommentTooLong(len) => {
                write!(f, "the comment has {len} characters; an Excel cell holds at most 32,767")
            }
        }
    }
}
