//! The API's contract is a committed snapshot: any change to it is a visible diff in review.
//! Update deliberately with `INSTA_UPDATE=always cargo test -p ward --test it openapi` (or cargo-insta).

use ward_testkit::{TestApp, TestDb};

use crate::client;

#[tokio::test]
async fn openapi_document_matches_the_snapshot() {
    let document = serde_json::to_value(ward_web::openapi_document()).unwrap();
    insta::assert_json_snapshot!("openapi", document);
}

#[tokio::test]
async fn openapi_document_is_served_and_describes_every_api_route() {
    let app = TestApp::spawn(TestDb::sqlite()).await;
    let res = client().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let served: serde_json::Value = res.json().await.unwrap();
    assert_eq!(served, serde_json::to_value(ward_web::openapi_document()).unwrap());
    let paths = served["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/orgs"));
    assert!(paths.contains_key("/api/v1/orgs/{slug}"));
    // Every documented GET answers for a member (not 404/405): the document is the router.
    let password = app.demo().await;
    let owner = app.sign_in("an.peeters@az-voorbeeldstad.example", &password).await;
    let admin = app.sign_in("admin@az-voorbeeldstad.example", &password).await;
    for (path, ops) in paths {
        if ops.get("get").is_none() {
            continue;
        }
        let assessment = app.ward.assessments(&ward_app::Ctx::cli(), "az-voorbeeldstad").await.unwrap()[0].id;
        let snapshot =
            app.ward.snapshots(&ward_app::Ctx::cli(), "az-voorbeeldstad", assessment).await.unwrap()[0].id;
        let task = app.ward.tasks(&ward_app::Ctx::cli(), "az-voorbeeldstad", true, 1, 0).await.unwrap()[0].id;
        let asset = app
            .ward
            .assets(
                &ward_app::Ctx::cli(),
                "az-voorbeeldstad",
                &ward_app::AssetQuery { limit: 1, ..Default::default() },
            )
            .await
            .unwrap()
            .assets[0]
            .id;
        let concrete = path
            .replace("/tasks/{id}", &format!("/tasks/{task}"))
            .replace("/assets/{id}", &format!("/assets/{asset}"))
            .replace("{slug}", "az-voorbeeldstad")
            .replace("{framework}", "cyfun-2025")
            .replace("{id}", &assessment.to_string())
            .replace("{snapshot}", &snapshot.to_string());
        let who = if path.starts_with("/api/v1/accounts") { &admin } else { &owner };
        let status = who.get(&concrete).await.status();
        assert!(status.is_success(), "{path} answered {status}");
    }
    app.stop().await;
}
