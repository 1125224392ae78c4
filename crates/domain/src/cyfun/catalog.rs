//! The built-in catalogs: CyFun 2025 and CyFun 2023, parsed once from the data files.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::Level;

/// A CyFun version. Both are accepted by the CCB during the transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Framework {
    #[serde(rename = "cyfun-2025")]
    Cyfun2025,
    #[serde(rename = "cyfun-2023")]
    Cyfun2023,
}

impl Framework {
    pub const ALL: [Framework; 2] = [Framework::Cyfun2025, Framework::Cyfun2023];

    pub fn code(self) -> &'static str {
        match self {
            Framework::Cyfun2025 => "cyfun-2025",
            Framework::Cyfun2023 => "cyfun-2023",
        }
    }

    pub fn parse(code: &str) -> Option<Framework> {
        match code.trim().to_ascii_lowercase().as_str() {
            "cyfun-2025" | "cyfun2025" | "2025" => Some(Framework::Cyfun2025),
            "cyfun-2023" | "cyfun2023" | "2023" => Some(Framework::Cyfun2023),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Framework::Cyfun2025 => "CyFun 2025",
            Framework::Cyfun2023 => "CyFun 2023",
        }
    }

    /// The built-in catalog of this version.
    pub fn catalog(self) -> &'static Catalog {
        static V2025: OnceLock<Catalog> = OnceLock::new();
        static V2023: OnceLock<Catalog> = OnceLock::new();
        // The data files are checked by the tests, so a parse failure can only mean a damaged binary.
        #[allow(clippy::expect_used)]
        match self {
            Framework::Cyfun2025 => V2025.get_or_init(|| {
                Catalog::parse(
                    Framework::Cyfun2025,
                    include_str!("../../data/cyfun-2025.toml"),
                    include_str!("../../data/cyfun-2025-titles.toml"),
                )
                .expect("the shipped CyFun 2025 catalog parses")
            }),
            Framework::Cyfun2023 => V2023.get_or_init(|| {
                Catalog::parse(
                    Framework::Cyfun2023,
                    include_str!("../../data/cyfun-2023.toml"),
                    include_str!("../../data/cyfun-2023-titles.toml"),
                )
                .expect("the shipped CyFun 2023 catalog parses")
            }),
        }
    }
}

/// A text in Ward's three languages.
pub type Localized = crate::locale::InLanguages<String>;

#[derive(Debug, Clone, Serialize)]
pub struct Function {
    pub id: String,
    pub name: Localized,
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub function: String,
    pub name: Localized,
    /// Requirement indexes averaged together for the documentation score, as the workbook's
    /// subcategory cells (column I) and category cell (K) do.
    #[serde(skip)]
    pub scoring_groups: Vec<Vec<usize>>,
    /// The same for the implementation score (columns J and L); it differs from
    /// `scoring_groups` where the workbook's formulas do (PR.AA in CyFun 2025 v3.1).
    #[serde(skip)]
    pub implementation_groups: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    pub function: String,
    pub category: String,
    pub subcategory: String,
    /// The level that introduces it; it applies at that level and above.
    pub level: Level,
    /// The level from which it is a key measure.
    pub key_measure_from: Option<Level>,
    /// "Control linked to the management aspects" in the official workbook.
    pub management_aspect: bool,
    pub not_applicable_allowed: bool,
    /// Ward's own short title (never the CCB's wording).
    pub title: Localized,
}

impl Requirement {
    pub fn applies_at(&self, level: Level) -> bool {
        self.level <= level
    }

    pub fn is_key_measure_at(&self, level: Level) -> bool {
        self.applies_at(level) && self.key_measure_from.is_some_and(|from| from <= level)
    }
}

/// One version's requirements and how they are scored.
#[derive(Debug)]
pub struct Catalog {
    pub framework: Framework,
    pub requirements_version: String,
    pub source: String,
    pub functions: Vec<Function>,
    pub categories: Vec<Category>,
    pub requirements: Vec<Requirement>,
    index: HashMap<String, usize>,
    /// Per level (Basic, Important, Essential): categories restricted to that level's requirements.
    pub(super) plans: [LevelPlan; 3],
}

/// A category's non-empty groups at one level.
#[derive(Debug, Default)]
pub(super) struct PlannedCategory {
    pub index: usize,
    pub documentation: Vec<Vec<usize>>,
    pub implementation: Vec<Vec<usize>>,
}

/// The scoring structure of one level: the CCB publishes one workbook per level holding only that
/// level's requirements, so a level's figures are computed over those alone.
#[derive(Debug, Default)]
pub(super) struct LevelPlan {
    pub categories: Vec<PlannedCategory>,
    pub key_measures: Vec<usize>,
    pub requirements: Vec<usize>,
}

#[derive(Deserialize)]
struct RawCatalog {
    requirements_version: String,
    source: String,
    functions: Vec<RawFunction>,
    categories: Vec<RawCategory>,
    requirements: Vec<RawRequirement>,
}

#[derive(Deserialize)]
struct RawFunction {
    id: String,
    name: Localized,
}

#[derive(Deserialize)]
struct RawCategory {
    id: String,
    name: Localized,
    scoring_groups: Vec<Vec<String>>,
    implementation_groups: Option<Vec<Vec<String>>>,
}

#[derive(Deserialize)]
struct RawRequirement {
    id: String,
    level: Level,
    key_measure_from: Option<Level>,
    #[serde(default)]
    management_aspect: bool,
    #[serde(default = "yes")]
    not_applicable_allowed: bool,
}

fn yes() -> bool {
    true
}

/// `GV.OC-01.1` → `GV.OC-01`; `ID.AM-1.1` → `ID.AM-1`.
fn subcategory_of(id: &str) -> &str {
    id.rsplit_once('.').map_or(id, |(sub, _)| sub)
}

/// `GV.OC-01.1` → `GV.OC`.
fn category_of(id: &str) -> &str {
    id.split_once('-').map_or(id, |(cat, _)| cat)
}

impl Catalog {
    pub fn parse(framework: Framework, structure: &str, titles: &str) -> Result<Catalog, String> {
        let raw: RawCatalog = toml::from_str(structure).map_err(|e| e.to_string())?;
        let titles: HashMap<String, Localized> = toml::from_str(titles).map_err(|e| e.to_string())?;
        let mut index = HashMap::new();
        let mut requirements = Vec::with_capacity(raw.requirements.len());
        for r in raw.requirements {
            let category = category_of(&r.id).to_string();
            let function = category.split('.').next().unwrap_or_default().to_string();
            if index.insert(r.id.clone(), requirements.len()).is_some() {
                return Err(format!("requirement {} listed twice", r.id));
            }
            if r.key_measure_from.is_some() && r.not_applicable_allowed {
                return Err(format!("{}: a key measure cannot allow N/A", r.id));
            }
            let title = titles.get(&r.id).cloned().ok_or_else(|| format!("no title for {}", r.id))?;
            requirements.push(Requirement {
                subcategory: subcategory_of(&r.id).to_string(),
                id: r.id,
                function,
                category,
                level: r.level,
                key_measure_from: r.key_measure_from,
                management_aspect: r.management_aspect,
                not_applicable_allowed: r.not_applicable_allowed,
                title,
            });
        }
        if let Some(extra) = titles.keys().find(|id| !index.contains_key(*id)) {
            return Err(format!("title for unknown requirement {extra}"));
        }
        let mut categories = Vec::new();
        let mut grouped = vec![false; requirements.len()];
        let resolve = |c: &RawCategory, groups: &[Vec<String>]| -> Result<Vec<Vec<usize>>, String> {
            groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|id| match index.get(id) {
                            Some(i) if requirements[*i].category == c.id => Ok(*i),
                            _ => Err(format!("{}: requirement {id} unknown or in another category", c.id)),
                        })
                        .collect()
                })
                .collect()
        };
        for c in raw.categories {
            let groups = resolve(&c, &c.scoring_groups)?;
            for i in groups.iter().flatten() {
                if std::mem::replace(&mut grouped[*i], true) {
                    return Err(format!("{}: requirement {} grouped twice", c.id, requirements[*i].id));
                }
            }
            let implementation_groups = match &c.implementation_groups {
                Some(g) => resolve(&c, g)?,
                None => groups.clone(),
            };
            categories.push(Category {
                function: c.id.split('.').next().unwrap_or_default().to_string(),
                id: c.id,
                name: c.name,
                scoring_groups: groups,
                implementation_groups,
            });
        }
        if let Some(i) = grouped.iter().position(|g| !g) {
            return Err(format!("requirement {} is in no scoring group", requirements[i].id));
        }
        let functions: Vec<Function> =
            raw.functions.into_iter().map(|f| Function { id: f.id, name: f.name }).collect();
        let mut catalog = Catalog {
            framework,
            requirements_version: raw.requirements_version,
            source: raw.source,
            functions,
            categories,
            requirements,
            index,
            plans: Default::default(),
        };
        catalog.plans = Level::ALL.map(|level| catalog.plan(level));
        Ok(catalog)
    }

    fn plan(&self, level: Level) -> LevelPlan {
        let applies = |i: &usize| self.requirements[*i].applies_at(level);
        let keep = |groups: &[Vec<usize>]| -> Vec<Vec<usize>> {
            groups
                .iter()
                .map(|g| g.iter().copied().filter(applies).collect::<Vec<_>>())
                .filter(|g| !g.is_empty())
                .collect()
        };
        let categories = self
            .categories
            .iter()
            .enumerate()
            .filter_map(|(index, c)| {
                let documentation = keep(&c.scoring_groups);
                let implementation = keep(&c.implementation_groups);
                (!documentation.is_empty() && !implementation.is_empty()).then_some(PlannedCategory {
                    index,
                    documentation,
                    implementation,
                })
            })
            .collect();
        let requirements = (0..self.requirements.len()).filter(applies).collect();
        let key_measures =
            (0..self.requirements.len()).filter(|i| self.requirements[*i].is_key_measure_at(level)).collect();
        LevelPlan { categories, key_measures, requirements }
    }

    pub(super) fn level_plan(&self, level: Level) -> &LevelPlan {
        &self.plans[level as usize]
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.position(id).map(|i| &self.requirements[i])
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn function(&self, id: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.id == id)
    }

    /// The requirements that apply at `level`, in catalog order.
    pub fn at_level(&self, level: Level) -> impl Iterator<Item = &Requirement> {
        self.level_plan(level).requirements.iter().map(|i| &self.requirements[*i])
    }

    /// Scoring groups (requirement ids) of a category at a level, as the workbook averages the
    /// documentation scores.
    pub fn scoring_groups(&self, category: &str, level: Level) -> Vec<Vec<&str>> {
        self.groups_of(category, level, false)
    }

    /// The same for the implementation scores.
    pub fn implementation_groups(&self, category: &str, level: Level) -> Vec<Vec<&str>> {
        self.groups_of(category, level, true)
    }

    fn groups_of(&self, category: &str, level: Level, implementation: bool) -> Vec<Vec<&str>> {
        self.level_plan(level)
            .categories
            .iter()
            .find(|p| self.categories[p.index].id == category)
            .map(|p| {
                let groups = if implementation { &p.implementation } else { &p.documentation };
                groups.iter().map(|g| g.iter().map(|i| self.requirements[*i].id.as_str()).collect()).collect()
            })
            .unwrap_or_default()
    }
}

/// How a CyFun 2023 requirement relates to a CyFun 2025 one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Equal,
    Intersect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    pub from_2023: String,
    pub to_2025: String,
    pub relationship: Relationship,
}

/// The CyFun 2023 → 2025 mapping, as data.
pub fn mapping_2023_2025() -> &'static [Mapping] {
    static MAPPING: OnceLock<Vec<Mapping>> = OnceLock::new();
    MAPPING.get_or_init(|| {
        #[derive(Deserialize)]
        struct Raw {
            mappings: Vec<(String, String, Relationship)>,
        }
        toml::from_str::<Raw>(include_str!("../../data/cyfun-mapping-2023-2025.toml"))
            .map(|raw| {
                raw.mappings
                    .into_iter()
                    .map(|(from_2023, to_2025, relationship)| Mapping { from_2023, to_2025, relationship })
                    .collect()
            })
            .unwrap_or_default()
    })
}
