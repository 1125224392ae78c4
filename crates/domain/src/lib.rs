//! Ward's domain: the values and rules every capability is built from.
//!
//! Everything here is pure: no I/O, no async, no SQL, no clock reads (callers pass the time in).
//! That keeps the rules exhaustively testable and lets storage, web and CLI share them.

pub mod access;
pub mod account;
pub mod assets;
pub mod audit;
pub mod calendar;
pub mod cyfun;
pub mod gaps;
pub mod guidance;
pub mod locale;
pub mod organisation;
pub mod scoping;
pub mod segments;
pub mod signals;
pub mod spreadsheet;
pub mod tasks;
pub mod validation;

pub use access::{GroupRole, Membership, Permission, Role, roles_from_groups};
pub use account::{Email, User, check_new_password, parse_display_name};
pub use audit::{ActorKind, AuditEntry, ChainBreak, ChainReport, Checkpoint, NewAuditEntry, verify_chain};
pub use locale::{InLanguages, Locale};
pub use organisation::{
    EnterpriseNumber, NewOrganisation, NewSite, OrgKind, OrgName, OrgSlug, Organisation, Site, SiteKind,
};
pub use validation::ValidationError;
