use ward_testkit::{TestApp, on_both_databases};

use crate::client;

on_both_databases! {
    async fn healthz_answers_ok(db) {
        let app = TestApp::spawn(db).await;
        let res = client().get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers().contains_key("x-request-id"));
        assert_eq!(res.text().await.unwrap(), "ok");
        app.stop().await;
    }

    async fn readyz_reports_database_and_schema(db) {
        let backend = db.backend();
        let app = TestApp::spawn(db).await;
        let res = client().get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ready");
        assert_eq!(body["database"], backend);
        assert_eq!(body["pending_migrations"], 0);
        assert_eq!(body["schema_version"], body["schema_expected"]);

        app.db.add_future_migration().await;
        let res = client().get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(res.status(), 503, "a schema this binary does not know is not ready");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], "schema not current");
        app.stop().await;
    }
}
