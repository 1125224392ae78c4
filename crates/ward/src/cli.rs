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
    /// Data folder (SQLite database, master key, checkpoint copies) [env: WARD_DATA_DIR] [default: ./ward-data]
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
    /// Manage accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage who belongs to an organisation
    #[command(subcommand)]
    Member(MemberCommand),
    /// Manage an organisation's API tokens
    #[command(subcommand)]
    Token(TokenCommand),
    /// Read and verify the tamper-evident audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage encryption keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Is an organisation subject to NIS2, which CyFun level, which obligations and by when
    Scope(ScopeArgs),
    /// CyFun self-assessments: score, import and export the CCB's official workbook
    #[command(subcommand)]
    Cyfun(CyfunCommand),
    /// The gap plan of an assessment: every requirement below what its level needs, ranked
    Gaps(GapsArgs),
    /// The minimum path to pass a level: the cheapest score increases, and the verdict they reach
    Plan(PlanArgs),
    /// Remediation tasks: list, create, import and export (CSV)
    #[command(subcommand)]
    Task(TaskCommand),
    /// The asset register: list and import inventories (CSV, nmap XML)
    #[command(subcommand)]
    Assets(AssetsCommand),
    /// Network segments and where assets break their policy
    #[command(subcommand)]
    Segments(SegmentsCommand),
    /// E-mail reminders of tasks coming due or overdue (run daily, e.g. from cron)
    #[command(subcommand)]
    Reminders(RemindersCommand),
    /// The CyFun catalogs: requirements with Ward's healthcare guidance, search, quick-start
    /// plans, and the official texts of this installation
    #[command(subcommand)]
    Catalog(CatalogCommand),
}

#[derive(Debug, Subcommand)]
pub enum CyfunCommand {
    /// List an organisation's assessments
    List(OrgShowArgs),
    /// Start an assessment; prints its id
    Create(CyfunCreateArgs),
    /// Scores, key measures and the verdict per level of an assessment
    Score(CyfunIdArgs),
    /// Read a filled official CCB workbook (.xlsx) into a new assessment; prints its id
    ImportWorkbook(CyfunImportArgs),
    /// Fill a blank official CCB workbook with an assessment's answers
    ExportWorkbook(CyfunExportArgs),
    /// Freeze the assessment as it is now, to compare later
    Snapshot(CyfunSnapshotArgs),
    /// Compare a snapshot with a later one or with now: category deltas and changed answers
    Compare(CyfunCompareArgs),
    /// Score or annotate one requirement (prints the new verdicts)
    Answer(CyfunAnswerArgs),
}

#[derive(Debug, Args)]
pub struct CyfunCompareArgs {
    /// The assessment's id
    pub id: String,
    /// The earlier snapshot's id
    #[arg(long, value_name = "SNAPSHOT")]
    pub from: String,
    /// The later snapshot's id [default: the assessment as it is now]
    #[arg(long, value_name = "SNAPSHOT")]
    pub to: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CyfunAnswerArgs {
    /// The assessment's id
    pub id: String,
    /// The requirement id, e.g. PR.AA-03.2
    pub requirement: String,
    /// Documentation score, 1 to 5
    #[arg(long, value_name = "1-5")]
    pub documentation: Option<u8>,
    /// Implementation score, 1 to 5
    #[arg(long, value_name = "1-5")]
    pub implementation: Option<u8>,
    /// Mark as not applicable (needs --justification)
    #[arg(long, conflicts_with = "applicable")]
    pub not_applicable: bool,
    /// Mark as applicable again
    #[arg(long)]
    pub applicable: bool,
    #[arg(long)]
    pub justification: Option<String>,
    #[arg(long)]
    pub comment: Option<String>,
    #[arg(long)]
    pub owner: Option<String>,
    /// todo, in_progress or done
    #[arg(long)]
    pub status: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CyfunCreateArgs {
    /// The organisation's slug
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[arg(long)]
    pub name: String,
    /// cyfun-2025 or cyfun-2023
    #[arg(long, default_value = "cyfun-2025")]
    pub framework: String,
    /// basic, important or essential [default: the organisation's scoped level]
    #[arg(long, value_name = "LEVEL")]
    pub target: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CyfunIdArgs {
    /// The assessment's id
    pub id: String,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CyfunImportArgs {
    /// The filled workbook (.xlsx)
    pub file: std::path::PathBuf,
    /// The organisation's slug
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    /// A name for the new assessment [default: from the file name]
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CyfunExportArgs {
    /// The assessment's id
    pub id: String,
    /// A blank official CCB workbook (CyFun 2025 ESSENTIAL, tool v3.1)
    #[arg(long, value_name = "FILE")]
    pub template: std::path::PathBuf,
    /// Where to write the filled workbook
    #[arg(long, value_name = "FILE")]
    pub out: std::path::PathBuf,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CyfunSnapshotArgs {
    /// The assessment's id
    pub id: String,
    #[arg(long)]
    pub label: String,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct GapsArgs {
    /// The assessment's id
    pub id: String,
    /// basic, important or essential (default: the assessment's target level)
    #[arg(long)]
    pub level: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The assessment's id
    pub id: String,
    /// basic, important or essential
    #[arg(long)]
    pub target: String,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// An organisation's tasks, open work first
    List(TaskListArgs),
    /// Create a task
    Create(TaskCreateArgs),
    /// Create or update tasks from a CSV file (all rows or none)
    Import(TaskImportArgs),
    /// Write every task of an organisation as CSV to standard output
    Export(OrgShowArgs),
}

#[derive(Debug, Args)]
pub struct TaskListArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    /// Include done and cancelled tasks
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct TaskCreateArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[arg(long)]
    pub title: String,
    /// The owner's e-mail address
    #[arg(long)]
    pub owner: Option<String>,
    /// YYYY-MM-DD
    #[arg(long)]
    pub due: Option<String>,
    /// A requirement the task advances (repeat for several)
    #[arg(long = "requirement", value_name = "ID")]
    pub requirements: Vec<String>,
    /// The assessment whose gap it closes
    #[arg(long)]
    pub assessment: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct TaskImportArgs {
    pub file: std::path::PathBuf,
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Subcommand)]
pub enum AssetsCommand {
    /// The register, by name
    List(AssetListArgs),
    /// Import an inventory: shows what will be added, changed or left; writes all or nothing
    Import(AssetImportArgs),
}

#[derive(Debug, Args)]
pub struct AssetListArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    /// Only this kind, e.g. medical_device
    #[arg(long)]
    pub kind: Option<String>,
    /// Words in the name, vendor, model, serial, IP, MAC or hostname
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long, default_value_t = 500)]
    pub limit: i64,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct AssetImportArgs {
    pub file: std::path::PathBuf,
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    /// csv or nmap (default: from the content)
    #[arg(long)]
    pub format: Option<String>,
    /// Only show what would happen
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows and skip the bad ones (default: nothing is written when a row is bad)
    #[arg(long)]
    pub skip_bad_rows: bool,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Subcommand)]
pub enum SegmentsCommand {
    /// List the assets placed where the segment policy does not allow it
    Check(OrgShowArgs),
    /// Describe a segment: its zone type, VLAN and network
    Set(SegmentSetArgs),
}

#[derive(Debug, Args)]
pub struct SegmentSetArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[arg(long)]
    pub name: String,
    /// medical_devices, clinical, administrative, servers, guest, building, dmz, management, other
    #[arg(long)]
    pub zone: String,
    #[arg(long)]
    pub vlan: Option<String>,
    /// e.g. 10.20.0.0/16
    #[arg(long)]
    pub cidr: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Send today's reminders through the mail server (WARD_SMTP_URL)
    Send(JsonArg),
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List the requirements of a CyFun version with Ward's title and healthcare guidance
    Requirements(CatalogRequirementsArgs),
    /// Search the guidance by the words you would use (any of the three languages) or an id
    Search(CatalogSearchArgs),
    /// The quick-start plans: four priority areas and the first 90 days after being scoped in
    Plans(CatalogPlansArgs),
    /// Load the official requirement texts you hold, from the CCB workbook (.xlsx) or a CISO
    /// Assistant library (.yaml); shown beside Ward's own titles
    Import(CatalogImportArgs),
}

#[derive(Debug, Args)]
pub struct CatalogRequirementsArgs {
    /// cyfun2025 or cyfun2023
    #[arg(long, default_value = "cyfun2025")]
    pub framework: String,
    /// en, nl or fr
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Only requirements serving this priority area: patient_data, medical_devices, ransomware, continuity
    #[arg(long)]
    pub area: Option<String>,
    /// Only requirements of this effort: S, M or L
    #[arg(long)]
    pub effort: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CatalogSearchArgs {
    /// Words to look for, e.g. infusion pump
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Language of the titles shown: en, nl or fr
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// At most this many results
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CatalogPlansArgs {
    /// Only this plan: patient-data, medical-devices, ransomware, continuity or scoped-in
    pub plan: Option<String>,
    /// en, nl or fr
    #[arg(long, default_value = "en")]
    pub lang: String,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct CatalogImportArgs {
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// List the sector slugs and stop
    #[arg(long)]
    pub list_sectors: bool,
    /// Sector slug (repeat for several activities), e.g. healthcare-provider
    #[arg(long = "sector", value_name = "SLUG", required_unless_present = "list_sectors")]
    pub sectors: Vec<String>,
    /// Staff in annual work units
    #[arg(long, value_name = "N", required_unless_present = "list_sectors", allow_negative_numbers = true)]
    pub employees: Option<f64>,
    /// Annual turnover in euro
    #[arg(long, value_name = "EUR", required_unless_present = "list_sectors", allow_negative_numbers = true)]
    pub turnover_eur: Option<f64>,
    /// Balance-sheet total in euro
    #[arg(long, value_name = "EUR", required_unless_present = "list_sectors", allow_negative_numbers = true)]
    pub balance_eur: Option<f64>,
    /// A linked enterprise's staff,turnover,balance (counted in full); repeatable
    #[arg(long, value_name = "STAFF,EUR,EUR")]
    pub linked: Vec<String>,
    /// A partner enterprise's staff,turnover,balance,share% (counted in proportion); repeatable
    #[arg(long, value_name = "STAFF,EUR,EUR,PCT")]
    pub partner: Vec<String>,
    /// The organisation is not established in Belgium
    #[arg(long)]
    pub not_in_belgium: bool,
    /// A public body
    #[arg(long)]
    pub public_entity: bool,
    /// The sole provider in Belgium of a service essential to society or the economy
    #[arg(long)]
    pub sole_provider: bool,
    /// Designated by the authority as essential or important
    #[arg(long, value_name = "essential|important")]
    pub designated: Option<String>,
    /// Date of designation or identification (YYYY-MM-DD); default: the law's entry into force
    #[arg(long, value_name = "DATE")]
    pub entry_date: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (with a generated one-time password unless --password-stdin)
    Create(UserCreateArgs),
    /// List accounts
    List(JsonArg),
    /// Set a new one-time password and end the account's sessions
    ResetPassword(EmailArgs),
    /// Turn off an account's two-step verification (lost phone) and end its sessions
    ResetMfa(EmailArgs),
    /// Disable an account and end its sessions
    Disable(EmailArgs),
    /// Enable a disabled account
    Enable(EmailArgs),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    #[arg(long)]
    pub email: String,
    /// How the person is shown (default: the part of the e-mail before @)
    #[arg(long)]
    pub name: Option<String>,
    /// Make the account an installation administrator
    #[arg(long)]
    pub admin: bool,
    /// Also add the account to this organisation…
    #[arg(long, value_name = "SLUG", requires = "role")]
    pub org: Option<String>,
    /// …with this role: owner, security_officer, contributor, auditor or viewer
    #[arg(long, requires = "org")]
    pub role: Option<String>,
    /// …until this date (YYYY-MM-DD, access ends at the end of that day)
    #[arg(long, value_name = "DATE", requires = "org")]
    pub until: Option<String>,
    /// Read the password from standard input instead of generating one
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct EmailArgs {
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Add a member or change their role
    Set(MemberSetArgs),
    /// Remove a member
    Remove(MemberRemoveArgs),
    /// List the members
    List(OrgShowArgs),
}

#[derive(Debug, Args)]
pub struct MemberSetArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[arg(long)]
    pub email: String,
    /// owner, security_officer, contributor, auditor or viewer
    #[arg(long)]
    pub role: String,
    /// Access ends at the end of this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct MemberRemoveArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[arg(long)]
    pub email: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token (the secret is printed once)
    Create(TokenCreateArgs),
    /// List an organisation's API tokens
    List(OrgShowArgs),
    /// Revoke an API token
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    #[arg(long)]
    pub name: String,
    /// owner, security_officer, contributor, auditor or viewer
    #[arg(long, default_value = "viewer")]
    pub role: String,
    /// Days until it expires (1–366)
    #[arg(long, default_value_t = 90)]
    pub days: i64,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    /// The token's id (see `ward token list`)
    #[arg(long)]
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole chain and every signed checkpoint; exits 1 and names the first bad entry
    Verify(JsonArg),
    /// Sign a checkpoint at the current end of the log
    Checkpoint(JsonArg),
    /// Show entries, newest first
    Log(AuditLogArgs),
}

#[derive(Debug, Args)]
pub struct AuditLogArgs {
    /// Only this organisation's entries (default: the whole installation)
    #[arg(long, value_name = "SLUG")]
    pub org: Option<String>,
    /// Only actions starting with this, e.g. `member.`
    #[arg(long)]
    pub action: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    #[command(flatten)]
    pub output: JsonArg,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new data-encryption key and re-encrypt every sensitive value under it (online)
    Rotate(JsonArg),
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
    /// Set the organisation's security policy
    Policy(OrgPolicyArgs),
}

#[derive(Debug, Args)]
pub struct OrgPolicyArgs {
    /// The organisation's slug
    #[arg(long, value_name = "SLUG")]
    pub org: String,
    /// Require two-step verification of every member: on or off
    #[arg(long, value_name = "on|off")]
    pub require_mfa: String,
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
