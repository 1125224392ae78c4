//! Single sign-on against a real OpenID Connect provider (panva/oidc-provider on Node.js):
//! discovery, authorization code with PKCE, signed ID tokens, groups mapped to roles.

use std::path::PathBuf;

use serde_json::{Value, json};
use ward_app::{Ctx, SsoConfig};
use ward_domain::{GroupRole, OrgSlug, Role};
use ward_testkit::{OidcProvider, TestApp, on_both_databases};

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

fn account(groups: &[&str]) -> Value {
    json!({"sub": "entra-0001", "email": "els.maes@az-voorbeeldstad.example", "name": "Els Maes", "groups": groups})
}

fn sso_config(issuer: &str, addr: std::net::SocketAddr) -> SsoConfig {
    SsoConfig {
        issuer: issuer.to_owned(),
        client_id: "ward".into(),
        client_secret: "ward-test-client-secret".into(),
        redirect_url: format!("http://{addr}/login/oidc/callback"),
        label: "Sign in with Entra ID".into(),
        groups_claim: "groups".into(),
        admin_group: Some("ward-admins".into()),
        rules: vec![
            GroupRole {
                group: "ward-ciso".into(),
                org: OrgSlug::parse("az-voorbeeldstad").unwrap(),
                role: Role::Owner,
            },
            GroupRole {
                group: "ward-readers".into(),
                org: OrgSlug::parse("az-voorbeeldstad").unwrap(),
                role: Role::Viewer,
            },
        ],
        create_accounts: true,
        extra_scopes: vec!["groups".into()],
    }
}

/// A browser-like client: keeps cookies (Ward's and the provider's) and follows redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(20))
        .build()
        .unwrap()
}

on_both_databases! {
    async fn single_sign_on_creates_the_account_and_maps_groups_to_roles(db) {
        // The provider must know Ward's redirect URL before Ward knows the provider: reserve
        // Ward's port first through spawn_with.
        let mut provider_slot = None;
        let app = TestApp::spawn_with(db, |ward, addr| {
            let redirect = format!("http://{addr}/login/oidc/callback");
            match OidcProvider::start(&provider_dir(), &redirect, &account(&["ward-ciso", "ward-admins"])) {
                Some(p) => {
                    let config = sso_config(&p.issuer, addr);
                    provider_slot = Some(p);
                    ward.with_sso(config)
                }
                None => ward,
            }
        })
        .await;
        let Some(provider) = provider_slot else { return };
        app.demo().await;

        let login = reqwest::get(app.url("/login")).await.unwrap().text().await.unwrap();
        assert!(login.contains("Sign in with Entra ID"), "the sign-in page offers single sign-on");

        let client = browser();
        let res = client.get(app.url("/login/oidc?next=/orgs/az-voorbeeldstad")).send().await.unwrap();
        assert_eq!(res.url().path(), "/orgs/az-voorbeeldstad", "back in Ward, where the person wanted to go");
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("Els Maes"));
        let me: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["email"], "els.maes@az-voorbeeldstad.example");
        assert_eq!(me["admin"], true, "the admin group makes an administrator");
        let members = app.ward.members(&Ctx::cli(), "az-voorbeeldstad").await.unwrap();
        let els = members.iter().find(|m| m.user.email.as_str() == "els.maes@az-voorbeeldstad.example").unwrap();
        assert_eq!(els.membership.role, Role::Owner);
        assert!(els.user.sso);

        // Next sign-in, the provider says she is only a reader now: Ward follows.
        let redirect = format!("http://{}/login/oidc/callback", app.addr);
        let provider = provider.restart(&provider_dir(), &redirect, &account(&["ward-readers"]));
        let client = browser();
        let res = client.get(app.url("/login/oidc")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let members = app.ward.members(&Ctx::cli(), "az-voorbeeldstad").await.unwrap();
        let els = members.iter().find(|m| m.user.email.as_str() == "els.maes@az-voorbeeldstad.example").unwrap();
        assert_eq!(els.membership.role, Role::Viewer);
        let me: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["admin"], false);
        let users = app.ward.users(&Ctx::cli()).await.unwrap();
        assert_eq!(users.iter().filter(|u| u.email.as_str() == "els.maes@az-voorbeeldstad.example").count(), 1, "the same account, found by subject");

        // Groups that map to nothing remove the membership.
        let provider = provider.restart(&provider_dir(), &redirect, &account(&["somewhere-else"]));
        let client = browser();
        client.get(app.url("/login/oidc")).send().await.unwrap();
        let members = app.ward.members(&Ctx::cli(), "az-voorbeeldstad").await.unwrap();
        assert!(members.iter().all(|m| m.user.email.as_str() != "els.maes@az-voorbeeldstad.example"));
        let log = app.ward.audit_log(&Ctx::cli(), "az-voorbeeldstad", &ward_app::AuditFilter { action: Some("member.sso_sync".into()), ..Default::default() }).await.unwrap();
        assert_eq!(log.len(), 3, "every role change from the provider is audited");
        drop(provider);
        app.stop().await;
    }

    async fn forged_or_replayed_answers_are_refused(db) {
        let mut provider_slot = None;
        let app = TestApp::spawn_with(db, |ward, addr| {
            let redirect = format!("http://{addr}/login/oidc/callback");
            match OidcProvider::start(&provider_dir(), &redirect, &account(&["ward-readers"])) {
                Some(p) => {
                    let config = sso_config(&p.issuer, addr);
                    provider_slot = Some(p);
                    ward.with_sso(config)
                }
                None => ward,
            }
        })
        .await;
        let Some(_provider) = provider_slot else { return };
        app.demo().await;
        // Walk the flow by hand to keep the provider's final answer.
        let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let mut url = app.url("/login/oidc");
        let callback = loop {
            let res = client.get(&url).send().await.unwrap();
            let next = res.headers()["location"].to_str().unwrap().to_owned();
            let next = if next.starts_with('/') { format!("{}{next}", res.url().origin().ascii_serialization()) } else { next };
            if next.contains("/login/oidc/callback") {
                break next;
            }
            url = next;
        };
        let forged = callback.replace("state=", "state=x");
        let res = client.get(&forged).send().await.unwrap();
        assert_eq!(res.status(), 401, "unknown state");
        let res = client.get(&callback).send().await.unwrap();
        assert_eq!(res.status(), 303, "the real answer signs in");
        let res = reqwest::Client::new().get(&callback).send().await.unwrap();
        assert_eq!(res.status(), 401, "and works only once");
        let res = client.get(app.url("/login/oidc/callback?error=access_denied")).send().await.unwrap();
        assert_eq!(res.status(), 401);
        app.stop().await;
    }
}
