//! Korean business registration number (사업자등록번호): ten digits, shown as `123-45-67890`.

use crate::error::ValidationError;

#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct BusinessRegNo(String);

impl BusinessRegNo {
    /// Accepts `1234567890` or `123-45-67890` (spaces and hyphens anywhere are ignored);
    /// anything else is refused with the expected form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let digits: String = s.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ValidationError::new(format!(
                "'{}' is not a business registration number: it must be 10 digits, like 123-45-67890",
                s.trim()
            )));
        }
        Ok(Self(format!(
            "{}-{}-{}",
            &digits[..3],
            &digits[3..5],
            &digits[5..]
        )))
    }

    /// The checksum the National Tax Service defines; real numbers pass it. Imports do
    /// not demand it (older registers hold numbers that fail it) but generated ones pass.
    pub fn checksum_ok(&self) -> bool {
        let d: Vec<u32> = self.0.chars().filter_map(|c| c.to_digit(10)).collect();
        check_digit(&d[..9]) == d[9]
    }

    /// Builds a number from nine digits, computing the tenth as the check digit.
    pub fn with_check_digit(nine: u64) -> Self {
        let s = format!("{:09}", nine % 1_000_000_000);
        let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
        Self::parse(&format!("{s}{}", check_digit(&d))).expect("ten digits")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BusinessRegNo {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<BusinessRegNo> for String {
    fn from(b: BusinessRegNo) -> String {
        b.0
    }
}

impl std::fmt::Display for BusinessRegNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The tenth digit for the first nine.
fn check_digit(nine: &[u32]) -> u32 {
    let w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
    let sum: u32 = nine.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() + nine[8] * 5 / 10;
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_digits_with_or_without_hyphens() {
        assert_eq!(
            BusinessRegNo::parse("123-45-67890").unwrap().as_str(),
            "123-45-67890"
        );
        assert_eq!(
            BusinessRegNo::parse("1234567890").unwrap().as_str(),
            "123-45-67890"
        );
    }

    #[test]
    fn wrong_length_or_letters_are_refused_with_the_form() {
        for bad in ["123-45-6789", "12345678901", "123-45-6789O", "", "abc"] {
            let e = BusinessRegNo::parse(bad).unwrap_err().0;
            assert!(e.contains("10 digits, like 123-45-67890"), "{bad}: {e}");
        }
    }

    #[test]
    fn generated_numbers_pass_the_checksum() {
        for n in [0u64, 123_456_789, 220_881_234, 999_999_999] {
            let b = BusinessRegNo::with_check_digit(n);
            assert!(b.checksum_ok(), "{b}");
        }
        // a known-valid public example (a Seoul corporation's published number)
        assert!(BusinessRegNo::parse("220-81-62517").unwrap().checksum_ok());
    }
}
