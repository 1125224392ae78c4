//! The command line. Every command takes the same global options; every command that prints data
//! takes `--json`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{FlagConfig, LogFormat};

#[derive(Debug, Parser)]
#[command(
    name = "ward",
    version,
    about = "Ward: cybersecurity compliance and security posture for healthcare (CyFun, NIS2, GDPR)",
    long_about = None,
    after_help = "Configuration precedence: flags > environment (WARD_*) > config file > defaults.\n\
                  WARD_DATABASE_URL=postgres://… selects PostgreSQL; otherwise SQLite in the data folder."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Data folder (SQLite database and Ward's files) [env: WARD_DATA_DIR] [default: ./ward-data]
    #[arg(long = "data", value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Config file (TOML) [env: WARD_CONFIG] [default: ./ward.toml when present]
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Log format on standard error [env: WARD_LOG_FORMAT] [default: text]
    #[arg(long, value_enum, global = true)]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application and API
    Serve(ServeArgs),
    /// Create or refresh the fictitious demo hospital, then serve it
    Demo(DemoArgs),
    /// Apply pending database migrations
    Migrate(JsonArg),
    /// Show the effective configuration and where each value comes from (secrets redacted)
    Config(JsonArg),
    /// Manage organisations
    #[command(subcommand)]
    Org(OrgCommand),
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON for machines instead of text for people
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [env: WARD_BIND] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on [env: WARD_BIND] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Only create or refresh the demo data; do not serve
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation
    Create(OrgCreateArgs),
    /// List organisations
    List(JsonArg),
    /// Show one organisation and its sites
    Show(OrgShowArgs),
}

#[derive(Debug, Args)]
pub struct OrgCreateArgs {
    /// Display name, e.g. "AZ Voorbeeldstad"
    #[arg(long)]
    pub name: String,
    /// URL-safe identifier; derived from the name when omitted
    #[arg(long)]
    pub slug: Option<String>,
    /// hospital, hospital_network, clinic, medical_practice, care_home, laboratory or other
    #[arg(long, default_value = "hospital")]
    pub kind: String,
    /// Belgian enterprise number (KBO/BCE), e.g. 0123.456.749
    #[arg(long, value_name = "NUMBER")]
    pub enterprise_number: Option<String>,
    /// Default language of the organisation: en, nl or fr
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub language: String,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct OrgShowArgs {
    /// The organisation's slug
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[command(flatten)]
    pub output: JsonArg,
}

impl Cli {
    pub fn flags(&self) -> FlagConfig {
        let bind = match &self.command {
            Command::Serve(a) => a.bind.clone(),
            Command::Demo(a) => a.bind.clone(),
            _ => None,
        };
        FlagConfig {
            config_file: self.global.config.clone(),
            data_dir: self.global.data_dir.clone(),
            bind,
            log_format: self.global.log_format,
        }
    }

    /// Long-running commands log at info by default; one-shot commands keep the terminal quiet.
    pub fn is_server(&self) -> bool {
        matches!(&self.command, Command::Serve(_) | Command::Demo(DemoArgs { no_serve: false, .. }))
    }
}
