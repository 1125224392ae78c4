//! The CCB's official workbook in and out, and importing the official texts a user holds.
//!
//! Import is all or nothing: the structure is checked against Ward's catalog (a modified template
//! or another tool version is refused with the cell named), every bad score and every N/A-rule
//! break is reported at once, and only then is the assessment written, in one transaction.

use serde_json::json;
use uuid::Uuid;
use ward_domain::ValidationError;
use ward_domain::cyfun::{
    Answer, AnswerProblem, Answers, Catalog, Framework, Level, Thresholds, check_answers,
};
use ward_store::{AnswerRecord, AssessmentRecord, CatalogText};
use ward_workbook::{Fill, Score, Workbook};

use crate::assessment::{AnswerStatus, CatalogImport};
use crate::{AppError, Ctx, Ward};

fn workbook_error(reason: impl Into<String>) -> ValidationError {
    ValidationError::new("workbook", "invalid", reason)
}

/// Does the workbook compute exactly like Ward's catalog? Every difference, with its cell.
fn check_structure(wb: &Workbook, catalog: &Catalog) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let expected: Vec<&str> = catalog.at_level(Level::Essential).map(|r| r.id.as_str()).collect();
    let found: Vec<&str> = wb.rows.iter().map(|r| r.id.as_str()).collect();
    if expected != found {
        let at =
            expected.iter().zip(&found).position(|(a, b)| a != b).unwrap_or(expected.len().min(found.len()));
        let place = wb
            .rows
            .get(at)
            .map_or_else(|| "the end of the last sheet".to_owned(), |r| format!("{}!F{}", r.sheet, r.row));
        errors.push(workbook_error(format!(
            "{place}: expected requirement {} but found {} ({} requirements in the workbook, {} in CyFun 2025): \
             not the CCB's CyFun 2025 tool v3.1 as published",
            expected.get(at).unwrap_or(&"none"),
            found.get(at).unwrap_or(&"none"),
            found.len(),
            expected.len()
        )));
        return errors;
    }
    for row in &wb.rows {
        let Some(r) = catalog.requirement(&row.id) else { continue };
        if row.level != r.level.code() {
            errors.push(workbook_error(format!(
                "{}!E{}: level {} differs from CyFun 2025 ({})",
                row.sheet,
                row.row,
                row.level,
                r.level.code()
            )));
        }
        if row.key_measure != r.key_measure_from.is_some() {
            errors.push(workbook_error(format!(
                "{}!C{}: the key-measure flag of {} was changed",
                row.sheet, row.row, row.id
            )));
        }
        if row.management_aspect != r.management_aspect {
            errors.push(workbook_error(format!(
                "{}!B{}: the management-aspect flag of {} was changed",
                row.sheet, row.row, row.id
            )));
        }
        if row.na_allowed != r.not_applicable_allowed {
            errors.push(workbook_error(format!(
                "{}!G{}: the N/A choice of {} was changed",
                row.sheet, row.row, row.id
            )));
        }
    }
    for cat in &wb.structure.categories {
        let expected = catalog.scoring_groups(&cat.id, Level::Essential);
        let found: Vec<Vec<&str>> =
            cat.groups.iter().map(|g| g.iter().map(String::as_str).collect()).collect();
        if expected != found {
            errors.push(workbook_error(format!(
                "{}!K{}: the formula of category {} averages other cells than the official tool",
                cat.sheet, cat.row, cat.id
            )));
        }
    }
    for cat in &wb.structure.categories {
        let expected = catalog.implementation_groups(&cat.id, Level::Essential);
        let found: Vec<Vec<&str>> =
            cat.implementation_groups.iter().map(|g| g.iter().map(String::as_str).collect()).collect();
        if expected != found {
            errors.push(workbook_error(format!(
                "{}!L{}: the formula of category {} averages other cells than the official tool",
                cat.sheet, cat.row, cat.id
            )));
        }
    }
    if wb.structure.categories.len() != catalog.categories.len() {
        errors.push(workbook_error(format!(
            "the workbook has {} category formulas; CyFun 2025 has {}",
            wb.structure.categories.len(),
            catalog.categories.len()
        )));
    }
    errors
}

fn from_workbook_error(e: ward_workbook::WorkbookError) -> AppError {
    match &e {
        ward_workbook::WorkbookError::Cells(cells) => {
            AppError::Validation(cells.iter().map(|c| workbook_error(c.to_string())).collect())
        }
        _ => AppError::Validation(vec![workbook_error(e.to_string())]),
    }
}

/// A requirement id, its answer and the workbook's comment.
type WorkbookAnswer = (String, Answer, Option<String>);

/// The answers a workbook holds, or every cell that is wrong.
fn answers_of(wb: &Workbook, catalog: &Catalog) -> Result<Vec<WorkbookAnswer>, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for row in &wb.rows {
        let answer = match (row.documentation, row.implementation) {
            (Score::NotApplicable, _) | (_, Score::NotApplicable) => Some(Answer::NotApplicable),
            (Score::Level(d), Score::Level(i)) => match Answer::scored(d, i) {
                Ok(a) => Some(a),
                Err(e) => {
                    errors.push(workbook_error(format!("{}!G{}: {}", row.sheet, row.row, e.reason)));
                    None
                }
            },
            (Score::Empty, Score::Empty) => None,
            (Score::Level(_), Score::Empty) => {
                errors.push(workbook_error(format!(
                    "{}!H{}: the implementation score of {} is empty while its documentation score is set",
                    row.sheet, row.row, row.id
                )));
                None
            }
            (Score::Empty, Score::Level(_)) => {
                errors.push(workbook_error(format!(
                    "{}!G{}: the documentation score of {} is empty while its implementation score is set",
                    row.sheet, row.row, row.id
                )));
                None
            }
        };
        if let Some(a) = answer {
            out.push((row.id.clone(), a, row.comment.clone()));
        }
    }
    let mut answers = Answers::new(catalog);
    for (id, a, _) in &out {
        let _ = answers.set(catalog, id, Some(*a));
    }
    for problem in check_answers(catalog, Level::Essential, &answers, Thresholds::embedded()) {
        let text = match &problem {
            AnswerProblem::NotApplicableNotAllowed { requirement, .. } => {
                let cell =
                    wb.row(requirement).map_or_else(String::new, |r| format!("{}!G{}: ", r.sheet, r.row));
                format!("{cell}{problem}")
            }
            AnswerProblem::TooManyNotApplicable { .. } => {
                let cells: Vec<String> = wb
                    .rows
                    .iter()
                    .filter(|r| {
                        r.documentation == Score::NotApplicable || r.implementation == Score::NotApplicable
                    })
                    .map(|r| format!("{}!G{}", r.sheet, r.row))
                    .collect();
                format!("{problem} (N/A in {})", cells.join(", "))
            }
        };
        errors.push(workbook_error(text));
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

impl Ward {
    /// Reads a filled official workbook into a new assessment of `slug`; returns its id.
    pub async fn import_workbook(
        &self,
        ctx: &Ctx,
        slug: &str,
        bytes: &[u8],
        name: &str,
    ) -> Result<Uuid, AppError> {
        let access = self.authorize(ctx, slug, ward_domain::Permission::EditAny).await?;
        let catalog = Framework::Cyfun2025.catalog();
        let wb = ward_workbook::read(bytes).map_err(from_workbook_error)?;
        let structure = check_structure(&wb, catalog);
        if !structure.is_empty() {
            return Err(AppError::Validation(structure));
        }
        let answers = answers_of(&wb, catalog).map_err(AppError::Validation)?;
        let name = name.trim();
        let name = if name.is_empty() { "Imported workbook" } else { name };
        let now = Self::now();
        let record = AssessmentRecord {
            id: Uuid::now_v7(),
            organisation_id: access.organisation.id,
            name: name.chars().take(120).collect(),
            framework: Framework::Cyfun2025.code().to_owned(),
            // The workbook is the ESSENTIAL edition: its figures are Essential's.
            target_level: Level::Essential.code().to_owned(),
            scope: String::new(),
            created_at: now,
            created_by: ctx.label(),
            updated_at: now,
            updated_by: ctx.label(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_assessment(&record).await?;
        let mut not_applicable = 0;
        for (id, answer, comment) in &answers {
            let (documentation, implementation, na) = match answer {
                Answer::Scored { documentation, implementation } => {
                    (Some(documentation.value()), Some(implementation.value()), false)
                }
                Answer::NotApplicable => (None, None, true),
            };
            not_applicable += usize::from(na);
            tx.upsert_answer(
                record.id,
                &AnswerRecord {
                    id: Uuid::now_v7(),
                    requirement_id: id.clone(),
                    documentation,
                    implementation,
                    not_applicable: na,
                    // The workbook has one comment column; for N/A it is the justification.
                    justification: na.then(|| {
                        comment.clone().unwrap_or_else(|| "Marked N/A in the imported workbook".into())
                    }),
                    comment: if na { None } else { comment.clone() },
                    owner: None,
                    status: AnswerStatus::Done.code().to_owned(),
                    last_reviewed_at: None,
                    updated_at: now,
                    updated_by: ctx.label(),
                },
            )
            .await?;
        }
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.import_workbook",
                "assessment",
                Some(record.id.to_string()),
                format!("assessment \"{}\" imported from the official workbook ({} answers)", record.name, answers.len()),
                json!({"answers": answers.len(), "not_applicable": not_applicable, "tool_date": wb.structure.tool_date,
                       "completion_date": wb.completion_date.map(|d| d.to_string())}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(record.id)
    }

    /// Fills a blank official workbook with an assessment's answers. Only input cells change.
    pub async fn export_workbook(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        template: &[u8],
    ) -> Result<Vec<u8>, AppError> {
        let (_, a) = self.assessment(ctx, slug, id).await?;
        if a.framework != Framework::Cyfun2025 {
            return Err(AppError::Validation(vec![ValidationError::new(
                "framework",
                "unsupported",
                "the official workbook Ward fills is CyFun 2025's; this assessment uses CyFun 2023",
            )]));
        }
        let wb = ward_workbook::read(template).map_err(from_workbook_error)?;
        let structure = check_structure(&wb, a.catalog());
        if !structure.is_empty() {
            return Err(AppError::Validation(structure));
        }
        let fills: Vec<Fill> = a
            .catalog()
            .at_level(Level::Essential)
            .map(|r| {
                let record = a.answer(&r.id);
                let i = a.catalog().position(&r.id).unwrap_or_default();
                let (documentation, implementation) = match a.scores().effective(i) {
                    Answer::Scored { documentation, implementation } => {
                        (Score::Level(documentation.value()), Score::Level(implementation.value()))
                    }
                    Answer::NotApplicable => (Score::NotApplicable, Score::NotApplicable),
                };
                let comment = record.and_then(|rec| {
                    let parts: Vec<String> = [
                        rec.not_applicable
                            .then(|| rec.justification.clone().map(|j| format!("N/A: {j}")))
                            .flatten(),
                        rec.comment.clone(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    (!parts.is_empty()).then(|| parts.join("\n"))
                });
                Fill { id: r.id.clone(), documentation, implementation, comment }
            })
            .collect();
        let bytes = ward_workbook::write(template, &fills, Some(a.record.updated_at.date()))
            .map_err(from_workbook_error)?;
        Ok(bytes)
    }

    /// Loads official requirement texts from the CCB workbook (.xlsx, English) or a CISO Assistant
    /// library (.yaml, English, Dutch and French). Administrators only: the texts serve the whole
    /// installation.
    pub async fn import_catalog(
        &self,
        ctx: &Ctx,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<CatalogImport, AppError> {
        self.require_admin(ctx)?;
        let now = Self::now();
        let source = if file_name.is_empty() { "an uploaded file".to_owned() } else { file_name.to_owned() };
        if bytes.starts_with(b"PK") {
            let wb = ward_workbook::read(bytes).map_err(from_workbook_error)?;
            let texts = wb
                .rows
                .iter()
                .filter(|r| !r.text.trim().is_empty())
                .map(|r| CatalogText {
                    requirement_id: r.id.clone(),
                    language: "en".into(),
                    text: r.text.trim().to_owned(),
                    guidance: None,
                    source: format!("CCB self-assessment workbook ({source})"),
                    imported_at: now,
                })
                .collect();
            return self.store_official_texts(ctx, Framework::Cyfun2025, &source, texts, Vec::new()).await;
        }
        let library = ward_library::parse_ciso_library(bytes).map_err(|e| {
            AppError::Validation(vec![ValidationError::new("file", "invalid", e.to_string())])
        })?;
        let framework = match library.framework {
            ward_library::LibraryFramework::Cyfun2025 => Framework::Cyfun2025,
            ward_library::LibraryFramework::Cyfun2023 => Framework::Cyfun2023,
        };
        let label = format!("{} ({source})", library.name);
        let texts = library
            .texts
            .into_iter()
            .map(|t| CatalogText {
                requirement_id: t.requirement_id,
                language: t.language,
                text: t.text,
                guidance: t.guidance,
                source: label.clone(),
                imported_at: now,
            })
            .collect();
        self.store_official_texts(ctx, framework, &source, texts, library.skipped).await
    }
}
