//! The program's records: saving, creating and deleting them, importing and exporting tables, loading a whole program, and reviewing likely duplicates.

use domain::inputs::{NeedInput, RecordInput};
use domain::{FieldError, Role, User};
use store::DuplicateFlag;

use crate::principal::Principal;
use crate::{App, AppError, Result};

/// The program's records: saving, creating and deleting them, importing and exporting tables, loading a whole program, and reviewing likely duplicates.
#[derive(Clone, Copy)]
pub struct Records<'a> {
    pub(crate) app: &'a App,
}

impl Records<'_> {
    /// Saves a record for `who`: a startup's member its own profile (the program's
    /// own fields — source, discovery date, registration number — kept as stored), an
    /// enterprise's member its own needs (new ones get an id), program managers
    /// anything. Only the fields sent change. Answers the id saved and any remarks;
    /// field errors are [`AppError::InvalidFields`].
    pub async fn save(
        self,
        who: impl Into<Principal<'_>>,
        input: impl Into<RecordInput>,
    ) -> Result<(String, Vec<FieldError>)> {
        self.app
            .write_as(who.into(), input.into(), false, None)
            .await
    }

    /// Saves as [`Records::save`] does, but only if the stored record is still the
    /// one its reader saw (`read_as`, its [`version`]; empty when it was read as not
    /// there): [`AppError::Changed`] and nothing written when someone else changed,
    /// created or deleted it meanwhile. An editor's
    /// form sends every field, so without this a form left open would undo a change
    /// saved after it was opened.
    pub async fn save_if_unchanged(
        self,
        who: impl Into<Principal<'_>>,
        input: impl Into<RecordInput>,
        read_as: &str,
    ) -> Result<(String, Vec<FieldError>)> {
        self.app
            .write_as(who.into(), input.into(), false, Some(read_as))
            .await
    }

    /// Creates a need for `who` (`POST /api/v1/needs`): as [`Records::save`], but an
    /// id that is taken is refused instead of saved over.
    pub async fn create_need(
        self,
        who: impl Into<Principal<'_>>,
        need: NeedInput,
    ) -> Result<(String, Vec<FieldError>)> {
        self.app
            .write_as(who.into(), RecordInput::Need(need), true, None)
            .await
    }

    /// Deletes a need: its enterprise's members or program managers.
    pub async fn delete_need(
        self,
        who: impl Into<Principal<'_>>,
        id: &domain::NeedId,
    ) -> Result<()> {
        let who = who.into();
        let n = self
            .app
            .store
            .records()
            .need(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no need '{id}'")))?;
        let own = |user: &User| {
            user.role == Role::EnterpriseMember
                && user.enterprise_id.as_deref() == Some(n.enterprise_id.as_str())
        };
        if let Principal::User(user) = who
            && !own(user)
            && user.role != Role::Admin
        {
            return Err(AppError::Forbidden(format!(
                "{} may not delete need '{id}'",
                user.email
            )));
        }
        self.app.remove_need(id, who.audit_name()).await
    }

    /// Registers or updates one startup: the same validation, duplicate flags and
    /// index update as an import row. Returns the notes (a registration number that
    /// named another record, likely duplicates).
    pub async fn save_startup(
        self,
        who: impl Into<Principal<'_>>,
        s: domain::Startup,
    ) -> Result<Vec<domain::FieldError>> {
        let who = who.into();
        who.require_program_manager("save a startup record")?;
        self.app
            .write_record(
                RecordInput::of_startup(&s),
                who.audit_name(),
                |_| Ok(()),
                None,
            )
            .await
    }

    /// Deletes a startup (program managers only).
    pub async fn delete_startup(
        self,
        who: impl Into<Principal<'_>>,
        id: &domain::StartupId,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("delete startups")?;
        if !self
            .app
            .store
            .records()
            .delete_startup(id, who.audit_name())
            .await?
        {
            return Err(AppError::NotFound(format!("no startup with id '{id}'")));
        }
        self.app.index_soon().await?;
        Ok(())
    }

    /// Likely duplicates waiting for review (`status` open, dismissed, merged, or all).
    pub async fn duplicates(
        self,
        who: impl Into<Principal<'_>>,
        status: Option<&str>,
    ) -> Result<Vec<DuplicateFlag>> {
        who.into().require_program_manager("review duplicates")?;
        if let Some(s) = status
            && !["open", "dismissed", "merged"].contains(&s)
        {
            return Err(AppError::Conflict(format!(
                "'{s}' is not a flag status; allowed: open, dismissed, merged"
            )));
        }
        Ok(self.app.store.records().duplicate_flags(status).await?)
    }

    pub async fn dismiss_duplicate(
        self,
        who: impl Into<Principal<'_>>,
        a: &str,
        b: &str,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("review duplicates")?;
        Ok(self
            .app
            .store
            .records()
            .dismiss_duplicate(a, b, who.audit_name())
            .await?)
    }

    /// Merges startup `drop` into `keep`, keeping the history of both.
    #[tracing::instrument(skip_all, fields(keep = keep, drop = drop))]
    pub async fn merge_startups(
        self,
        who: impl Into<Principal<'_>>,
        keep: &str,
        drop: &str,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("merge startups")?;
        self.app
            .store
            .records()
            .merge_startups(keep, drop, who.audit_name())
            .await?;
        self.app.index_soon().await?;
        Ok(())
    }
}

/// A record's version: a digest of every field, which changes with any of them. Taken
/// of a record as its reader was shown it, so that it says nothing the reader could
/// not see.
pub fn version(record: &store::Record) -> String {
    version_of_cells(&match record {
        store::Record::Startup(s) => domain::records::startup_cells(s),
        store::Record::Enterprise(e) => domain::records::enterprise_cells(e),
        store::Record::Need(n) => domain::records::need_cells(n),
        store::Record::Outcome(o) => domain::records::outcome_cells(o),
    })
}

/// The [`version`] of a record given as its import cells.
pub fn version_of_cells(cells: &[String]) -> String {
    use sha2::Digest;
    let mut digest = sha2::Sha256::new();
    for cell in cells {
        // the length first, so that no two lists of cells run together alike
        digest.update((cell.len() as u64).to_le_bytes());
        digest.update(cell.as_bytes());
    }
    digest
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}
