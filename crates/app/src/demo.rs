//! The demo: a fictitious Belgian hospital with realistic shape and a team with every role,
//! created or refreshed in place.
//!
//! Every capability adds its part of the demo here, so `ward demo` always shows the whole product.
//! All names are invented; the enterprise number 0000.000.097 passes the mod-97 check but belongs
//! to no one; the e-mail addresses use the reserved `.example` domain.

use serde_json::json;
use time::Duration;
use ward_domain::{Email, Membership, NewOrganisation, NewSite, OrgSlug, Organisation, Role};
use ward_store::NewUser;

use crate::actor::Ctx;
use crate::auth::hash_password;
use crate::member::generated_password;
use crate::{AppError, Ward};

pub const DEMO_ORG_SLUG: &str = "az-voorbeeldstad";

/// One demo account.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    /// `None` for the installation administrator.
    pub role: Option<Role>,
}

/// What the demo refresh did, for the CLI to report.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub organisation: Organisation,
    pub created: bool,
    pub sites: usize,
    pub accounts: Vec<DemoAccount>,
    /// The password of every demo account, new at each refresh.
    pub password: String,
}

fn demo_organisation() -> Result<NewOrganisation, AppError> {
    Ok(NewOrganisation::parse(
        "AZ Voorbeeldstad",
        Some(DEMO_ORG_SLUG),
        Some("hospital"),
        Some("0000.000.097"),
        Some("nl"),
    )?)
}

fn demo_sites() -> Result<Vec<NewSite>, AppError> {
    [
        ("Campus Sint-Jan", "campus", "Voorbeeldstad"),
        ("Campus Heilig Hart", "campus", "Voorbeeldstad-Zuid"),
        ("Polikliniek De Linde", "outpatient", "Kleinbeek"),
        ("Klinisch Labo Noord", "laboratory", "Voorbeeldstad"),
        ("Datacenter Campus Sint-Jan", "data_centre", "Voorbeeldstad"),
    ]
    .into_iter()
    .map(|(name, kind, city)| NewSite::parse(name, kind, city).map_err(AppError::from))
    .collect()
}

/// The demo team: one person per role, and an administrator.
fn demo_accounts() -> Vec<DemoAccount> {
    [
        ("admin@az-voorbeeldstad.example", "Ward Beheer", None),
        ("an.peeters@az-voorbeeldstad.example", "An Peeters (CISO)", Some(Role::Owner)),
        (
            "karim.elamrani@az-voorbeeldstad.example",
            "Karim El Amrani (IT security)",
            Some(Role::SecurityOfficer),
        ),
        (
            "lotte.janssens@az-voorbeeldstad.example",
            "Lotte Janssens (clinical engineering)",
            Some(Role::Contributor),
        ),
        ("auditor@cab-voorbeeld.example", "Sophie Dubois (certification body)", Some(Role::Auditor)),
        ("directie@az-voorbeeldstad.example", "Marc Willems (board)", Some(Role::Viewer)),
    ]
    .into_iter()
    .map(|(email, name, role)| DemoAccount { email: email.into(), name: name.into(), role })
    .collect()
}

impl Ward {
    /// Creates the demo organisation and team, or puts them back to their demo state with a new
    /// password (ending the demo accounts' sessions). One transaction: a failure leaves the
    /// previous state intact.
    pub async fn refresh_demo(&self, ctx: &Ctx) -> Result<DemoSummary, AppError> {
        self.require_admin(ctx)?;
        let new = demo_organisation()?;
        let sites = demo_sites()?;
        let accounts = demo_accounts();
        let password = generated_password()?;
        let hash = hash_password(&password).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        let slug = OrgSlug::parse(DEMO_ORG_SLUG)?;
        let created = tx.find_organisation(&slug).await?.is_none();
        let organisation = if created {
            tx.insert_organisation(&new, now).await?
        } else {
            tx.update_organisation(&new, now).await?
        };
        let stored = tx.replace_sites(organisation.id, &sites).await?;
        for account in &accounts {
            let email = Email::parse(&account.email)?;
            let user_id = match self.store.credentials_by_email(&email).await? {
                Some(c) => {
                    tx.set_password_hash(c.user.id, Some(&hash)).await?;
                    tx.set_disabled(c.user.id, None).await?;
                    tx.delete_sessions_of(c.user.id).await?;
                    c.user.id
                }
                None => {
                    let is_admin = account.role.is_none();
                    tx.insert_user(
                        &NewUser {
                            email,
                            display_name: account.name.clone(),
                            password_hash: Some(hash.clone()),
                            is_admin,
                            oidc: None,
                        },
                        now,
                    )
                    .await?
                    .id
                }
            };
            if let Some(role) = account.role {
                // The certification body's access ends with the audit.
                let expires_at = (role == Role::Auditor).then(|| now + Duration::days(90));
                tx.upsert_membership(user_id, organisation.id, Membership { role, expires_at }, now).await?;
            }
        }
        // Scoped as the large hospital it is: an essential entity in scope since the law's start.
        let answers = ward_domain::scoping::ScopingInput {
            sectors: vec!["healthcare-provider".into()],
            own: ward_domain::scoping::Enterprise {
                staff: 1850.0,
                turnover_eur: 262_000_000.0,
                balance_eur: 310_000_000.0,
            },
            established_in_belgium: true,
            ..Default::default()
        };
        let scoped = ward_domain::scoping::scope(ward_domain::scoping::Rules::embedded(), &answers)
            .map_err(AppError::Validation)?;
        tx.save_scoping(
            organisation.id,
            &ward_store::StoredScoping {
                answers: serde_json::to_string(&answers).map_err(|e| AppError::Internal(Box::new(e)))?,
                target_level: scoped.cyfun_level.code().to_owned(),
                override_reason: None,
                updated_at: now,
                updated_by: "demo".into(),
            },
        )
        .await?;
        self.seed_demo_assessment(&mut tx, organisation.id, now).await?;
        self.seed_demo_assets(&mut tx, organisation.id, now).await?;
        let summary = format!(
            "demo {} with {} sites and {} accounts",
            if created { "created" } else { "refreshed" },
            stored.len(),
            accounts.len()
        );
        tx.append_audit(
            ctx.audit(
                Some(organisation.id),
                "demo.refresh",
                "organisation",
                Some(organisation.id.to_string()),
                summary,
                json!({"sites": stored.len(), "accounts": accounts.len()}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(org = %organisation.slug, created, "demo refreshed");
        Ok(DemoSummary { organisation, created, sites: stored.len(), accounts, password })
    }
}

/// A small stable hash of a requirement id, so the demo's scores look varied but never change.
fn spread(id: &str) -> u32 {
    id.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
}

/// The demo hospital's answer to one requirement: `(documentation, implementation)`, `None` when
/// not yet assessed. Basic measures are in place except MFA for remote access (the demo's story:
/// vendors still reach some devices with a password only), Important ones are partly there,
/// Essential ones have barely started.
fn demo_scores(r: &ward_domain::cyfun::Requirement, baseline: bool) -> Option<(u8, u8)> {
    use ward_domain::cyfun::Level;
    let h = spread(&r.id);
    let now: Option<(u8, u8)> = match r.level {
        _ if r.id == "PR.AA-03.2" => Some((2, 2)),
        Level::Basic => Some(if h.is_multiple_of(4) { (4, 3) } else { (3, 3) }),
        Level::Important => Some([(3, 2), (3, 3), (2, 2), (4, 3)][(h % 4) as usize]),
        Level::Essential => [Some((2, 1)), Some((2, 2)), None][(h % 3) as usize],
    };
    // Three months earlier everything was a point lower.
    if baseline { now.map(|(d, i)| (d.saturating_sub(1).max(1), i.saturating_sub(1).max(1))) } else { now }
}

impl Ward {
    /// The demo's CyFun 2025 assessment (replacing any earlier demo assessment) and a baseline
    /// snapshot, so the trend and the comparison have something to show.
    async fn seed_demo_assessment(
        &self,
        tx: &mut ward_store::Tx,
        organisation_id: uuid::Uuid,
        now: time::OffsetDateTime,
    ) -> Result<(), AppError> {
        use ward_domain::cyfun::{Answer, Framework, Level, score};
        for old in self.store.assessments_of(organisation_id).await? {
            tx.delete_assessment(old.id).await?;
        }
        let catalog = Framework::Cyfun2025.catalog();
        let record = ward_store::AssessmentRecord {
            id: uuid::Uuid::now_v7(),
            organisation_id,
            name: "CyFun 2025 self-assessment".into(),
            framework: Framework::Cyfun2025.code().into(),
            target_level: Level::Essential.code().into(),
            scope: "All five sites: clinical systems (EHR, PACS, LIS), medical devices, administration"
                .into(),
            created_at: now - Duration::days(120),
            created_by: "demo".into(),
            updated_at: now,
            updated_by: "demo".into(),
        };
        tx.insert_assessment(&record).await?;
        let not_applicable = "PR.PS-06.1";
        let mut baseline = std::collections::HashMap::new();
        for r in catalog.at_level(Level::Essential) {
            let owner = if r.id.starts_with("ID.AM-08") || r.id.starts_with("PR.IR-01") {
                "lotte.janssens@az-voorbeeldstad.example"
            } else if r.function == "GV" {
                "an.peeters@az-voorbeeldstad.example"
            } else {
                "karim.elamrani@az-voorbeeldstad.example"
            };
            let na = r.id == not_applicable && r.not_applicable_allowed;
            let scores = demo_scores(r, false);
            if scores.is_none() && !na {
                continue;
            }
            if let Some((d, i)) = demo_scores(r, true) {
                baseline.insert(r.id.clone(), Answer::scored(d, i)?);
            }
            tx.upsert_answer(
                record.id,
                &ward_store::AnswerRecord {
                    id: uuid::Uuid::now_v7(),
                    requirement_id: r.id.clone(),
                    documentation: if na { None } else { scores.map(|s| s.0) },
                    implementation: if na { None } else { scores.map(|s| s.1) },
                    not_applicable: na,
                    justification: na.then(|| "No software is developed in-house: every clinical application is bought and maintained by its vendor.".to_owned()),
                    comment: (r.id == "PR.AA-03.2").then(|| "MFA is on for staff VPN; three device vendors still connect with a shared password.".to_owned()),
                    owner: Some(owner.to_owned()),
                    status: if r.level == Level::Essential { "in_progress".into() } else { "done".into() },
                    last_reviewed_at: Some(now - Duration::days(30)),
                    updated_at: now,
                    updated_by: "demo".into(),
                },
            )
            .await?;
        }
        let answers = ward_domain::cyfun::Answers::from_map(catalog, &baseline)
            .map_err(|e| AppError::Internal(e.into()))?;
        let meta = ward_store::SnapshotMeta {
            id: uuid::Uuid::now_v7(),
            assessment_id: record.id,
            label: "Baseline Q3 2026".into(),
            total: score(catalog, Level::Essential, &answers).total,
            taken_at: now - Duration::days(90),
            taken_by: "demo".into(),
        };
        let json = serde_json::to_string(&baseline).map_err(|e| AppError::Internal(Box::new(e)))?;
        tx.insert_snapshot(&meta, &json).await?;
        self.seed_demo_tasks(tx, organisation_id, record.id, now).await
    }

    /// A small asset register with its segments: medical devices, clinical systems, building
    /// systems; a few placed or kept in ways the policy and the signals flag.
    async fn seed_demo_assets(
        &self,
        tx: &mut ward_store::Tx,
        organisation_id: uuid::Uuid,
        now: time::OffsetDateTime,
    ) -> Result<(), AppError> {
        use std::collections::BTreeMap;
        for old in self.store.all_assets_of(organisation_id).await? {
            tx.delete_asset(old.id).await?;
        }
        for old in self.store.segments_of(organisation_id).await? {
            tx.delete_segment(old.id).await?;
        }
        let segments = [
            ("MED-ICU", "medical_devices", 120, "10.120.0.0/16"),
            ("MED-RAD", "medical_devices", 130, "10.130.0.0/16"),
            ("CLIN", "clinical", 20, "10.20.0.0/16"),
            ("SRV", "servers", 10, "10.10.0.0/16"),
            ("OFFICE", "administrative", 30, "10.30.0.0/16"),
            ("GUEST", "guest", 900, "172.16.0.0/16"),
            ("BMS", "building", 800, "10.80.0.0/16"),
        ];
        for (name, zone, vlan, cidr) in segments {
            tx.save_segment(&ward_store::SegmentRecord {
                id: uuid::Uuid::now_v7(),
                organisation_id,
                name: name.into(),
                zone: zone.into(),
                vlan: Some(vlan),
                cidr: Some(cidr.into()),
                updated_at: now,
                updated_by: "demo".into(),
            })
            .await?;
        }
        // kind, name, vendor, model, ip, mac, segment, owner, criticality, patient data, patchability, support end, edr
        let mut assets: Vec<[&str; 13]> = Vec::new();
        for i in 1..=12 {
            assets.push([
                "medical_device",
                "",
                "B. Braun",
                "Space infusion pump",
                "",
                "",
                "MED-ICU",
                if i % 3 == 0 { "" } else { "biomed@az-voorbeeldstad.example" },
                "life_sustaining",
                "no",
                "vendor_only",
                "2028-12-31",
                "not_possible",
            ]);
        }
        assets.extend([
            [
                "medical_device",
                "ICU monitor bed 1",
                "Philips",
                "IntelliVue MX800",
                "10.120.1.11",
                "00:09:fb:10:00:11",
                "MED-ICU",
                "biomed@az-voorbeeldstad.example",
                "life_sustaining",
                "yes",
                "vendor_only",
                "2027-06-30",
                "not_possible",
            ],
            [
                "medical_device",
                "ICU monitor bed 2",
                "Philips",
                "IntelliVue MX800",
                "10.120.1.12",
                "00:09:fb:10:00:12",
                "MED-ICU",
                "biomed@az-voorbeeldstad.example",
                "life_sustaining",
                "yes",
                "vendor_only",
                "2027-06-30",
                "not_possible",
            ],
            [
                "medical_device",
                "CT scanner",
                "Siemens Healthineers",
                "SOMATOM go.Up",
                "10.130.0.5",
                "00:1e:c0:00:00:05",
                "MED-RAD",
                "biomed@az-voorbeeldstad.example",
                "diagnostic",
                "yes",
                "vendor_only",
                "2031-01-01",
                "not_possible",
            ],
            [
                "medical_device",
                "Ultrasound cardiology",
                "GE HealthCare",
                "Vivid E95",
                "10.30.4.21",
                "00:1e:c0:00:00:21",
                "OFFICE",
                "",
                "diagnostic",
                "yes",
                "vendor_only",
                "2025-06-30",
                "not_possible",
            ],
            [
                "medical_device",
                "Lab analyser",
                "Roche",
                "cobas pro",
                "10.20.7.40",
                "00:1e:c0:00:00:40",
                "CLIN",
                "lab@az-voorbeeldstad.example",
                "diagnostic",
                "yes",
                "vendor_only",
                "2030-01-01",
                "not_possible",
            ],
            [
                "server",
                "EPD database",
                "Dell",
                "PowerEdge R750",
                "10.10.0.20",
                "",
                "SRV",
                "karim.elamrani@az-voorbeeldstad.example",
                "support",
                "yes",
                "yes",
                "2029-12-31",
                "installed",
            ],
            [
                "server",
                "PACS archive",
                "Dell",
                "PowerEdge R740",
                "10.10.0.30",
                "",
                "SRV",
                "karim.elamrani@az-voorbeeldstad.example",
                "diagnostic",
                "yes",
                "yes",
                "2027-12-31",
                "installed",
            ],
            [
                "server",
                "LIS server",
                "HPE",
                "ProLiant DL380",
                "10.10.0.40",
                "",
                "SRV",
                "karim.elamrani@az-voorbeeldstad.example",
                "diagnostic",
                "yes",
                "yes",
                "2024-10-31",
                "possible",
            ],
            [
                "clinical_workstation",
                "Nurse station ICU",
                "HP",
                "EliteDesk 800",
                "10.20.1.5",
                "",
                "CLIN",
                "karim.elamrani@az-voorbeeldstad.example",
                "support",
                "yes",
                "yes",
                "2028-01-01",
                "installed",
            ],
            [
                "clinical_workstation",
                "Radiology reading room",
                "Dell",
                "Precision 3660",
                "10.20.2.7",
                "",
                "CLIN",
                "karim.elamrani@az-voorbeeldstad.example",
                "diagnostic",
                "yes",
                "yes",
                "2028-01-01",
                "possible",
            ],
            [
                "building_iot",
                "Operating theatre HVAC",
                "Siemens",
                "Desigo CC",
                "10.80.0.10",
                "",
                "BMS",
                "facilities@az-voorbeeldstad.example",
                "support",
                "no",
                "vendor_only",
                "",
                "not_possible",
            ],
            [
                "application",
                "Patient Wi-Fi portal",
                "Cisco",
                "ISE",
                "172.16.0.2",
                "",
                "GUEST",
                "karim.elamrani@az-voorbeeldstad.example",
                "support",
                "yes",
                "yes",
                "",
                "possible",
            ],
        ]);
        for (n, a) in assets.iter().enumerate() {
            let name =
                if a[1].is_empty() { format!("Infusion pump ICU {:02}", n + 1) } else { a[1].to_owned() };
            let ip = if a[4].is_empty() && a[0] == "medical_device" {
                format!("10.120.2.{}", n + 1)
            } else {
                a[4].to_owned()
            };
            let fields = [
                "kind",
                "name",
                "vendor",
                "model",
                "ip",
                "mac",
                "segment",
                "owner",
                "criticality",
                "patient_data",
                "patchability",
                "support_end",
                "edr",
            ];
            let mut values: BTreeMap<String, String> =
                fields.iter().zip(a.iter()).map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            values.insert("name".into(), name);
            values.insert("ip".into(), ip);
            values.insert("site".into(), "Campus Sint-Jan".into());
            let draft = ward_domain::assets::check_asset(&values).map_err(AppError::Validation)?;
            let ctx = crate::Ctx::cli();
            let mut record = crate::assets::record_for_demo(organisation_id, &draft, &ctx, now);
            record.created_by = "demo".into();
            record.updated_by = "demo".into();
            tx.save_asset(&record).await?;
        }
        Ok(())
    }

    /// Remediation tasks from the demo's gaps: one overdue, one coming due, one later, one done.
    async fn seed_demo_tasks(
        &self,
        tx: &mut ward_store::Tx,
        organisation_id: uuid::Uuid,
        assessment_id: uuid::Uuid,
        now: time::OffsetDateTime,
    ) -> Result<(), AppError> {
        for old in self.store.tasks_of(organisation_id, false, crate::tasks::MAX_TASK_PAGE, 0).await? {
            tx.delete_task(old.id).await?;
        }
        let today = now.date();
        let tasks = [
            (
                "MFA for the three device vendors still on a shared VPN password",
                "PR.AA-03.2",
                "lotte.janssens@az-voorbeeldstad.example",
                -5,
                "in_progress",
            ),
            (
                "Offline, immutable copy of the EPD and PACS backups",
                "PR.DS-11.1",
                "karim.elamrani@az-voorbeeldstad.example",
                4,
                "open",
            ),
            (
                "Separate VLAN for infusion pumps and patient monitors",
                "PR.IR-01.2",
                "lotte.janssens@az-voorbeeldstad.example",
                60,
                "open",
            ),
            (
                "Board approves the information security policy",
                "GV.PO-01.1",
                "an.peeters@az-voorbeeldstad.example",
                -20,
                "done",
            ),
        ];
        for (title, requirement, owner, days, status) in tasks {
            tx.save_task(&ward_store::TaskRecord {
                id: uuid::Uuid::now_v7(),
                organisation_id,
                assessment_id: Some(assessment_id),
                title: title.into(),
                owner: Some(owner.into()),
                due_date: Some(today + Duration::days(days)),
                status: status.into(),
                requirements: requirement.into(),
                notes: None,
                evidence_id: None,
                created_at: now - Duration::days(30),
                created_by: "demo".into(),
                updated_at: now,
                updated_by: "demo".into(),
                completed_at: (status == "done").then_some(now - Duration::days(21)),
                reminded_on: None,
            })
            .await?;
        }
        Ok(())
    }
}
