//! The dates the program takes: what has happened (outcomes, market entries) lies
//! between 1900 and today; events are held within this century. A date outside is a
//! typo (0000-01-01, 9999-12-31, 2030 for last year's deal), refused naming the field.

use chrono::{Datelike, NaiveDate};

use crate::FieldError;

/// The first year anything the program records can have happened in.
pub const FIRST_YEAR: i32 = 1900;
/// The years events may be held in.
pub const EVENT_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// `date` must be something that has happened: from 1900 to `today` (a day's grace
/// for time zones: what is today in Seoul may still be yesterday on the server).
pub fn check_happened(field: &str, date: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    let latest = today.succ_opt().unwrap_or(today);
    if date.year() < FIRST_YEAR {
        return Err(FieldError::new(
            field,
            format!("{date} is before {FIRST_YEAR}; give the real date"),
        ));
    }
    if date > latest {
        return Err(FieldError::new(
            field,
            format!("{date} is in the future; record it once it has happened"),
        ));
    }
    Ok(())
}

/// An event's day must fall within [`EVENT_YEARS`].
pub fn check_event_day(field: &str, date: NaiveDate) -> Result<(), FieldError> {
    if EVENT_YEARS.contains(&date.year()) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!(
                "{date} is not a plausible event date (years {} to {})",
                EVENT_YEARS.start(),
                EVENT_YEARS.end()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dates_outside_the_plausible_are_refused() {
        let today = d("2026-12-02");
        for ok in ["1900-01-01", "2024-05-05", "2026-12-02", "2026-12-03"] {
            assert!(check_happened("date", d(ok), today).is_ok(), "{ok}");
        }
        for bad in [
            "0000-01-01",
            "1899-12-31",
            "2026-12-04",
            "2030-01-01",
            "9999-12-31",
        ] {
            assert_eq!(
                check_happened("date", d(bad), today).unwrap_err().field,
                "date"
            );
        }
        assert!(check_event_day("date", d("2026-05-01")).is_ok());
        for bad in ["0000-01-01", "1999-12-31", "2100-01-01", "9999-12-31"] {
            assert!(check_event_day("date", d(bad)).is_err(), "{bad}");
        }
    }
}
