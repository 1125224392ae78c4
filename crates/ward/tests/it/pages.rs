use ward_testkit::{TestApp, on_both_databases};

use crate::client;

async fn get_page(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut req = client().get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

on_both_databases! {
    async fn home_lists_organisations_or_explains_how_to_start(db) {
        let app = TestApp::spawn(db).await;
        let (status, headers, html) = get_page(&app, "/", &[]).await;
        assert_eq!(status, 200);
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(html.contains("No organisation yet"), "empty state");
        assert!(html.contains("ward demo"));

        app.ward.refresh_demo().await.unwrap();
        let (_, _, html) = get_page(&app, "/", &[]).await;
        assert!(html.contains(r#"<a href="/orgs/az-voorbeeldstad">AZ Voorbeeldstad</a>"#));
        assert!(html.contains("Hospital"));
        app.stop().await;
    }

    async fn pages_speak_the_readers_language(db) {
        let app = TestApp::spawn(db).await;
        app.ward.refresh_demo().await.unwrap();
        let cases = [
            (vec![], "lang=\"en\"", "Sites", "Outpatient centre"),
            (vec![("accept-language", "nl-BE,nl;q=0.9,en;q=0.5")], "lang=\"nl\"", "Vestigingen", "Polikliniek"),
            (vec![("accept-language", "fr-BE")], "lang=\"fr\"", "Commune", "Polyclinique"),
            (vec![("accept-language", "nl-BE"), ("cookie", "ward_lang=fr")], "lang=\"fr\"", "Centre de données", "Hôpital"),
        ];
        for (headers, lang, word, kind) in cases {
            let (status, _, html) = get_page(&app, "/orgs/az-voorbeeldstad", &headers).await;
            assert_eq!(status, 200);
            assert!(html.contains(&format!("<html {lang}>")), "{lang}");
            assert!(html.contains(word), "{lang} should contain {word}");
            assert!(html.contains(kind), "{lang} should contain {kind}");
        }
        app.stop().await;
    }

    async fn the_organisation_page_shows_its_profile_sites_and_navigation(db) {
        let app = TestApp::spawn(db).await;
        app.ward.refresh_demo().await.unwrap();
        app.ward
            .create_organisation(&ward_app::OrganisationInput { name: "Huisartsen <Noord>".into(), ..Default::default() })
            .await
            .unwrap();
        let (status, _, html) = get_page(&app, "/orgs/az-voorbeeldstad", &[]).await;
        assert_eq!(status, 200);
        assert!(html.contains("<h1>AZ Voorbeeldstad</h1>"));
        assert!(html.contains("0000.000.097"));
        assert!(html.contains("Campus Heilig Hart"));
        assert!(html.contains(r#"<a href="/orgs/az-voorbeeldstad" aria-current="page">Overview</a>"#));
        // The switcher offers the other organisation, escaped.
        assert!(html.contains("Huisartsen &#60;Noord&#62;") || html.contains("Huisartsen &lt;Noord&gt;"), "escaped name");
        assert!(!html.contains("Huisartsen <Noord>"));
        // Accessibility basics: a skip link to main, labelled navigation, language buttons state.
        assert!(html.contains(r##"<a class="skip-link" href="#main">"##));
        assert!(html.contains(r#"<main id="main""#));
        assert!(html.contains(r#"aria-pressed="true""#));
        app.stop().await;
    }

    async fn changing_language_sets_a_cookie_redirects_back_and_flashes_once(db) {
        let app = TestApp::spawn(db).await;
        app.ward.refresh_demo().await.unwrap();
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

        let (_, headers, html) =
            get_page(&app, "/orgs/az-voorbeeldstad", &[("cookie", "ward_lang=nl; ward_flash=language_changed")]).await;
        assert!(html.contains(r#"<p class="flash" role="status">Taal gewijzigd.</p>"#));
        let cleared = headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with("ward_flash=;"));
        assert!(cleared, "the flash is shown once");

        // A forged flash cookie shows nothing; an open redirect is refused.
        let (_, _, html) = get_page(&app, "/", &[("cookie", "ward_flash=<script>")]).await;
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
        for path in ["/no/such/page", "/orgs/nobody", "/orgs/NOT-valid"] {
            let (status, headers, html) = get_page(&app, path, &[("accept-language", "fr")]).await;
            assert_eq!(status, 404, "{path}");
            assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
            assert!(html.contains("Page introuvable"), "{path}");
            assert!(html.contains(r#"href="/""#));
        }
        app.stop().await;
    }

    async fn every_response_carries_security_headers(db) {
        let app = TestApp::spawn(db).await;
        for path in ["/", "/healthz", "/api/v1/orgs", "/assets/ward.css", "/missing"] {
            let (_, headers, _) = get_page(&app, path, &[]).await;
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}");
            assert!(!csp.contains("unsafe-inline"));
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["x-frame-options"], "DENY");
            assert_eq!(headers["referrer-policy"], "same-origin");
        }
        app.stop().await;
    }

    async fn assets_are_embedded_and_revalidated(db) {
        let app = TestApp::spawn(db).await;
        let (status, headers, css) = get_page(&app, "/assets/ward.css", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "text/css; charset=utf-8");
        assert!(css.contains(":root"));
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let (status, _, _) = get_page(&app, "/assets/ward.css", &[("if-none-match", &etag)]).await;
        assert_eq!(status, 304);
        let (status, _, _) = get_page(&app, "/assets/../Cargo.toml", &[]).await;
        assert_eq!(status, 404);
        let (status, headers, _) = get_page(&app, "/assets/favicon.svg", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/svg+xml");
        app.stop().await;
    }
}
