//! Sending reminders by e-mail through the configured SMTP server (`WARD_SMTP_URL`). The
//! message is plain text; the server's password stays in the URL and never reaches logs.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use ward_app::Reminder;

use crate::config::Config;

/// A connection to the mail server, shared by every message of a run.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer of the configuration; `None` when no mail server is set.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Mailer>> {
        let Some(url) = config.smtp_secret() else { return Ok(None) };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("mail server {}: {e}", config.smtp_display().unwrap_or_default()))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from: Mailbox = config.smtp_from.value.parse().map_err(|e| {
            anyhow::anyhow!("sender {:?} ({}): {e}", config.smtp_from.value, config.smtp_from.source)
        })?;
        Ok(Some(Mailer { transport, from }))
    }

    /// Sends one reminder.
    pub async fn send(&self, reminder: &Reminder) -> Result<(), String> {
        let to: Mailbox = reminder.to.parse().map_err(|e| format!("recipient {}: {e}", reminder.to))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(reminder.subject.clone())
            .body(reminder.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}
