use ward_testkit::{Client, TestApp, on_both_databases};

use crate::client;

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";

/// A page as `who` sees it, with extra headers (a `cookie` header is added to the session's).
async fn page(
    app: &TestApp,
    who: Option<&Client>,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut cookie =
        who.and_then(|c| c.session.clone()).map(|s| format!("ward_session={s}")).unwrap_or_default();
    let mut req = client().get(app.url(path));
    for (k, v) in headers {
        if k.eq_ignore_ascii_case("cookie") {
            cookie = format!("{cookie}; {v}");
        } else {
            req = req.header(*k, *v);
        }
    }
    let res = req.header("cookie", cookie).send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

async fn with_owner(app: &TestApp) -> Client {
    let password = app.demo().await;
    app.sign_in(OWNER, &password).await
}

on_both_databases! {
    async fn home_lists_the_readers_organisations(db) {
        let app = TestApp::spawn(db).await;
        let (status, headers, _) = page(&app, None, "/", &[]).await;
        assert_eq!(status, 303, "anonymous readers are sent to sign in");
        assert_eq!(headers["location"], "/login?next=/");
        let owner = with_owner(&app).await;
        app.ward.create_organisation(&ward_app::Ctx::cli(), &ward_app::OrganisationInput { name: "Other Clinic".into(), ..Default::default() }).await.unwrap();
        let (status, headers, html) = page(&app, Some(&owner), "/", &[]).await;
        assert_eq!(status, 200);
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(html.contains(r#"<a href="/orgs/az-voorbeeldstad">AZ Voorbeeldstad</a>"#));
        assert!(!html.contains("Other Clinic"), "organisations the reader does not belong to stay hidden");
        app.stop().await;
    }

    async fn pages_speak_the_readers_language(db) {
        let app = TestApp::spawn(db).await;
        let owner = with_owner(&app).await;
        let cases = [
            (vec![], "lang=\"en\"", "Sites", "Outpatient centre"),
            (vec![("accept-language", "nl-BE,nl;q=0.9,en;q=0.5")], "lang=\"nl\"", "Vestigingen", "Polikliniek"),
            (vec![("accept-language", "fr-BE")], "lang=\"fr\"", "Commune", "Polyclinique"),
            (vec![("accept-language", "nl-BE"), ("cookie", "ward_lang=fr")], "lang=\"fr\"", "Centre de données", "Hôpital"),
        ];
        for (headers, lang, word, kind) in cases {
            let (status, _, html) = page(&app, Some(&owner), "/orgs/az-voorbeeldstad", &headers).await;
            assert_eq!(status, 200);
            assert!(html.contains(&format!("<html {lang}>")), "{lang}");
            assert!(html.contains(word), "{lang} should contain {word}");
            assert!(html.contains(kind), "{lang} should contain {kind}");
        }
        // A signed-in person's own choice follows them, whatever the browser says.
        let res = owner.post_form("/language", &[("lang", "nl"), ("return_to", "/")]).await;
        assert_eq!(res.status(), 303);
        let (_, _, html) = page(&app, Some(&owner), "/orgs/az-voorbeeldstad", &[("accept-language", "fr")]).await;
        assert!(html.contains("<html lang=\"nl\">"));
        app.stop().await;
    }

    async fn the_organisation_page_shows_its_profile_sites_and_navigation(db) {
        let app = TestApp::spawn(db).await;
        let owner = with_owner(&app).await;
        let (status, _, html) = page(&app, Some(&owner), "/orgs/az-voorbeeldstad", &[]).await;
        assert_eq!(status, 200);
        assert!(html.contains("<h1>AZ Voorbeeldstad</h1>"));
        assert!(html.contains("0000.000.097"));
        assert!(html.contains("Campus Heilig Hart"));
        assert!(html.contains(r#"<a href="/orgs/az-voorbeeldstad" aria-current="page">Overview</a>"#));
        assert!(html.contains(r#"href="/orgs/az-voorbeeldstad/settings""#), "owners see settings");
        assert!(html.contains(r##"<a class="skip-link" href="#main">"##));
        assert!(html.contains(r#"<main id="main""#));
        assert!(html.contains(r#"aria-pressed="true""#));
        assert!(html.contains("An Peeters (CISO)"), "the account menu names the reader");
        // A viewer sees no settings or audit log in the menu.
        let password = app.ward.refresh_demo(&ward_app::Ctx::cli()).await.unwrap().password;
        let viewer = app.sign_in("directie@az-voorbeeldstad.example", &password).await;
        let (_, _, html) = page(&app, Some(&viewer), "/orgs/az-voorbeeldstad", &[]).await;
        assert!(!html.contains("/orgs/az-voorbeeldstad/settings") && !html.contains("/orgs/az-voorbeeldstad/audit"));
        app.stop().await;
    }

    async fn changing_language_sets_a_cookie_redirects_back_and_flashes_once(db) {
        let app = TestApp::spawn(db).await;
        let owner = with_owner(&app).await;
        let res = client()
            .post(app.url("/language"))
            .form(&[("lang", "nl"), ("return_to", "/orgs/az-voorbeeldstad")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/orgs/az-voorbeeldstad");
        let cookies: Vec<_> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        assert!(cookies.iter().any(|c| c.starts_with("ward_lang=nl;") && c.contains("HttpOnly") && c.contains("SameSite=Lax")));
        assert!(cookies.iter().any(|c| c.starts_with("ward_flash=language_changed")));

        let (_, headers, html) = page(&app, Some(&owner), "/orgs/az-voorbeeldstad", &[("cookie", "ward_lang=nl; ward_flash=language_changed")]).await;
        assert!(html.contains(r#"<p class="flash" role="status">Taal gewijzigd.</p>"#));
        let cleared = headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with("ward_flash=;"));
        assert!(cleared, "the flash is shown once");

        let (_, _, html) = page(&app, Some(&owner), "/", &[("cookie", "ward_flash=<script>")]).await;
        assert!(!html.contains("class=\"flash\""));
        let res = client().post(app.url("/language")).form(&[("lang", "fr"), ("return_to", "//evil.example/")]).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/");
        let res = client().post(app.url("/language")).form(&[("lang", "de")]).send().await.unwrap();
        assert_eq!(res.status(), 422);
        app.stop().await;
    }

    async fn cross_site_form_posts_are_refused(db) {
        let app = TestApp::spawn(db).await;
        for (header, value) in [("sec-fetch-site", "cross-site"), ("origin", "http://evil.example")] {
            let res = client().post(app.url("/language")).header(header, value).form(&[("lang", "nl")]).send().await.unwrap();
            assert_eq!(res.status(), 403, "{header}: {value}");
            assert!(res.headers().get("set-cookie").is_none(), "nothing changed");
        }
        let origin = format!("http://{}", app.addr);
        let res = client().post(app.url("/language")).header("origin", origin).form(&[("lang", "nl")]).send().await.unwrap();
        assert_eq!(res.status(), 303, "same origin is fine");
        app.stop().await;
    }

    async fn unknown_pages_get_a_friendly_localised_404(db) {
        let app = TestApp::spawn(db).await;
        let owner = with_owner(&app).await;
        for path in ["/no/such/page", "/orgs/nobody", "/orgs/NOT-valid"] {
            let (status, headers, html) = page(&app, Some(&owner), path, &[("accept-language", "fr")]).await;
            assert_eq!(status, 404, "{path}");
            assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
            assert!(html.contains("Page introuvable"), "{path}");
            assert!(html.contains(r#"href="/""#));
        }
        app.stop().await;
    }

    async fn every_response_carries_security_headers(db) {
        let app = TestApp::spawn(db).await;
        for path in ["/", "/login", "/healthz", "/api/v1/orgs", "/assets/ward.css", "/missing"] {
            let (_, headers, _) = page(&app, None, path, &[]).await;
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}");
            assert!(!csp.contains("unsafe-inline"));
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["x-frame-options"], "DENY");
            assert_eq!(headers["referrer-policy"], "same-origin");
            if !path.starts_with("/assets/") {
                assert_eq!(headers["cache-control"], "no-store", "{path}");
            }
            assert!(headers.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
        }
        app.stop().await;
    }

    async fn assets_are_embedded_and_revalidated(db) {
        let app = TestApp::spawn(db).await;
        let (status, headers, css) = page(&app, None, "/assets/ward.css", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "text/css; charset=utf-8");
        assert!(css.contains(":root"));
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let (status, _, _) = page(&app, None, "/assets/ward.css", &[("if-none-match", &etag)]).await;
        assert_eq!(status, 304);
        let (status, _, _) = page(&app, None, "/assets/../Cargo.toml", &[]).await;
        assert_eq!(status, 404);
        let (status, headers, _) = page(&app, None, "/assets/favicon.svg", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/svg+xml");
        app.stop().await;
    }

    async fn the_scoping_wizard_answers_keeps_typed_values_and_exports_dates(db) {
        let app = TestApp::spawn(db).await;
        let owner = with_owner(&app).await;
        let (status, _, html) = page(&app, Some(&owner), "/orgs/az-voorbeeldstad/scoping", &[]).await;
        assert_eq!(status, 200);
        assert!(html.contains(r#"data-code="essential""#), "the demo hospital is scoped as essential");
        for date in ["2025-03-18", "2026-04-18", "2027-04-18"] {
            assert!(html.contains(&format!(r#"<time datetime="{date}">"#)), "{date} on the timeline");
        }
        let res = owner.get("/orgs/az-voorbeeldstad/scoping.ics").await;
        assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
        let ics = res.text().await.unwrap();
        assert!(ics.contains("DTSTART;VALUE=DATE:20270418") && ics.contains("TRIGGER:-P30D"));

        // A mistake: everything typed stays, and the problem is named.
        let bad = [("employees", "-5"), ("turnover_eur", "12 000 000"), ("balance_eur", "abc"), ("established_in_belgium", "on")];
        let res = owner.post_form("/orgs/az-voorbeeldstad/scoping", &bad).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"id="form-errors""#));
        assert!(html.contains("balance_eur") && html.contains("sectors"), "names the fields");
        assert!(html.contains(r#"value="-5""#) && html.contains(r#"value="12 000 000""#), "keeps what was typed");

        // A medium clinic: important, CyFun Important.
        let clinic = [("sector", "healthcare-provider"), ("employees", "120"), ("turnover_eur", "12.000.000"), ("balance_eur", "8000000"), ("established_in_belgium", "on")];
        let res = owner.post_form("/orgs/az-voorbeeldstad/scoping", &clinic).await;
        assert_eq!(res.status(), 303);
        let (_, _, html) = page(&app, Some(&owner), "/orgs/az-voorbeeldstad/scoping", &[]).await;
        assert!(html.contains(r#"data-code="important""#));
        assert!(html.contains(r#"<dd id="target-level">CyFun important"#));

        // Overriding the recommendation needs a reason, which is kept and audited.
        let mut higher = clinic.to_vec();
        higher.push(("target_level", "essential"));
        let res = owner.post_form("/orgs/az-voorbeeldstad/scoping", &higher).await;
        assert_eq!(res.status(), 422, "no reason given");
        higher.push(("override_reason", "The board wants certification at Essential by 2027"));
        let res = owner.post_form("/orgs/az-voorbeeldstad/scoping", &higher).await;
        assert_eq!(res.status(), 303);
        let saved = app.ward.scoping(&ward_app::Ctx::cli(), "az-voorbeeldstad").await.unwrap().unwrap();
        assert_eq!(saved.target_level.code(), "essential");
        assert_eq!(saved.override_reason.as_deref(), Some("The board wants certification at Essential by 2027"));
        let log = app.ward.audit_log(&ward_app::Ctx::cli(), "az-voorbeeldstad", &ward_app::AuditFilter { action: Some("scoping.".into()), ..Default::default() }).await.unwrap();
        assert!(log[0].entry.summary.contains("override"));

        // A viewer reads the result but gets no form.
        let password = app.ward.refresh_demo(&ward_app::Ctx::cli()).await.unwrap().password;
        let viewer = app.sign_in("directie@az-voorbeeldstad.example", &password).await;
        let (status, _, html) = page(&app, Some(&viewer), "/orgs/az-voorbeeldstad/scoping", &[("accept-language", "nl")]).await;
        assert_eq!(status, 200);
        assert!(!html.contains(r#"<form class="scoping""#));
        assert!(html.contains("Essentiële entiteit"), "the refreshed demo is essential again, in Dutch");
        assert!(html.contains("Een grote onderneming in een sector van bijlage I is een essentiële entiteit."), "the reasons too");
        assert!(html.contains("Registreer de organisatie bij het CCB op Safeonweb@work."), "and the obligations");

        // The same through the API.
        let owner = app.sign_in(OWNER, &password).await;
        let saved: serde_json::Value = owner.get("/api/v1/orgs/az-voorbeeldstad/scoping").await.json().await.unwrap();
        assert_eq!(saved["result"]["nis2"], "essential");
        assert_eq!(saved["target_level"], "essential");
        let answers = serde_json::json!({"sectors": ["healthcare-provider"], "employees": 60, "turnover_eur": 5_000_000, "balance_eur": 4_000_000});
        let res = owner.json(reqwest::Method::PUT, "/api/v1/orgs/az-voorbeeldstad/scoping", Some(serde_json::json!({"answers": answers, "target_level": "basic"}))).await;
        assert_eq!(res.status(), 422, "an override needs a reason");
        let res = owner.json(reqwest::Method::PUT, "/api/v1/orgs/az-voorbeeldstad/scoping", Some(serde_json::json!({"answers": answers}))).await;
        assert_eq!(res.status(), 200);
        let saved: serde_json::Value = res.json().await.unwrap();
        assert_eq!(saved["result"]["nis2"], "important");
        let viewer_put = viewer.json(reqwest::Method::PUT, "/api/v1/orgs/az-voorbeeldstad/scoping", Some(serde_json::json!({"answers": answers}))).await;
        assert_eq!(viewer_put.status(), 403);
        app.stop().await;
    }

    async fn the_wizard_agrees_with_the_shared_table(db) {
        let app = TestApp::spawn(db).await;
        let owner = with_owner(&app).await;
        for (staff, turnover, balance, linked, designated, nis2, level) in crate::SCOPING_CASES {
            let form = [
                ("sector", "healthcare-provider"),
                ("employees", staff),
                ("turnover_eur", turnover),
                ("balance_eur", balance),
                ("linked_employees", linked),
                ("designated", designated),
                ("established_in_belgium", "on"),
            ];
            let res = owner.post_form("/orgs/az-voorbeeldstad/scoping", &form).await;
            assert_eq!(res.status(), 303, "{form:?}");
            let (_, _, html) = page(&app, Some(&owner), "/orgs/az-voorbeeldstad/scoping", &[]).await;
            assert!(html.contains(&format!(r#"data-code="{nis2}""#)), "{form:?} → {nis2}");
            assert!(html.contains(&format!(r#"<dd id="cyfun-level">CyFun {level}</dd>"#)), "{form:?} → {level}");
        }
        app.stop().await;
    }
}
