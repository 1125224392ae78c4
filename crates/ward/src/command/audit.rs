use serde::Serialize;
use ward_app::{AuditFilter, Ctx};
use ward_web::api::model::AuditEntryView;

use crate::cli::AuditLogArgs;
use crate::config::Config;

#[derive(Serialize)]
struct VerifyReport {
    ok: bool,
    entries: Option<i64>,
    checkpoints: Option<usize>,
    /// The first problem found, naming the entry.
    problem: Option<ward_domain::ChainBreak>,
    message: String,
    /// Verifies checkpoints offline (Ed25519, hex).
    checkpoint_public_key: String,
}

/// Exits non-zero (through the returned error) when the log does not verify.
pub async fn verify(config: &Config, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.verify_audit_log(&Ctx::cli()).await;
    let public_key = ward.checkpoint_public_key();
    ward.close().await;
    let report = match result? {
        Ok(r) => VerifyReport {
            ok: true,
            entries: Some(r.entries),
            checkpoints: Some(r.checkpoints),
            problem: None,
            message: format!(
                "audit log intact: {} entries, {} checkpoint(s) verified",
                r.entries, r.checkpoints
            ),
            checkpoint_public_key: public_key,
        },
        Err(b) => VerifyReport {
            ok: false,
            entries: None,
            checkpoints: None,
            message: format!("audit log tampered: {b}"),
            problem: Some(b),
            checkpoint_public_key: public_key,
        },
    };
    if json {
        super::print_json(&report)?;
    } else if report.ok {
        println!("{}", report.message);
    }
    if !report.ok {
        anyhow::bail!("{}", report.message);
    }
    Ok(())
}

pub async fn checkpoint(config: &Config, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.audit_checkpoint(&Ctx::cli()).await;
    ward.close().await;
    let seq = result?;
    if json {
        return super::print_json(&serde_json::json!({"checkpoint_seq": seq}));
    }
    match seq {
        Some(seq) => println!("Signed a checkpoint at entry {seq}."),
        None => println!("The audit log is empty; nothing to sign."),
    }
    Ok(())
}

pub async fn log(config: &Config, args: &AuditLogArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let filter = AuditFilter { action: args.action.clone(), limit: Some(args.limit), ..Default::default() };
    let ctx = Ctx::cli();
    let result = match &args.org {
        Some(slug) => ward.audit_log(&ctx, slug, &filter).await,
        None => ward.installation_audit_log(&ctx, &filter).await,
    };
    ward.close().await;
    let entries: Vec<AuditEntryView> = result?.iter().map(AuditEntryView::from).collect();
    if args.output.json {
        return super::print_json(&entries);
    }
    for e in &entries {
        println!("{:>6}  {}  {:<32} {:<28} {}", e.seq, e.at.date(), e.actor, e.action, e.summary);
    }
    Ok(())
}

pub async fn rotate_keys(config: &Config, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.rotate_data_key(&Ctx::cli()).await;
    ward.close().await;
    let (id, moved) = result?;
    if json {
        return super::print_json(&serde_json::json!({"data_key": id, "reencrypted": moved}));
    }
    println!(
        "Data key {id} is now in use; {moved} value(s) re-encrypted. Running servers pick it up by themselves."
    );
    Ok(())
}
