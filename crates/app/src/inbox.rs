//! Notifications: what each person finds in the inbox (and by mail), and marking it read.

use domain::screening::Notification;

use crate::principal::Principal;
use crate::{App, Result};

/// Notifications: what each person finds in the inbox (and by mail), and marking it read.
#[derive(Clone, Copy)]
pub struct Inbox<'a> {
    pub(crate) app: &'a App,
}

impl Inbox<'_> {
    /// Puts a message in one user's inbox, in both languages, and queues its mail in
    /// the user's language.
    pub async fn notify_user(
        self,
        email: &str,
        kind: &str,
        text: (&str, &str),
        link: &str,
    ) -> Result<()> {
        let lang = self
            .app
            .store
            .accounts()
            .user_with_hash(email)
            .await?
            .map(|(u, _)| u.language);
        let body = match lang {
            Some(domain::Language::En) => text.1,
            _ => text.0,
        };
        let subject = format!("[innobridge] {}", body.chars().take(60).collect::<String>());
        let mail = format!("{body}\n\n{link}\n");
        Ok(self
            .app
            .store
            .inbox()
            .notify(email, kind, text, Some(link), Some((&subject, &mail)))
            .await?)
    }

    /// Tells every member of a startup.
    pub async fn notify_startup(
        self,
        startup: &domain::StartupId,
        kind: &str,
        text: (&str, &str),
        link: &str,
    ) -> Result<()> {
        for email in self
            .app
            .store
            .inbox()
            .members_of("startup", startup)
            .await?
        {
            self.app
                .inbox()
                .notify_user(&email, kind, text, link)
                .await?;
        }
        Ok(())
    }

    /// Tells every member of an enterprise.
    pub async fn notify_enterprise(
        self,
        enterprise: &domain::EnterpriseId,
        kind: &str,
        text: (&str, &str),
        link: &str,
    ) -> Result<()> {
        for email in self
            .app
            .store
            .inbox()
            .members_of("enterprise", enterprise)
            .await?
        {
            self.app
                .inbox()
                .notify_user(&email, kind, text, link)
                .await?;
        }
        Ok(())
    }

    pub async fn list(self, who: impl Into<Principal<'_>>) -> Result<Vec<Notification>> {
        let user = who.into().person("Inbox::list")?;
        Ok(self.app.store.inbox().messages(&user.email, 100).await?)
    }

    pub async fn mark_read(self, who: impl Into<Principal<'_>>) -> Result<()> {
        let user = who.into().person("Inbox::mark_read")?;
        Ok(self.app.store.inbox().mark_read(&user.email).await?)
    }
}
