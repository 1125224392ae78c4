//! One function per command; each calls `ward-app` use cases and prints for people or `--json`.

mod config;
mod demo;
mod migrate;
mod org;
mod serve;

use anyhow::Context;
use serde::Serialize;
use ward_app::Ward;

use crate::cli::{Cli, Command, OrgCommand};
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
    }
}

/// Connects and migrates: what every command that touches data does first.
async fn open(config: &Config) -> anyhow::Result<Ward> {
    let target = config.database()?;
    Ok(Ward::open(&target).await?)
}

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("cannot encode JSON")?);
    Ok(())
}
