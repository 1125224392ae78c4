//! The storage contract, run on SQLite and on PostgreSQL with the same bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::OffsetDateTime;
use ward_domain::{ActorKind, ChainBreak, Email, NewAuditEntry, NewOrganisation, NewSite, OrgSlug};
use ward_store::{AuditQuery, CHECKPOINT_EVERY, NewUser};
use ward_store::{Store, StoreError};
use ward_testkit::{TestDb, on_both_databases};

fn org(name: &str, slug: &str) -> NewOrganisation {
    NewOrganisation::parse(name, Some(slug), Some("clinic"), Some("0123.456.749"), Some("fr")).unwrap()
}

fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1000 * 1000).unwrap()
}

async fn migrated(db: &TestDb) -> Store {
    let store = Store::connect(&db.target, db.master.clone(), Some(db.dir.path().join("checkpoints.log")))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store.load_data_keys().await.unwrap();
    store
}

fn entry(action: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor_kind: ActorKind::Cli,
        actor_id: None,
        actor_label: "test".into(),
        organisation_id: None,
        action: action.into(),
        target_type: "thing".into(),
        target_id: None,
        summary: format!("did {action}"),
        details: "{}".into(),
        request_id: None,
        ip: None,
    }
}

on_both_databases! {
    async fn migrations_create_the_schema_once(db) {
        let store = Store::connect(&db.target, db.master.clone(), None).await.unwrap();
        let before = store.schema_status().await.unwrap();
        assert_eq!(before.applied, None);
        assert!(before.pending > 0);
        let after = store.migrate().await.unwrap();
        assert!(after.is_current());
        assert_eq!(after.applied, Some(after.known));
        // A second run (another process starting) changes nothing.
        assert_eq!(store.migrate().await.unwrap(), after);
    }

    async fn a_newer_schema_is_refused_and_left_alone(db) {
        let store = migrated(&db).await;
        db.add_future_migration().await;
        let status = store.schema_status().await.unwrap();
        assert_eq!(status.unknown, vec![29991231000000]);
        assert!(!status.is_current());
        match store.migrate().await {
            Err(StoreError::SchemaTooNew { found, known }) => {
                assert_eq!(found, 29991231000000);
                assert_eq!(known, status.known);
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        assert_eq!(store.schema_status().await.unwrap(), status);
    }

    async fn organisations_round_trip(db) {
        let store = migrated(&db).await;
        let at = now();
        let mut tx = store.begin().await.unwrap();
        let b = tx.insert_organisation(&org("Zorgpunt B", "zorgpunt-b"), at).await.unwrap();
        let a = tx.insert_organisation(&org("Apotheek A", "apotheek-a"), at).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(a.created_at, at);
        assert_eq!(a.enterprise_number.as_ref().unwrap().formatted(), "0123.456.749");
        let listed = store.organisations().await.unwrap();
        assert_eq!(listed, vec![a.clone(), b.clone()], "listed by name");
        let found = store.organisation_by_slug(&OrgSlug::parse("zorgpunt-b").unwrap()).await.unwrap();
        assert_eq!(found, b);
        let missing = store.organisation_by_slug(&OrgSlug::parse("nobody").unwrap()).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }

    async fn duplicate_slugs_conflict(db) {
        let store = migrated(&db).await;
        let mut tx = store.begin().await.unwrap();
        tx.insert_organisation(&org("One", "same"), now()).await.unwrap();
        let err = tx.insert_organisation(&org("Two", "same"), now()).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    }

    async fn an_uncommitted_transaction_leaves_nothing(db) {
        let store = migrated(&db).await;
        {
            let mut tx = store.begin().await.unwrap();
            tx.insert_organisation(&org("Ghost", "ghost"), now()).await.unwrap();
            // dropped without commit
        }
        assert!(store.organisations().await.unwrap().is_empty());
    }

    async fn sites_are_replaced_in_order_and_atomically(db) {
        let store = migrated(&db).await;
        let mut tx = store.begin().await.unwrap();
        let o = tx.insert_organisation(&org("Net", "net"), now()).await.unwrap();
        let sites = vec![
            NewSite::parse("Campus Zuid", "campus", "Gent").unwrap(),
            NewSite::parse("Labo", "laboratory", "Aalst").unwrap(),
        ];
        tx.replace_sites(o.id, &sites).await.unwrap();
        tx.commit().await.unwrap();
        let stored = store.sites(o.id).await.unwrap();
        assert_eq!(stored.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Campus Zuid", "Labo"]);

        // A duplicate name fails the whole replacement: the previous sites stay.
        let dupes = vec![NewSite::parse("X", "office", "Y").unwrap(), NewSite::parse("X", "office", "Y").unwrap()];
        let mut tx = store.begin().await.unwrap();
        let err = tx.replace_sites(o.id, &dupes).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
        drop(tx);
        assert_eq!(store.sites(o.id).await.unwrap(), stored);
    }

    async fn updates_keep_identity_and_creation_time(db) {
        let store = migrated(&db).await;
        let mut tx = store.begin().await.unwrap();
        let first = tx.insert_organisation(&org("Old name", "keep"), now()).await.unwrap();
        tx.commit().await.unwrap();
        let later = now() + time::Duration::seconds(5);
        let mut tx = store.begin().await.unwrap();
        let updated = tx.update_organisation(&org("New name", "keep"), later).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(updated.id, first.id);
        assert_eq!(updated.created_at, first.created_at);
        assert_eq!(updated.updated_at, later);
        assert_eq!(updated.name.as_str(), "New name");
    }

    async fn audit_appends_chain_and_verify(db) {
        let store = migrated(&db).await;
        for i in 0..3 {
            let mut tx = store.begin().await.unwrap();
            let seq = tx.append_audit(entry(&format!("thing.{i}")), now()).await.unwrap();
            assert_eq!(seq, i + 1);
            tx.commit().await.unwrap();
        }
        // An append in a rolled-back transaction leaves no trace and no gap.
        {
            let mut tx = store.begin().await.unwrap();
            tx.append_audit(entry("ghost"), now()).await.unwrap();
        }
        let report = store.verify_audit_log().await.unwrap().unwrap();
        assert_eq!(report.entries, 3);
        let newest = store.audit_entries(&AuditQuery { limit: 2, ..Default::default() }).await.unwrap();
        assert_eq!(newest.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2]);
        let filtered = store.audit_entries(&AuditQuery { action_prefix: Some("thing.1".into()), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(filtered.len(), 1);
        let underscore = store.audit_entries(&AuditQuery { action_prefix: Some("thing_".into()), limit: 10, ..Default::default() }).await.unwrap();
        assert!(underscore.is_empty(), "LIKE wildcards in filters are literal");
        db.execute_raw("UPDATE audit_events SET summary = 'nothing to see' WHERE seq = 2").await;
        assert_eq!(store.verify_audit_log().await.unwrap(), Err(ChainBreak::Altered { seq: 2 }));
    }

    async fn concurrent_appends_stay_one_chain(db) {
        let store = migrated(&db).await;
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for j in 0..5 {
                    let mut tx = store.begin().await.unwrap();
                    tx.append_audit(entry(&format!("w{i}.{j}")), now()).await.unwrap();
                    tx.commit().await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let report = store.verify_audit_log().await.unwrap().unwrap();
        assert_eq!(report.entries, 40);
    }

    async fn checkpoints_are_signed_in_the_database_and_the_file(db) {
        let store = migrated(&db).await;
        for _ in 0..CHECKPOINT_EVERY {
            let mut tx = store.begin().await.unwrap();
            tx.append_audit(entry("bulk"), now()).await.unwrap();
            tx.commit().await.unwrap();
        }
        let file = std::fs::read_to_string(db.dir.path().join("checkpoints.log")).unwrap();
        assert!(file.starts_with(&format!("{CHECKPOINT_EVERY} ")), "{file}");
        let report = store.verify_audit_log().await.unwrap().unwrap();
        assert_eq!(report.checkpoints, 2, "one in the database, one in the file");
        // Cutting the log and its database checkpoint is still caught by the file copy.
        db.execute_raw("DELETE FROM audit_checkpoints").await;
        db.execute_raw(&format!("DELETE FROM audit_events WHERE seq > {}", CHECKPOINT_EVERY - 10)).await;
        match store.verify_audit_log().await.unwrap() {
            Err(ChainBreak::Truncated { last_seq, checkpoint_seq }) => {
                assert_eq!((last_seq, checkpoint_seq), (CHECKPOINT_EVERY - 10, CHECKPOINT_EVERY));
            }
            other => panic!("expected truncation, got {other:?}"),
        }
    }

    async fn totp_secrets_are_encrypted_and_survive_key_rotation(db) {
        let store = migrated(&db).await;
        let mut tx = store.begin().await.unwrap();
        let email = Email::parse("an@az.example").unwrap();
        let user = tx.insert_user(&NewUser { email, display_name: "An".into(), password_hash: None, is_admin: false, oidc: None }, now()).await.unwrap();
        tx.set_totp(user.id, Some(b"my very secret seed!"), None).await.unwrap();
        tx.commit().await.unwrap();
        let stored = db.fetch_bytes("SELECT totp_secret FROM users").await.unwrap();
        assert!(!stored.windows(8).any(|w| w == b"my very "), "stored encrypted");
        assert_eq!(ward_crypto::field::key_id_of(&stored), Some(1));
        // Copying the ciphertext to another row does not decrypt there.
        assert_eq!(store.totp_secret(user.id).await.unwrap().unwrap().as_slice(), b"my very secret seed!");
        let id = store.add_data_key().await.unwrap();
        assert_eq!(id, 2);
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.reencrypt_totp_secrets(&store).await.unwrap(), 1);
        tx.commit().await.unwrap();
        let stored = db.fetch_bytes("SELECT totp_secret FROM users").await.unwrap();
        assert_eq!(ward_crypto::field::key_id_of(&stored), Some(2));
        assert_eq!(store.totp_secret(user.id).await.unwrap().unwrap().as_slice(), b"my very secret seed!");
        // Another process that loaded only key 1 picks key 2 up on its own.
        let other = Store::connect(&db.target, db.master.clone(), None).await.unwrap();
        assert_eq!(other.totp_secret(user.id).await.unwrap().unwrap().as_slice(), b"my very secret seed!");
        // A different master key is refused outright.
        let wrong = Store::connect(&db.target, ward_store::MasterKey::generate().unwrap(), None).await.unwrap();
        assert!(wrong.load_data_keys().await.is_err());
    }
}
