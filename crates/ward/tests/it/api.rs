use serde_json::Value;
use ward_testkit::{TestApp, on_both_databases};

use crate::client;

on_both_databases! {
    async fn organisations_are_listed_and_shown(db) {
        let app = TestApp::spawn(db).await;
        let list: Value = client().get(app.url("/api/v1/orgs")).send().await.unwrap().json().await.unwrap();
        assert_eq!(list, serde_json::json!([]));

        app.ward.refresh_demo().await.unwrap();
        let res = client().get(app.url("/api/v1/orgs")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/json");
        let list: Value = res.json().await.unwrap();
        assert_eq!(list[0]["slug"], "az-voorbeeldstad");
        assert_eq!(list[0]["kind"], "hospital");
        assert_eq!(list[0]["enterprise_number"], "0000.000.097");

        let detail: Value = client().get(app.url("/api/v1/orgs/az-voorbeeldstad")).send().await.unwrap().json().await.unwrap();
        assert_eq!(detail["organisation"]["name"], "AZ Voorbeeldstad");
        let sites = detail["sites"].as_array().unwrap();
        assert_eq!(sites.len(), 5);
        assert_eq!(sites[0]["name"], "Campus Sint-Jan");
        app.stop().await;
    }

    async fn errors_are_problem_documents_without_internals(db) {
        let app = TestApp::spawn(db).await;
        for path in ["/api/v1/orgs/nobody", "/api/v1/orgs/NOT%20A%20SLUG", "/api/v1/nothing-here", "/api/v2/orgs"] {
            let res = client().get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 404, "{path}");
            assert_eq!(res.headers()["content-type"], "application/problem+json", "{path}");
            let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["status"], 404);
            assert_eq!(body["type"], "about:blank");
            assert_eq!(body["request_id"], request_id.as_str(), "the body quotes the request id");
        }
        app.stop().await;
    }

    async fn a_valid_incoming_request_id_is_kept(db) {
        let app = TestApp::spawn(db).await;
        let res = client().get(app.url("/api/v1/orgs/x1")).header("x-request-id", "lb-1234").send().await.unwrap();
        assert_eq!(res.headers()["x-request-id"], "lb-1234");
        let res = client().get(app.url("/healthz")).header("x-request-id", "bad id with spaces").send().await.unwrap();
        assert_ne!(res.headers()["x-request-id"], "bad id with spaces");
        app.stop().await;
    }

    async fn oversized_bodies_are_refused(db) {
        let app = TestApp::spawn(db).await;
        let body = "lang=nl&return_to=".to_owned() + &"a".repeat(2 * 1024 * 1024);
        let res = client()
            .post(app.url("/language"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413);
        app.stop().await;
    }
}
