//! The scoping wizard: the questionnaire, the answer with its reasons, the obligations on a
//! timeline, and an iCalendar export of the dates.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use ward_app::{AppError, ScopingView};
use ward_domain::Permission;
use ward_domain::calendar::{CalendarEvent, to_ics};
use ward_domain::scoping::{CyfunLevel, Enterprise, Nis2Status, Obligation, Partner, Rules, ScopingInput};

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext, Section, org_layout};
use crate::state::AppState;

/// What the form shows: exactly what was typed, so a mistake never loses the rest.
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    pub sectors: Vec<String>,
    pub employees: String,
    pub turnover_eur: String,
    pub balance_eur: String,
    pub linked_employees: String,
    pub linked_turnover_eur: String,
    pub linked_balance_eur: String,
    pub partner_employees: String,
    pub partner_turnover_eur: String,
    pub partner_balance_eur: String,
    pub partner_share: String,
    pub in_belgium: bool,
    pub public_entity: bool,
    pub sole_provider: bool,
    pub designated: String,
    pub entry_date: String,
    pub target_level: String,
    pub override_reason: String,
}

pub struct ObligationRow {
    pub due: Option<String>,
    pub overdue: bool,
    pub days_left: Option<i64>,
    pub what: String,
    pub source: String,
    pub advice: bool,
}

pub struct ResultView {
    pub nis2: &'static str,
    pub nis2_code: &'static str,
    pub size: &'static str,
    pub level: String,
    pub target: String,
    pub override_reason: Option<String>,
    pub obligations: Vec<ObligationRow>,
    pub gdpr: Vec<ObligationRow>,
    pub reasons: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "scoping.html")]
pub struct ScopingPage {
    layout: Layout,
    slug: String,
    result: Option<ResultView>,
    can_edit: bool,
    errors: Vec<String>,
    form: FormValues,
    sectors: Vec<(String, String, bool)>,
}

fn day(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 { format!("{n:.0}") } else { n.to_string() }
}

fn rows(tr: Tr, list: &[Obligation], today: Date) -> Vec<ObligationRow> {
    let mut rows: Vec<&Obligation> = list.iter().collect();
    rows.sort_by_key(|o| o.due.unwrap_or(Date::MAX));
    rows.into_iter()
        .map(|o| ObligationRow {
            due: o.due.map(day),
            overdue: o.due.is_some_and(|d| d < today),
            days_left: o.due.filter(|d| *d >= today).map(|d| (d - today).whole_days()),
            what: tr.scoping_message(&o.message, &o.what),
            source: o.source.clone(),
            advice: o.advice,
        })
        .collect()
}

fn result_view(tr: Tr, v: &ScopingView) -> ResultView {
    let r = &v.result;
    let today = OffsetDateTime::now_utc().date();
    ResultView {
        nis2: tr.label(
            "scoping",
            match r.nis2 {
                Nis2Status::Essential => "status_essential",
                Nis2Status::Important => "status_important",
                Nis2Status::CheckDesignation => "status_check_designation",
                Nis2Status::OutOfScope => "status_out_of_scope",
            },
        ),
        nis2_code: r.nis2.code(),
        size: tr.label(
            "scoping",
            match r.size {
                ward_domain::scoping::SizeClass::Small => "size_small",
                ward_domain::scoping::SizeClass::Medium => "size_medium",
                ward_domain::scoping::SizeClass::Large => "size_large",
            },
        ),
        level: format!("CyFun {}", r.cyfun_level.code()),
        target: format!("CyFun {}", v.target_level.code()),
        override_reason: v.override_reason.clone(),
        obligations: rows(tr, &r.obligations, today),
        gdpr: rows(tr, &r.gdpr, today),
        reasons: r
            .reasons
            .iter()
            .map(|x| (tr.scoping_message(&x.message, &x.text), x.source.clone()))
            .collect(),
    }
}

fn form_from(v: &ScopingView) -> FormValues {
    let i = &v.input;
    let linked = i.linked.iter().fold(Enterprise::default(), |a, e| Enterprise {
        staff: a.staff + e.staff,
        turnover_eur: a.turnover_eur + e.turnover_eur,
        balance_eur: a.balance_eur + e.balance_eur,
    });
    let partner = i.partners.first();
    let opt = |n: f64, show: bool| if show { number(n) } else { String::new() };
    FormValues {
        sectors: i.sectors.clone(),
        employees: number(i.own.staff),
        turnover_eur: number(i.own.turnover_eur),
        balance_eur: number(i.own.balance_eur),
        linked_employees: opt(linked.staff, !i.linked.is_empty()),
        linked_turnover_eur: opt(linked.turnover_eur, !i.linked.is_empty()),
        linked_balance_eur: opt(linked.balance_eur, !i.linked.is_empty()),
        partner_employees: partner.map(|p| number(p.enterprise.staff)).unwrap_or_default(),
        partner_turnover_eur: partner.map(|p| number(p.enterprise.turnover_eur)).unwrap_or_default(),
        partner_balance_eur: partner.map(|p| number(p.enterprise.balance_eur)).unwrap_or_default(),
        partner_share: partner.map(|p| number(p.share_percent)).unwrap_or_default(),
        in_belgium: i.established_in_belgium,
        public_entity: i.public_entity,
        sole_provider: i.sole_provider,
        designated: i.designated.map(|d| d.code().to_owned()).unwrap_or_default(),
        entry_date: i.entry_into_scope.map(day).unwrap_or_default(),
        target_level: if v.override_reason.is_some() {
            v.target_level.code().to_owned()
        } else {
            String::new()
        },
        override_reason: v.override_reason.clone().unwrap_or_default(),
    }
}

async fn render(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    form: Option<FormValues>,
    errors: Vec<String>,
) -> Result<ScopingPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let saved = state.ward.scoping(&auth.ctx, slug).await.or_page(tr)?;
    let org = &profile.organisation;
    let layout = org_layout(state, auth, tr, ctx, &profile, "scoping.title", Section::Scoping).await?;
    let form = form
        .or_else(|| saved.as_ref().map(form_from))
        .unwrap_or(FormValues { in_belgium: true, ..Default::default() });
    let sectors = Rules::embedded()
        .sectors
        .iter()
        .map(|s| {
            (
                s.slug.clone(),
                tr.sector_name(&s.slug).unwrap_or(&s.name).to_owned(),
                form.sectors.contains(&s.slug),
            )
        })
        .collect();
    Ok(ScopingPage {
        layout,
        slug: org.slug.to_string(),
        result: saved.as_ref().map(|v| result_view(tr, v)),
        can_edit: profile.role.is_none_or(|r| r.allows(Permission::EditAny)),
        errors,
        form,
        sectors,
    })
}

/// `GET /orgs/{slug}/scoping`
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<ScopingPage, PageError> {
    render(&state, &auth, tr, ctx, &slug, None, Vec::new()).await
}

/// Reads a number as people type it: `262000000`, `262 000 000`, `262.000.000`, `12,5`.
fn parse_number(raw: &str, field: &str, errors: &mut Vec<String>, optional: bool) -> f64 {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\'' && *c != '_').collect();
    if compact.is_empty() {
        if !optional {
            errors.push(format!("{field}: required"));
        }
        return 0.0;
    }
    let normalised = if compact.matches('.').count() > 1 { compact.replace('.', "") } else { compact };
    match normalised.replace(',', ".").parse::<f64>() {
        Ok(n) => n,
        Err(_) => {
            errors.push(format!("{field}: {raw:?} is not a number"));
            f64::NAN
        }
    }
}

/// The answers and the chosen target (if overridden), or what is wrong with them.
type ParsedAnswers = Result<(ScopingInput, Option<(CyfunLevel, String)>), Vec<String>>;

fn parse_form(pairs: &[(String, String)]) -> (FormValues, ParsedAnswers) {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let form = FormValues {
        sectors: pairs.iter().filter(|(n, _)| n == "sector").map(|(_, v)| v.clone()).collect(),
        employees: get("employees"),
        turnover_eur: get("turnover_eur"),
        balance_eur: get("balance_eur"),
        linked_employees: get("linked_employees"),
        linked_turnover_eur: get("linked_turnover_eur"),
        linked_balance_eur: get("linked_balance_eur"),
        partner_employees: get("partner_employees"),
        partner_turnover_eur: get("partner_turnover_eur"),
        partner_balance_eur: get("partner_balance_eur"),
        partner_share: get("partner_share"),
        in_belgium: pairs.iter().any(|(n, _)| n == "established_in_belgium"),
        public_entity: pairs.iter().any(|(n, _)| n == "public_entity"),
        sole_provider: pairs.iter().any(|(n, _)| n == "sole_provider"),
        designated: get("designated"),
        entry_date: get("entry_date"),
        target_level: get("target_level"),
        override_reason: get("override_reason"),
    };
    let mut errors = Vec::new();
    let own = Enterprise {
        staff: parse_number(&form.employees, "employees", &mut errors, false),
        turnover_eur: parse_number(&form.turnover_eur, "turnover_eur", &mut errors, false),
        balance_eur: parse_number(&form.balance_eur, "balance_eur", &mut errors, false),
    };
    let any = |v: &[&String]| v.iter().any(|s| !s.trim().is_empty());
    let linked = if any(&[&form.linked_employees, &form.linked_turnover_eur, &form.linked_balance_eur]) {
        vec![Enterprise {
            staff: parse_number(&form.linked_employees, "linked_employees", &mut errors, true),
            turnover_eur: parse_number(&form.linked_turnover_eur, "linked_turnover_eur", &mut errors, true),
            balance_eur: parse_number(&form.linked_balance_eur, "linked_balance_eur", &mut errors, true),
        }]
    } else {
        Vec::new()
    };
    let partners = if any(&[
        &form.partner_employees,
        &form.partner_turnover_eur,
        &form.partner_balance_eur,
        &form.partner_share,
    ]) {
        vec![Partner {
            enterprise: Enterprise {
                staff: parse_number(&form.partner_employees, "partner_employees", &mut errors, true),
                turnover_eur: parse_number(
                    &form.partner_turnover_eur,
                    "partner_turnover_eur",
                    &mut errors,
                    true,
                ),
                balance_eur: parse_number(
                    &form.partner_balance_eur,
                    "partner_balance_eur",
                    &mut errors,
                    true,
                ),
            },
            share_percent: parse_number(&form.partner_share, "partner_share", &mut errors, false),
        }]
    } else {
        Vec::new()
    };
    let designated = match form.designated.as_str() {
        "" => None,
        "essential" => Some(Nis2Status::Essential),
        "important" => Some(Nis2Status::Important),
        _ => {
            errors.push("designated: must be essential or important".into());
            None
        }
    };
    let entry_into_scope = match form.entry_date.trim() {
        "" => None,
        d => match Date::parse(d, format_description!("[year]-[month]-[day]")) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push("entry_date: must be a date like 2025-03-01".into());
                None
            }
        },
    };
    let target = match form.target_level.as_str() {
        "" => None,
        code => match CyfunLevel::parse(code) {
            Ok(level) => Some((level, form.override_reason.clone())),
            Err(e) => {
                errors.push(e.to_string());
                None
            }
        },
    };
    let input = ScopingInput {
        sectors: form.sectors.clone(),
        own,
        linked,
        partners,
        established_in_belgium: form.in_belgium,
        public_entity: form.public_entity,
        sole_provider: form.sole_provider,
        designated,
        entry_into_scope,
    };
    if let Err(domain) = ward_domain::scoping::validate(Rules::embedded(), &input) {
        errors.extend(domain.iter().map(ToString::to_string));
    }
    let result = if errors.is_empty() { Ok((input, target)) } else { Err(errors) };
    (form, result)
}

/// `POST /orgs/{slug}/scoping`: saves the answers; on a mistake, shows the form again with
/// everything that was typed and what to fix.
pub async fn save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    body: Bytes,
) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let (form, parsed) = parse_form(&pairs);
    let outcome = match parsed {
        Ok((input, target)) => {
            state.ward.save_scoping(&auth.ctx, &slug, &input, target).await.map_err(|e| match e {
                AppError::Validation(errors) => {
                    Ok(errors.iter().map(ToString::to_string).collect::<Vec<_>>())
                }
                other => Err(other),
            })
        }
        Err(errors) => Err(Ok(errors)),
    };
    match outcome {
        Ok(_) => redirect_with_flash(&format!("/orgs/{slug}/scoping"), "scoping_saved", &[]),
        Err(Ok(errors)) => {
            crate::pages::unprocessable(render(&state, &auth, tr, ctx, &slug, Some(form), errors).await)
        }
        Err(Err(error)) => PageError { tr, error }.into_response(),
    }
}

/// `GET /orgs/{slug}/scoping.ics`: the dated obligations, with reminders 30 and 7 days before.
pub async fn calendar(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
) -> Result<Response, PageError> {
    let profile = state.ward.organisation(&auth.ctx, &slug).await.or_page(tr)?;
    let saved = state
        .ward
        .scoping(&auth.ctx, &slug)
        .await
        .or_page(tr)?
        .ok_or(AppError::NotFound("scoping"))
        .or_page(tr)?;
    let events: Vec<CalendarEvent> = saved
        .result
        .obligations
        .iter()
        .filter_map(|o| {
            o.due.map(|date| CalendarEvent {
                uid: format!("{}-{}@ward", o.id, profile.organisation.slug),
                date,
                summary: format!("{}: {}", profile.organisation.name, o.what),
                description: format!("{} [{}]", o.what, o.source),
                remind_days_before: vec![30, 7],
            })
        })
        .collect();
    let ics = to_ics(&format!("Ward: {}", profile.organisation.name), &events, OffsetDateTime::now_utc());
    Ok((
        [
            (CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"ward-{slug}-obligations.ics\"")),
        ],
        ics,
    )
        .into_response())
}
