//! The storage contract, run on SQLite and on PostgreSQL with the same bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::OffsetDateTime;
use ward_domain::{NewOrganisation, NewSite, OrgSlug};
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
    let store = Store::connect(&db.target).await.unwrap();
    store.migrate().await.unwrap();
    store
}

on_both_databases! {
    async fn migrations_create_the_schema_once(db) {
        let store = Store::connect(&db.target).await.unwrap();
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
}
