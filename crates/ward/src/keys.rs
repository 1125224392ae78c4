//! Loading (or, on a new installation, creating) the master key.

use std::path::Path;

use anyhow::{Context, bail};
use ward_app::{KeySource, MasterKey};

use crate::config::Config;

/// A master key generated in memory, to be written once the database is known to be reachable.
pub struct NewKeyFile {
    path: std::path::PathBuf,
    key: MasterKey,
}

impl NewKeyFile {
    pub fn write(self) -> anyhow::Result<()> {
        create(&self.path, &self.key)
    }
}

/// Reads the master key. A missing key at the default place (`master.key` in the data folder) is
/// generated, to be written (readable by the owner only) by [`NewKeyFile::write`]; a missing key at
/// a configured place is an error, because a new key would not open the existing data.
pub fn load(config: &Config) -> anyhow::Result<(KeySource, Option<NewKeyFile>)> {
    let (path, explicit) = config.master_key_path();
    let (master, new) = match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            (
                MasterKey::from_text(&text)
                    .with_context(|| format!("master key file {} is invalid", path.display()))?,
                None,
            )
        }
        Err(e)
            if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory)
                && !explicit =>
        {
            let key = MasterKey::generate()?;
            (key.clone(), Some(NewKeyFile { path, key }))
        }
        Err(e) => bail!(
            "cannot read the master key file {} ({e}); set WARD_MASTER_KEY_FILE to the right file",
            path.display()
        ),
    };
    Ok((
        KeySource { master, checkpoint_file: Some(config.data_dir.value.join("audit-checkpoints.log")) },
        new,
    ))
}

fn create(path: &Path, key: &MasterKey) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "data folder {} cannot be created; choose another with --data or WARD_DATA_DIR",
                dir.display()
            )
        })?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options.open(path).with_context(|| {
        format!(
            "cannot create the master key file {}; check that the data folder is writable",
            path.display()
        )
    })?;
    file.write_all(key.to_text().as_bytes())?;
    file.sync_all()?;
    tracing::warn!(path = %path.display(), "created a new master key: back it up apart from the database");
    Ok(())
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the master key file is readable by other users; chmod 600 it");
        }
    }
}
