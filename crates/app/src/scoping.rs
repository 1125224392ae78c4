//! An organisation's scoping: the questionnaire answers, the result, and the CyFun level it
//! targets (the recommendation, or an override whose reason is recorded).

use serde_json::json;
use time::OffsetDateTime;
use ward_domain::scoping::{CyfunLevel, Rules, ScopingInput, ScopingResult, scope};
use ward_domain::{Permission, ValidationError};
use ward_store::StoredScoping;

use crate::actor::Ctx;
use crate::{AppError, Ward};

/// A saved scoping with its (re)computed result: rules may have changed since it was saved.
#[derive(Debug, Clone)]
pub struct ScopingView {
    pub input: ScopingInput,
    pub result: ScopingResult,
    pub target_level: CyfunLevel,
    pub override_reason: Option<String>,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

fn view(stored: StoredScoping) -> Result<ScopingView, AppError> {
    let input: ScopingInput =
        serde_json::from_str(&stored.answers).map_err(|e| AppError::Internal(Box::new(e)))?;
    let result = scope(Rules::embedded(), &input).map_err(AppError::Validation)?;
    Ok(ScopingView {
        input,
        result,
        target_level: CyfunLevel::parse(&stored.target_level)?,
        override_reason: stored.override_reason,
        updated_at: stored.updated_at,
        updated_by: stored.updated_by,
    })
}

/// The obligations of a saved scoping that have a date, soonest first (for the dashboard).
pub(crate) fn deadlines_of(stored: &StoredScoping) -> Vec<ward_domain::scoping::Obligation> {
    let Ok(v) = view(stored.clone()) else { return Vec::new() };
    let mut dated: Vec<_> = v.result.obligations.into_iter().filter(|o| o.due.is_some()).collect();
    dated.sort_by_key(|o| o.due);
    dated
}

impl Ward {
    /// The organisation's scoping, if it has been answered.
    pub async fn scoping(&self, ctx: &Ctx, slug: &str) -> Result<Option<ScopingView>, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        self.store.scoping(access.organisation.id).await?.map(view).transpose()
    }

    /// Saves the answers. The target level is the recommendation unless `target` overrides it,
    /// which needs a reason (kept, and audited).
    pub async fn save_scoping(
        &self,
        ctx: &Ctx,
        slug: &str,
        input: &ScopingInput,
        target: Option<(CyfunLevel, String)>,
    ) -> Result<ScopingView, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let result = scope(Rules::embedded(), input).map_err(AppError::Validation)?;
        let (target_level, override_reason) = match target {
            Some((level, _)) if level == result.cyfun_level => (level, None),
            Some((level, reason)) => {
                let reason = reason.trim().to_owned();
                if reason.is_empty() {
                    return Err(ValidationError::new(
                        "override_reason",
                        "required",
                        "say why the target level differs from the recommendation",
                    )
                    .into());
                }
                (level, Some(reason))
            }
            None => (result.cyfun_level, None),
        };
        let now = Self::now();
        let updated_by = ctx.label();
        let stored = StoredScoping {
            answers: serde_json::to_string(input).map_err(|e| AppError::Internal(Box::new(e)))?,
            target_level: target_level.code().to_owned(),
            override_reason: override_reason.clone(),
            updated_at: now,
            updated_by: updated_by.clone(),
        };
        let org = &access.organisation;
        let mut tx = self.store.begin().await?;
        let before = tx.save_scoping(org.id, &stored).await?;
        let before_result = before
            .as_ref()
            .and_then(|b| serde_json::from_str::<ScopingInput>(&b.answers).ok())
            .and_then(|i| scope(Rules::embedded(), &i).ok());
        tx.append_audit(
            ctx.audit(
                Some(org.id),
                "scoping.save",
                "organisation",
                Some(org.id.to_string()),
                format!("scoping saved: NIS2 {}, target CyFun level {}{}", result.nis2.code(), target_level.code(), if override_reason.is_some() { " (override)" } else { "" }),
                json!({
                    "before": before.as_ref().map(|b| json!({"nis2": before_result.as_ref().map(|r| r.nis2.code()), "target_level": b.target_level})),
                    "after": {"nis2": result.nis2.code(), "target_level": target_level.code(), "override_reason": override_reason},
                }),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ScopingView {
            input: input.clone(),
            result,
            target_level,
            override_reason,
            updated_at: now,
            updated_by,
        })
    }
}
