//! The guidance content: its types, the embedded files, and the checks every file must pass.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Locale;
use crate::cyfun::{Framework, mapping_2023_2025};
use crate::locale::InLanguages;

/// How much work the larger project is, for a mid-sized hospital with a small IT team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Effort {
    /// Days.
    S,
    /// Weeks.
    M,
    /// Months, or a budget line.
    L,
}

impl Effort {
    pub const ALL: [Effort; 3] = [Effort::S, Effort::M, Effort::L];

    pub fn code(self) -> &'static str {
        match self {
            Effort::S => "S",
            Effort::M => "M",
            Effort::L => "L",
        }
    }

    pub fn parse(code: &str) -> Option<Effort> {
        Effort::ALL.into_iter().find(|e| e.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// Who usually owns a requirement in a hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    It,
    ClinicalEngineering,
    Dpo,
    Management,
    Hr,
    Facilities,
}

impl Owner {
    pub const ALL: [Owner; 6] =
        [Owner::It, Owner::ClinicalEngineering, Owner::Dpo, Owner::Management, Owner::Hr, Owner::Facilities];

    pub fn code(self) -> &'static str {
        match self {
            Owner::It => "it",
            Owner::ClinicalEngineering => "clinical_engineering",
            Owner::Dpo => "dpo",
            Owner::Management => "management",
            Owner::Hr => "hr",
            Owner::Facilities => "facilities",
        }
    }

    pub fn parse(code: &str) -> Option<Owner> {
        Owner::ALL.into_iter().find(|o| o.code() == code.trim())
    }
}

/// The four priority areas of healthcare security Ward organises its advice around.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    PatientData,
    MedicalDevices,
    Ransomware,
    Continuity,
}

impl Area {
    pub const ALL: [Area; 4] = [Area::PatientData, Area::MedicalDevices, Area::Ransomware, Area::Continuity];

    pub fn code(self) -> &'static str {
        match self {
            Area::PatientData => "patient_data",
            Area::MedicalDevices => "medical_devices",
            Area::Ransomware => "ransomware",
            Area::Continuity => "continuity",
        }
    }

    pub fn parse(code: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.code() == code.trim())
    }
}

/// How directly a failure of the requirement can harm patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyRelevance {
    Low,
    Medium,
    High,
}

impl SafetyRelevance {
    pub const ALL: [SafetyRelevance; 3] =
        [SafetyRelevance::High, SafetyRelevance::Medium, SafetyRelevance::Low];

    pub fn code(self) -> &'static str {
        match self {
            SafetyRelevance::Low => "low",
            SafetyRelevance::Medium => "medium",
            SafetyRelevance::High => "high",
        }
    }

    pub fn parse(code: &str) -> Option<SafetyRelevance> {
        SafetyRelevance::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// The advice for one requirement in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advice {
    /// What the requirement means in a hospital, clinic or practice.
    pub healthcare: String,
    /// Why it matters (or matters little) for patient safety.
    pub safety: String,
    /// Quick wins, doable within days.
    pub first_steps: Vec<String>,
    /// The larger piece of work that makes the requirement hold over time.
    pub project: String,
    /// What a conformity assessment body typically accepts as proof.
    pub evidence: Vec<String>,
    /// Words people type when they look for this.
    pub keywords: Vec<String>,
}

/// Ward's guidance for one CyFun 2025 requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementGuidance {
    pub id: String,
    pub effort: Effort,
    /// Main owner first.
    pub owners: Vec<Owner>,
    pub areas: Vec<Area>,
    pub patient_safety: SafetyRelevance,
    pub text: InLanguages<Advice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanText {
    pub title: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepText {
    pub title: String,
    pub detail: String,
}

/// One step of a quick-start plan, linked to the requirements it advances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    /// The 30/60/90-day phase, for the "just scoped in" plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u16>,
    pub requirements: Vec<String>,
    pub en: StepText,
    pub nl: StepText,
    pub fr: StepText,
}

impl PlanStep {
    pub fn text(&self, locale: Locale) -> &StepText {
        match locale {
            Locale::En => &self.en,
            Locale::Nl => &self.nl,
            Locale::Fr => &self.fr,
        }
    }
}

/// A quick-start plan: a priority area, or the first 90 days after being scoped in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    pub en: PlanText,
    pub nl: PlanText,
    pub fr: PlanText,
    #[serde(rename = "step")]
    pub steps: Vec<PlanStep>,
}

impl Plan {
    pub fn text(&self, locale: Locale) -> &PlanText {
        match locale {
            Locale::En => &self.en,
            Locale::Nl => &self.nl,
            Locale::Fr => &self.fr,
        }
    }

    /// Every requirement the plan advances, once each, in the order the steps name them.
    pub fn requirements(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for id in self.steps.iter().flat_map(|s| &s.requirements) {
            if !out.contains(&id.as_str()) {
                out.push(id);
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeText {
    pub title: String,
    pub summary: String,
    pub keywords: Vec<String>,
    /// Paragraphs, `## ` headings and `- ` bullets (see [`super::blocks`]).
    pub body: String,
}

/// A page on a common healthcare challenge, linked to the requirements it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    pub id: String,
    pub requirements: Vec<String>,
    pub en: ChallengeText,
    pub nl: ChallengeText,
    pub fr: ChallengeText,
}

impl Challenge {
    pub fn text(&self, locale: Locale) -> &ChallengeText {
        match locale {
            Locale::En => &self.en,
            Locale::Nl => &self.nl,
            Locale::Fr => &self.fr,
        }
    }
}

/// A content file that does not hold together, with where and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct GuidanceError {
    pub file: String,
    pub message: String,
}

fn problem(file: &str, message: impl Into<String>) -> GuidanceError {
    GuidanceError { file: file.to_owned(), message: message.into() }
}

/// All of Ward's guidance.
#[derive(Debug)]
pub struct Guidance {
    /// In CyFun 2025 catalog order.
    pub requirements: Vec<RequirementGuidance>,
    pub plans: Vec<Plan>,
    pub challenges: Vec<Challenge>,
    index: HashMap<String, usize>,
    /// CyFun 2023 requirements the published mapping leaves out, linked by Ward.
    links_2023: HashMap<String, Vec<String>>,
    pub(super) search_index: super::search::Index,
}

/// The embedded content files: one per CyFun 2025 category.
const CATEGORY_FILES: &[(&str, &str)] = &[
    ("GV.OC.toml", include_str!("../../data/guidance/cyfun2025/GV.OC.toml")),
    ("GV.RM.toml", include_str!("../../data/guidance/cyfun2025/GV.RM.toml")),
    ("GV.RR.toml", include_str!("../../data/guidance/cyfun2025/GV.RR.toml")),
    ("GV.PO.toml", include_str!("../../data/guidance/cyfun2025/GV.PO.toml")),
    ("GV.OV.toml", include_str!("../../data/guidance/cyfun2025/GV.OV.toml")),
    ("GV.SC.toml", include_str!("../../data/guidance/cyfun2025/GV.SC.toml")),
    ("ID.AM.toml", include_str!("../../data/guidance/cyfun2025/ID.AM.toml")),
    ("ID.RA.toml", include_str!("../../data/guidance/cyfun2025/ID.RA.toml")),
    ("ID.IM.toml", include_str!("../../data/guidance/cyfun2025/ID.IM.toml")),
    ("PR.AA.toml", include_str!("../../data/guidance/cyfun2025/PR.AA.toml")),
    ("PR.AT.toml", include_str!("../../data/guidance/cyfun2025/PR.AT.toml")),
    ("PR.DS.toml", include_str!("../../data/guidance/cyfun2025/PR.DS.toml")),
    ("PR.PS.toml", include_str!("../../data/guidance/cyfun2025/PR.PS.toml")),
    ("PR.IR.toml", include_str!("../../data/guidance/cyfun2025/PR.IR.toml")),
    ("DE.CM.toml", include_str!("../../data/guidance/cyfun2025/DE.CM.toml")),
    ("DE.AE.toml", include_str!("../../data/guidance/cyfun2025/DE.AE.toml")),
    ("RS.MA.toml", include_str!("../../data/guidance/cyfun2025/RS.MA.toml")),
    ("RS.AN.toml", include_str!("../../data/guidance/cyfun2025/RS.AN.toml")),
    ("RS.CO.toml", include_str!("../../data/guidance/cyfun2025/RS.CO.toml")),
    ("RS.MI.toml", include_str!("../../data/guidance/cyfun2025/RS.MI.toml")),
    ("RC.RP.toml", include_str!("../../data/guidance/cyfun2025/RC.RP.toml")),
    ("RC.CO.toml", include_str!("../../data/guidance/cyfun2025/RC.CO.toml")),
];

const PLANS: &str = include_str!("../../data/guidance/plans.toml");
const CHALLENGES: &str = include_str!("../../data/guidance/challenges.toml");
const LINKS_2023: &str = include_str!("../../data/guidance/cyfun2023-links.toml");

/// The plan ids, in the order they are shown: the four priority areas, then the first 90 days.
pub const PLAN_IDS: [&str; 5] = ["patient-data", "medical-devices", "ransomware", "continuity", "scoped-in"];

/// The challenge page ids, in the order they are shown.
pub const CHALLENGE_IDS: [&str; 5] =
    ["legacy-systems", "medical-devices", "staff-buy-in", "limited-budget", "always-on"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    effort: Effort,
    owners: Vec<Owner>,
    #[serde(default)]
    areas: Vec<Area>,
    patient_safety: SafetyRelevance,
    en: Advice,
    nl: Advice,
    fr: Advice,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlans {
    plan: Vec<Plan>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChallenges {
    challenge: Vec<Challenge>,
}

/// Sizes the content keeps to, so pages stay scannable (characters, counts).
mod limits {
    pub const HEALTHCARE: usize = 700;
    pub const SAFETY: usize = 300;
    pub const STEP: usize = 240;
    pub const PROJECT: usize = 450;
    pub const EVIDENCE: usize = 200;
    pub const LIST: (usize, usize) = (2, 4);
    pub const KEYWORDS: (usize, usize) = (3, 12);
}

impl Guidance {
    /// The guidance shipped with Ward. The content tests check every file, so a failure here can
    /// only mean a damaged build.
    pub fn builtin() -> &'static Guidance {
        static GUIDANCE: OnceLock<Guidance> = OnceLock::new();
        #[allow(clippy::expect_used)]
        GUIDANCE.get_or_init(|| {
            Guidance::parse(CATEGORY_FILES, PLANS, CHALLENGES, LINKS_2023)
                .expect("the shipped guidance is valid")
        })
    }

    /// The raw content files, for the content tests.
    pub fn builtin_files() -> impl Iterator<Item = (&'static str, &'static str)> {
        CATEGORY_FILES.iter().copied().chain([
            ("plans.toml", PLANS),
            ("challenges.toml", CHALLENGES),
            ("cyfun2023-links.toml", LINKS_2023),
        ])
    }

    /// Parses and checks the content: every CyFun 2025 requirement covered once, in the file of
    /// its category, every field filled in every language, every linked id in the catalog.
    pub fn parse(
        category_files: &[(&str, &str)],
        plans: &str,
        challenges: &str,
        links_2023: &str,
    ) -> Result<Guidance, GuidanceError> {
        let catalog = Framework::Cyfun2025.catalog();
        let mut found: Vec<Option<RequirementGuidance>> = vec![None; catalog.requirements.len()];
        for (file, text) in category_files {
            let category = file.trim_end_matches(".toml");
            let raw: HashMap<String, RawEntry> =
                toml::from_str(text).map_err(|e| problem(file, e.to_string()))?;
            for (id, entry) in raw {
                let Some(position) = catalog.position(&id) else {
                    return Err(problem(file, format!("{id} is not a CyFun 2025 requirement")));
                };
                if catalog.requirements[position].category != category {
                    return Err(problem(
                        file,
                        format!("{id} belongs in {}.toml", catalog.requirements[position].category),
                    ));
                }
                if found[position].is_some() {
                    return Err(problem(file, format!("{id} has guidance twice")));
                }
                let guidance = RequirementGuidance {
                    id: id.clone(),
                    effort: entry.effort,
                    owners: entry.owners,
                    areas: entry.areas,
                    patient_safety: entry.patient_safety,
                    text: InLanguages { en: entry.en, nl: entry.nl, fr: entry.fr },
                };
                check_requirement(&guidance).map_err(|m| problem(file, format!("{id}: {m}")))?;
                found[position] = Some(guidance);
            }
        }
        let mut requirements = Vec::with_capacity(found.len());
        for (position, g) in found.into_iter().enumerate() {
            let id = &catalog.requirements[position].id;
            requirements.push(g.ok_or_else(|| problem("guidance", format!("{id} has no guidance")))?);
        }

        let plans = toml::from_str::<RawPlans>(plans).map_err(|e| problem("plans.toml", e.to_string()))?.plan;
        let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
        if ids != PLAN_IDS {
            return Err(problem("plans.toml", format!("expected the plans {PLAN_IDS:?}, found {ids:?}")));
        }
        for plan in &plans {
            check_plan(plan).map_err(|m| problem("plans.toml", format!("{}: {m}", plan.id)))?;
        }

        let challenges = toml::from_str::<RawChallenges>(challenges)
            .map_err(|e| problem("challenges.toml", e.to_string()))?
            .challenge;
        let ids: Vec<&str> = challenges.iter().map(|c| c.id.as_str()).collect();
        if ids != CHALLENGE_IDS {
            return Err(problem(
                "challenges.toml",
                format!("expected the pages {CHALLENGE_IDS:?}, found {ids:?}"),
            ));
        }
        for challenge in &challenges {
            check_challenge(challenge)
                .map_err(|m| problem("challenges.toml", format!("{}: {m}", challenge.id)))?;
        }

        let links_2023: HashMap<String, Vec<String>> =
            toml::from_str(links_2023).map_err(|e| problem("cyfun2023-links.toml", e.to_string()))?;
        for (from, to) in &links_2023 {
            if Framework::Cyfun2023.catalog().position(from).is_none() {
                return Err(problem(
                    "cyfun2023-links.toml",
                    format!("{from} is not a CyFun 2023 requirement"),
                ));
            }
            known_requirements(to, 1).map_err(|m| problem("cyfun2023-links.toml", format!("{from}: {m}")))?;
        }

        let index = requirements.iter().enumerate().map(|(i, g)| (g.id.clone(), i)).collect();
        let search_index = super::search::Index::build(&requirements, &plans, &challenges);
        Ok(Guidance { requirements, plans, challenges, index, links_2023, search_index })
    }

    /// The guidance of a CyFun 2025 requirement.
    pub fn requirement(&self, id: &str) -> Option<&RequirementGuidance> {
        self.index.get(id).map(|i| &self.requirements[*i])
    }

    /// The guidance that applies to a requirement of either version: its own for CyFun 2025; for
    /// CyFun 2023, that of the 2025 requirements it maps to (published mapping first, then Ward's
    /// own links for the few it leaves out).
    pub fn for_requirement(&self, framework: Framework, id: &str) -> Vec<&RequirementGuidance> {
        match framework {
            Framework::Cyfun2025 => self.requirement(id).into_iter().collect(),
            Framework::Cyfun2023 => {
                let mut out: Vec<&RequirementGuidance> = Vec::new();
                let mapped = mapping_2023_2025().iter().filter(|m| m.from_2023 == id).map(|m| &m.to_2025);
                let linked = self.links_2023.get(id).into_iter().flatten();
                for to in mapped.chain(linked) {
                    if let Some(g) = self.requirement(to)
                        && !out.iter().any(|o| o.id == g.id)
                    {
                        out.push(g);
                    }
                }
                out
            }
        }
    }

    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }

    pub fn challenge(&self, id: &str) -> Option<&Challenge> {
        self.challenges.iter().find(|c| c.id == id)
    }

    /// The plans with a step that advances this CyFun 2025 requirement.
    pub fn plans_for(&self, id: &str) -> Vec<&Plan> {
        self.plans.iter().filter(|p| p.steps.iter().any(|s| s.requirements.iter().any(|r| r == id))).collect()
    }

    /// The challenge pages that concern this CyFun 2025 requirement.
    pub fn challenges_for(&self, id: &str) -> Vec<&Challenge> {
        self.challenges.iter().filter(|c| c.requirements.iter().any(|r| r == id)).collect()
    }
}

fn has_duplicates<T: PartialEq>(items: &[T]) -> bool {
    items.iter().enumerate().any(|(i, x)| items[..i].contains(x))
}

fn filled(field: &str, value: &str, max: usize) -> Result<(), String> {
    let n = value.trim().chars().count();
    if n == 0 {
        return Err(format!("{field} is empty"));
    }
    if n > max {
        return Err(format!("{field} has {n} characters (at most {max})"));
    }
    Ok(())
}

fn list(field: &str, values: &[String], (min, max): (usize, usize), each: usize) -> Result<(), String> {
    if values.len() < min || values.len() > max {
        return Err(format!("{field} needs {min} to {max} entries, has {}", values.len()));
    }
    values.iter().try_for_each(|v| filled(field, v, each))
}

fn check_requirement(g: &RequirementGuidance) -> Result<(), String> {
    if g.owners.is_empty() {
        return Err("owners is empty".into());
    }
    if has_duplicates(&g.owners) || has_duplicates(&g.areas) {
        return Err("an owner or area is listed twice".into());
    }
    for (locale, a) in g.text.each() {
        let at = |field: &str| format!("{}.{field}", locale.tag());
        filled(&at("healthcare"), &a.healthcare, limits::HEALTHCARE)?;
        filled(&at("safety"), &a.safety, limits::SAFETY)?;
        filled(&at("project"), &a.project, limits::PROJECT)?;
        list(&at("first_steps"), &a.first_steps, limits::LIST, limits::STEP)?;
        list(&at("evidence"), &a.evidence, limits::LIST, limits::EVIDENCE)?;
        list(&at("keywords"), &a.keywords, limits::KEYWORDS, 60)?;
    }
    Ok(())
}

fn known_requirements(ids: &[String], min: usize) -> Result<(), String> {
    let catalog = Framework::Cyfun2025.catalog();
    if ids.len() < min {
        return Err(format!("links {} requirements, needs at least {min}", ids.len()));
    }
    match ids.iter().find(|id| catalog.position(id).is_none()) {
        Some(id) => Err(format!("{id} is not a CyFun 2025 requirement")),
        None => Ok(()),
    }
}

fn check_plan(plan: &Plan) -> Result<(), String> {
    let scoped_in = plan.id == "scoped-in";
    if scoped_in == plan.area.is_some() {
        return Err("an area plan names its area; the scoped-in plan has none".into());
    }
    for (locale, t) in [(Locale::En, &plan.en), (Locale::Nl, &plan.nl), (Locale::Fr, &plan.fr)] {
        filled(&format!("{}.title", locale.tag()), &t.title, 120)?;
        filled(&format!("{}.summary", locale.tag()), &t.summary, 600)?;
    }
    if plan.steps.is_empty() {
        return Err("has no steps".into());
    }
    let mut last_phase = 0;
    for (n, step) in plan.steps.iter().enumerate() {
        let at = |m: String| format!("step {}: {m}", n + 1);
        match (scoped_in, step.days) {
            (true, Some(d @ (30 | 60 | 90))) if d >= last_phase => last_phase = d,
            (true, _) => return Err(at("needs days = 30, 60 or 90, in order".into())),
            (false, Some(_)) => return Err(at("only the scoped-in plan has phases".into())),
            (false, None) => {}
        }
        known_requirements(&step.requirements, 1).map_err(at)?;
        for locale in Locale::ALL {
            let t = step.text(locale);
            filled(&format!("{}.title", locale.tag()), &t.title, 120).map_err(at)?;
            filled(&format!("{}.detail", locale.tag()), &t.detail, 500).map_err(at)?;
        }
    }
    Ok(())
}

fn check_challenge(c: &Challenge) -> Result<(), String> {
    known_requirements(&c.requirements, 3)?;
    for locale in Locale::ALL {
        let t = c.text(locale);
        let at = |field: &str| format!("{}.{field}", locale.tag());
        filled(&at("title"), &t.title, 120)?;
        filled(&at("summary"), &t.summary, 400)?;
        filled(&at("body"), &t.body, 6000)?;
        list(&at("keywords"), &t.keywords, limits::KEYWORDS, 60)?;
    }
    Ok(())
}
