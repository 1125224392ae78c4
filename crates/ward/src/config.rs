//! Effective configuration. One precedence, documented in the README:
//! command-line flags > environment (`WARD_*`) > config file > defaults.
//!
//! Each value remembers where it came from, so `ward config` can say why it is what it is.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ward_app::DatabaseTarget;

pub const DEFAULT_DATA_DIR: &str = "ward-data";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_CONFIG_FILE: &str = "ward.toml";

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    File(PathBuf),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::Env(name) => write!(f, "environment {name}"),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL, which may carry a password: `Debug` shows it redacted.
#[derive(Clone)]
pub struct SecretUrl(String);

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&ward_store::redact_url(&self.0))
    }
}

/// The config file's shape; unknown keys are an error so a typo does not go unnoticed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    bind: Option<String>,
    log: Option<String>,
    log_format: Option<LogFormat>,
    master_key_file: Option<PathBuf>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    oidc: Option<OidcFile>,
}

/// `[oidc]` in the config file: single sign-on with an OpenID Connect provider.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcFile {
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    redirect_url: Option<String>,
    label: Option<String>,
    groups_claim: Option<String>,
    admin_group: Option<String>,
    create_accounts: Option<bool>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    rules: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    group: String,
    org: String,
    role: String,
}

/// What the command line said, before merging.
#[derive(Debug, Default, Clone)]
pub struct FlagConfig {
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub bind: Option<String>,
    pub log_format: Option<LogFormat>,
}

/// The merged configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub config_file: Option<PathBuf>,
    pub data_dir: Setting<PathBuf>,
    /// Secret (it may hold a password): print only through [`Config::database_display`].
    pub database_url: Option<Setting<SecretUrl>>,
    pub bind: Setting<SocketAddr>,
    pub log: Setting<String>,
    pub log_format: Setting<LogFormat>,
    /// The master key file; `None` means `master.key` in the data folder (created if missing).
    pub master_key_file: Option<Setting<PathBuf>>,
    /// The address people use to reach Ward (e.g. `https://ward.az-voorbeeld.be`); `https`
    /// turns on secure cookies and HSTS.
    pub public_url: Option<Setting<String>>,
    /// Single sign-on, when an issuer is configured. Holds the client secret: never print it.
    pub oidc: Option<(ward_app::SsoConfig, Source)>,
    /// The mail server for reminders (`smtp://`, `smtps://` or `smtp://…?tls=required`), which
    /// may carry a password: print only redacted.
    pub smtp_url: Option<Setting<SecretUrl>>,
    /// The sender of reminders.
    pub smtp_from: Setting<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("{source_name}: {reason}")]
    Value { source_name: String, reason: String },
}

/// Reads the environment through a function so tests can give their own.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Config {
    pub fn load(flags: &FlagConfig, env: EnvLookup<'_>) -> Result<Config, ConfigError> {
        let env_value =
            |name: &'static str| env(name).filter(|v| !v.is_empty()).map(|v| (v, Source::Env(name)));

        let (config_path, explicit) = match (&flags.config_file, env_value("WARD_CONFIG")) {
            (Some(p), _) => (p.clone(), true),
            (None, Some((p, _))) => (PathBuf::from(p), true),
            (None, None) => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
        };
        let file = read_file(&config_path, explicit)?;
        let file_used = file.is_some().then(|| config_path.clone());
        let file = file.unwrap_or_default();
        let from_file = |v: Option<String>| v.map(|v| (v, Source::File(config_path.clone())));

        let pick = |flag: Option<(String, Source)>,
                    env: Option<(String, Source)>,
                    file: Option<(String, Source)>| { flag.or(env).or(file) };

        let data_dir = pick(
            flags.data_dir.as_ref().map(|p| (p.display().to_string(), Source::Flag("--data"))),
            env_value("WARD_DATA_DIR"),
            from_file(file.data_dir.map(|p| p.display().to_string())),
        )
        .map(|(v, source)| Setting { value: PathBuf::from(v), source })
        .unwrap_or(Setting { value: PathBuf::from(DEFAULT_DATA_DIR), source: Source::Default });

        let database_url = pick(None, env_value("WARD_DATABASE_URL"), from_file(file.database_url))
            .map(|(value, source)| Setting { value: SecretUrl(value), source });

        let (bind_text, bind_source) = pick(
            flags.bind.clone().map(|b| (b, Source::Flag("--bind"))),
            env_value("WARD_BIND"),
            from_file(file.bind),
        )
        .unwrap_or((DEFAULT_BIND.to_owned(), Source::Default));
        let bind = bind_text.parse::<SocketAddr>().map_err(|_| ConfigError::Value {
            source_name: bind_source.to_string(),
            reason: format!("bind address {bind_text:?} is not an IP address and port, e.g. 127.0.0.1:8080"),
        })?;

        let log = pick(None, env_value("WARD_LOG"), from_file(file.log))
            .map(|(value, source)| Setting { value, source })
            .unwrap_or(Setting { value: "info".to_owned(), source: Source::Default });

        let log_format = match (flags.log_format, env_value("WARD_LOG_FORMAT"), file.log_format) {
            (Some(f), _, _) => Setting { value: f, source: Source::Flag("--log-format") },
            (None, Some((v, source)), _) => {
                let value = match v.to_ascii_lowercase().as_str() {
                    "text" => LogFormat::Text,
                    "json" => LogFormat::Json,
                    _ => {
                        return Err(ConfigError::Value {
                            source_name: source.to_string(),
                            reason: format!("log format {v:?} is not text or json"),
                        });
                    }
                };
                Setting { value, source }
            }
            (None, None, Some(f)) => Setting { value: f, source: Source::File(config_path.clone()) },
            (None, None, None) => Setting { value: LogFormat::Text, source: Source::Default },
        };

        let master_key_file = pick(
            None,
            env_value("WARD_MASTER_KEY_FILE"),
            from_file(file.master_key_file.map(|p| p.display().to_string())),
        )
        .map(|(v, source)| Setting { value: PathBuf::from(v), source });
        let public_url = pick(None, env_value("WARD_PUBLIC_URL"), from_file(file.public_url))
            .map(|(value, source)| Setting { value, source });
        if let Some(url) = &public_url
            && !(url.value.starts_with("http://") || url.value.starts_with("https://"))
        {
            {
                return Err(ConfigError::Value {
                    source_name: url.source.to_string(),
                    reason: format!("public URL {:?} must start with http:// or https://", url.value),
                });
            }
        }

        let smtp_url = pick(None, env_value("WARD_SMTP_URL"), from_file(file.smtp_url))
            .map(|(value, source)| Setting { value: SecretUrl(value), source });
        if let Some(url) = &smtp_url
            && !(url.value.0.starts_with("smtp://") || url.value.0.starts_with("smtps://"))
        {
            return Err(ConfigError::Value {
                source_name: url.source.to_string(),
                reason: format!(
                    "mail server {:?} must start with smtp:// or smtps://",
                    ward_store::redact_url(&url.value.0)
                ),
            });
        }
        let smtp_from = match pick(None, env_value("WARD_SMTP_FROM"), from_file(file.smtp_from)) {
            Some((value, source)) => Setting { value, source },
            None => Setting { value: "Ward <ward@localhost>".to_owned(), source: Source::Default },
        };

        let oidc = oidc_config(
            file.oidc,
            &env_value,
            &config_path,
            public_url.as_ref().map(|u| u.value.as_str()),
            &bind_text,
        )?;

        Ok(Config {
            config_file: file_used,
            master_key_file,
            public_url,
            oidc,
            smtp_url,
            smtp_from,
            data_dir,
            database_url,
            bind: Setting { value: bind, source: bind_source },
            log,
            log_format,
        })
    }

    /// The database to use: `WARD_DATABASE_URL` when set, else `ward.db` in the data folder.
    pub fn database(&self) -> Result<DatabaseTarget, ConfigError> {
        match &self.database_url {
            Some(url) => DatabaseTarget::from_url(&url.value.0).map_err(|e| ConfigError::Value {
                source_name: url.source.to_string(),
                reason: e.to_string(),
            }),
            None => Ok(DatabaseTarget::in_data_dir(&self.data_dir.value)),
        }
    }

    /// Where the master key is read from.
    pub fn master_key_path(&self) -> (PathBuf, bool) {
        match &self.master_key_file {
            Some(s) => (s.value.clone(), true),
            None => (self.data_dir.value.join("master.key"), false),
        }
    }

    pub fn https(&self) -> bool {
        self.public_url.as_ref().is_some_and(|u| u.value.starts_with("https://"))
    }

    /// The database, safe to print.
    /// The mail server, safe to print.
    pub fn smtp_display(&self) -> Option<String> {
        self.smtp_url.as_ref().map(|u| ward_store::redact_url(&u.value.0))
    }

    /// The mail server URL itself (it may hold a password): for the mailer only.
    pub fn smtp_secret(&self) -> Option<&str> {
        self.smtp_url.as_ref().map(|u| u.value.0.as_str())
    }

    pub fn database_display(&self) -> String {
        self.database().map(|t| t.redacted()).unwrap_or_else(|e| e.to_string())
    }
}

/// Single sign-on settings: the file's `[oidc]` table, with `WARD_OIDC_ISSUER`,
/// `WARD_OIDC_CLIENT_ID` and `WARD_OIDC_CLIENT_SECRET` taking precedence.
fn oidc_config(
    file: Option<OidcFile>,
    env_value: &dyn Fn(&'static str) -> Option<(String, Source)>,
    config_path: &Path,
    public_url: Option<&str>,
    bind: &str,
) -> Result<Option<(ward_app::SsoConfig, Source)>, ConfigError> {
    let file = file.unwrap_or_default();
    let from_file = Source::File(config_path.to_owned());
    let issuer = match (env_value("WARD_OIDC_ISSUER"), file.issuer) {
        (Some((v, s)), _) => (v, s),
        (None, Some(v)) => (v, from_file.clone()),
        (None, None) => return Ok(None),
    };
    let missing = |what: &str| ConfigError::Value {
        source_name: issuer.1.to_string(),
        reason: format!("single sign-on needs {what} as well as the issuer"),
    };
    let client_id = env_value("WARD_OIDC_CLIENT_ID")
        .map(|v| v.0)
        .or(file.client_id)
        .ok_or_else(|| missing("a client id (WARD_OIDC_CLIENT_ID)"))?;
    let client_secret = env_value("WARD_OIDC_CLIENT_SECRET")
        .map(|v| v.0)
        .or(file.client_secret)
        .ok_or_else(|| missing("a client secret (WARD_OIDC_CLIENT_SECRET)"))?;
    let base =
        public_url.map(|u| u.trim_end_matches('/').to_owned()).unwrap_or_else(|| format!("http://{bind}"));
    let mut rules = Vec::new();
    for (i, rule) in file.rules.into_iter().enumerate() {
        let bad = |e: ward_domain::ValidationError| ConfigError::Value {
            source_name: from_file.to_string(),
            reason: format!("oidc.rules[{i}]: {e}"),
        };
        rules.push(ward_domain::GroupRole {
            group: rule.group,
            org: ward_domain::OrgSlug::parse(&rule.org).map_err(bad)?,
            role: ward_domain::Role::parse(&rule.role).map_err(bad)?,
        });
    }
    Ok(Some((
        ward_app::SsoConfig {
            issuer: issuer.0,
            client_id,
            client_secret,
            redirect_url: file.redirect_url.unwrap_or_else(|| format!("{base}/login/oidc/callback")),
            label: file.label.unwrap_or_else(|| "Sign in with your organisation's account".to_owned()),
            groups_claim: file.groups_claim.unwrap_or_else(|| "groups".to_owned()),
            admin_group: file.admin_group,
            rules,
            create_accounts: file.create_accounts.unwrap_or(true),
            extra_scopes: file.scopes,
        },
        issuer.1,
    )))
}

fn read_file(path: &Path, explicit: bool) -> Result<Option<FileConfig>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => return Ok(None),
        Err(e) => return Err(ConfigError::File { path: path.to_owned(), reason: e.to_string() }),
    };
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| ConfigError::File { path: path.to_owned(), reason: e.message().to_owned() })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_apply_without_anything() {
        let config = Config::load(&FlagConfig::default(), &env(&[])).unwrap();
        assert_eq!(config.data_dir.value, PathBuf::from("ward-data"));
        assert_eq!(config.data_dir.source, Source::Default);
        assert_eq!(config.bind.value.to_string(), "127.0.0.1:8080");
        assert!(config.database_url.is_none());
    }

    #[test]
    fn flags_beat_env_beat_file_beat_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ward.toml");
        std::fs::write(&file, "data_dir = \"/from/file\"\nbind = \"127.0.0.1:9000\"\nlog = \"debug\"\n")
            .unwrap();
        let flags = FlagConfig {
            config_file: Some(file.clone()),
            data_dir: Some("/from/flag".into()),
            ..Default::default()
        };
        let config =
            Config::load(&flags, &env(&[("WARD_DATA_DIR", "/from/env"), ("WARD_BIND", "127.0.0.1:9100")]))
                .unwrap();
        assert_eq!(config.data_dir.value, PathBuf::from("/from/flag"));
        assert_eq!(config.data_dir.source, Source::Flag("--data"));
        assert_eq!(config.bind.value.port(), 9100);
        assert_eq!(config.bind.source, Source::Env("WARD_BIND"));
        assert_eq!(config.log.value, "debug");
        assert_eq!(config.log.source, Source::File(file));
        assert_eq!(config.log_format.source, Source::Default);
    }

    #[test]
    fn bad_values_say_where_they_came_from() {
        let err =
            Config::load(&FlagConfig { bind: Some("nonsense".into()), ..Default::default() }, &env(&[]))
                .unwrap_err();
        assert!(err.to_string().starts_with("flag --bind:"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ward.toml");
        std::fs::write(&file, "dta_dir = \"x\"\n").unwrap();
        let err = Config::load(&FlagConfig { config_file: Some(file), ..Default::default() }, &env(&[]))
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `dta_dir`"), "{err}");
        let err = Config::load(
            &FlagConfig { config_file: Some("/nonexistent/ward.toml".into()), ..Default::default() },
            &env(&[]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/ward.toml"), "{err}");
    }

    #[test]
    fn database_url_is_redacted_for_display() {
        let config = Config::load(
            &FlagConfig::default(),
            &env(&[("WARD_DATABASE_URL", "postgres://ward:hunter2@db/ward")]),
        )
        .unwrap();
        assert_eq!(config.database_display(), "postgres://ward:****@db/ward");
        assert!(!format!("{:?}", config.database()).contains("hunter2"));
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
