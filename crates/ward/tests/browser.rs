//! A person's journey through the demo in a real headless Chromium: open the demo, switch to
//! Dutch, use the organisation switcher, and look at it on a phone-sized screen. Screenshots go to
//! `target/browser-artifacts/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use fantoccini::Locator;
use ward_testkit::{Browser, TestApp, TestDb};

fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_journey_language_and_navigation() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(TestDb::sqlite()).await;
    app.ward.refresh_demo().await.unwrap();
    app.ward
        .create_organisation(&ward_app::OrganisationInput {
            name: "Huisartsenpraktijk De Brug".into(),
            kind: Some("medical_practice".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let c = &browser.client;

    // Home: the organisations, in English by default (the browser asks for en-US).
    c.goto(&app.url("/")).await.unwrap();
    let h1 = c.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    assert_eq!(h1, "Organisations");

    // Open the demo hospital.
    c.find(Locator::LinkText("AZ Voorbeeldstad")).await.unwrap().click().await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/orgs/az-voorbeeldstad");
    let h1 = c.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    assert_eq!(h1, "AZ Voorbeeldstad");
    let rows = c.find_all(Locator::Css("main table tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 5, "five demo sites");

    // Switch to Dutch: same page, Dutch words, a one-time confirmation.
    c.find(Locator::Css("form.language button[value=nl]")).await.unwrap().click().await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/orgs/az-voorbeeldstad");
    let lang = c.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("nl"));
    let flash = c.find(Locator::Css("p.flash")).await.unwrap().text().await.unwrap();
    assert_eq!(flash, "Taal gewijzigd.");
    let heading = c.find(Locator::Id("sites-heading")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Vestigingen");
    let pressed = c
        .find(Locator::Css("form.language button[aria-pressed=true]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap();
    assert_eq!(pressed.as_deref(), Some("nl"));
    browser.screenshot(&artifacts().join("demo-organisation-nl.png")).await;

    // The organisation switcher leads to the other organisation; the choice of language stays.
    c.find(Locator::Css(".switcher summary")).await.unwrap().click().await.unwrap();
    c.find(Locator::LinkText("Huisartsenpraktijk De Brug")).await.unwrap().click().await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/orgs/huisartsenpraktijk-de-brug");
    let kind = c.find(Locator::Css(".facts dd")).await.unwrap().text().await.unwrap();
    assert_eq!(kind, "Medische praktijk");
    assert!(c.find_all(Locator::Css("p.flash")).await.unwrap().is_empty(), "the confirmation showed once");

    // Keyboard users: the first Tab stop is the skip link to the main content.
    c.goto(&app.url("/orgs/az-voorbeeldstad")).await.unwrap();
    let first_focus = c
        .execute("document.querySelector('a,button,summary,input').focus(); return document.activeElement.className;", vec![])
        .await
        .unwrap();
    assert_eq!(first_focus, "skip-link");

    // A phone-sized screen still shows the page without horizontal scrolling of the body.
    c.execute("document.activeElement.blur();", vec![]).await.unwrap();
    c.set_window_size(390, 844).await.unwrap();
    let overflow =
        c.execute("return document.documentElement.scrollWidth <= window.innerWidth;", vec![]).await.unwrap();
    assert_eq!(overflow, serde_json::Value::Bool(true), "no horizontal overflow on a phone");
    browser.screenshot(&artifacts().join("demo-organisation-phone.png")).await;

    // Unknown page: friendly, in Dutch.
    c.goto(&app.url("/does-not-exist")).await.unwrap();
    let h1 = c.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    assert_eq!(h1, "Pagina niet gevonden");

    browser.close().await;
    app.stop().await;
}
