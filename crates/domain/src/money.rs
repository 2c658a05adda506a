//! Money as an integer amount of a currency's minor unit plus its ISO 4217 code, and the
//! rate table that turns any amount into KRW for the KPIs.

use std::collections::BTreeMap;

use crate::error::ValidationError;

/// ISO 4217 codes we accept, with the number of minor-unit digits. The list covers the
/// currencies of the markets a Seoul program deals with; others are refused by name.
const CURRENCIES: &[(&str, u32)] = &[
    ("KRW", 0),
    ("USD", 2),
    ("EUR", 2),
    ("JPY", 0),
    ("CNY", 2),
    ("GBP", 2),
    ("VND", 0),
    ("SGD", 2),
    ("HKD", 2),
    ("TWD", 2),
    ("IDR", 2),
    ("THB", 2),
    ("MYR", 2),
    ("PHP", 2),
    ("INR", 2),
    ("AUD", 2),
    ("NZD", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("SEK", 2),
    ("NOK", 2),
    ("DKK", 2),
    ("PLN", 2),
    ("CZK", 2),
    ("HUF", 2),
    ("AED", 2),
    ("SAR", 2),
    ("ILS", 2),
    ("TRY", 2),
    ("BRL", 2),
    ("MXN", 2),
    ("CLP", 0),
    ("ZAR", 2),
    ("KZT", 2),
    ("UZS", 2),
    ("MNT", 2),
    ("BHD", 3),
    ("KWD", 3),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(&'static str, u32);

impl std::str::FromStr for Currency {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Currency {
    pub const KRW: Currency = Currency("KRW", 0);

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let up = s.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == up)
            .map(|(c, e)| Currency(c, *e))
            .ok_or_else(|| {
                ValidationError::new(format!(
                    "'{}' is not a supported ISO 4217 currency code (e.g. KRW, USD, EUR, JPY, VND)",
                    s.trim()
                ))
            })
    }
    pub fn code(self) -> &'static str {
        self.0
    }
    /// Digits after the decimal point (KRW 0, USD 2).
    pub fn exponent(self) -> u32 {
        self.1
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// An amount in minor units (cents for USD, won for KRW).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    pub minor: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "KRW"))]
    pub currency: Currency,
}

impl Money {
    pub fn krw(won: i64) -> Self {
        Self {
            minor: won,
            currency: Currency::KRW,
        }
    }

    /// The largest amount accepted, in minor units: ₩1,000조 or $10 trillion, beyond any
    /// real investment or sale. Nine thousand of them still pass what a sum holds: the
    /// KPIs then name the figure as exceeded (`Kpis::exceeded`).
    pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

    /// Parses a plain decimal number ("1750000", "12.5", "1,750,000") in `currency`;
    /// refuses negatives, separators that do not group thousands ("1,5"), more decimals
    /// than the currency has, and amounts above [`Money::MAX_MINOR`].
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, ValidationError> {
        let written = amount.trim();
        let bad = || {
            ValidationError::new(format!(
                "'{written}' is not an amount: write a plain non-negative number like 1500000 or 12.50"
            ))
        };
        if written.is_empty() || written.starts_with('-') {
            return Err(bad());
        }
        let (int, frac) = written.split_once('.').unwrap_or((written, ""));
        let int = thousands_digits(int).ok_or_else(bad)?;
        if int.is_empty() && frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let exp = currency.exponent() as usize;
        let frac_trim = frac.trim_end_matches('0');
        if frac_trim.len() > exp {
            return Err(ValidationError::new(format!(
                "'{written}' has more decimals than {} allows ({exp})",
                currency.code(),
            )));
        }
        let mut digits = if int.is_empty() { "0".to_string() } else { int };
        digits.push_str(frac_trim);
        digits.extend(std::iter::repeat_n('0', exp - frac_trim.len()));
        let too_large = || {
            ValidationError::new(format!(
                "'{written}' is too large an amount: at most {} {}",
                Money {
                    minor: Self::MAX_MINOR,
                    currency
                }
                .to_decimal_string(),
                currency.code()
            ))
        };
        let minor: i64 = digits.parse().map_err(|_| too_large())?;
        if minor > Self::MAX_MINOR {
            return Err(too_large());
        }
        Ok(Self { minor, currency })
    }

    /// The amount as a plain decimal string, the inverse of `parse`.
    pub fn to_decimal_string(&self) -> String {
        let exp = self.currency.exponent();
        if exp == 0 {
            return self.minor.to_string();
        }
        let div = 10i64.pow(exp);
        let (i, f) = (self.minor / div, self.minor % div);
        if f == 0 {
            i.to_string()
        } else {
            let f = format!("{:0width$}", f, width = exp as usize);
            format!("{i}.{}", f.trim_end_matches('0'))
        }
    }
}

/// The digits of a whole number written plainly ("1750000") or with `,`/`_` between
/// groups of three ("1,750,000"); `None` for anything else.
fn thousands_digits(int: &str) -> Option<String> {
    if !int
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '_')
    {
        return None;
    }
    let groups: Vec<&str> = int.split([',', '_']).collect();
    let grouped = groups.len() > 1;
    let well_grouped = groups.iter().enumerate().all(|(i, g)| match i {
        0 => !grouped || (1..=3).contains(&g.len()),
        _ => g.len() == 3,
    });
    well_grouped.then(|| groups.concat())
}

/// KRW per one unit of each currency: data, editable, with defaults for the usual ones.
/// A rate set later takes effect from its date: amounts dated before it keep the rate
/// they were reported with, so a past year's figures do not move when a rate changes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FxRates {
    /// The rate from the beginning.
    pub krw_per_unit: BTreeMap<String, f64>,
    /// Later rates and the day each took effect, oldest first per currency.
    #[serde(default)]
    pub changes: BTreeMap<String, Vec<(chrono::NaiveDate, f64)>>,
}

impl Default for FxRates {
    /// Round figures close to the 2022–2024 averages; the program manager edits them.
    fn default() -> Self {
        let krw_per_unit = [
            ("KRW", 1.0),
            ("USD", 1300.0),
            ("EUR", 1420.0),
            ("JPY", 9.3),
            ("CNY", 185.0),
            ("GBP", 1650.0),
            ("VND", 0.054),
            ("SGD", 970.0),
            ("HKD", 167.0),
            ("TWD", 41.0),
            ("IDR", 0.084),
            ("THB", 37.0),
            ("INR", 15.8),
            ("AUD", 870.0),
            ("CAD", 960.0),
            ("CHF", 1480.0),
            ("SEK", 123.0),
            ("AED", 354.0),
        ]
        .into_iter()
        .map(|(c, r)| (c.to_string(), r))
        .collect();
        Self {
            krw_per_unit,
            changes: BTreeMap::new(),
        }
    }
}

impl FxRates {
    /// Whole KRW for `m` at the rate in force now, or an error naming the currency
    /// that has no rate.
    pub fn to_krw(&self, m: Money) -> Result<i64, ValidationError> {
        self.convert(m, None)
    }

    /// Whole KRW for `m`, an amount dated `on`, at the rate in force that day.
    pub fn to_krw_on(&self, m: Money, on: chrono::NaiveDate) -> Result<i64, ValidationError> {
        self.convert(m, Some(on))
    }

    /// The rate of `code` on `on` (now when `None`).
    pub fn rate(&self, code: &str, on: Option<chrono::NaiveDate>) -> Option<f64> {
        let later = self.changes.get(code).and_then(|changes| {
            changes
                .iter()
                .rev()
                .find(|(from, _)| on.is_none_or(|d| *from <= d))
                .map(|&(_, r)| r)
        });
        later.or_else(|| self.krw_per_unit.get(code).copied())
    }

    fn convert(&self, m: Money, on: Option<chrono::NaiveDate>) -> Result<i64, ValidationError> {
        if m.currency == Currency::KRW {
            return Ok(m.minor);
        }
        let rate = self.rate(m.currency.code(), on).ok_or_else(|| {
            ValidationError::new(format!(
                "no KRW rate for {}: add one to the rate table",
                m.currency.code()
            ))
        })?;
        let units = m.minor as f64 / 10f64.powi(m.currency.exponent() as i32);
        Ok((units * rate).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_minor_units() {
        let usd = Currency::parse("usd").unwrap();
        assert_eq!(Money::parse("12.5", usd).unwrap().minor, 1250);
        assert_eq!(Money::parse("1,750,000", usd).unwrap().minor, 175_000_000);
        assert_eq!(
            Money::parse("9100000000", Currency::KRW).unwrap().minor,
            9_100_000_000
        );
        assert_eq!(Money::parse("100.00", Currency::KRW).unwrap().minor, 100);
    }

    #[test]
    fn bad_amounts_and_currencies_are_refused() {
        assert!(Money::parse("-5", Currency::KRW).is_err());
        assert!(
            Money::parse("12.5", Currency::KRW)
                .unwrap_err()
                .0
                .contains("more decimals")
        );
        assert!(Money::parse("abc", Currency::KRW).is_err());
        assert!(Money::parse("99999999999999999999", Currency::KRW).is_err());
        for separated_wrongly in ["1,5", "12,34,567", ",100", "1,000,", "1__000"] {
            assert!(
                Money::parse(separated_wrongly, Currency::KRW).is_err(),
                "{separated_wrongly}"
            );
        }
        assert_eq!(Money::parse("1_000", Currency::KRW).unwrap().minor, 1000);
        let largest = Money::parse("1000000000000000", Currency::KRW).unwrap();
        assert_eq!(largest.minor, Money::MAX_MINOR);
        let too_large = Money::parse("9223372036854775807", Currency::KRW).unwrap_err();
        assert!(
            too_large.0.contains("at most 1000000000000000 KRW"),
            "{too_large}"
        );
        let usd = Currency::parse("USD").unwrap();
        assert!(Money::parse("10000000000000.01", usd).is_err());
        assert!(Currency::parse("XYZ").unwrap_err().0.contains("ISO 4217"));
    }

    #[test]
    fn decimal_string_round_trips() {
        let usd = Currency::parse("USD").unwrap();
        for s in ["0", "12.5", "1750000", "0.01"] {
            assert_eq!(Money::parse(s, usd).unwrap().to_decimal_string(), s);
        }
    }

    #[test]
    fn conversion_to_krw_uses_the_table() {
        let rates = FxRates::default();
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(
            rates.to_krw(Money::parse("1000", usd).unwrap()).unwrap(),
            1_300_000
        );
        assert_eq!(rates.to_krw(Money::krw(5)).unwrap(), 5);
        let mnt = Currency::parse("MNT").unwrap();
        assert!(rates.to_krw(Money::parse("1", mnt).unwrap()).is_err());
    }

    #[test]
    fn a_rate_takes_effect_from_its_date() {
        let usd = Currency::parse("USD").unwrap();
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut rates = FxRates::default();
        rates.changes.insert(
            "USD".into(),
            vec![(day("2025-01-01"), 1400.0), (day("2026-07-01"), 1500.0)],
        );
        let one = Money::parse("1", usd).unwrap();
        assert_eq!(rates.to_krw_on(one, day("2024-12-31")).unwrap(), 1300);
        assert_eq!(rates.to_krw_on(one, day("2025-01-01")).unwrap(), 1400);
        assert_eq!(rates.to_krw_on(one, day("2026-06-30")).unwrap(), 1400);
        assert_eq!(rates.to_krw_on(one, day("2027-01-01")).unwrap(), 1500);
        assert_eq!(rates.to_krw(one).unwrap(), 1500);
    }
}
