use std::io::Read;

use anyhow::Context;
use serde::Serialize;
use ward_app::{Ctx, NewAccount};
use ward_domain::Role;

use crate::cli::{EmailArgs, UserCreateArgs};
use crate::config::Config;

#[derive(Serialize)]
struct UserView {
    email: String,
    name: String,
    admin: bool,
    disabled: bool,
    mfa: bool,
    sso: bool,
}

impl From<&ward_domain::User> for UserView {
    fn from(u: &ward_domain::User) -> Self {
        UserView {
            email: u.email.to_string(),
            name: u.display_name.clone(),
            admin: u.is_admin,
            disabled: u.disabled,
            mfa: u.totp_enabled,
            sso: u.sso,
        }
    }
}

#[derive(Serialize)]
struct Created {
    user: UserView,
    /// Present when Ward generated the password: give it to the person once.
    one_time_password: Option<String>,
    organisation: Option<String>,
    role: Option<String>,
}

pub async fn create(config: &Config, args: &UserCreateArgs) -> anyhow::Result<()> {
    // Validate everything that can be checked before writing anything.
    let role = args.role.as_deref().map(Role::parse).transpose()?;
    let until = args.until.as_deref().map(super::member::parse_until).transpose()?.flatten();
    let password = if args.password_stdin {
        let mut pw = String::new();
        std::io::stdin().read_to_string(&mut pw).context("cannot read the password from standard input")?;
        Some(pw.trim_end_matches(['\n', '\r']).to_owned())
    } else {
        None
    };
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    if let Some(slug) = &args.org {
        // Fail before creating the account when the organisation does not exist.
        ward.organisation(&ctx, slug)
            .await
            .map_err(|_| anyhow::anyhow!("no organisation with slug {slug:?}; see `ward org list`"))?;
    }
    let created = ward
        .create_account(
            &ctx,
            &NewAccount {
                email: args.email.clone(),
                display_name: args.name.clone(),
                password,
                admin: args.admin,
            },
        )
        .await?;
    if let (Some(slug), Some(role)) = (&args.org, role) {
        ward.set_member(&ctx, slug, created.user.email.as_str(), role, until).await?;
    }
    ward.close().await;
    let report = Created {
        user: UserView::from(&created.user),
        one_time_password: created.generated_password.clone(),
        organisation: args.org.clone(),
        role: role.map(|r| r.code().to_owned()),
    };
    if args.output.json {
        return super::print_json(&report);
    }
    println!("Created account {}.", created.user.email);
    if let (Some(org), Some(role)) = (&report.organisation, &report.role) {
        println!("Added to {org} as {role}.");
    }
    if let Some(pw) = &created.generated_password {
        println!("One-time password (give it to the person; they change it under My account):  {pw}");
    }
    Ok(())
}

pub async fn list(config: &Config, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let users = ward.users(&Ctx::cli()).await;
    ward.close().await;
    let users: Vec<UserView> = users?.iter().map(UserView::from).collect();
    if json {
        return super::print_json(&users);
    }
    println!("{:<42} {:<6} {:<4} {:<9} NAME", "EMAIL", "ADMIN", "MFA", "STATUS");
    for u in &users {
        let yes = |b: bool| if b { "yes" } else { "no" };
        println!(
            "{:<42} {:<6} {:<4} {:<9} {}",
            u.email,
            yes(u.admin),
            yes(u.mfa),
            if u.disabled { "disabled" } else { "active" },
            u.name
        );
    }
    Ok(())
}

pub async fn reset_password(config: &Config, args: &EmailArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.reset_password(&Ctx::cli(), &args.email).await;
    ward.close().await;
    let password = result?;
    if args.output.json {
        return super::print_json(&serde_json::json!({"email": args.email, "one_time_password": password}));
    }
    println!("New one-time password for {} (their sessions have ended):  {password}", args.email);
    Ok(())
}

pub async fn set_disabled(config: &Config, args: &EmailArgs, disabled: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.set_account_disabled(&Ctx::cli(), &args.email, disabled).await;
    ward.close().await;
    let user = result?;
    if args.output.json {
        return super::print_json(&UserView::from(&user));
    }
    println!(
        "Account {} {}.",
        user.email,
        if disabled { "disabled; its sessions have ended" } else { "enabled" }
    );
    Ok(())
}

pub async fn reset_mfa(config: &Config, args: &EmailArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.reset_mfa(&Ctx::cli(), &args.email).await;
    ward.close().await;
    let user = result?;
    if args.output.json {
        return super::print_json(&UserView::from(&user));
    }
    println!("Two-step verification of {} is off; their sessions have ended.", user.email);
    Ok(())
}
