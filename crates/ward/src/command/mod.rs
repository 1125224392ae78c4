//! One function per command; each calls `ward-app` use cases and prints for people or `--json`.

mod assets;
mod audit;
mod config;
mod cyfun;
mod demo;
mod guidance;
mod member;
mod migrate;
mod org;
mod plan;
mod scope;
mod serve;
mod user;

use anyhow::Context;
use serde::Serialize;
use ward_app::Ward;

use crate::cli::{
    AssetsCommand, AuditCommand, CatalogCommand, Cli, Command, CyfunCommand, KeysCommand, MemberCommand,
    OrgCommand, RemindersCommand, SegmentsCommand, TaskCommand, TokenCommand, UserCommand,
};
use crate::config::Config;

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(_) => serve::run(&config).await,
        Command::Demo(args) => demo::run(&config, &args).await,
        Command::Migrate(args) => migrate::run(&config, args.json).await,
        Command::Config(args) => config::run(&config, args.json),
        Command::Org(OrgCommand::Create(args)) => org::create(&config, &args).await,
        Command::Org(OrgCommand::List(args)) => org::list(&config, args.json).await,
        Command::Org(OrgCommand::Show(args)) => org::show(&config, &args.org, args.output.json).await,
        Command::Org(OrgCommand::Policy(args)) => org::policy(&config, &args).await,
        Command::User(UserCommand::Create(args)) => user::create(&config, &args).await,
        Command::User(UserCommand::List(args)) => user::list(&config, args.json).await,
        Command::User(UserCommand::ResetPassword(args)) => user::reset_password(&config, &args).await,
        Command::User(UserCommand::ResetMfa(args)) => user::reset_mfa(&config, &args).await,
        Command::User(UserCommand::Disable(args)) => user::set_disabled(&config, &args, true).await,
        Command::User(UserCommand::Enable(args)) => user::set_disabled(&config, &args, false).await,
        Command::Member(MemberCommand::Set(args)) => member::set(&config, &args).await,
        Command::Member(MemberCommand::Remove(args)) => member::remove(&config, &args).await,
        Command::Member(MemberCommand::List(args)) => {
            member::list(&config, &args.org, args.output.json).await
        }
        Command::Token(TokenCommand::Create(args)) => member::create_token(&config, &args).await,
        Command::Token(TokenCommand::List(args)) => {
            member::list_tokens(&config, &args.org, args.output.json).await
        }
        Command::Token(TokenCommand::Revoke(args)) => member::revoke_token(&config, &args).await,
        Command::Audit(AuditCommand::Verify(args)) => audit::verify(&config, args.json).await,
        Command::Audit(AuditCommand::Checkpoint(args)) => audit::checkpoint(&config, args.json).await,
        Command::Audit(AuditCommand::Log(args)) => audit::log(&config, &args).await,
        Command::Keys(KeysCommand::Rotate(args)) => audit::rotate_keys(&config, args.json).await,
        Command::Scope(args) => scope::run(&args),
        Command::Cyfun(CyfunCommand::List(args)) => cyfun::list(&config, &args.org, args.output.json).await,
        Command::Cyfun(CyfunCommand::Create(args)) => cyfun::create(&config, &args).await,
        Command::Cyfun(CyfunCommand::Score(args)) => cyfun::score(&config, &args).await,
        Command::Cyfun(CyfunCommand::ImportWorkbook(args)) => cyfun::import_workbook(&config, &args).await,
        Command::Cyfun(CyfunCommand::ExportWorkbook(args)) => cyfun::export_workbook(&config, &args).await,
        Command::Cyfun(CyfunCommand::Snapshot(args)) => cyfun::snapshot(&config, &args).await,
        Command::Cyfun(CyfunCommand::Compare(args)) => cyfun::compare(&config, &args).await,
        Command::Cyfun(CyfunCommand::Answer(args)) => cyfun::answer(&config, &args).await,
        Command::Assets(AssetsCommand::List(args)) => assets::list(&config, &args).await,
        Command::Assets(AssetsCommand::Import(args)) => assets::import(&config, &args).await,
        Command::Segments(SegmentsCommand::Check(args)) => {
            assets::check(&config, &args.org, args.output.json).await
        }
        Command::Segments(SegmentsCommand::Set(args)) => assets::set_segment(&config, &args).await,
        Command::Gaps(args) => plan::gaps(&config, &args).await,
        Command::Plan(args) => plan::plan(&config, &args).await,
        Command::Task(TaskCommand::List(args)) => plan::list_tasks(&config, &args).await,
        Command::Task(TaskCommand::Create(args)) => plan::create_task(&config, &args).await,
        Command::Task(TaskCommand::Import(args)) => plan::import_tasks(&config, &args).await,
        Command::Task(TaskCommand::Export(args)) => plan::export_tasks(&config, &args.org).await,
        Command::Reminders(RemindersCommand::Send(args)) => plan::send_reminders(&config, args.json).await,
        Command::Catalog(CatalogCommand::Import(args)) => cyfun::import_catalog(&config, &args).await,
        Command::Catalog(CatalogCommand::Requirements(args)) => guidance::requirements(&args),
        Command::Catalog(CatalogCommand::Search(args)) => guidance::search(&args),
        Command::Catalog(CatalogCommand::Plans(args)) => guidance::plans(&args),
    }
}

/// Connects, migrates and unlocks the keys: what every command that touches data does first.
async fn open(config: &Config) -> anyhow::Result<Ward> {
    let target = config.database()?;
    let (keys, new_key_file) = crate::keys::load(config)?;
    // Reach and migrate the database before writing a new key file, so a wrong URL or an
    // unwritable folder changes nothing; write it before the first data key is wrapped with it.
    let mut ward = Ward::connect(&target, keys).await?;
    if let Some((sso, _)) = &config.oidc {
        ward = ward.with_sso(sso.clone());
    }
    ward.migrate().await?;
    if let Some(file) = new_key_file {
        file.write()?;
    }
    ward.unlock().await?;
    Ok(ward)
}

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("cannot encode JSON")?);
    Ok(())
}
