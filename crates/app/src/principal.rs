//! Who asks: every use case that writes or reads private data takes a [`Principal`],
//! either a signed-in person (with a role and an organisation) or the operator at the
//! command line, who holds the database anyway and is audited under a name of its own.
//! There is no other way in: the checks sit in the use cases, not beside them.

use domain::{Role, User};

use crate::{AppError, Result};

/// The person at the command line: the one who can open the database, so allowed what
/// a program manager is, and recorded in the audit log as `cli:NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    audit_name: String,
}

impl Operator {
    /// The operator as the system knows them (`$USER`, else `operator`).
    pub fn from_environment() -> Self {
        let login = std::env::var("USER")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "operator".into());
        Self::named(&login)
    }

    /// An operator under a name of the caller's choosing (a tool, a test).
    pub fn named(name: &str) -> Self {
        Self {
            audit_name: format!("cli:{name}"),
        }
    }
}

/// Who asks for a use case.
#[derive(Debug, Clone, Copy)]
pub enum Principal<'a> {
    User(&'a User),
    Operator(&'a Operator),
}

impl<'a> From<&'a User> for Principal<'a> {
    fn from(u: &'a User) -> Self {
        Principal::User(u)
    }
}

impl<'a> From<&'a Operator> for Principal<'a> {
    fn from(o: &'a Operator) -> Self {
        Principal::Operator(o)
    }
}

impl<'a> Principal<'a> {
    /// The name the audit log records: the user's e-mail, or `cli:NAME`.
    pub fn audit_name(self) -> &'a str {
        match self {
            Principal::User(u) => &u.email,
            Principal::Operator(o) => &o.audit_name,
        }
    }

    /// Refuses anyone but a program manager or the operator; `what` completes "only a
    /// program manager may …".
    pub fn require_program_manager(self, what: &str) -> Result<()> {
        match self {
            Principal::Operator(_) => Ok(()),
            Principal::User(u) => crate::authz::require_admin(u, what),
        }
    }

    /// The signed-in person, for what is done as a person with a role and an
    /// organisation (a review, an application, an inbox); the operator is refused.
    /// `use_case` names what was asked.
    pub fn person(self, use_case: &str) -> Result<&'a User> {
        match self {
            Principal::User(u) => Ok(u),
            Principal::Operator(o) => Err(AppError::Forbidden(format!(
                "{} is the operator at the command line; `{use_case}` is done by a signed-in person",
                o.audit_name
            ))),
        }
    }

    /// Whether this is a program manager or the operator.
    pub fn is_program_manager(self) -> bool {
        match self {
            Principal::Operator(_) => true,
            Principal::User(u) => u.role == Role::Admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Language;

    fn user(role: Role) -> User {
        User {
            email: "u@x.kr".into(),
            display_name: "u".into(),
            role,
            enterprise_id: None,
            startup_id: None,
            center_code: None,
            language: Language::Ko,
        }
    }

    #[test]
    fn the_operator_is_audited_as_such_and_is_no_person() {
        let op = Operator::named("kim");
        let who = Principal::from(&op);
        assert_eq!(who.audit_name(), "cli:kim");
        assert!(who.require_program_manager("run a round").is_ok());
        assert!(matches!(
            who.person("submit a review"),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn only_program_managers_pass_the_program_managers_check() {
        for role in [
            Role::StartupMember,
            Role::EnterpriseMember,
            Role::Evaluator,
            Role::CenterManager,
        ] {
            let u = user(role);
            let who = Principal::from(&u);
            assert!(matches!(
                who.require_program_manager("run a round"),
                Err(AppError::Forbidden(_))
            ));
            assert_eq!(who.audit_name(), "u@x.kr");
            assert!(who.person("apply").is_ok());
        }
        let pm = user(Role::Admin);
        assert!(Principal::from(&pm).require_program_manager("x").is_ok());
    }
}
