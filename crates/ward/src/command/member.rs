use serde::Serialize;
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;
use ward_app::Ctx;
use ward_domain::Role;
use ward_web::api::model::MemberView;

use crate::cli::{MemberRemoveArgs, MemberSetArgs, TokenCreateArgs, TokenRevokeArgs};
use crate::config::Config;

/// `YYYY-MM-DD` → the end of that day (UTC).
pub fn parse_until(until: &str) -> anyhow::Result<Option<OffsetDateTime>> {
    let date = Date::parse(until.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| anyhow::anyhow!("--until {until:?} is not a date like 2027-04-18"))?;
    Ok(Some(date.with_time(Time::MIDNIGHT).assume_utc() + time::Duration::days(1)))
}

pub async fn set(config: &Config, args: &MemberSetArgs) -> anyhow::Result<()> {
    let role = Role::parse(&args.role)?;
    let until = args.until.as_deref().map(parse_until).transpose()?.flatten();
    let ward = super::open(config).await?;
    let result = ward.set_member(&Ctx::cli(), &args.org, &args.email, role, until).await;
    ward.close().await;
    let member = result?;
    if args.output.json {
        return super::print_json(&MemberView::from(&member));
    }
    println!("{} is {} of {}.", member.user.email, role.code(), args.org);
    Ok(())
}

pub async fn remove(config: &Config, args: &MemberRemoveArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.remove_member(&Ctx::cli(), &args.org, &args.email).await;
    ward.close().await;
    result?;
    println!("{} no longer belongs to {}.", args.email, args.org);
    Ok(())
}

pub async fn list(config: &Config, slug: &str, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.members(&Ctx::cli(), slug).await;
    ward.close().await;
    let members: Vec<MemberView> = result?.iter().map(MemberView::from).collect();
    if json {
        return super::print_json(&members);
    }
    println!("{:<42} {:<17} {:<11} NAME", "EMAIL", "ROLE", "UNTIL");
    let day = format_description!("[year]-[month]-[day]");
    for m in &members {
        let until = m
            .expires_at
            .and_then(|t| (t - time::Duration::seconds(1)).format(&day).ok())
            .unwrap_or_else(|| "-".into());
        println!("{:<42} {:<17} {:<11} {}", m.email, m.role, until, m.name);
    }
    Ok(())
}

#[derive(Serialize)]
struct TokenView {
    id: String,
    name: String,
    role: String,
    created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
    revoked: bool,
    /// Only when just created: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl TokenView {
    fn new(t: &ward_app::ApiTokenRecord, secret: Option<String>) -> Self {
        TokenView {
            id: t.id.to_string(),
            name: t.name.clone(),
            role: t.role.code().to_owned(),
            created_by: t.created_by.clone(),
            expires_at: t.expires_at,
            revoked: t.revoked_at.is_some(),
            secret,
        }
    }
}

pub async fn create_token(config: &Config, args: &TokenCreateArgs) -> anyhow::Result<()> {
    let role = Role::parse(&args.role)?;
    let ward = super::open(config).await?;
    let result = ward.create_api_token(&Ctx::cli(), &args.org, &args.name, role, args.days).await;
    ward.close().await;
    let (record, secret) = result?;
    if args.output.json {
        return super::print_json(&TokenView::new(&record, Some(secret)));
    }
    println!(
        "Created API token \"{}\" ({}) for {}, valid {} days. Copy it now; it is not shown again:",
        record.name,
        role.code(),
        args.org,
        args.days
    );
    println!("{secret}");
    Ok(())
}

pub async fn list_tokens(config: &Config, slug: &str, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.api_tokens(&Ctx::cli(), slug).await;
    ward.close().await;
    let tokens: Vec<TokenView> = result?.iter().map(|t| TokenView::new(t, None)).collect();
    if json {
        return super::print_json(&tokens);
    }
    for t in &tokens {
        println!("{}  {:<24} {:<17} {}", t.id, t.name, t.role, if t.revoked { "revoked" } else { "active" });
    }
    Ok(())
}

pub async fn revoke_token(config: &Config, args: &TokenRevokeArgs) -> anyhow::Result<()> {
    let id = Uuid::parse_str(&args.id)
        .map_err(|_| anyhow::anyhow!("--id {:?} is not a token id; see `ward token list`", args.id))?;
    let ward = super::open(config).await?;
    let result = ward.revoke_api_token(&Ctx::cli(), &args.org, id).await;
    ward.close().await;
    result?;
    println!("Token {id} revoked.");
    Ok(())
}
