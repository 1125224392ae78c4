//! A person's journey through the demo in a real headless Chromium: sign in, open the demo
//! hospital, switch to Dutch, use the organisation switcher, turn on two-step verification, sign
//! out, sign in again with a code, and look at it on a phone-sized screen. Screenshots go to
//! `target/browser-artifacts/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, Locator};
use ward_app::{Ctx, OrganisationInput};
use ward_domain::Role;
use ward_testkit::{Browser, TestApp, TestDb};

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";

fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts")
}

/// Finds an element, waiting for the page that a click or submit started to load.
async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Clicks something that loads a new page, and waits until the new page has loaded.
async fn click(c: &Client, css: &str) {
    let element = find(c, css).await;
    c.execute("window.__wardOldPage = true;", vec![]).await.unwrap();
    element.click().await.unwrap();
    loaded(c).await;
}

/// Opens or closes a disclosure (no page load).
async fn toggle(c: &Client, css: &str) {
    find(c, css).await.click().await.unwrap();
}

async fn loaded(c: &Client) {
    for _ in 0..100 {
        let fresh = c
            .execute("return !window.__wardOldPage && document.readyState === 'complete';", vec![])
            .await
            .unwrap_or(serde_json::Value::Bool(false));
        if fresh == serde_json::Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the next page did not load");
}

async fn text(c: &Client, css: &str) -> String {
    find(c, css).await.text().await.unwrap()
}

async fn fill(c: &Client, css: &str, value: &str) {
    let field = find(c, css).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Waits until the browser shows `expected` (after a redirect or a form post).
async fn at(c: &Client, expected: &str) {
    for _ in 0..100 {
        if c.current_url().await.unwrap().path() == expected
            && c.execute("return document.readyState", vec![]).await.unwrap() == "complete"
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("expected {expected}, still at {}", c.current_url().await.unwrap());
}

/// The authenticator app's code `steps_ahead` steps from now.
fn code(key: &str, steps_ahead: i64) -> String {
    let secret = data_encoding_base32(key);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    format!("{:06}", ward_crypto::totp::code_at_step(&secret, ward_crypto::totp::step_of(now) + steps_ahead))
}

fn data_encoding_base32(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut n, mut out) = (0u64, 0, Vec::new());
    for c in s.bytes() {
        bits = (bits << 5) | ALPHABET.iter().position(|&a| a == c).unwrap() as u64;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_language_switcher_mfa_and_sign_out() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(TestDb::sqlite()).await;
    let password = app.demo().await;
    let ctx = Ctx::cli();
    let input = OrganisationInput {
        name: "Huisartsenpraktijk De Brug".into(),
        kind: Some("medical_practice".into()),
        ..Default::default()
    };
    app.ward.create_organisation(&ctx, &input).await.unwrap();
    app.ward.set_member(&ctx, "huisartsenpraktijk-de-brug", OWNER, Role::Owner, None).await.unwrap();
    let c = &browser.client;

    // Anonymous: every page leads to sign-in.
    c.goto(&app.url("/orgs/az-voorbeeldstad")).await.unwrap();
    at(c, "/login").await;
    assert_eq!(text(c, "main h1").await, "Sign in");
    browser.screenshot(&artifacts().join("sign-in.png")).await;
    fill(c, "input[name=email]", OWNER).await;
    fill(c, "input[name=password]", "not my password").await;
    click(c, "form.stack button[type=submit]").await;
    assert_eq!(text(c, ".error-box").await, "The e-mail address or password is not right.");
    fill(c, "input[name=password]", &password).await;
    click(c, "form.stack button[type=submit]").await;
    at(c, "/orgs/az-voorbeeldstad").await;
    assert_eq!(text(c, "main h1").await, "AZ Voorbeeldstad");
    find(c, "main table tbody tr").await;
    assert_eq!(c.find_all(Locator::Css("main table tbody tr")).await.unwrap().len(), 5, "five demo sites");

    // Switch to Dutch: same page, Dutch words, a one-time confirmation.
    click(c, "form.language button[value=nl]").await;
    at(c, "/orgs/az-voorbeeldstad").await;
    let lang = find(c, "html").await.attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("nl"));
    assert_eq!(text(c, "p.flash").await, "Taal gewijzigd.");
    assert_eq!(text(c, "#sites-heading").await, "Vestigingen");
    browser.screenshot(&artifacts().join("demo-organisation-nl.png")).await;

    // The organisation switcher leads to the other organisation; the language stays.
    toggle(c, ".switcher summary").await;
    click(c, ".switcher a[href='/orgs/huisartsenpraktijk-de-brug']").await;
    at(c, "/orgs/huisartsenpraktijk-de-brug").await;
    assert_eq!(text(c, ".facts dd").await, "Medische praktijk");
    assert!(c.find_all(Locator::Css("p.flash")).await.unwrap().is_empty(), "the confirmation showed once");

    // Scoping: the demo hospital is essential; a mistake keeps what was typed; a clinic is important.
    c.goto(&app.url("/orgs/az-voorbeeldstad/scoping")).await.unwrap();
    assert_eq!(find(c, "#nis2-status").await.attr("data-code").await.unwrap().as_deref(), Some("essential"));
    fill(c, "input[name=employees]", "120").await;
    fill(c, "input[name=turnover_eur]", "12 000 000").await;
    fill(c, "input[name=balance_eur]", "veel").await;
    click(c, "form.scoping button[type=submit]").await;
    find(c, "#form-errors").await;
    assert_eq!(
        find(c, "input[name=turnover_eur]").await.prop("value").await.unwrap().as_deref(),
        Some("12 000 000"),
        "typed values kept"
    );
    fill(c, "input[name=balance_eur]", "8000000").await;
    click(c, "form.scoping button[type=submit]").await;
    assert_eq!(find(c, "#nis2-status").await.attr("data-code").await.unwrap().as_deref(), Some("important"));
    browser.screenshot(&artifacts().join("scoping-nl.png")).await;

    // Turn on two-step verification from the account menu.
    toggle(c, ".usermenu summary").await;
    click(c, ".usermenu a[href='/account']").await;
    click(c, "form[action='/account/mfa/start'] button").await;
    let key = text(c, "#totp-key").await;
    fill(c, "form[action='/account/mfa'] input[name=code]", &code(&key, 0)).await;
    click(c, "form[action='/account/mfa'] button").await;
    find(c, "#secret li").await;
    assert_eq!(text(c, "main h1").await, "Uw herstelcodes");
    assert_eq!(c.find_all(Locator::Css("#secret li")).await.unwrap().len(), 10);
    browser.screenshot(&artifacts().join("recovery-codes-nl.png")).await;
    click(c, "main a.button").await;
    at(c, "/account").await;
    assert!(text(c, "#mfa-h + p").await.starts_with("Aan"), "two-step verification is on");

    // Sign out from the account menu.
    toggle(c, ".usermenu summary").await;
    click(c, ".usermenu form[action='/logout'] button").await;
    at(c, "/login").await;
    assert_eq!(text(c, "p.flash").await, "U bent afgemeld.");

    // Sign in again: password, then a code from the app (the next one: codes cannot be reused).
    fill(c, "input[name=email]", OWNER).await;
    fill(c, "input[name=password]", &password).await;
    click(c, "form.stack button[type=submit]").await;
    at(c, "/login/mfa").await;
    fill(c, "input[name=code]", &code(&key, 1)).await;
    click(c, "form.stack button[type=submit]").await;
    at(c, "/").await;
    assert_eq!(text(c, "main h1").await, "Organisaties");

    // Keyboard users: the first Tab stop is the skip link to the main content.
    c.goto(&app.url("/orgs/az-voorbeeldstad")).await.unwrap();
    let first_focus = c
        .execute("document.querySelector('a,button,summary,input').focus(); return document.activeElement.className;", vec![])
        .await
        .unwrap();
    assert_eq!(first_focus, "skip-link");

    // A phone-sized screen shows the page without horizontal scrolling of the body.
    c.execute("document.activeElement.blur();", vec![]).await.unwrap();
    c.set_window_size(390, 844).await.unwrap();
    let fits =
        c.execute("return document.documentElement.scrollWidth <= window.innerWidth;", vec![]).await.unwrap();
    assert_eq!(fits, serde_json::Value::Bool(true), "no horizontal overflow on a phone");
    browser.screenshot(&artifacts().join("demo-organisation-phone.png")).await;

    // Unknown page: friendly, in Dutch.
    c.goto(&app.url("/does-not-exist")).await.unwrap();
    assert_eq!(text(c, "main h1").await, "Pagina niet gevonden");

    browser.close().await;
    app.stop().await;
}

/// Polls until the element's text equals `expected` (after script updated it).
async fn wait_text(c: &Client, css: &str, expected: &str) {
    for _ in 0..100 {
        if text(c, css).await == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: expected {expected:?}, still {:?}", text(c, css).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoring_a_requirement_with_the_keyboard_moves_the_verdict() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(TestDb::sqlite()).await;
    let password = app.demo().await;
    let c = &browser.client;
    c.set_window_size(1280, 1000).await.unwrap();
    c.goto(&app.url("/orgs/az-voorbeeldstad")).await.unwrap();
    at(c, "/login").await;
    fill(c, "input[name=email]", OWNER).await;
    fill(c, "input[name=password]", &password).await;
    click(c, "form.stack button[type=submit]").await;
    at(c, "/orgs/az-voorbeeldstad").await;

    // The section menu leads to the assessments, and the list to the demo's workspace.
    click(c, "nav.sidenav a[href='/orgs/az-voorbeeldstad/assessments']").await;
    assert_eq!(text(c, "main h1").await, "CyFun assessment");
    click(c, "#assessments tbody a").await;
    let basic = "#verdict [data-level=basic] [data-role=result]";
    assert_eq!(text(c, basic).await, "Not yet");
    let failing = text(c, "#verdict [data-level=basic] [data-role=failing]").await;
    assert!(failing.contains("PR.AA-03.2"), "{failing}");
    browser.screenshot(&artifacts().join("assessment-workspace.png")).await;

    // Only the key measures, then score MFA for remote access from the keyboard: 3 and 3.
    c.goto(&format!("{}?key=1", c.current_url().await.unwrap().as_str().split('?').next().unwrap()))
        .await
        .unwrap();
    loaded(c).await;
    let shown = text(c, "#shown").await;
    assert!(shown.starts_with("29 "), "{shown}");
    let row = "#r-PR-AA-03-2";
    let documentation = find(c, &format!("{row} select[data-dimension=documentation]")).await;
    documentation.send_keys("3").await.unwrap();
    let implementation = find(c, &format!("{row} select[data-dimension=implementation]")).await;
    implementation.send_keys("3").await.unwrap();
    // The banner follows without a page load.
    wait_text(c, basic, "Pass").await;
    wait_text(c, &format!("{row} .row-status"), "✓").await;
    browser.screenshot(&artifacts().join("assessment-verdict-moved.png")).await;

    // Saved: a fresh load shows the scores and the verdict.
    c.refresh().await.unwrap();
    loaded(c).await;
    assert_eq!(text(c, basic).await, "Pass");
    let value =
        find(c, &format!("{row} select[data-dimension=implementation]")).await.prop("value").await.unwrap();
    assert_eq!(value.as_deref(), Some("3"));

    // The requirement's page: Ward's title and guidance beside the answer; a comment is kept.
    click(c, &format!("{row} th a")).await;
    find(c, "#guidance-h").await;
    fill(c, "form.answer textarea[name=comment]", "All vendor access now goes through the MFA portal.").await;
    click(c, "form.answer button[type=submit]").await;
    assert_eq!(text(c, "p.flash").await, "Answer saved.");
    let kept = find(c, "form.answer textarea[name=comment]").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("All vendor access now goes through the MFA portal."));
    browser.screenshot(&artifacts().join("assessment-requirement.png")).await;

    // Snapshots and the trend chart.
    c.goto(&app.url(&format!(
        "{}/snapshots",
        c.current_url().await.unwrap().path().split("/requirements").next().unwrap()
    )))
    .await
    .unwrap();
    loaded(c).await;
    find(c, "svg.trend circle").await;
    assert!(c.find_all(Locator::Css("svg.trend circle")).await.unwrap().len() >= 2, "baseline and now");

    browser.close().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_guidance_by_the_words_a_clinician_types() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(TestDb::sqlite()).await;
    let password = app.demo().await;
    let c = &browser.client;
    c.set_window_size(1280, 1000).await.unwrap();
    c.goto(&app.url("/guidance")).await.unwrap();
    at(c, "/login").await;
    fill(c, "input[name=email]", OWNER).await;
    fill(c, "input[name=password]", &password).await;
    click(c, "form.stack button[type=submit]").await;
    at(c, "/guidance").await;
    assert!(text(c, "#guidance-count").await.starts_with("218 "));

    // Type in the search box and press Enter: no mouse needed.
    let search = find(c, "#guidance-q").await;
    search.send_keys("infusion pump\u{E007}").await.unwrap();
    find(c, "#results-h").await;
    let first = text(c, ".guidance-results li a").await;
    assert!(!first.is_empty(), "a result is listed");
    browser.screenshot(&artifacts().join("guidance-search.png")).await;

    // The first result opens the requirement's advice: first steps, project, evidence.
    click(c, ".guidance-results li a").await;
    find(c, "article.advice").await;
    let headings = c.find_all(Locator::Css("article.advice h4")).await.unwrap();
    assert_eq!(headings.len(), 3, "first steps, the larger project, evidence");
    browser.screenshot(&artifacts().join("guidance-requirement.png")).await;

    // The same words in Dutch find advice too, shown in Dutch.
    c.goto(&app.url("/guidance")).await.unwrap();
    click(c, "form.language button[value=nl]").await;
    let search = find(c, "#guidance-q").await;
    search.send_keys("badge\u{E007}").await.unwrap();
    find(c, "#results-h").await;
    assert_eq!(text(c, "#results-h").await, "Resultaten");
    let mut first_five = Vec::new();
    for link in c.find_all(Locator::Css(".guidance-results li a")).await.unwrap().into_iter().take(5) {
        first_five.push(link.text().await.unwrap());
    }
    assert!(first_five.iter().any(|t| t.contains("PR.AA-")), "{first_five:?}");

    // The 90-day plan, by phase, each step linked to requirements.
    c.goto(&app.url("/guidance/plans/scoped-in")).await.unwrap();
    assert_eq!(c.find_all(Locator::Css("main section h2")).await.unwrap().len(), 3);
    assert!(
        !c.find_all(Locator::Css(".plan-steps a[href^='/guidance/cyfun-2025/']")).await.unwrap().is_empty()
    );

    // A phone-sized screen shows the guidance without horizontal scrolling.
    c.goto(&app.url("/guidance?q=downtime")).await.unwrap();
    c.set_window_size(390, 844).await.unwrap();
    let fits =
        c.execute("return document.documentElement.scrollWidth <= window.innerWidth;", vec![]).await.unwrap();
    let wide = c
        .execute(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 8).join(' ');",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot(&artifacts().join("guidance-phone.png")).await;
    assert_eq!(fits, serde_json::Value::Bool(true), "no horizontal overflow on a phone: {wide}");

    browser.close().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_a_gap_into_a_task_moves_the_dashboard() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(TestDb::sqlite()).await;
    let password = app.demo().await;
    let c = &browser.client;
    c.set_window_size(1280, 1000).await.unwrap();
    c.goto(&app.url("/orgs/az-voorbeeldstad")).await.unwrap();
    at(c, "/login").await;
    fill(c, "input[name=email]", OWNER).await;
    fill(c, "input[name=password]", &password).await;
    click(c, "form.stack button[type=submit]").await;
    at(c, "/orgs/az-voorbeeldstad").await;
    let count = |what: &'static str| async move {
        text(c, &format!("#dash-tasks [data-count={what}]"))
            .await
            .split(' ')
            .next()
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    let open_before = count("open").await;
    let done_before = count("done").await;
    browser.screenshot(&artifacts().join("dashboard.png")).await;

    // From the workspace to its gap plan; the first gap blocks the verdict.
    click(c, "nav.sidenav a[href='/orgs/az-voorbeeldstad/assessments']").await;
    click(c, "#assessments tbody a").await;
    click(c, "#gap-plan-link").await;
    find(c, "#minimum-path").await;
    let first = find(c, "#gaps tbody tr").await;
    assert_eq!(first.attr("data-blocking").await.unwrap().as_deref(), Some("key_measure"));
    let requirement = first.attr("data-requirement").await.unwrap().unwrap();
    browser.screenshot(&artifacts().join("gap-plan.png")).await;

    // Turn it into a task, from the keyboard: due date and owner, then Enter.
    let row = format!("#gaps tbody tr[data-requirement='{requirement}']");
    // A date field's typing order follows the browser's locale: set the value itself.
    find(c, &format!("{row} input[name=due]")).await;
    c.execute(&format!("document.querySelector(\"{row} input[name=due]\").value = '2026-12-31';"), vec![])
        .await
        .unwrap();
    let owner = find(c, &format!("{row} input[name=owner]")).await;
    owner.send_keys("lotte.janssens@az-voorbeeldstad.example\u{E007}").await.unwrap();
    at(c, "/orgs/az-voorbeeldstad/tasks").await;
    assert_eq!(text(c, "p.flash").await, "Task created.");
    let titles = c.find_all(Locator::Css("#tasks tbody th a")).await.unwrap();
    let mut found = false;
    for t in titles {
        found |= t.text().await.unwrap().starts_with(&format!("{requirement}:"));
    }
    assert!(found, "the new task is listed");

    // The dashboard moved: one more open task.
    c.goto(&app.url("/orgs/az-voorbeeldstad")).await.unwrap();
    assert_eq!(count("open").await, open_before + 1);

    // Mark it done with evidence; the dashboard counts it as done.
    c.goto(&app.url("/orgs/az-voorbeeldstad/tasks")).await.unwrap();
    let link = c
        .find(Locator::XPath(&format!(
            "//table[@id='tasks']//a[starts-with(normalize-space(.), '{requirement}:')]"
        )))
        .await
        .unwrap();
    link.click().await.unwrap();
    find(c, "#complete-h").await;
    fill(c, "input[name=evidence_title]", "VPN MFA configuration export").await;
    fill(c, "input[name=evidence_link]", "https://intranet.example/vpn-mfa").await;
    click(c, "form[action$='/complete'] button").await;
    assert_eq!(text(c, "p.flash").await, "Task done.");
    c.goto(&app.url("/orgs/az-voorbeeldstad")).await.unwrap();
    assert_eq!(count("open").await, open_before);
    assert_eq!(count("done").await, done_before + 1);
    browser.screenshot(&artifacts().join("dashboard-moved.png")).await;

    browser.close().await;
    app.stop().await;
}
