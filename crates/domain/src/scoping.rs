//! Scoping: is an organisation subject to NIS2 in Belgium, as an essential or an important entity;
//! which CyFun assurance level to aim for; which GDPR duties apply; and which obligations follow,
//! with their due dates.
//!
//! The thresholds, deadlines and sectors are data (`data/scoping-rules.toml`) with their legal
//! source; this module applies them and explains each step in a reasoning trace.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::ValidationError;

/// The rules, as read from the data file.
#[derive(Debug, Clone, Deserialize)]
pub struct Rules {
    #[serde(with = "iso_date")]
    pub in_force: Date,
    pub size: SizeRules,
    pub deadlines: DeadlineRules,
    #[serde(rename = "sector")]
    pub sectors: Vec<Sector>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SizeRules {
    pub source: String,
    /// The date these thresholds apply from.
    #[serde(with = "iso_date")]
    pub effective: Date,
    pub medium_min_staff: f64,
    pub small_max_money_eur: u64,
    pub large_min_staff: f64,
    pub large_min_turnover_eur: u64,
    pub large_min_balance_eur: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeadlineRules {
    pub source: String,
    #[serde(with = "iso_date")]
    pub effective: Date,
    #[serde(with = "iso_date")]
    pub registration_fixed: Date,
    pub registration_months: u32,
    pub verification_months: u32,
    pub certification_months: u32,
    pub reassessment_months: u32,
}

/// A sector of NIS2's annexes (or none of them).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Sector {
    #[serde(with = "iso_date", skip_serializing)]
    pub effective: Date,
    pub slug: String,
    pub name: String,
    /// `I`, `II` or `none`.
    pub annex: String,
    pub health: bool,
    pub source: String,
}

mod iso_date {
    use serde::{Deserialize, Deserializer};
    use time::Date;
    use time::macros::format_description;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s, format_description!("[year]-[month]-[day]")).map_err(serde::de::Error::custom)
    }
}

impl Rules {
    /// The rules shipped with Ward. The data file is checked by the tests, so a parse failure
    /// here can only mean a damaged binary.
    pub fn embedded() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| {
            #[allow(clippy::expect_used)]
            Rules::parse(include_str!("../data/scoping-rules.toml")).expect("the shipped scoping rules parse")
        })
    }

    pub fn parse(text: &str) -> Result<Rules, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    pub fn sector(&self, slug: &str) -> Option<&Sector> {
        self.sectors.iter().find(|s| s.slug == slug)
    }
}

/// Head count and money of one enterprise (staff in annual work units).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Enterprise {
    pub staff: f64,
    pub turnover_eur: f64,
    pub balance_eur: f64,
}

/// A partner enterprise and the share (capital or votes, %) held in it or by it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub enterprise: Enterprise,
    pub share_percent: f64,
}

/// The answers to the scoping questionnaire.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScopingInput {
    /// Sector slugs; an organisation that runs several activities lists each.
    pub sectors: Vec<String>,
    pub own: Enterprise,
    #[serde(default)]
    pub linked: Vec<Enterprise>,
    #[serde(default)]
    pub partners: Vec<Partner>,
    pub established_in_belgium: bool,
    #[serde(default)]
    pub public_entity: bool,
    /// The sole provider in Belgium of a service essential to society or the economy.
    #[serde(default)]
    pub sole_provider: bool,
    /// Designated by the authority, with the category it gave.
    #[serde(default)]
    pub designated: Option<Nis2Status>,
    /// When the organisation entered scope (designation or identification); default: the law's
    /// entry into force.
    #[serde(default)]
    pub entry_into_scope: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    Small,
    Medium,
    Large,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nis2Status {
    Essential,
    Important,
    /// Below the thresholds but possibly designated: ask the CCB.
    CheckDesignation,
    OutOfScope,
}

impl Nis2Status {
    pub fn code(self) -> &'static str {
        match self {
            Nis2Status::Essential => "essential",
            Nis2Status::Important => "important",
            Nis2Status::CheckDesignation => "check_designation",
            Nis2Status::OutOfScope => "out_of_scope",
        }
    }
}

/// CyFun assurance levels (cumulative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CyfunLevel {
    Basic,
    Important,
    Essential,
}

impl CyfunLevel {
    pub const ALL: [CyfunLevel; 3] = [CyfunLevel::Basic, CyfunLevel::Important, CyfunLevel::Essential];

    pub fn parse(code: &str) -> Result<CyfunLevel, ValidationError> {
        Self::ALL.into_iter().find(|l| l.code() == code.trim().to_ascii_lowercase()).ok_or_else(|| {
            ValidationError::new("target_level", "unknown", "must be basic, important or essential")
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            CyfunLevel::Basic => "basic",
            CyfunLevel::Important => "important",
            CyfunLevel::Essential => "essential",
        }
    }
}

/// One step of the reasoning, with the rule's source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: &'static str,
    /// Ward's English wording (API, CLI).
    pub text: String,
    pub source: String,
    /// The message (see [`MESSAGES`]) and its values, for pages in other languages.
    #[serde(skip)]
    pub message: Message,
}

/// A message of [`MESSAGES`] with the values for its `{placeholders}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub key: &'static str,
    pub params: Vec<(&'static str, String)>,
}

/// Something the organisation must (or, when `advice`, should) do, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    pub id: &'static str,
    pub what: String,
    #[serde(skip)]
    pub message: Message,
    /// `None` for standing duties that apply from now on (e.g. incident reporting).
    pub due: Option<Date>,
    pub source: String,
    pub advice: bool,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopingResult {
    pub size: SizeClass,
    pub nis2: Nis2Status,
    pub cyfun_level: CyfunLevel,
    pub reasons: Vec<Reason>,
    pub obligations: Vec<Obligation>,
    pub gdpr: Vec<Obligation>,
    /// Combined figures after adding linked and partner enterprises.
    pub combined: Enterprise,
}

/// `date` plus `months`, kept on the same day or the last day of a shorter month
/// (31 August + 6 months = 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

fn eur(v: f64) -> String {
    format!("€{:.1} M", v / 1_000_000.0)
}

/// Validates the answers: every problem names its field.
pub fn validate(rules: &Rules, input: &ScopingInput) -> Result<(), Vec<ValidationError>> {
    let mut errors = Vec::new();
    if input.sectors.is_empty() {
        errors.push(ValidationError::new("sectors", "required", "choose at least one sector"));
    }
    for slug in &input.sectors {
        if rules.sector(slug).is_none() {
            errors.push(ValidationError::new(
                "sectors",
                "unknown",
                format!("unknown sector {slug:?}; see the list of sectors"),
            ));
        }
    }
    if input.sectors.iter().any(|s| s == "other") && input.sectors.len() > 1 {
        errors.push(ValidationError::new(
            "sectors",
            "contradiction",
            "\"none of the NIS2 sectors\" cannot be combined with a sector",
        ));
    }
    let check = |errors: &mut Vec<ValidationError>, field: &'static str, e: &Enterprise| {
        for (v, what) in
            [(e.staff, "staff"), (e.turnover_eur, "turnover"), (e.balance_eur, "balance-sheet total")]
        {
            if !v.is_finite() || v < 0.0 {
                errors.push(ValidationError::new(
                    field,
                    "range",
                    format!("{what} must be a number of 0 or more"),
                ));
            }
        }
    };
    check(&mut errors, "own", &input.own);
    for e in &input.linked {
        check(&mut errors, "linked", e);
    }
    for p in &input.partners {
        check(&mut errors, "partners", &p.enterprise);
        if !(p.share_percent > 0.0 && p.share_percent <= 100.0) {
            errors.push(ValidationError::new(
                "partners",
                "range",
                "a partner's share must be above 0 % and at most 100 %",
            ));
        }
    }
    if input.designated.is_some() && !input.established_in_belgium {
        errors.push(ValidationError::new(
            "designated",
            "contradiction",
            "the Belgian authority designates only organisations established in Belgium",
        ));
    }
    if matches!(input.designated, Some(Nis2Status::OutOfScope | Nis2Status::CheckDesignation)) {
        errors.push(ValidationError::new(
            "designated",
            "range",
            "a designation is as essential or as important",
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Staff, turnover and balance sheet with linked enterprises added in full and partners in
/// proportion to the share held.
pub fn combined(input: &ScopingInput) -> Enterprise {
    let mut total = input.own;
    for e in &input.linked {
        total.staff += e.staff;
        total.turnover_eur += e.turnover_eur;
        total.balance_eur += e.balance_eur;
    }
    for p in &input.partners {
        let f = p.share_percent / 100.0;
        total.staff += p.enterprise.staff * f;
        total.turnover_eur += p.enterprise.turnover_eur * f;
        total.balance_eur += p.enterprise.balance_eur * f;
    }
    total
}

/// The enterprise size under Recommendation 2003/361/EC.
pub fn size_class(rules: &SizeRules, e: &Enterprise) -> SizeClass {
    let large = e.staff >= rules.large_min_staff
        || (e.turnover_eur > rules.large_min_turnover_eur as f64
            && e.balance_eur > rules.large_min_balance_eur as f64);
    let small = e.staff < rules.medium_min_staff
        && (e.turnover_eur <= rules.small_max_money_eur as f64
            || e.balance_eur <= rules.small_max_money_eur as f64);
    if large {
        SizeClass::Large
    } else if small {
        SizeClass::Small
    } else {
        SizeClass::Medium
    }
}

/// Ward's English wording of every reason and obligation, by key. Pages show the same messages
/// in Dutch and French from the locale files (`scoping_text.<key>`); a test keeps them in step.
pub const MESSAGES: &[(&str, &str)] = &[
    (
        "size_group",
        "Linked enterprises count in full and partner enterprises in proportion to the share held: together {staff} staff, {turnover} turnover, {balance} balance-sheet total.",
    ),
    (
        "size_large",
        "Large enterprise: {staff} or more staff, or both turnover above {turnover} and balance-sheet total above {balance}.",
    ),
    (
        "size_small",
        "Small enterprise: fewer than {staff} staff, and turnover or balance-sheet total of at most {money}.",
    ),
    ("size_medium", "Medium-sized enterprise: neither small nor large."),
    (
        "size_public",
        "A public body's figures are not added to those of the entities it controls; only the organisation's own (and its linked and partner enterprises') count.",
    ),
    ("sector_annex_i", "{sector}: a sector of high criticality (Annex I)."),
    ("sector_annex_ii", "{sector}: another critical sector (Annex II)."),
    ("sector_none", "{sector}: not a NIS2 sector."),
    (
        "scope_abroad",
        "Not established in Belgium: the Belgian NIS2 law does not apply; the law of the member state of establishment does.",
    ),
    ("scope_designated_essential", "Designated by the authority as an essential entity, whatever its size."),
    ("scope_designated_important", "Designated by the authority as an important entity, whatever its size."),
    ("scope_essential", "A large enterprise in an Annex I sector is an essential entity."),
    (
        "scope_important",
        "A medium-sized enterprise in an Annex I sector, or a medium or large one in an Annex II sector, is an important entity.",
    ),
    (
        "scope_sole_provider",
        "Below the size thresholds, but the sole provider of a critical service: the authority may designate it; check with the CCB.",
    ),
    (
        "scope_check_designation",
        "Below the size thresholds: not in scope unless the authority designates it (for example as the sole provider of a critical service, or where a disruption would have a significant impact); check with the CCB if in doubt.",
    ),
    ("scope_none", "No activity in a NIS2 sector."),
    (
        "level_essential",
        "Essential entities aim at CyFun Important or Essential; for a large health care organisation the CCB's sector risk assessment points to Essential. ISO/IEC 27001 certification with a statement of applicability of the same level is the alternative route.",
    ),
    (
        "level_important_health",
        "Important entities aim at CyFun Basic or Important; in health care, patient safety and 24/7 operations point to Important. Conformity assessment is voluntary for important entities, but supervision after an incident judges the measures in place.",
    ),
    (
        "level_important_other",
        "Important entities in Annex II sectors aim at CyFun Basic or Important; Basic is the minimum.",
    ),
    (
        "level_basic",
        "Not (yet) in scope: the CCB recommends CyFun Basic as a minimum, in particular for suppliers of NIS2 entities (hospitals will ask).",
    ),
    ("registration", "Register the organisation with the CCB on Safeonweb@work."),
    (
        "management",
        "Management approves the cybersecurity risk-management measures, oversees them and follows training (since {since}).",
    ),
    ("measures", "Take the risk-management measures; CyFun covers them all (since {since})."),
    (
        "incident_reporting",
        "Report significant incidents to the CCB: early warning within 24 h, notification within 72 h, final report within one month.",
    ),
    (
        "verification",
        "Conformity assessment, first step: CyFun Basic or Important verification (or ISO/IEC 27001 scope and statement of applicability).",
    ),
    ("certification", "Conformity assessment: CyFun {level} certification (or ISO/IEC 27001 certification)."),
    ("check_designation", "Ask the CCB whether the organisation is, or will be, designated."),
    ("reassessment", "Review the CyFun self-assessment."),
    ("records", "Keep a record of processing activities."),
    ("breach_register", "Document every personal-data breach, notified or not, in a breach register."),
    (
        "breach_notification",
        "Notify personal-data breaches to the Data Protection Authority (APD/GBA) within 72 hours unless unlikely to result in a risk; tell patients when the risk to them is high.",
    ),
    ("dpo_required", "Appoint a data protection officer: health data are processed on a large scale."),
    (
        "dpo_check",
        "Check whether a data protection officer is needed: it is when health data are processed on a large scale (a single practice usually is not).",
    ),
    (
        "dpia",
        "Carry out a data protection impact assessment for large-scale processing of health data (EHR, PACS, lab systems).",
    ),
];

/// Fills a template's `{placeholders}`.
pub fn fill(template: &str, params: &[(&'static str, String)]) -> String {
    params.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

fn message(key: &'static str, params: Vec<(&'static str, String)>) -> (String, Message) {
    let template = MESSAGES.iter().find(|(k, _)| *k == key).map_or(key, |(_, t)| t);
    (fill(template, &params), Message { key, params })
}

fn reason(
    rule: &'static str,
    key: &'static str,
    params: Vec<(&'static str, String)>,
    source: impl Into<String>,
) -> Reason {
    let (text, message) = message(key, params);
    Reason { rule, text, source: source.into(), message }
}

fn duty(
    id: &'static str,
    key: &'static str,
    params: Vec<(&'static str, String)>,
    due: Option<Date>,
    source: impl Into<String>,
    advice: bool,
) -> Obligation {
    let (what, message) = message(key, params);
    Obligation { id, what, message, due, source: source.into(), advice }
}

/// Applies the rules to the answers.
pub fn scope(rules: &Rules, input: &ScopingInput) -> Result<ScopingResult, Vec<ValidationError>> {
    validate(rules, input)?;
    let mut reasons = Vec::new();
    let size_src = rules.size.source.clone();
    let total = combined(input);
    if !input.linked.is_empty() || !input.partners.is_empty() {
        let params = vec![
            ("staff", format!("{:.1}", total.staff)),
            ("turnover", eur(total.turnover_eur)),
            ("balance", eur(total.balance_eur)),
        ];
        reasons.push(reason("size.group", "size_group", params, size_src.clone()));
    }
    let size = size_class(&rules.size, &total);
    let size_reason = match size {
        SizeClass::Large => reason(
            "size.class",
            "size_large",
            vec![
                ("staff", rules.size.large_min_staff.to_string()),
                ("turnover", eur(rules.size.large_min_turnover_eur as f64)),
                ("balance", eur(rules.size.large_min_balance_eur as f64)),
            ],
            size_src.clone(),
        ),
        SizeClass::Small => reason(
            "size.class",
            "size_small",
            vec![
                ("staff", rules.size.medium_min_staff.to_string()),
                ("money", eur(rules.size.small_max_money_eur as f64)),
            ],
            size_src.clone(),
        ),
        SizeClass::Medium => reason("size.class", "size_medium", vec![], size_src.clone()),
    };
    reasons.push(size_reason);
    if input.public_entity {
        reasons.push(reason("size.public", "size_public", vec![], "CCB, NIS2 scope guidance"));
    }

    let sectors: Vec<&Sector> = input.sectors.iter().filter_map(|s| rules.sector(s)).collect();
    let annex_i = sectors.iter().any(|s| s.annex == "I");
    let annex_ii = sectors.iter().any(|s| s.annex == "II");
    for s in &sectors {
        let key = match s.annex.as_str() {
            "I" => "sector_annex_i",
            "II" => "sector_annex_ii",
            _ => "sector_none",
        };
        reasons.push(reason(
            "sector.annex",
            key,
            vec![("sector", s.name.clone()), ("sector_slug", s.slug.clone())],
            s.source.clone(),
        ));
    }

    let by_size = match (size, annex_i, annex_ii) {
        (SizeClass::Large, true, _) => Nis2Status::Essential,
        (SizeClass::Large | SizeClass::Medium, _, true) | (SizeClass::Medium, true, _) => {
            Nis2Status::Important
        }
        (SizeClass::Small, true, _) | (SizeClass::Small, _, true) => Nis2Status::CheckDesignation,
        _ => Nis2Status::OutOfScope,
    };
    let nis2 = if !input.established_in_belgium {
        reasons.push(reason(
            "scope.establishment",
            "scope_abroad",
            vec![],
            "Law of 26 April 2024, Art. 4; NIS2 Art. 26",
        ));
        Nis2Status::OutOfScope
    } else if let Some(designated) = input.designated {
        let key = if designated == Nis2Status::Essential {
            "scope_designated_essential"
        } else {
            "scope_designated_important"
        };
        reasons.push(reason(
            "scope.designation",
            key,
            vec![],
            "Law of 26 April 2024, Art. 11; NIS2 Art. 2(2)",
        ));
        designated.min(by_size)
    } else {
        let key = match by_size {
            Nis2Status::Essential => "scope_essential",
            Nis2Status::Important => "scope_important",
            Nis2Status::CheckDesignation if input.sole_provider => "scope_sole_provider",
            Nis2Status::CheckDesignation => "scope_check_designation",
            Nis2Status::OutOfScope => "scope_none",
        };
        reasons.push(reason(
            "scope.category",
            key,
            vec![],
            "Law of 26 April 2024, Art. 3 and 9; NIS2 Art. 3",
        ));
        by_size
    };

    let health = sectors.iter().any(|s| s.health);
    let (cyfun_level, why) = match nis2 {
        Nis2Status::Essential => (CyfunLevel::Essential, "level_essential"),
        Nis2Status::Important if health || annex_i => (CyfunLevel::Important, "level_important_health"),
        Nis2Status::Important => (CyfunLevel::Basic, "level_important_other"),
        _ => (CyfunLevel::Basic, "level_basic"),
    };
    reasons.push(reason("cyfun.level", why, vec![], "CCB, choosing the CyberFundamentals assurance level"));

    let entry = input.entry_into_scope.unwrap_or(rules.in_force);
    let d = &rules.deadlines;
    let mut obligations = Vec::new();
    if matches!(nis2, Nis2Status::Essential | Nis2Status::Important) {
        let registration = if entry <= rules.in_force {
            d.registration_fixed
        } else {
            add_months(entry, d.registration_months)
        };
        obligations.push(duty(
            "registration",
            "registration",
            vec![],
            Some(registration),
            d.source.clone(),
            false,
        ));
        // Standing duties: they apply from the day the organisation is in scope, with no later deadline.
        let since = format!("{}-{:02}-{:02}", entry.year(), entry.month() as u8, entry.day());
        obligations.push(duty(
            "management",
            "management",
            vec![("since", since.clone())],
            None,
            "Law of 26 April 2024, Art. 31; NIS2 Art. 20",
            false,
        ));
        obligations.push(duty(
            "measures",
            "measures",
            vec![("since", since)],
            None,
            "Law of 26 April 2024, Art. 30; NIS2 Art. 21",
            false,
        ));
        obligations.push(duty(
            "incident_reporting",
            "incident_reporting",
            vec![],
            None,
            "Law of 26 April 2024, Art. 34–35; NIS2 Art. 23",
            false,
        ));
    }
    if nis2 == Nis2Status::Essential {
        obligations.push(duty(
            "verification",
            "verification",
            vec![],
            Some(add_months(entry, d.verification_months)),
            d.source.clone(),
            false,
        ));
        let level = if cyfun_level == CyfunLevel::Essential { "Essential" } else { "Important" };
        obligations.push(duty(
            "certification",
            "certification",
            vec![("level", level.to_owned())],
            Some(add_months(entry, d.certification_months)),
            d.source.clone(),
            false,
        ));
    }
    if nis2 == Nis2Status::CheckDesignation {
        obligations.push(duty(
            "check_designation",
            "check_designation",
            vec![],
            None,
            "Law of 26 April 2024, Art. 11",
            true,
        ));
    }
    obligations.push(duty(
        "reassessment",
        "reassessment",
        vec![],
        Some(add_months(entry.max(rules.in_force), d.reassessment_months)),
        "Ward's advice",
        true,
    ));

    let mut gdpr = vec![
        duty("records", "records", vec![], None, "GDPR Art. 30", false),
        duty("breach_register", "breach_register", vec![], None, "GDPR Art. 33(5)", false),
        duty("breach_notification", "breach_notification", vec![], None, "GDPR Art. 33–34", false),
    ];
    if health {
        let large_scale = size != SizeClass::Small;
        let dpo = if large_scale { "dpo_required" } else { "dpo_check" };
        gdpr.push(duty("dpo", dpo, vec![], None, "GDPR Art. 37(1)(c); recital 91", !large_scale));
        gdpr.push(duty("dpia", "dpia", vec![], None, "GDPR Art. 35(3)(b)", !large_scale));
    }
    Ok(ScopingResult { size, nis2, cyfun_level, reasons, obligations, gdpr, combined: total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rules() -> &'static Rules {
        Rules::embedded()
    }

    fn org(sector: &str, staff: f64, turnover_m: f64, balance_m: f64) -> ScopingInput {
        ScopingInput {
            sectors: vec![sector.into()],
            own: Enterprise { staff, turnover_eur: turnover_m * 1e6, balance_eur: balance_m * 1e6 },
            established_in_belgium: true,
            ..Default::default()
        }
    }

    #[test]
    fn the_rules_file_parses() {
        let r = Rules::parse(include_str!("../data/scoping-rules.toml")).unwrap();
        assert!(r.sector("healthcare-provider").is_some());
        assert!(
            r.sectors.iter().all(|s| matches!(s.annex.as_str(), "I" | "II" | "none") && !s.source.is_empty())
        );
    }

    /// (staff, turnover €M, balance €M) → size class: the boundaries of Recommendation 2003/361/EC.
    #[test]
    fn size_boundaries() {
        let cases = [
            (49.0, 10.0, 10.0, SizeClass::Small),
            (49.0, 10.1, 10.0, SizeClass::Small), // money: either one at most €10 M keeps it small
            (49.0, 10.1, 10.1, SizeClass::Medium), // both above €10 M: medium despite 49 staff
            (50.0, 1.0, 1.0, SizeClass::Medium),
            (249.0, 50.0, 43.0, SizeClass::Medium), // exactly €50 M and €43 M are not "more than"
            (249.0, 50.1, 43.0, SizeClass::Medium), // large by money needs both above
            (249.0, 50.1, 43.1, SizeClass::Large),
            (250.0, 0.0, 0.0, SizeClass::Large),
            (0.0, 0.0, 0.0, SizeClass::Small),
        ];
        for (staff, t, b, expected) in cases {
            let e = Enterprise { staff, turnover_eur: t * 1e6, balance_eur: b * 1e6 };
            assert_eq!(size_class(&rules().size, &e), expected, "{staff} staff, €{t} M, €{b} M");
        }
    }

    #[test]
    fn nis2_categories() {
        let cases = [
            (org("healthcare-provider", 1200.0, 150.0, 120.0), Nis2Status::Essential, CyfunLevel::Essential),
            (org("healthcare-provider", 120.0, 12.0, 8.0), Nis2Status::Important, CyfunLevel::Important),
            (org("healthcare-provider", 20.0, 2.0, 1.0), Nis2Status::CheckDesignation, CyfunLevel::Basic),
            (
                org("medical-devices-manufacturing", 400.0, 80.0, 60.0),
                Nis2Status::Important,
                CyfunLevel::Important,
            ),
            (org("food", 400.0, 80.0, 60.0), Nis2Status::Important, CyfunLevel::Basic),
            (org("other", 5000.0, 900.0, 900.0), Nis2Status::OutOfScope, CyfunLevel::Basic),
        ];
        for (input, nis2, level) in cases {
            let r = scope(rules(), &input).unwrap();
            assert_eq!((r.nis2, r.cyfun_level), (nis2, level), "{:?}", input.sectors);
            assert!(!r.reasons.is_empty() && r.reasons.iter().all(|x| !x.source.is_empty()));
        }
    }

    #[test]
    fn linked_and_partner_enterprises_count() {
        let mut small = org("healthcare-provider", 40.0, 4.0, 3.0);
        assert_eq!(scope(rules(), &small).unwrap().nis2, Nis2Status::CheckDesignation);
        small.linked.push(Enterprise { staff: 15.0, turnover_eur: 1e6, balance_eur: 1e6 });
        assert_eq!(scope(rules(), &small).unwrap().nis2, Nis2Status::Important, "40 + 15 staff");
        let mut partner = org("healthcare-provider", 40.0, 4.0, 3.0);
        partner.partners.push(Partner {
            enterprise: Enterprise { staff: 40.0, turnover_eur: 0.0, balance_eur: 0.0 },
            share_percent: 25.0,
        });
        assert_eq!(scope(rules(), &partner).unwrap().combined.staff, 50.0);
        assert_eq!(
            scope(rules(), &partner).unwrap().nis2,
            Nis2Status::Important,
            "a 25 % partner adds 10 staff"
        );
    }

    #[test]
    fn designation_and_establishment_override_size() {
        let mut practice = org("healthcare-provider", 8.0, 1.0, 0.5);
        practice.designated = Some(Nis2Status::Important);
        assert_eq!(scope(rules(), &practice).unwrap().nis2, Nis2Status::Important);
        let mut abroad = org("healthcare-provider", 1200.0, 150.0, 120.0);
        abroad.established_in_belgium = false;
        assert_eq!(scope(rules(), &abroad).unwrap().nis2, Nis2Status::OutOfScope);
        abroad.designated = Some(Nis2Status::Essential);
        assert_eq!(validate(rules(), &abroad).unwrap_err()[0].field, "designated");
    }

    #[test]
    fn essential_deadlines_from_the_law_and_from_designation() {
        let hospital = org("healthcare-provider", 1200.0, 150.0, 120.0);
        let r = scope(rules(), &hospital).unwrap();
        let due = |id: &str| r.obligations.iter().find(|o| o.id == id).unwrap().due;
        assert_eq!(due("registration"), Some(date!(2025 - 03 - 18)));
        assert_eq!(due("verification"), Some(date!(2026 - 04 - 18)));
        assert_eq!(due("certification"), Some(date!(2027 - 04 - 18)));
        let mut later = hospital.clone();
        later.entry_into_scope = Some(date!(2025 - 08 - 31));
        let r = scope(rules(), &later).unwrap();
        let due = |id: &str| r.obligations.iter().find(|o| o.id == id).unwrap().due;
        assert_eq!(due("registration"), Some(date!(2026 - 01 - 31)));
        assert_eq!(due("verification"), Some(date!(2027 - 02 - 28)), "month end");
        assert_eq!(due("certification"), Some(date!(2028 - 02 - 29)), "leap year month end");
    }

    #[test]
    fn months_are_added_with_month_ends_kept() {
        assert_eq!(add_months(date!(2024 - 10 - 18), 18), date!(2026 - 04 - 18));
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2023 - 01 - 31), 1), date!(2023 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 12 - 15), 1), date!(2025 - 01 - 15));
        assert_eq!(add_months(date!(2024 - 03 - 31), 30), date!(2026 - 09 - 30));
    }

    #[test]
    fn bad_answers_name_their_field() {
        let mut bad = org("dentistry", -1.0, f64::NAN, 1.0);
        bad.partners.push(Partner { enterprise: Enterprise::default(), share_percent: 120.0 });
        let errors = validate(rules(), &bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert!(
            fields.contains(&"sectors") && fields.contains(&"own") && fields.contains(&"partners"),
            "{fields:?}"
        );
        let mut mixed = org("other", 1.0, 1.0, 1.0);
        mixed.sectors.push("healthcare-provider".into());
        assert_eq!(validate(rules(), &mixed).unwrap_err()[0].code, "contradiction");
    }

    #[test]
    fn gdpr_duties_follow_health_data_and_scale() {
        let r = scope(rules(), &org("healthcare-provider", 1200.0, 150.0, 120.0)).unwrap();
        let dpo = r.gdpr.iter().find(|o| o.id == "dpo").unwrap();
        assert!(!dpo.advice, "a hospital must appoint a DPO");
        let r = scope(rules(), &org("healthcare-provider", 4.0, 0.5, 0.2)).unwrap();
        assert!(r.gdpr.iter().find(|o| o.id == "dpo").unwrap().advice, "a small practice checks");
        assert!(r.gdpr.iter().any(|o| o.id == "breach_register"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_amount() -> impl Strategy<Value = f64> {
            prop_oneof![
                0.0..1e10f64,
                Just(f64::NAN),
                Just(f64::INFINITY),
                -1e6..0.0f64,
                Just(50.0),
                Just(250.0),
                Just(10_000_000.0)
            ]
        }

        proptest! {
            #[test]
            fn scoping_never_panics(staff in any_amount(), turnover in any_amount(), balance in any_amount(), sector in 0usize..14, belgium: bool, sole: bool) {
                let slugs: Vec<String> = Rules::embedded().sectors.iter().map(|s| s.slug.clone()).chain(["nonsense".to_owned()]).collect();
                let input = ScopingInput {
                    sectors: vec![slugs[sector % slugs.len()].clone()],
                    own: Enterprise { staff, turnover_eur: turnover, balance_eur: balance },
                    established_in_belgium: belgium,
                    sole_provider: sole,
                    ..Default::default()
                };
                let _ = scope(Rules::embedded(), &input);
            }

            #[test]
            fn growing_never_lowers_the_category(staff in 0.0..2000.0f64, turnover in 0.0..2e8f64, balance in 0.0..2e8f64, extra in 0.0..500.0f64) {
                let small = org("healthcare-provider", staff, turnover / 1e6, balance / 1e6);
                let mut bigger = small.clone();
                bigger.own.staff += extra;
                let a = scope(Rules::embedded(), &small).unwrap().nis2;
                let b = scope(Rules::embedded(), &bigger).unwrap().nis2;
                // Nis2Status orders from strongest (Essential) to weakest.
                prop_assert!(b <= a, "{a:?} became {b:?} with {extra} more staff");
            }
        }
    }
}
