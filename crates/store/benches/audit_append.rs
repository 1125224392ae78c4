//! What the audit-log append adds to a change, on SQLite (the default deployment).
//!
//! Runs the same small change (an account's language) many times in its own transaction, with and
//! without appending its audit entry, and reports latency percentiles of each and the difference.
//! Run: `cargo bench -p ward-store --bench audit_append [-- N]`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use time::OffsetDateTime;
use ward_domain::{ActorKind, Email, NewAuditEntry};
use ward_store::{DatabaseTarget, MasterKey, NewUser, Store};

fn entry(i: usize) -> NewAuditEntry {
    NewAuditEntry {
        actor_kind: ActorKind::User,
        actor_id: None,
        actor_label: "an.peeters@az-voorbeeldstad.example".into(),
        organisation_id: None,
        action: "user.locale_changed".into(),
        target_type: "user".into(),
        target_id: Some(i.to_string()),
        summary: "language set to nl".into(),
        details: r#"{"before":"en","after":"nl"}"#.into(),
        request_id: Some("01a22680-2d54-738f-9929-d3b9d560d8ed".into()),
        ip: Some("127.0.0.1".into()),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) -> Vec<Duration> {
    samples.sort();
    println!(
        "{name:<28} p50 {:>7.1} µs   p95 {:>7.1} µs   p99 {:>7.1} µs",
        percentile(&samples, 0.50).as_secs_f64() * 1e6,
        percentile(&samples, 0.95).as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6,
    );
    samples
}

fn main() {
    let n: usize = std::env::args().filter_map(|a| a.parse().ok()).next().unwrap_or(3000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(
            &DatabaseTarget::in_data_dir(dir.path()),
            MasterKey::generate().unwrap(),
            Some(dir.path().join("cp.log")),
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        store.load_data_keys().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let email = Email::parse("an.peeters@az-voorbeeldstad.example").unwrap();
        let user = tx
            .insert_user(
                &NewUser {
                    email,
                    display_name: "An".into(),
                    password_hash: None,
                    is_admin: false,
                    oidc: None,
                },
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // Interleave the two variants so drift on a shared machine affects both alike.
        let (mut plain, mut audited) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..(n + 200) {
            let locale = if i % 2 == 0 { "nl" } else { "fr" };
            let t = Instant::now();
            let mut tx = store.begin().await.unwrap();
            tx.set_user_locale(user.id, Some(locale)).await.unwrap();
            tx.commit().await.unwrap();
            let without = t.elapsed();

            let t = Instant::now();
            let mut tx = store.begin().await.unwrap();
            tx.set_user_locale(user.id, Some(locale)).await.unwrap();
            tx.append_audit(entry(i), OffsetDateTime::now_utc()).await.unwrap();
            tx.commit().await.unwrap();
            let with = t.elapsed();
            if i >= 200 {
                // The first 200 rounds warm caches and the WAL.
                plain.push(without);
                audited.push(with);
            }
        }
        println!("SQLite, {n} changes each, one transaction per change (synchronous=NORMAL, WAL):");
        let plain = report("change alone", plain);
        let audited = report("change + audit append", audited);
        let added =
            |p: f64| (percentile(&audited, p).as_secs_f64() - percentile(&plain, p).as_secs_f64()) * 1e6;
        println!(
            "{:<28} p50 {:>7.1} µs   p95 {:>7.1} µs   p99 {:>7.1} µs",
            "added by the audit append",
            added(0.5),
            added(0.95),
            added(0.99)
        );
        let report = store.verify_audit_log().await.unwrap().unwrap();
        println!("chain verified: {} entries, {} checkpoints", report.entries, report.checkpoints);
    });
}
