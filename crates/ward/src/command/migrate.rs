use serde::Serialize;
use ward_app::Ward;

use crate::config::Config;

#[derive(Serialize)]
struct MigrateReport {
    database: String,
    schema_version: Option<i64>,
    applied_now: usize,
}

pub async fn run(config: &Config, json: bool) -> anyhow::Result<()> {
    let target = config.database()?;
    let (keys, _) = crate::keys::load(config)?;
    let ward = Ward::connect(&target, keys).await?;
    let before = ward.readiness().await?.schema.pending;
    let status = ward.migrate().await?;
    ward.close().await;
    let report =
        MigrateReport { database: target.redacted(), schema_version: status.applied, applied_now: before };
    if json {
        return super::print_json(&report);
    }
    match before {
        0 => println!("{}: schema is current (version {}).", report.database, status.known),
        n => {
            println!("{}: applied {n} migration(s); schema is at version {}.", report.database, status.known)
        }
    }
    Ok(())
}
