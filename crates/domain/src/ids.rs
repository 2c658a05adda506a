//! The ids and codes records are known by: one type per kind of record, so a need's id
//! cannot be given where a startup's is asked for, nor an event's code for a call's. An id is the program's external key (the one
//! an import upserts by); [`StartupId::parse`] holds the rules a new one must keep,
//! while ids read back from the database are taken as stored.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// The rules a given id or code keeps besides being there: at most 200 characters, no
/// control characters.
pub(crate) fn check(id: &str) -> Result<(), ValidationError> {
    if id.chars().count() > 200 {
        Err(ValidationError::new("is longer than 200 characters"))
    } else if let Some(c) = id.chars().find(|c| crate::text::breaks_a_line(*c)) {
        Err(ValidationError::new(format!(
            "contains a control, invisible or direction character (U+{:04X})",
            c as u32
        )))
    } else {
        Ok(())
    }
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// An id as a person or a file gives it: trimmed, not blank, at most 200
            /// characters, no control characters.
            pub fn parse(given: &str) -> Result<Self, ValidationError> {
                let id = given.trim();
                if id.is_empty() {
                    return Err(ValidationError::new("is required"));
                }
                check(id).map(|()| Self(id.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// An id as stored: taken as it is.
        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_string())
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> Self {
                Self(id.clone())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    )*};
}

id_type! {
    /// A startup's id.
    StartupId;
    /// An enterprise's id.
    EnterpriseId;
    /// A need's id (`nd-{enterprise}-{random}` when the server makes it).
    NeedId;
    /// An industry cluster's code (`yangjae`).
    ClusterCode;
    /// An overseas growth center's code.
    CenterCode;
    /// An event's code (a forum, a demo day).
    EventCode;
    /// An open call's code.
    CallCode;
}

macro_rules! row_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        /// A row id as stored (or as a path gives it: a record with no such id is
        /// simply not found).
        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, ValidationError> {
                s.trim()
                    .parse()
                    .map(Self)
                    .map_err(|_| ValidationError::new(format!("'{s}' is not a whole-number id")))
            }
        }
    )*};
}

row_id! {
    /// An application to an open call.
    ApplicationId;
    /// An evaluator's review of an application.
    ReviewId;
    /// A startup's application to an overseas growth center.
    CenterApplicationId;
    /// A request for a 1:1 meeting at an event.
    MeetingRequestId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_parsed_by_the_rules_and_compare_with_text() {
        assert_eq!(StartupId::parse("  s-1 ").unwrap(), "s-1");
        assert!(StartupId::parse(" ").is_err());
        assert!(NeedId::parse("a\u{7}b").is_err());
        assert!(EnterpriseId::parse(&"x".repeat(201)).is_err());
        let id = NeedId::from("nd-1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"nd-1\"");
        assert_eq!(serde_json::from_str::<NeedId>("\"nd-1\"").unwrap(), id);
        assert_eq!(id.len(), 4);
    }

    #[test]
    fn row_ids_are_whole_numbers_in_json_and_text() {
        let id: ApplicationId = "42".parse().unwrap();
        assert_eq!(id.get(), 42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(
            serde_json::from_str::<ReviewId>("7").unwrap().to_string(),
            "7"
        );
        assert!("4x".parse::<MeetingRequestId>().is_err());
    }
}
