//! Ward's own security, end to end: sign-in, sessions, CSRF, MFA, roles and organisations,
//! API tokens, and the authorisation matrix over every route.

use reqwest::Method;
use serde_json::{Value, json};
use ward_app::{Ctx, NewAccount, OrganisationInput};
use ward_domain::Role;
use ward_testkit::{Client, TestApp, csrf_in, on_both_databases, session_cookie_of};
use ward_web::auth::Access;
use ward_web::{AppState, WebOptions, route_table};

use crate::client;

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";
const OFFICER: &str = "karim.elamrani@az-voorbeeldstad.example";
const CONTRIBUTOR: &str = "lotte.janssens@az-voorbeeldstad.example";
const AUDITOR: &str = "auditor@cab-voorbeeld.example";
const VIEWER: &str = "directie@az-voorbeeldstad.example";
const ADMIN: &str = "admin@az-voorbeeldstad.example";
const OUTSIDER: &str = "owner@other-clinic.example";

/// The demo hospital's team, plus the owner of another organisation.
async fn team(app: &TestApp) -> (String, String) {
    let password = app.demo().await;
    let ctx = Ctx::cli();
    app.ward
        .create_organisation(
            &ctx,
            &OrganisationInput {
                name: "Other Clinic".into(),
                kind: Some("clinic".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let outsider = app
        .ward
        .create_account(
            &ctx,
            &NewAccount {
                email: OUTSIDER.into(),
                display_name: Some("Other owner".into()),
                password: Some(password.clone()),
                admin: false,
            },
        )
        .await
        .unwrap();
    app.ward.set_member(&ctx, "other-clinic", outsider.user.email.as_str(), Role::Owner, None).await.unwrap();
    (password, "other-clinic".into())
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

fn totp_now(key_base32: &str) -> String {
    let secret = base32::decode(key_base32);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    format!("{:06}", ward_crypto::totp::code_at_step(&secret, ward_crypto::totp::step_of(now)))
}

mod base32 {
    /// RFC 4648 base32 without padding (what authenticator apps are given).
    pub fn decode(s: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut bits = 0u64;
        let mut n = 0;
        let mut out = Vec::new();
        for c in s.bytes() {
            let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u64;
            bits = (bits << 5) | v;
            n += 5;
            if n >= 8 {
                n -= 8;
                out.push((bits >> n) as u8);
                bits &= (1 << n) - 1;
            }
        }
        out
    }
}

/// Turns on TOTP for a signed-in client through the pages; returns the key and recovery codes.
async fn enrol_totp(c: &Client) -> (String, Vec<String>) {
    let res = c.post_form("/account/mfa/start", &[]).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let key = html.split("id=\"totp-key\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let res = c.post_form("/account/mfa", &[("code", &totp_now(&key))]).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let list =
        html.split("<ul class=\"codes\" id=\"secret\">").nth(1).unwrap().split("</ul>").next().unwrap();
    let codes =
        list.split("<li>").skip(1).map(|s| s.split('<').next().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(codes.len(), 10);
    (key, codes)
}

/// One party in the authorisation matrix.
#[derive(Clone)]
struct MatrixActor {
    name: String,
    role: Option<Role>,
    admin: bool,
    client: Option<Client>,
    bearer: bool,
}

on_both_databases! {
    async fn sign_in_failures_do_not_tell_whether_an_account_exists(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let anon = Client::new(&app);
        let wrong = anon.post_form_anonymous("/login", &[("email", OWNER), ("password", "not the password!")]).await;
        let unknown = anon.post_form_anonymous("/login", &[("email", "nobody@nowhere.example"), ("password", "not the password!")]).await;
        assert_eq!(wrong.status(), 401);
        assert_eq!(unknown.status(), 401);
        let strip = |html: String| html.replace("nobody@nowhere.example", "").replace(OWNER, "");
        assert_eq!(strip(wrong.text().await.unwrap()), strip(unknown.text().await.unwrap()), "same page either way");
        // The right password still works (two failures are below the throttle).
        let ok = anon.post_form_anonymous("/login", &[("email", OWNER), ("password", &password)]).await;
        assert_eq!(ok.status(), 303);
        let cookie = ok.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).find(|c| c.starts_with("ward_session=")).unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
        // Failures are in the audit log as security events.
        let failures = app.ward.installation_audit_log(&Ctx::cli(), &ward_app::AuditFilter { action: Some("session.sign_in_failed".into()), ..Default::default() }).await.unwrap();
        assert_eq!(failures.len(), 2);
        assert!(!failures.iter().any(|e| e.entry.details.contains("not the password")), "passwords never reach the log");
        app.stop().await;
    }

    async fn repeated_failures_throttle_the_account(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let anon = Client::new(&app);
        for _ in 0..ward_app::MAX_FAILURES_PER_ACCOUNT {
            let res = anon.post_form_anonymous("/login", &[("email", VIEWER), ("password", "wrong password 123")]).await;
            assert_eq!(res.status(), 401);
        }
        let res = anon.post_form_anonymous("/login", &[("email", VIEWER), ("password", &password)]).await;
        assert_eq!(res.status(), 429, "even the right password waits");
        // Other accounts are not affected.
        let res = anon.post_form_anonymous("/login", &[("email", OWNER), ("password", &password)]).await;
        assert_eq!(res.status(), 303);
        app.stop().await;
    }

    async fn sessions_end_on_sign_out_everywhere_and_when_disabled(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let first = app.sign_in(OFFICER, &password).await;
        let second = app.sign_in(OFFICER, &password).await;
        assert_eq!(first.get("/orgs/az-voorbeeldstad").await.status(), 200);
        let res = first.post_form("/logout", &[]).await;
        assert_eq!(location(&res), "/login");
        assert_eq!(res.headers()["clear-site-data"], "\"cache\", \"storage\"");
        assert_eq!(location(&first.get("/orgs/az-voorbeeldstad").await), "/login?next=/orgs/az-voorbeeldstad", "the old cookie is dead");
        assert_eq!(second.get("/orgs/az-voorbeeldstad").await.status(), 200, "other sessions live on");
        let res = second.post_form("/account/sessions/end", &[]).await;
        assert_eq!(res.status(), 303);
        let third = app.sign_in(OFFICER, &password).await;
        let viewer = app.sign_in(VIEWER, &password).await;
        let admin = app.sign_in(ADMIN, &password).await;
        let res = admin.post_form("/admin/users/status", &[("email", VIEWER), ("disabled", "true")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(viewer.get("/orgs/az-voorbeeldstad").await.status(), 303, "disabling ends the session at once");
        let res = Client::new(&app).post_form_anonymous("/login", &[("email", VIEWER), ("password", &password)]).await;
        assert_eq!(res.status(), 401, "and refuses sign-in");
        assert_eq!(third.get("/orgs/az-voorbeeldstad").await.status(), 200);
        app.stop().await;
    }

    async fn sessions_expire_when_idle_and_at_their_absolute_end(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let idle = app.sign_in(VIEWER, &password).await;
        let old = app.sign_in(AUDITOR, &password).await;
        let fresh = app.sign_in(OFFICER, &password).await;
        let minutes_ago = |m: i64| (time::OffsetDateTime::now_utc() - time::Duration::minutes(m)).format(&time::format_description::well_known::Rfc3339).unwrap();
        let viewer_id = app.ward.users(&Ctx::cli()).await.unwrap().into_iter().find(|u| u.email.as_str() == VIEWER).unwrap().id;
        let auditor_id = app.ward.users(&Ctx::cli()).await.unwrap().into_iter().find(|u| u.email.as_str() == AUDITOR).unwrap().id;
        let (idle_sql, old_sql) = match app.db.backend() {
            "postgres" => (
                format!("UPDATE sessions SET last_seen_at = '{}' WHERE user_id = '{viewer_id}'", minutes_ago(31)),
                format!("UPDATE sessions SET expires_at = '{}' WHERE user_id = '{auditor_id}'", minutes_ago(1)),
            ),
            _ => (
                format!("UPDATE sessions SET last_seen_at = '{}' WHERE user_id = X'{}'", minutes_ago(31), viewer_id.simple()),
                format!("UPDATE sessions SET expires_at = '{}' WHERE user_id = X'{}'", minutes_ago(1), auditor_id.simple()),
            ),
        };
        app.db.execute_raw(&idle_sql).await;
        app.db.execute_raw(&old_sql).await;
        assert_eq!(idle.get("/orgs/az-voorbeeldstad").await.status(), 303, "31 minutes idle: signed out");
        assert_eq!(old.get("/orgs/az-voorbeeldstad").await.status(), 303, "past the absolute end: signed out");
        assert_eq!(fresh.get("/orgs/az-voorbeeldstad").await.status(), 200);
        app.stop().await;
    }

    async fn changing_the_password_ends_every_session(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let here = app.sign_in(OFFICER, &password).await;
        let elsewhere = app.sign_in(OFFICER, &password).await;
        let res = here.post_form("/account/password", &[("current", "wrong password here"), ("new", "a brand new passphrase")]).await;
        assert_eq!(res.status(), 422);
        let res = here.post_form("/account/password", &[("current", &password), ("new", "short")]).await;
        assert_eq!(res.status(), 422, "the new password follows the rules");
        let res = here.post_form("/account/password", &[("current", &password), ("new", "a brand new passphrase")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(elsewhere.get("/orgs/az-voorbeeldstad").await.status(), 303, "other sessions ended");
        assert_eq!(here.get("/orgs/az-voorbeeldstad").await.status(), 303, "this one too");
        let anon = Client::new(&app);
        assert_eq!(anon.post_form_anonymous("/login", &[("email", OFFICER), ("password", &password)]).await.status(), 401);
        assert_eq!(anon.post_form_anonymous("/login", &[("email", OFFICER), ("password", "a brand new passphrase")]).await.status(), 303);
        let log = app.ward.installation_audit_log(&Ctx::cli(), &ward_app::AuditFilter::default()).await.unwrap();
        assert!(log.iter().any(|e| e.entry.summary.contains("wrong current password")), "the failed attempt is audited");
        app.stop().await;
    }

    async fn state_changes_need_the_sessions_csrf_token(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let owner = app.sign_in(OWNER, &password).await;
        let other = app.sign_in(OFFICER, &password).await;
        let form = [("email", VIEWER), ("role", "auditor"), ("until", "")];
        let res = owner.post_form_anonymous("/orgs/az-voorbeeldstad/members", &form).await;
        assert_eq!(res.status(), 403, "no token");
        let mut forged = form.to_vec();
        let other_token = other.csrf.clone().unwrap();
        forged.push(("_csrf", &other_token));
        let res = owner.post_form_anonymous("/orgs/az-voorbeeldstad/members", &forged).await;
        assert_eq!(res.status(), 403, "another session's token");
        let members = app.ward.members(&Ctx::cli(), "az-voorbeeldstad").await.unwrap();
        assert_eq!(members.iter().find(|m| m.user.email.as_str() == VIEWER).unwrap().membership.role, Role::Viewer, "nothing changed");
        let res = owner.post_form("/orgs/az-voorbeeldstad/members", &form).await;
        assert_eq!(res.status(), 303, "the right token");
        // JSON calls with a session need the header too.
        let mut no_header = owner.clone();
        no_header.csrf = None;
        let res = no_header.json(Method::PUT, "/api/v1/orgs/az-voorbeeldstad/members", Some(json!({"email": VIEWER, "role": "viewer"}))).await;
        assert_eq!(res.status(), 403);
        let res = owner.json(Method::PUT, "/api/v1/orgs/az-voorbeeldstad/members", Some(json!({"email": VIEWER, "role": "viewer"}))).await;
        assert_eq!(res.status(), 200);
        app.stop().await;
    }

    async fn two_step_verification_enrols_and_guards_sign_in(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let officer = app.sign_in(OFFICER, &password).await;
        let (key, codes) = enrol_totp(&officer).await;
        let stored = app.db.fetch_bytes("SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL").await.unwrap();
        assert!(ward_crypto::field::key_id_of(&stored).is_some(), "the secret is stored encrypted");

        // Password alone now gives a pending session that opens nothing.
        let anon = Client::new(&app);
        let res = anon.post_form_anonymous("/login", &[("email", OFFICER), ("password", &password), ("next", "/orgs/az-voorbeeldstad")]).await;
        assert!(location(&res).starts_with("/login/mfa"), "{}", location(&res));
        let pending = anon.clone().with_session(session_cookie_of(&res).unwrap()).await;
        assert_eq!(location(&pending.get("/orgs/az-voorbeeldstad").await), "/login?next=/orgs/az-voorbeeldstad");
        let html = pending.get("/login/mfa").await.text().await.unwrap();
        let mut pending = pending;
        pending.csrf = csrf_in(&html);
        let res = pending.post_form("/login/mfa", &[("code", "000000")]).await;
        assert_eq!(res.status(), 401);
        // The code already used at enrolment cannot be replayed; wait for the next step.
        let used = totp_now(&key);
        let res = pending.post_form("/login/mfa", &[("code", &used), ("next", "/orgs/az-voorbeeldstad")]).await;
        assert_eq!(res.status(), 401, "replayed code refused");
        // A recovery code works, once, and replaces the session token.
        let res = pending.post_form("/login/mfa", &[("code", &codes[0]), ("next", "/orgs/az-voorbeeldstad")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/orgs/az-voorbeeldstad");
        let fresh = session_cookie_of(&res).unwrap();
        assert_ne!(Some(fresh.clone()), pending.session, "a new token after the second factor");
        assert_eq!(pending.get("/orgs/az-voorbeeldstad").await.status(), 303, "the pre-MFA token is dead");
        let signed_in = Client::new(&app).with_session(fresh).await;
        assert_eq!(signed_in.get("/orgs/az-voorbeeldstad").await.status(), 200);
        let res = anon.post_form_anonymous("/login", &[("email", OFFICER), ("password", &password)]).await;
        let mut again = anon.clone().with_session(session_cookie_of(&res).unwrap()).await;
        again.csrf = csrf_in(&again.get("/login/mfa").await.text().await.unwrap());
        let res = again.post_form("/login/mfa", &[("code", &codes[0])]).await;
        assert_eq!(res.status(), 401, "a recovery code works once");
        // Lost phone: an administrator turns it off; the password alone signs in again.
        app.ward.reset_mfa(&Ctx::cli(), OFFICER).await.unwrap();
        let res = anon.post_form_anonymous("/login", &[("email", OFFICER), ("password", &password), ("next", "/")]).await;
        assert_eq!(location(&res), "/");
        app.stop().await;
    }

    async fn an_organisation_can_require_two_step_verification(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let owner = app.sign_in(OWNER, &password).await;
        let res = owner.post_form("/orgs/az-voorbeeldstad/settings", &[("require_mfa", "on")]).await;
        assert_eq!(res.status(), 422, "owners turn it on for themselves first");
        enrol_totp(&owner).await;
        let res = owner.post_form("/orgs/az-voorbeeldstad/settings", &[("require_mfa", "on")]).await;
        assert_eq!(res.status(), 303);
        let viewer = app.sign_in(VIEWER, &password).await;
        assert_eq!(location(&viewer.get("/orgs/az-voorbeeldstad").await), "/account/mfa");
        assert_eq!(viewer.get("/api/v1/orgs/az-voorbeeldstad").await.status(), 403);
        enrol_totp(&viewer).await;
        assert_eq!(viewer.get("/orgs/az-voorbeeldstad").await.status(), 200);
        app.stop().await;
    }

    async fn api_tokens_are_scoped_revocable_and_stored_hashed(db) {
        let app = TestApp::spawn(db).await;
        let (password, other) = team(&app).await;
        let owner = app.sign_in(OWNER, &password).await;
        let res = owner.post_form("/orgs/az-voorbeeldstad/tokens", &[("name", "CMDB sync"), ("role", "viewer"), ("days", "30")]).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        let secret = html.split("id=\"secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
        assert!(secret.starts_with("ward_"));
        let stored = app.db.fetch_bytes("SELECT token_hash FROM api_tokens").await.unwrap();
        assert!(!stored.windows(8).any(|w| secret.as_bytes().windows(8).any(|s| s == w)), "only a hash is stored");
        let http = client();
        let call = |path: &str| http.get(app.url(path)).bearer_auth(&secret).send();
        assert_eq!(call("/api/v1/orgs/az-voorbeeldstad").await.unwrap().status(), 200);
        assert_eq!(call(&format!("/api/v1/orgs/{other}")).await.unwrap().status(), 404, "other organisations do not exist for it");
        let res = http.put(app.url("/api/v1/orgs/az-voorbeeldstad/members")).bearer_auth(&secret).json(&json!({"email": VIEWER, "role": "owner"})).send().await.unwrap();
        assert_eq!(res.status(), 403, "a viewer token cannot manage members");
        assert_eq!(http.get(app.url("/orgs/az-voorbeeldstad")).bearer_auth(&secret).send().await.unwrap().status(), 303, "tokens are for the API only");
        let tokens = app.ward.api_tokens(&Ctx::cli(), "az-voorbeeldstad").await.unwrap();
        let res = owner.post_form(&format!("/orgs/az-voorbeeldstad/tokens/{}/revoke", tokens[0].id), &[]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(call("/api/v1/orgs/az-voorbeeldstad").await.unwrap().status(), 401, "revoked");
        assert_eq!(http.get(app.url("/api/v1/orgs")).bearer_auth("ward_forged").send().await.unwrap().status(), 401);
        app.stop().await;
    }

    async fn other_organisations_ids_in_urls_and_bodies_are_refused(db) {
        let app = TestApp::spawn(db).await;
        let (password, other) = team(&app).await;
        let outsider = app.sign_in(OUTSIDER, &password).await;
        let owner = app.sign_in(OWNER, &password).await;
        assert_eq!(outsider.get("/orgs/az-voorbeeldstad").await.status(), 404);
        assert_eq!(outsider.get("/api/v1/orgs/az-voorbeeldstad/members").await.status(), 404);
        // The owner of one organisation cannot add themselves to another through a body.
        let res = owner.json(Method::PUT, &format!("/api/v1/orgs/{other}/members"), Some(json!({"email": OWNER, "role": "owner"}))).await;
        assert_eq!(res.status(), 404);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["detail"], "organisation not found", "no hint that it exists");
        assert!(app.ward.members(&Ctx::cli(), &other).await.unwrap().iter().all(|m| m.user.email.as_str() != OWNER));
        app.stop().await;
    }

    async fn an_auditors_access_ends_on_its_date(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let auditor = app.sign_in(AUDITOR, &password).await;
        assert_eq!(auditor.get("/orgs/az-voorbeeldstad/audit").await.status(), 200);
        assert_eq!(auditor.get("/orgs/az-voorbeeldstad/audit.csv").await.status(), 200);
        app.db.execute_raw("UPDATE memberships SET expires_at = created_at WHERE role = 'auditor'").await;
        assert_eq!(auditor.get("/orgs/az-voorbeeldstad").await.status(), 404);
        app.stop().await;
    }

    async fn first_run_setup_creates_one_administrator(db) {
        let app = TestApp::spawn(db).await;
        assert!(app.ward.setup_needed().await.unwrap());
        let token = app.ward.issue_setup_token().await.unwrap();
        let anon = Client::new(&app);
        assert_eq!(anon.get(&format!("/setup?token={token}")).await.status(), 200);
        let form = |t: &str| vec![("token", t.to_owned()), ("name", "Ward Beheer".into()), ("email", "it@kliniek.example".into()), ("password", "a long and unusual passphrase".into())];
        let bad = anon.post_form_anonymous("/setup", &form("setup_forged").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
        assert_eq!(bad.status(), 401);
        let weak: Vec<(&str, &str)> = vec![("token", &token), ("name", "X"), ("email", "it@kliniek.example"), ("password", "password1234")];
        assert_eq!(anon.post_form_anonymous("/setup", &weak).await.status(), 422, "common passwords are refused");
        let good = form(&token);
        let res = anon.post_form_anonymous("/setup", &good.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
        assert_eq!(res.status(), 303);
        assert!(!app.ward.setup_needed().await.unwrap());
        let again = anon.post_form_anonymous("/setup", &good.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
        assert_eq!(again.status(), 401, "setup works once");
        assert_eq!(app.ward.users(&Ctx::cli()).await.unwrap().len(), 1);
        let admin = app.sign_in("it@kliniek.example", "a long and unusual passphrase").await;
        assert_eq!(admin.get("/admin").await.status(), 200);
        app.stop().await;
    }

    async fn administrators_manage_accounts_and_owners_the_policy_through_the_api(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let admin = app.sign_in(ADMIN, &password).await;
        let res = admin.json(Method::POST, "/api/v1/accounts", Some(json!({"email": "nieuw@az-voorbeeldstad.example", "name": "Nieuw"}))).await;
        assert_eq!(res.status(), 201);
        let created: Value = res.json().await.unwrap();
        let one_time = created["one_time_password"].as_str().unwrap().to_owned();
        let res = Client::new(&app).post_form_anonymous("/login", &[("email", "nieuw@az-voorbeeldstad.example"), ("password", &one_time)]).await;
        assert_eq!(res.status(), 303, "the one-time password works");
        let list: Value = admin.get("/api/v1/accounts").await.json().await.unwrap();
        assert!(list.as_array().unwrap().len() >= 8);
        let owner = app.sign_in(OWNER, &password).await;
        assert_eq!(owner.get("/api/v1/accounts").await.status(), 403, "owners are not administrators");
        let res = owner.json(Method::PUT, "/api/v1/orgs/az-voorbeeldstad/policy", Some(json!({"require_mfa": true}))).await;
        assert_eq!(res.status(), 409, "the owner turns it on for themselves first");
        let res = owner.json(Method::PUT, "/api/v1/orgs/az-voorbeeldstad/policy", Some(json!({"require_mfa": false}))).await;
        assert_eq!(res.status(), 200);
        app.stop().await;
    }

    async fn every_change_is_in_the_audit_log(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let owner = app.sign_in(OWNER, &password).await;
        owner.post_form("/orgs/az-voorbeeldstad/members", &[("email", VIEWER), ("role", "auditor"), ("until", "2031-01-01")]).await;
        let log: Value = owner.get("/api/v1/orgs/az-voorbeeldstad/audit?action=member.").await.json().await.unwrap();
        let entry = &log[0];
        assert_eq!(entry["action"], "member.change");
        assert_eq!(entry["actor"], OWNER);
        let details: Value = serde_json::from_str(entry["details"].as_str().unwrap()).unwrap();
        assert_eq!(details["before"]["role"], "viewer");
        assert_eq!(details["after"]["role"], "auditor");
        assert!(entry["request_id"].is_string());
        let csv = owner.get("/orgs/az-voorbeeldstad/audit.csv").await.text().await.unwrap();
        assert!(csv.starts_with("seq,at,actor_kind,actor,action"));
        assert!(csv.contains("member.change"));
        let report = app.ward.verify_audit_log(&Ctx::cli()).await.unwrap().unwrap();
        assert!(report.entries >= 5);
        app.stop().await;
    }

    async fn the_authorisation_matrix_holds_for_every_route(db) {
        let app = TestApp::spawn(db).await;
        let (password, _) = team(&app).await;
        let (_, secret) = app.ward.create_api_token(&Ctx::cli(), "az-voorbeeldstad", "matrix", Role::Viewer, 30).await.unwrap();
        let (revocable, _) = app.ward.create_api_token(&Ctx::cli(), "az-voorbeeldstad", "to revoke", Role::Viewer, 30).await.unwrap();
        let actor = |name: &str, role: Option<Role>, admin: bool, client: Option<Client>| MatrixActor { name: name.to_owned(), role, admin, client, bearer: false };
        let actors = vec![
            actor("anonymous", None, false, None),
            actor("outsider", None, false, Some(app.sign_in(OUTSIDER, &password).await)),
            actor("admin (not a member)", None, true, Some(app.sign_in(ADMIN, &password).await)),
            actor("viewer", Some(Role::Viewer), false, Some(app.sign_in(VIEWER, &password).await)),
            actor("auditor", Some(Role::Auditor), false, Some(app.sign_in(AUDITOR, &password).await)),
            actor("contributor", Some(Role::Contributor), false, Some(app.sign_in(CONTRIBUTOR, &password).await)),
            actor("security officer", Some(Role::SecurityOfficer), false, Some(app.sign_in(OFFICER, &password).await)),
            actor("owner", Some(Role::Owner), false, Some(app.sign_in(OWNER, &password).await)),
        ];
        // An assessment whose PR.AA-03.2 the contributor owns (contributors change only what they own).
        let cli = Ctx::cli();
        let input = ward_app::AssessmentInput { name: "Matrix".into(), framework: ward_domain::cyfun::Framework::Cyfun2025, target_level: None, scope: String::new() };
        let assessment = app.ward.create_assessment(&cli, "az-voorbeeldstad", &input).await.unwrap();
        let owned = ward_app::AnswerInput { owner: Some(CONTRIBUTOR.into()), ..Default::default() };
        app.ward.save_answer(&cli, "az-voorbeeldstad", assessment, "PR.AA-03.2", &owned).await.unwrap();
        let new_evidence = || async {
            let e = ward_app::EvidenceInput { title: "Policy".into(), link: Some("https://intranet.example/policy".into()), file: Some(("policy.txt".into(), "text/plain".into(), b"policy".to_vec())), review_by: None };
            app.ward.add_evidence(&Ctx::cli(), "az-voorbeeldstad", assessment, "PR.AA-03.2", e).await.unwrap()
        };
        let kept_evidence = new_evidence().await;
        // A task the contributor owns (contributors change only the tasks they own).
        let new_task = || async {
            let t = ward_app::TaskInput { title: "Matrix task".into(), owner: Some(CONTRIBUTOR.into()), requirements: vec!["PR.AA-03.2".into()], assessment_id: Some(assessment), ..Default::default() };
            app.ward.create_task(&Ctx::cli(), "az-voorbeeldstad", &t).await.unwrap()
        };
        let kept_task = new_task().await;
        let new_asset = || async {
            let values: std::collections::BTreeMap<String, String> = [("name", "Matrix pump"), ("kind", "medical_device")].iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            app.ward.save_asset(&Ctx::cli(), "az-voorbeeldstad", None, &values).await.unwrap()
        };
        let kept_asset = new_asset().await;
        let new_import = || async {
            app.ward.preview_asset_import(&Ctx::cli(), "az-voorbeeldstad", None, "matrix.csv", b"name\nMatrix monitor\n", None).await.unwrap().id
        };
        let kept_import = new_import().await;
        let snapshot = app.ward.take_snapshot(&cli, "az-voorbeeldstad", assessment, "matrix").await.unwrap();
        let mut routes = route_table(AppState::new(app.ward.clone(), WebOptions::default()));
        assert!(routes.len() > 30, "the table lists every route");
        // Routes that end sessions or remove a member go last, so they do not disturb the rest.
        routes.sort_by_key(|r| match (r.method == Method::DELETE, r.path.as_str()) {
            (true, p) if p.contains("/members/") => 1,
            (_, "/account/sessions/end") => 2,
            (_, "/logout") => 3,
            _ => 0,
        });
        let http = client();
        let mut checked = 0;
        for route in &routes {
            let id = if route.path.contains("/assessments/{id}") {
                assessment
            } else if route.path.contains("/tasks/{id}") {
                kept_task
            } else if route.path.contains("/assets/imports/{id}") {
                kept_import
            } else if route.path.contains("/assets/{id}") {
                kept_asset
            } else {
                revocable.id
            };
            let path = route
                .path
                .replace("/guidance/plans/{id}", "/guidance/plans/ransomware")
                .replace("/guidance/challenges/{id}", "/guidance/challenges/legacy-systems")
                .replace("{slug}", "az-voorbeeldstad")
                .replace("{id}", &id.to_string())
                .replace("{requirement}", "PR.AA-03.2")
                .replace("{snapshot}", &snapshot.to_string())
                .replace("{framework}", "cyfun-2025")
                .replace("{email}", CONTRIBUTOR)
                .replace("{*path}", "ward.css");
            let is_api = path.starts_with("/api/");
            let mut all = actors.clone();
            if is_api {
                // Before the owner, whose DELETE removes a member.
                all.insert(all.len() - 1, MatrixActor { bearer: true, ..actor("viewer API token", Some(Role::Viewer), false, None) });
            }
            for MatrixActor { name, role, admin, client: who, bearer } in all {
                // Deleting an assessment or removing evidence succeeds once: each actor gets its own.
                let deletes = route.path.starts_with("/orgs/{slug}/assessments/{id}/delete")
                    || (route.method == Method::DELETE && route.path.ends_with("/assessments/{id}"));
                let deletes_task = route.path.ends_with("/tasks/{id}/delete")
                    || (route.method == Method::DELETE && route.path.ends_with("/tasks/{id}"));
                let deletes_asset = route.path.ends_with("/assets/{id}/delete")
                    || (route.method == Method::DELETE && route.path.ends_with("/assets/{id}"));
                let confirms_import = route.method == Method::POST && route.path.ends_with("/assets/imports/{id}");
                let path = if deletes_asset {
                    path.replace(&kept_asset.to_string(), &new_asset().await.to_string())
                } else if confirms_import {
                    path.replace(&kept_import.to_string(), &new_import().await.to_string())
                } else if deletes_task {
                    path.replace(&kept_task.to_string(), &new_task().await.to_string())
                } else if deletes {
                    let input = ward_app::AssessmentInput { name: format!("To delete ({name})"), framework: ward_domain::cyfun::Framework::Cyfun2025, target_level: None, scope: String::new() };
                    let fresh = app.ward.create_assessment(&Ctx::cli(), "az-voorbeeldstad", &input).await.unwrap();
                    path.replace(&assessment.to_string(), &fresh.to_string())
                } else if path.contains("{evidence}") {
                    let e = if route.method == Method::POST { new_evidence().await } else { kept_evidence };
                    path.replace("{evidence}", &e.to_string())
                } else {
                    path.clone()
                };
                let mut req = http.request(route.method.clone(), app.url(&path));
                if let Some(c) = &who {
                    req = req.header("cookie", format!("ward_session={}", c.session.clone().unwrap()));
                    if let Some(t) = &c.csrf {
                        req = req.header("x-csrf-token", t);
                    }
                }
                if bearer {
                    req = req.bearer_auth(&secret);
                }
                if route.method != Method::GET {
                    req = if is_api { req.json(&json!({})) } else { req.form(&[("_unused", "")]) };
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let to_login = location(&res).starts_with("/login?next=");
                let signed_in = who.is_some() || bearer;
                let denied_as_anonymous = if is_api { status == 401 } else { to_login };
                let allowed = status < 500 && !matches!(status, 401 | 403 | 404) && !to_login;
                let expectation = match route.access {
                    Access::Public => status < 500,
                    Access::SignedIn => if signed_in { allowed } else { denied_as_anonymous },
                    Access::Admin => match (signed_in, admin) {
                        (false, _) => denied_as_anonymous,
                        (true, true) => allowed,
                        (true, false) => status == 403,
                    },
                    Access::Org(p) => match (signed_in, role) {
                        (false, _) => denied_as_anonymous,
                        (true, None) => status == 404,
                        (true, Some(r)) if r.allows(p) => allowed,
                        (true, Some(_)) => status == 403,
                    },
                };
                assert!(expectation, "{} {} as {name}: got {status} (declared {:?})", route.method, route.path, route.access);
                checked += 1;
            }
        }
        assert!(checked > 250, "{checked} checks");
        app.stop().await;
    }
}
