use serde_json::Value;
use ward_testkit::{TestApp, on_both_databases};

use crate::client;

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";

on_both_databases! {
    async fn organisations_are_listed_and_shown_to_members(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let res = owner.get("/api/v1/orgs").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/json");
        let list: Value = res.json().await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["slug"], "az-voorbeeldstad");
        assert_eq!(list[0]["kind"], "hospital");
        assert_eq!(list[0]["enterprise_number"], "0000.000.097");

        let detail: Value = owner.get("/api/v1/orgs/az-voorbeeldstad").await.json().await.unwrap();
        assert_eq!(detail["organisation"]["name"], "AZ Voorbeeldstad");
        let sites = detail["sites"].as_array().unwrap();
        assert_eq!(sites.len(), 5);
        assert_eq!(sites[0]["name"], "Campus Sint-Jan");

        let me: Value = owner.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["email"], OWNER);
        let members: Value = owner.get("/api/v1/orgs/az-voorbeeldstad/members").await.json().await.unwrap();
        assert_eq!(members.as_array().unwrap().len(), 5);
        app.stop().await;
    }

    async fn errors_are_problem_documents_without_internals(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        for path in ["/api/v1/orgs/nobody", "/api/v1/orgs/NOT%20A%20SLUG", "/api/v1/nothing-here", "/api/v2/orgs"] {
            let res = owner.get(path).await;
            assert_eq!(res.status(), 404, "{path}");
            assert_eq!(res.headers()["content-type"], "application/problem+json", "{path}");
            let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["status"], 404);
            assert_eq!(body["type"], "about:blank");
            assert_eq!(body["request_id"], request_id.as_str(), "the body quotes the request id");
        }
        let res = client().get(app.url("/api/v1/orgs")).send().await.unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        app.stop().await;
    }

    async fn a_valid_incoming_request_id_is_kept(db) {
        let app = TestApp::spawn(db).await;
        let res = client().get(app.url("/healthz")).header("x-request-id", "lb-1234").send().await.unwrap();
        assert_eq!(res.headers()["x-request-id"], "lb-1234");
        let res = client().get(app.url("/healthz")).header("x-request-id", "bad id with spaces").send().await.unwrap();
        assert_ne!(res.headers()["x-request-id"], "bad id with spaces");
        app.stop().await;
    }

    async fn oversized_and_malformed_bodies_are_refused(db) {
        let app = TestApp::spawn(db).await;
        // Announce a 2 MiB body and send none: the limit answers from the headers alone.
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let head = format!(
            "POST /language HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            app.addr,
            2 * 1024 * 1024
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 64];
        let n = stream.read(&mut answer).await.unwrap();
        let status_line = String::from_utf8_lossy(&answer[..n]).lines().next().unwrap_or("").to_owned();
        assert_eq!(status_line, "HTTP/1.1 413 Payload Too Large");
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let res = owner.json(reqwest::Method::PUT, "/api/v1/orgs/az-voorbeeldstad/members", Some(serde_json::json!({"email": 5}))).await;
        assert!(res.status().is_client_error(), "malformed JSON: {}", res.status());
        let res = owner.json(reqwest::Method::PUT, "/api/v1/orgs/az-voorbeeldstad/members", Some(serde_json::json!({"email": OWNER, "role": "emperor"}))).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "role");
        app.stop().await;
    }
}
