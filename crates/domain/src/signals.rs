//! Readiness signals: facts that Ward's modules know about an organisation, attached to the CyFun
//! requirements they evidence, and checked against the self-declared scores.
//!
//! One mechanism for every module: a module turns what it records (Ward's own accounts, evidence
//! and its review dates, remediation tasks; later the asset register, restore tests, incidents)
//! into [`Signal`]s. The workspace shows them beside the score; [`contradiction`] says when a fact
//! and a score cannot both be true ("Managed" while 40 % of the devices have no owner).

use serde::Serialize;

use crate::cyfun::Answer;

/// Which module a signal comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Ward's own user accounts in the organisation.
    WardAccounts,
    /// Evidence attached to the assessment.
    Evidence,
    /// Remediation tasks.
    Tasks,
    /// The asset register.
    Assets,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::WardAccounts => "ward_accounts",
            Source::Evidence => "evidence",
            Source::Tasks => "tasks",
            Source::Assets => "assets",
        }
    }
}

/// A fact, as a module measured it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Fact {
    /// `covered` of `total` have the property named by `what` (a code: see [`coverage_phrase`]).
    Coverage { what: &'static str, covered: u32, total: u32 },
    /// Evidence whose review-by date has passed.
    StaleEvidence { count: u32 },
    /// No evidence at all for the requirement.
    NoEvidence,
    /// Remediation tasks still open, some of them overdue.
    OpenTasks { open: u32, overdue: u32 },
}

/// A fact attached to one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub requirement: String,
    pub source: Source,
    pub fact: Fact,
}

/// Why a fact and a self-declared score cannot both hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Contradiction {
    /// The implementation score claims more than the measured coverage supports.
    CoverageTooLow { what: &'static str, percent: u32, score: u8, supported: u8 },
    /// A score of 4 or more (Managed) with no evidence at all.
    ManagedWithoutEvidence { score: u8 },
    /// Evidence exists but is past its review date while the score says it is kept up.
    StaleEvidence { count: u32, score: u8 },
}

impl std::fmt::Display for Contradiction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Contradiction::CoverageTooLow { what, percent, score, supported } => write!(
                f,
                "implementation scored {score}, but only {percent} % {}: that supports at most {supported}",
                coverage_phrase(what)
            ),
            Contradiction::ManagedWithoutEvidence { score } => {
                write!(f, "scored {score} (Managed or higher) without any evidence")
            }
            Contradiction::StaleEvidence { count, score } => {
                write!(f, "scored {score}, but {count} piece(s) of evidence are past their review date")
            }
        }
    }
}

/// The coverages modules report, by code, with what they count in English (pages translate the code).
pub const COVERAGES: [(&str, &str); 5] = [
    ("ward_accounts_mfa", "of Ward's accounts use two-step verification"),
    ("medical_devices_owned", "of medical devices have an owner"),
    ("medical_devices_zoned", "of medical devices sit in a medical-device zone"),
    ("edr_installed", "of the assets that can run EDR have it"),
    ("assets_supported", "of assets with a support end date are still supported"),
];

/// What a coverage code counts, in English.
pub fn coverage_phrase(code: &str) -> &'static str {
    COVERAGES.iter().find(|(c, _)| *c == code).map_or("are covered", |(_, p)| *p)
}

/// The highest implementation score a coverage supports: below half is at most Repeatable (2),
/// below 80 % Defined (3), below 95 % Managed (4).
pub fn supported_by_coverage(covered: u32, total: u32) -> u8 {
    if total == 0 {
        return 5;
    }
    let share = f64::from(covered) / f64::from(total);
    if share < 0.5 {
        2
    } else if share < 0.8 {
        3
    } else if share < 0.95 {
        4
    } else {
        5
    }
}

/// Whether `fact` contradicts the answer given for its requirement.
pub fn contradiction(fact: &Fact, answer: Answer) -> Option<Contradiction> {
    let Answer::Scored { documentation, implementation } = answer else { return None };
    let (d, m) = (documentation.value(), implementation.value());
    match *fact {
        Fact::Coverage { what, covered, total } => {
            let supported = supported_by_coverage(covered, total);
            (m > supported).then(|| Contradiction::CoverageTooLow {
                what,
                percent: (covered * 100).checked_div(total).unwrap_or(100),
                score: m,
                supported,
            })
        }
        Fact::NoEvidence => {
            (d.max(m) >= 4).then_some(Contradiction::ManagedWithoutEvidence { score: d.max(m) })
        }
        Fact::StaleEvidence { count } => {
            (count > 0 && d >= 4).then_some(Contradiction::StaleEvidence { count, score: d })
        }
        Fact::OpenTasks { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_bounds_the_implementation_score() {
        assert_eq!(supported_by_coverage(6, 10), 3);
        assert_eq!(supported_by_coverage(0, 0), 5);
        let fact = Fact::Coverage { what: "ward_accounts_mfa", covered: 6, total: 10 };
        let managed = Answer::scored(4, 4).unwrap();
        assert_eq!(
            contradiction(&fact, managed),
            Some(Contradiction::CoverageTooLow {
                what: "ward_accounts_mfa",
                percent: 60,
                score: 4,
                supported: 3
            })
        );
        assert_eq!(contradiction(&fact, Answer::scored(4, 3).unwrap()), None);
        assert_eq!(contradiction(&fact, Answer::NotApplicable), None);
    }

    #[test]
    fn managed_needs_evidence_that_is_kept_current() {
        assert!(contradiction(&Fact::NoEvidence, Answer::scored(2, 4).unwrap()).is_some());
        assert!(contradiction(&Fact::NoEvidence, Answer::scored(3, 3).unwrap()).is_none());
        assert!(contradiction(&Fact::StaleEvidence { count: 1 }, Answer::scored(4, 2).unwrap()).is_some());
        assert!(
            contradiction(&Fact::OpenTasks { open: 3, overdue: 1 }, Answer::scored(5, 5).unwrap()).is_none()
        );
    }
}
