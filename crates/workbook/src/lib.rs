//! The Centre for Cybersecurity Belgium's official CyFun 2025 self-assessment workbook (.xlsx,
//! ESSENTIAL edition): [`read`] turns its bytes into plain values, [`write`] fills a copy of it.
//!
//! This crate is a parser and writer of an outside format and nothing more: it takes bytes and
//! returns values or bytes, does no other I/O, knows nothing of Ward's catalog (the caller
//! compares the [`Structure`] it extracts with the catalog), and never panics on any input (a
//! property test and a fuzz target check that).
//!
//! What the workbook holds, and what [`read`] checks:
//!
//! * Six function sheets (GOVERN … RECOVER). From row 3, column F starts with a requirement id
//!   (`GV.OC-01.1: …`), E is the assurance level, B flags a control linked to the management
//!   aspects, C a key measure; G and H are the documentation and implementation scores (1 to 5
//!   or N/A) and M the comment, the user's inputs. Column I (J) averages the documentation
//!   (implementation) scores of a subcategory, counting N/A as 3, except a few plain `=G12`
//!   cells; K (L) on the first row of a category averages those subcategory cells.
//! * `ESSENTIAL Summary`: the category averages (D), their total (M4) and the key measures.
//! * `Introduction`: the tool's date (Q6) and the completion date (T31, an input).
//!
//! Every formula that feeds the scores must be the official one; a modified template is refused
//! with the cell and its formula. Every score that is not 1 to 5 or N/A is reported, all at once.
//!
//! [`write`] changes only the input cells it is given, in place in the sheet XML, and sets
//! `fullCalcOnLoad` so that Excel recomputes the averages when the file is opened (LibreOffice
//! does so only when set to recalculate on load); every other byte of every other part stays as
//! it was.

mod cellref;
mod error;
mod formula;
mod package;
mod read;
mod sheet;
#[cfg(test)]
mod tests;
mod text;
mod write;
mod xml;

pub use error::{CellError, CellErrorKind, FillError, FillErrorKind, WorkbookError};
pub use read::read;
pub use write::write;

/// The edition this crate reads.
pub const EDITION: &str = "ESSENTIAL";

/// The six function sheets, in workbook order.
pub const FUNCTION_SHEETS: [&str; 6] = ["GOVERN", "IDENTIFY", "PROTECT", "DETECT", "RESPOND", "RECOVER"];

/// The summary sheet of the ESSENTIAL edition.
pub const SUMMARY_SHEET: &str = "ESSENTIAL Summary";

/// The sheet with the tool's change log and the completion date.
pub const INTRODUCTION_SHEET: &str = "Introduction";

/// A documentation or implementation score as entered in the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Score {
    /// A maturity level, 1 to 5.
    Level(u8),
    /// "N/A": not applicable (the workbook counts it as 3 where its formulas allow N/A).
    NotApplicable,
    /// Nothing entered.
    Empty,
}

/// One requirement row of a function sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The requirement id, e.g. `GV.OC-01.1`.
    pub id: String,
    /// The function sheet, e.g. `GOVERN`.
    pub sheet: String,
    /// The row number (1-based, as Excel shows it).
    pub row: u32,
    /// The requirement text of column F, after the id and its colon (the CCB's words: read
    /// from the user's file at run time, never shipped).
    pub text: String,
    /// `"basic"`, `"important"` or `"essential"`.
    pub level: String,
    /// Column C flags a key measure.
    pub key_measure: bool,
    /// Column B flags a control linked to the management aspects.
    pub management_aspect: bool,
    /// The data validation of G and H offers N/A ("1,2,3,4,5,N/A"); false where it offers only
    /// 1 to 5 or where the cells have no validation (key measures).
    pub na_allowed: bool,
    /// Column G.
    pub documentation: Score,
    /// Column H.
    pub implementation: Score,
    /// Column M ("Comments and/or additional information"), when not empty.
    pub comment: Option<String>,
}

/// The formula structure of the workbook: what Ward's catalog must agree with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structure {
    /// The edition word of the function sheets' G1 cell: `ESSENTIAL`.
    pub edition: String,
    /// The tool's date (last change-log date, `Introduction!Q6`), as `YYYY-MM-DD`.
    pub tool_date: Option<String>,
    /// The categories, in sheet and row order.
    pub categories: Vec<CategoryFormula>,
}

/// How one category's maturity is computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFormula {
    /// The category id, e.g. `GV.OC` (from the requirement on the formula's row).
    pub id: String,
    /// The function sheet.
    pub sheet: String,
    /// The row of the category formula (column K).
    pub row: u32,
    /// The requirement ids that each subcategory cell (column I) averages, in the order the
    /// category's documentation formula (column K) lists those cells.
    pub groups: Vec<Vec<String>>,
    /// The same for the implementation formula (column L, over column J). Usually equal to
    /// `groups`; in tool v3.1, `PROTECT!L3` is `=AVERAGE(J3:J24)` while `K3` is
    /// `=AVERAGE(I3:I28)`, so PR.AA-06.x count in PR.AA's documentation score but not in its
    /// implementation score.
    pub implementation_groups: Vec<Vec<String>>,
    /// Requirement ids whose subcategory cells are a plain `=G<row>` / `=H<row>`: N/A is not
    /// counted as 3 for them.
    pub without_na_handling: Vec<String>,
}

/// Everything [`read`] extracts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workbook {
    pub structure: Structure,
    /// The requirement rows, in sheet and row order.
    pub rows: Vec<Row>,
    /// The key measures of the summary sheet, as `(requirement id, sheet, row)` of the scores
    /// they show (column by column: L…Q, then S…X, then Z…AE).
    pub key_measure_cells: Vec<(String, String, u32)>,
    /// `Introduction!T31`.
    pub completion_date: Option<time::Date>,
}

impl Workbook {
    /// The row of a requirement id.
    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.id == id)
    }
}

/// What to write for one requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// The requirement id, e.g. `GV.OC-01.1`.
    pub id: String,
    /// Column G; [`Score::Empty`] clears the cell.
    pub documentation: Score,
    /// Column H; [`Score::Empty`] clears the cell.
    pub implementation: Score,
    /// Column M: `None` leaves the cell as it is, `Some("")` clears it.
    pub comment: Option<String>,
}
