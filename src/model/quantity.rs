//! Exact Kubernetes resource quantities (`resource.Quantity`).
//!
//! This module owns parsing, exact comparison, addition and rendering of
//! quantity strings such as `10Gi`, `1500M`, `500m` or `1e3`, following
//! `k8s.io/apimachinery/pkg/api/resource` (`quantity.go` and `suffix.go`):
//!
//! ```text
//! <quantity> ::= <sign>? <number> <suffix>
//! <number>   ::= <digits> | <digits>. | .<digits> | <digits>.<digits>   (may be empty: reads as 0)
//! <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei                             (BinarySI, powers of 1024)
//!              | n | u | m | "" | k | M | G | T | P | E                  (DecimalSI, powers of 1000)
//!              | (e | E) <sign>? <digits>                                (DecimalExponent, int32)
//! ```
//!
//! Like Kubernetes, a non-zero value is rounded up (away from zero) to whole
//! nano units (10^-9), and a `BinarySI` value is capped at 2^63 − 1 in
//! magnitude. Decimal values are not capped. Whitespace is never accepted.
//!
//! Values are held exactly as `±coefficient × 10^exponent`, so `1e2147483647`
//! is stored and compared without ever building 10^2147483647; the cost of
//! every operation is bounded by the length of the input text.
//!
//! Where this module departs from upstream, on purpose:
//! - a sign with nothing after it (`-`, `+`) is rejected (upstream reads it as 0);
//! - an exponent outside int32 is an error (upstream wraps it silently);
//! - an empty numeric part is always 0 (upstream rejects some, e.g. `Pi`, by accident).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Pow, Zero};

/// Exponent of the smallest unit a quantity keeps: nano (10^-9).
const NANO_EXPONENT: i64 = -9;

/// Largest magnitude a `BinarySI` quantity keeps after parsing: 2^63 − 1.
const MAX_BINARY_MAGNITUDE: u64 = u64::MAX >> 1;

/// Largest gap between two decimal exponents that [`Quantity::checked_add`]
/// bridges; the exact sum would need at least this many digits.
const MAX_EXPONENT_GAP: u64 = 100_000;

/// Decimal SI suffixes and their powers of ten.
const DECIMAL_SUFFIXES: [(&str, i64); 10] = [
    ("n", -9),
    ("u", -6),
    ("m", -3),
    ("", 0),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];

/// Binary SI suffixes and their powers of 1024.
const BINARY_SUFFIXES: [(&str, u32); 6] = [
    ("Ki", 1),
    ("Mi", 2),
    ("Gi", 3),
    ("Ti", 4),
    ("Pi", 5),
    ("Ei", 6),
];

/// How a quantity was written, as decided by its suffix (Kubernetes' `Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuantityFormat {
    /// A power-of-1024 suffix such as `Gi` (a non-zero value below 1 becomes
    /// [`QuantityFormat::DecimalSI`], as upstream).
    BinarySI,
    /// A power-of-1000 suffix such as `k`, `M`, `m`, or no suffix.
    DecimalSI,
    /// A decimal exponent such as `e3` or `E-6`.
    DecimalExponent,
}

/// Why a string is not a valid quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// The string is empty.
    #[error("quantity is empty")]
    Empty,
    /// The numeric part is malformed (a sign alone, or more than one `.`).
    #[error("quantity has an invalid numeric part")]
    InvalidNumber,
    /// The text after the number is not a known suffix.
    #[error("quantity has an unknown suffix {0:?}")]
    InvalidSuffix(String),
    /// The decimal exponent does not fit in a 32-bit integer.
    #[error("quantity exponent does not fit in a 32-bit integer")]
    ExponentOutOfRange,
}

/// An exact Kubernetes resource quantity.
///
/// Equality and ordering compare exact numeric values (`1Gi == 1024Mi`,
/// `1e3 == 1k`); [`fmt::Display`] shows the text as it was written.
#[derive(Debug, Clone)]
pub struct Quantity {
    value: Decimal,
    format: QuantityFormat,
    text: String,
}

impl Quantity {
    /// Parses a quantity string such as `10Gi`, `1.5`, `500m` or `1e3`.
    ///
    /// # Errors
    ///
    /// Returns a [`QuantityError`] when `text` is empty, has a malformed
    /// number, an unknown suffix (including any whitespace), or an exponent
    /// outside int32.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::Empty);
        }
        let (negative, unsigned) = split_sign(text);
        if unsigned.is_empty() {
            return Err(QuantityError::InvalidNumber);
        }
        let number_len = unsigned
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(unsigned.len());
        let (number, suffix_text) = unsigned
            .split_at_checked(number_len)
            .ok_or(QuantityError::InvalidNumber)?;
        let (coefficient, exponent) = parse_number(number)?;
        let suffix = Suffix::parse(suffix_text)?;
        let value = suffix
            .apply(negative, coefficient, exponent)?
            .round_up_to_nano();
        let (value, format) = match suffix {
            Suffix::Binary(_) => settle_binary(value),
            Suffix::Decimal(_) => (value, QuantityFormat::DecimalSI),
            Suffix::Exponent(_) => (value, QuantityFormat::DecimalExponent),
        };
        Ok(Self {
            value,
            format,
            text: text.to_owned(),
        })
    }

    /// The quantity `0` (`DecimalSI`).
    #[must_use]
    pub fn zero() -> Self {
        Self::from_bytes(0)
    }

    /// A whole number of bytes, written as that number (`DecimalSI`).
    #[must_use]
    pub fn from_bytes(bytes: u64) -> Self {
        Self {
            value: Decimal::new(false, BigUint::from(bytes), 0),
            format: QuantityFormat::DecimalSI,
            text: bytes.to_string(),
        }
    }

    /// The text this quantity was parsed from (or built as).
    #[must_use]
    pub fn as_written(&self) -> &str {
        &self.text
    }

    /// The format implied by the suffix.
    #[must_use]
    pub fn format(&self) -> QuantityFormat {
        self.format
    }

    /// `-1`, `0` or `1` for a negative, zero or positive quantity.
    #[must_use]
    pub fn signum(&self) -> i8 {
        self.value.signum()
    }

    /// Whether the value has no fractional part (`1.5Gi` and `0.5Ki` do not; `500m` does).
    #[must_use]
    pub fn is_whole_number(&self) -> bool {
        self.value.exponent >= 0
    }

    /// The value rounded up, away from zero, to an integer (Kubernetes'
    /// `Quantity.Value()`), or `None` when that does not fit in an `i128`.
    #[must_use]
    pub fn ceil_integer(&self) -> Option<i128> {
        // i128::MAX has 39 digits, so a whole value with exponent >= 39 cannot fit.
        let magnitude = self.value.ceil_magnitude(38)?;
        let sign = if self.value.negative {
            Sign::Minus
        } else {
            Sign::Plus
        };
        i128::try_from(BigInt::from_biguint(sign, magnitude)).ok()
    }

    /// The exact sum, written in canonical form; it keeps `self`'s format
    /// unless `self` is zero (as upstream `Add`).
    ///
    /// Returns `None` when the exact sum would need more than
    /// 100,000 extra digits (e.g. `1e2147483647 + 1`).
    #[must_use]
    pub fn checked_add(&self, other: &Quantity) -> Option<Quantity> {
        let value = self.value.checked_add(&other.value)?;
        let format = if self.value.is_zero() {
            other.format
        } else {
            self.format
        };
        let mut sum = Self {
            value,
            format,
            text: String::new(),
        };
        sum.text = sum.to_canonical_string();
        Some(sum)
    }

    /// A human rendering of the value, such as `10Gi`, `1500M`, `1k` or `500m`.
    ///
    /// A `BinarySI` quantity uses the largest binary suffix that divides it
    /// exactly; anything else uses a decimal SI suffix, or an `e` exponent
    /// beyond `E`. Parsing the result gives back an equal quantity.
    #[must_use]
    pub fn to_canonical_string(&self) -> String {
        if self.value.is_zero() {
            return "0".to_owned();
        }
        let sign = if self.value.negative { "-" } else { "" };
        let body = self
            .binary_rendering()
            .unwrap_or_else(|| self.value.decimal_rendering());
        format!("{sign}{body}")
    }

    /// The magnitude with a binary suffix, when the quantity is `BinarySI` and a
    /// whole multiple of 1024 that re-parses without being capped.
    fn binary_rendering(&self) -> Option<String> {
        if self.format != QuantityFormat::BinarySI {
            return None;
        }
        let magnitude = u64::try_from(self.value.whole_magnitude(19)?).ok()?;
        if magnitude == 0 || magnitude > MAX_BINARY_MAGNITUDE {
            return None;
        }
        let power = (magnitude.trailing_zeros() / 10).min(6);
        let (suffix, _) = BINARY_SUFFIXES.iter().find(|(_, p)| *p == power)?;
        Some(format!("{}{suffix}", magnitude >> (10 * power)))
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.compare(&other.value)
    }
}

/// A quantity suffix, as interpreted by upstream `suffix.go`.
#[derive(Debug, Clone, Copy)]
enum Suffix {
    /// A decimal SI suffix: a power of ten.
    Decimal(i64),
    /// A binary SI suffix: a power of 1024.
    Binary(u32),
    /// An `e`/`E` exponent: a power of ten.
    Exponent(i64),
}

impl Suffix {
    fn parse(text: &str) -> Result<Self, QuantityError> {
        if let Some((_, exponent)) = DECIMAL_SUFFIXES.iter().find(|(s, _)| *s == text) {
            return Ok(Self::Decimal(*exponent));
        }
        if let Some((_, power)) = BINARY_SUFFIXES.iter().find(|(s, _)| *s == text) {
            return Ok(Self::Binary(*power));
        }
        match text.strip_prefix(['e', 'E']) {
            Some(digits) => parse_exponent(text, digits).map(Self::Exponent),
            None => Err(QuantityError::InvalidSuffix(text.to_owned())),
        }
    }

    /// The exact value `±coefficient × 10^exponent × suffix`.
    fn apply(
        self,
        negative: bool,
        coefficient: BigUint,
        exponent: i64,
    ) -> Result<Decimal, QuantityError> {
        match self {
            Self::Decimal(power) | Self::Exponent(power) => {
                let exponent = exponent
                    .checked_add(power)
                    .ok_or(QuantityError::ExponentOutOfRange)?;
                Ok(Decimal::new(negative, coefficient, exponent))
            }
            Self::Binary(power) => Ok(Decimal::new(
                negative,
                coefficient << (10 * power),
                exponent,
            )),
        }
    }
}

/// Splits off a leading `+` or `-`; the flag says whether it was `-`.
fn split_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    }
}

/// Parses digits with at most one `.` (possibly empty, which reads as 0)
/// into an exact `(coefficient, exponent)` pair.
fn parse_number(text: &str) -> Result<(BigUint, i64), QuantityError> {
    let (integer, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.contains('.') {
        return Err(QuantityError::InvalidNumber);
    }
    let digits = [integer, fraction].concat();
    let without_trailing = digits.trim_end_matches('0');
    let trailing_zeros = to_i64(digits.len().saturating_sub(without_trailing.len()))?;
    let exponent = trailing_zeros
        .checked_sub(to_i64(fraction.len())?)
        .ok_or(QuantityError::InvalidNumber)?;
    let significant = without_trailing.trim_start_matches('0');
    if significant.is_empty() {
        return Ok((BigUint::zero(), 0));
    }
    let coefficient =
        BigUint::parse_bytes(significant.as_bytes(), 10).ok_or(QuantityError::InvalidNumber)?;
    Ok((coefficient, exponent))
}

fn to_i64(length: usize) -> Result<i64, QuantityError> {
    i64::try_from(length).map_err(|_| QuantityError::InvalidNumber)
}

/// Parses the part of an `e`/`E` suffix after the letter: an optional sign
/// and at least one digit, fitting in an `i32`.
fn parse_exponent(suffix: &str, digits: &str) -> Result<i64, QuantityError> {
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QuantityError::InvalidSuffix(suffix.to_owned()));
    }
    digits
        .parse::<i32>()
        .map(i64::from)
        .map_err(|_| QuantityError::ExponentOutOfRange)
}

/// Caps a `BinarySI` value at 2^63 − 1 and, as upstream, reports a non-zero
/// value below 1 as `DecimalSI`.
fn settle_binary(value: Decimal) -> (Decimal, QuantityFormat) {
    let max = Decimal::new(false, BigUint::from(MAX_BINARY_MAGNITUDE), 0);
    let value = if value.compare_magnitude(&max) == Ordering::Greater {
        Decimal::new(value.negative, max.coefficient, max.exponent)
    } else {
        value
    };
    let one = Decimal::new(false, BigUint::one(), 0);
    let format = if !value.is_zero() && value.compare_magnitude(&one) == Ordering::Less {
        QuantityFormat::DecimalSI
    } else {
        QuantityFormat::BinarySI
    };
    (value, format)
}

/// An exact decimal `(-1)^negative × coefficient × 10^exponent`.
///
/// Always normalised: the coefficient has no trailing decimal zeros, and
/// zero is `+0 × 10^0`. Inside a [`Quantity`] the exponent is at least
/// [`NANO_EXPONENT`].
#[derive(Debug, Clone)]
struct Decimal {
    negative: bool,
    coefficient: BigUint,
    exponent: i64,
}

impl Decimal {
    fn new(negative: bool, coefficient: BigUint, exponent: i64) -> Self {
        if coefficient.is_zero() {
            return Self {
                negative: false,
                coefficient,
                exponent: 0,
            };
        }
        let (coefficient, stripped) = strip_trailing_zeros(coefficient);
        Self {
            negative,
            coefficient,
            exponent: exponent.saturating_add(stripped),
        }
    }

    fn is_zero(&self) -> bool {
        self.coefficient.is_zero()
    }

    fn signum(&self) -> i8 {
        match (self.is_zero(), self.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }

    /// Compares exact values.
    fn compare(&self, other: &Self) -> Ordering {
        self.signum().cmp(&other.signum()).then_with(|| {
            let magnitude = self.compare_magnitude(other);
            if self.negative {
                magnitude.reverse()
            } else {
                magnitude
            }
        })
    }

    /// Compares absolute values, scaling only when the magnitudes are close.
    fn compare_magnitude(&self, other: &Self) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => {
                let gap = self.exponent.abs_diff(other.exponent);
                if self.exponent >= other.exponent {
                    compare_scaled(&self.coefficient, gap, &other.coefficient)
                } else {
                    compare_scaled(&other.coefficient, gap, &self.coefficient).reverse()
                }
            }
        }
    }

    /// Rounds a non-zero value away from zero to a whole number of nano units.
    fn round_up_to_nano(self) -> Self {
        if self.exponent >= NANO_EXPONENT {
            return self;
        }
        let shift = self.exponent.abs_diff(NANO_EXPONENT);
        let coefficient = div_pow10_ceil(&self.coefficient, shift);
        Self::new(self.negative, coefficient, NANO_EXPONENT)
    }

    /// The exact sum, or `None` when aligning the exponents would need more
    /// than [`MAX_EXPONENT_GAP`] extra digits.
    fn checked_add(&self, other: &Self) -> Option<Self> {
        if self.is_zero() {
            return Some(other.clone());
        }
        if other.is_zero() {
            return Some(self.clone());
        }
        let exponent = self.exponent.min(other.exponent);
        let left = scale_up(&self.coefficient, self.exponent.abs_diff(exponent))?;
        let right = scale_up(&other.coefficient, other.exponent.abs_diff(exponent))?;
        if self.negative == other.negative {
            return Some(Self::new(self.negative, left + right, exponent));
        }
        Some(match left.cmp(&right) {
            Ordering::Greater => Self::new(self.negative, left - right, exponent),
            Ordering::Less => Self::new(other.negative, right - left, exponent),
            Ordering::Equal => Self::new(false, BigUint::zero(), 0),
        })
    }

    /// The absolute value rounded up to an integer, or `None` when it is at
    /// least `10^(max_exponent + 1)`.
    fn ceil_magnitude(&self, max_exponent: u64) -> Option<BigUint> {
        let shift = self.exponent.unsigned_abs();
        if self.exponent >= 0 {
            (shift <= max_exponent).then(|| &self.coefficient * pow10(shift))
        } else {
            Some(div_pow10_ceil(&self.coefficient, shift))
        }
    }

    /// The absolute value when it is a whole number below `10^(max_exponent + 1)`.
    fn whole_magnitude(&self, max_exponent: u64) -> Option<BigUint> {
        if self.exponent < 0 {
            return None;
        }
        self.ceil_magnitude(max_exponent)
    }

    /// The absolute value with a decimal SI suffix, or in `e` notation when
    /// no suffix fits.
    fn decimal_rendering(&self) -> String {
        match si_suffix_for(self.exponent) {
            Some((suffix, shift)) => {
                let mantissa = &self.coefficient * pow10(shift);
                format!("{mantissa}{suffix}")
            }
            None => self.exponent_rendering(),
        }
    }

    /// The absolute value as `<digits>e<exponent>`. The written exponent must
    /// fit in an `i32` to re-parse, so any excess moves into the digits.
    fn exponent_rendering(&self) -> String {
        let written = self.exponent.min(i64::from(i32::MAX));
        let excess = self.exponent.abs_diff(written);
        let mantissa = &self.coefficient * pow10(excess);
        format!("{mantissa}e{written}")
    }
}

/// The decimal SI suffix for a value `c × 10^exponent` and how many powers
/// of ten (0 to 2) move into `c`, for exponents from nano up to `100E`.
fn si_suffix_for(exponent: i64) -> Option<(&'static str, u64)> {
    if !(NANO_EXPONENT..=20).contains(&exponent) {
        return None;
    }
    let suffix_exponent = exponent.div_euclid(3) * 3;
    let (suffix, _) = DECIMAL_SUFFIXES
        .iter()
        .find(|(_, e)| *e == suffix_exponent)?;
    Some((suffix, exponent.abs_diff(suffix_exponent)))
}

/// Removes trailing decimal zeros, returning the new coefficient and how many
/// zeros were removed. Strips 19 digits at a time so long runs stay cheap.
fn strip_trailing_zeros(mut coefficient: BigUint) -> (BigUint, i64) {
    let mut stripped = 0_i64;
    if coefficient.is_zero() {
        return (coefficient, stripped);
    }
    for (chunk, digits) in [(pow10(19), 19), (BigUint::from(10_u32), 1)] {
        loop {
            let (quotient, remainder) = coefficient.div_rem(&chunk);
            if !remainder.is_zero() {
                break;
            }
            coefficient = quotient;
            stripped = stripped.saturating_add(digits);
        }
    }
    (coefficient, stripped)
}

/// `10^exponent`.
fn pow10(exponent: u64) -> BigUint {
    Pow::pow(&BigUint::from(10_u32), exponent)
}

/// `10^shift`, or `None` when `10^shift` is certainly greater than `bound`
/// (so it never needs to be built): `10^s ≥ 2^(3s) ≥ 2^bits > bound`.
fn pow10_unless_above(shift: u64, bound: &BigUint) -> Option<BigUint> {
    (shift.saturating_mul(3) < bound.bits()).then(|| pow10(shift))
}

/// Compares `left × 10^shift` with `right`, where `left` is non-zero.
fn compare_scaled(left: &BigUint, shift: u64, right: &BigUint) -> Ordering {
    match pow10_unless_above(shift, right) {
        Some(scale) => (left * scale).cmp(right),
        None => Ordering::Greater,
    }
}

/// `ceil(value / 10^shift)`.
fn div_pow10_ceil(value: &BigUint, shift: u64) -> BigUint {
    if value.is_zero() {
        return BigUint::zero();
    }
    match pow10_unless_above(shift, value) {
        Some(divisor) => {
            let (quotient, remainder) = value.div_rem(&divisor);
            if remainder.is_zero() {
                quotient
            } else {
                quotient + 1_u32
            }
        }
        // 0 < value < 10^shift, so the quotient rounds up to 1.
        None => BigUint::one(),
    }
}

/// `value × 10^shift`, or `None` when `shift` exceeds [`MAX_EXPONENT_GAP`].
fn scale_up(value: &BigUint, shift: u64) -> Option<BigUint> {
    (shift <= MAX_EXPONENT_GAP).then(|| value * pow10(shift))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    #[test]
    fn parses_exact_integer_values() {
        let cases: &[(&str, i128)] = &[
            ("0", 0),
            ("-0", 0),
            ("+0", 0),
            ("0Gi", 0),
            ("+1", 1),
            ("5.", 5),
            ("007", 7),
            ("-12", -12),
            ("1k", 1_000),
            ("50k", 50_000),
            ("100.035k", 100_035),
            ("1e3", 1_000),
            ("1E3", 1_000),
            ("1e+3", 1_000),
            ("1e03", 1_000),
            ("1.2e3", 1_200),
            ("1.3E+6", 1_300_000),
            ("1Ki", 1_024),
            ("0.5Ki", 512),
            ("0.5Mi", 524_288),
            ("1.5Gi", 1_610_612_736),
            ("-1.5Gi", -1_610_612_736),
            ("6Gi", 6 << 30),
            ("5Ti", 5 << 40),
            ("4Pi", 4 << 50),
            ("1Ei", 1 << 60),
            ("3Ei", 3 << 60),
            ("1E", 1_000_000_000_000_000_000),
            ("12E", 12_000_000_000_000_000_000),
            ("1.01E", 1_010_000_000_000_000_000),
            ("800E", 800_000_000_000_000_000_000),
            ("8Ei", i128::from(i64::MAX)),
            ("9Ei", i128::from(i64::MAX)),
            ("-8Ei", -i128::from(i64::MAX)),
            ("9223372036854775807Ki", i128::from(i64::MAX)),
            ("9223372036854775808", 9_223_372_036_854_775_808),
            // Upstream reads an empty numeric part as 0.
            ("Gi", 0),
            ("Ei", 0),
            (".", 0),
            ("-.", 0),
            ("m", 0),
            ("E", 0),
            ("e3", 0),
            ("e-12", 0),
            // Value() rounds up, away from zero.
            ("1.5", 2),
            ("-1.5", -2),
            ("1n", 1),
            ("-1m", -1),
        ];
        for (input, expected) in cases {
            assert_eq!(q(input).ceil_integer(), Some(*expected), "{input}");
        }
    }

    #[test]
    fn parses_exact_fractional_values() {
        let cases = [
            (".5", "500m"),
            ("0.5", "500000u"),
            ("0.5e0", "500m"),
            ("0.5e-1", "50m"),
            ("1e-3", "1m"),
            ("2E-3", "2m"),
            ("1n", "0.000000001"),
            ("0.1n", "1n"),
            ("0.9n", "1n"),
            ("-0.1n", "-1n"),
            ("3.001n", "4n"),
            ("1.1E-9", "2n"),
            ("0.0000000001", "1n"),
            ("0.00000012345", "124n"),
            ("1.0000000001", "1.000000001"),
            ("1.0000000001", "1000000001n"),
            ("0.000000000001Ki", "2n"),
            (".001Ki", "1024m"),
            ("100.035Ki", "102435.84"),
            ("1e-2147483648", "1n"),
        ];
        for (input, expected) in cases {
            assert_eq!(q(input), q(expected), "{input} vs {expected}");
        }
    }

    #[test]
    fn formats_follow_the_suffix() {
        let cases = [
            ("1", QuantityFormat::DecimalSI),
            ("1G", QuantityFormat::DecimalSI),
            ("1E", QuantityFormat::DecimalSI),
            ("1Gi", QuantityFormat::BinarySI),
            ("0Gi", QuantityFormat::BinarySI),
            ("0.5Ki", QuantityFormat::BinarySI),
            // Upstream: a non-zero BinarySI value below 1 becomes DecimalSI.
            ("0.000000000001Ki", QuantityFormat::DecimalSI),
            ("1e3", QuantityFormat::DecimalExponent),
            ("1E-3", QuantityFormat::DecimalExponent),
        ];
        for (input, format) in cases {
            assert_eq!(q(input).format(), format, "{input}");
        }
    }

    #[test]
    fn rejects_invalid_input() {
        let suffix = |s: &str| QuantityError::InvalidSuffix(s.to_owned());
        let cases = [
            ("", QuantityError::Empty),
            ("-", QuantityError::InvalidNumber),
            ("+", QuantityError::InvalidNumber),
            ("1.5.0Gi", QuantityError::InvalidNumber),
            ("1.2.3", QuantityError::InvalidNumber),
            ("1.1.M", QuantityError::InvalidNumber),
            ("10GB", suffix("GB")),
            ("10gi", suffix("gi")),
            ("1GiB", suffix("GiB")),
            ("1Gb", suffix("Gb")),
            ("0.1mi", suffix("mi")),
            ("K", suffix("K")),
            ("1K", suffix("K")),
            ("1KB", suffix("KB")),
            ("1i", suffix("i")),
            (".5i", suffix("i")),
            ("aoeu", suffix("aoeu")),
            ("10 Gi", suffix(" Gi")),
            (" 10Gi", suffix(" 10Gi")),
            ("1 ", suffix(" ")),
            ("1\t", suffix("\t")),
            ("1\u{a0}", suffix("\u{a0}")),
            ("1Ｇ", suffix("Ｇ")),
            ("1Gi1", suffix("Gi1")),
            ("1e", suffix("e")),
            ("1e+", suffix("e+")),
            ("-3.01e-", suffix("e-")),
            ("1e3.5", suffix("e3.5")),
            ("1E+-3", suffix("E+-3")),
            ("--1", suffix("-1")),
            ("+-1", suffix("-1")),
            ("1+1.0M", suffix("+1.0M")),
            ("1e2147483648", QuantityError::ExponentOutOfRange),
            ("1e-2147483649", QuantityError::ExponentOutOfRange),
            ("1e99999999999999999999", QuantityError::ExponentOutOfRange),
        ];
        for (input, error) in cases {
            assert_eq!(Quantity::parse(input).err(), Some(error), "{input:?}");
        }
    }

    #[test]
    fn orders_across_formats() {
        assert!(q("1Gi") > q("1G"));
        assert_eq!(q("1000M"), q("1G"));
        assert_eq!(q("1024Mi"), q("1Gi"));
        assert!(q("800E") > q("799E"));
        assert_eq!(q("1e3"), q("1k"));
        assert_eq!(q("1e3"), q("1000"));
        assert_eq!(q("10000T"), q("10P"));
        assert!(q("10000T") > q("100Gi"));
        assert!(q("100m") > q("50m"));
        assert!(q("-1") < q("0"));
        assert!(q("-2") < q("-1"));
        assert!(q("0") < q("1n"));
        assert_eq!(q("-0"), q("0"));
        assert_eq!(q("8Ei"), q("9Ei"));
        assert!(q("8Ei") < q("9223372036854775808"));
        assert_eq!(q("1e2147483647"), q("10e2147483646"));
        assert!(q("1e2147483647") > q("5"));
        assert!(q("5") > q("1e-2147483648"));
        assert!(q("1e-2147483648") > q("0"));
        assert!(q("-1e2147483647") < q("-5"));
        assert!(q("1e2147483647") > q("9e2147483646"));
    }

    #[test]
    fn reports_whole_numbers() {
        for input in [
            "0",
            "1",
            "1.5Gi",
            "0.5Ki",
            "1k",
            "1e3",
            "1.5k",
            "1000m",
            "1e2147483647",
        ] {
            assert!(q(input).is_whole_number(), "{input}");
        }
        for input in ["1.5", "500m", "1n", "-0.5", "1e-3", "0.000000000001Ki"] {
            assert!(!q(input).is_whole_number(), "{input}");
        }
    }

    #[test]
    fn ceil_integer_is_none_beyond_i128() {
        assert_eq!(q("1e38").ceil_integer(), Some(10_i128.pow(38)));
        assert_eq!(q("1e39").ceil_integer(), None);
        assert_eq!(q("-1e39").ceil_integer(), None);
        assert_eq!(q("1e2147483647").ceil_integer(), None);
        assert_eq!(q("1e-2147483648").ceil_integer(), Some(1));
    }

    #[test]
    fn keeps_the_text_as_written() {
        let quantity = q("+1.50Gi");
        assert_eq!(quantity.as_written(), "+1.50Gi");
        assert_eq!(quantity.to_string(), "+1.50Gi");
        assert_eq!("10Gi".parse::<Quantity>(), Ok(q("10Gi")));
    }

    #[test]
    fn builds_zero_and_bytes() {
        assert_eq!(Quantity::zero(), q("0"));
        assert_eq!(Quantity::zero().signum(), 0);
        assert_eq!(Quantity::zero().as_written(), "0");
        let bytes = Quantity::from_bytes(1_073_741_824);
        assert_eq!(bytes, q("1Gi"));
        assert_eq!(bytes.as_written(), "1073741824");
        assert_eq!(bytes.format(), QuantityFormat::DecimalSI);
        assert_eq!(
            Quantity::from_bytes(u64::MAX).ceil_integer(),
            Some(u64::MAX.into())
        );
    }

    #[test]
    fn signum_matches_sign() {
        assert_eq!(q("-1n").signum(), -1);
        assert_eq!(q("-0.1n").signum(), -1);
        assert_eq!(q("-0").signum(), 0);
        assert_eq!(q("Gi").signum(), 0);
        assert_eq!(q("1e-2147483648").signum(), 1);
    }

    #[test]
    fn renders_canonical_strings() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("0Gi", "0"),
            ("10Gi", "10Gi"),
            ("1024Mi", "1Gi"),
            ("1.5Gi", "1536Mi"),
            ("1025Ki", "1025Ki"),
            ("1025", "1025"),
            ("1024", "1024"),
            ("1Ki", "1Ki"),
            ("-1Gi", "-1Gi"),
            ("8Ei", "9223372036854775807"),
            ("1000M", "1G"),
            ("1.5G", "1500M"),
            ("1500M", "1500M"),
            ("1000", "1k"),
            ("1e3", "1k"),
            ("0.5", "500m"),
            ("1.5", "1500m"),
            ("1n", "1n"),
            ("0.1n", "1n"),
            ("1.0000000001", "1000000001n"),
            ("0.5Ki", "512"),
            ("100E", "100E"),
            ("1000E", "1e21"),
            ("1e2147483647", "1e2147483647"),
            ("10e2147483647", "10e2147483647"),
            ("-1e-3", "-1m"),
        ];
        for (input, expected) in cases {
            assert_eq!(q(input).to_canonical_string(), expected, "{input}");
        }
    }

    #[test]
    fn canonical_strings_round_trip() {
        let inputs = [
            "0",
            "1",
            "-1",
            "1.5",
            "1Gi",
            "1.5Gi",
            "8Ei",
            "-8Ei",
            "1023Ki",
            "0.5Ki",
            "1e3",
            "1E-3",
            "123.456789k",
            "0.1n",
            "800E",
            "1000E",
            "1e2147483647",
            "10e2147483647",
            "1e-2147483648",
            "99999999999999999999999999999999999999999",
            ".001Ki",
            "0.000000000001Ki",
        ];
        for input in inputs {
            let quantity = q(input);
            let canonical = quantity.to_canonical_string();
            assert_eq!(q(&canonical), quantity, "{input} -> {canonical}");
        }
    }

    #[test]
    fn adds_exactly() {
        let sum = q("1Gi").checked_add(&q("512Mi")).expect("small sum");
        assert_eq!(sum, q("1.5Gi"));
        assert_eq!(sum.as_written(), "1536Mi");
        assert_eq!(sum.format(), QuantityFormat::BinarySI);

        let sum = q("500m").checked_add(&q("500m")).expect("small sum");
        assert_eq!(sum.as_written(), "1");

        let sum = q("1").checked_add(&q("-1")).expect("small sum");
        assert_eq!(sum.signum(), 0);
        assert_eq!(sum.as_written(), "0");

        let sum = q("-3").checked_add(&q("1")).expect("small sum");
        assert_eq!(sum, q("-2"));

        let sum = Quantity::zero().checked_add(&q("2Gi")).expect("small sum");
        assert_eq!(sum.format(), QuantityFormat::BinarySI);
        assert_eq!(sum.as_written(), "2Gi");

        let sum = q("800E").checked_add(&q("1n")).expect("gap of 29 digits");
        assert!(sum > q("800E"));
        assert_eq!(sum, q("800000000000000000000.000000001"));

        // BinarySI sums are not capped and render so that they re-parse exactly.
        let sum = q("4Ei").checked_add(&q("4Ei")).expect("small sum");
        assert_eq!(sum.ceil_integer(), Some(1_i128 << 63));
        assert_eq!(q(sum.as_written()), sum);
    }

    #[test]
    fn refuses_sums_that_need_unbounded_digits() {
        assert!(q("1e2147483647").checked_add(&q("1")).is_none());
        assert!(q("1e2147483647").checked_add(&q("1e2147483647")).is_some());
        assert!(q("1").checked_add(&q("1e100001")).is_none());
        assert!(q("1").checked_add(&q("1e99999")).is_some());
    }

    #[test]
    fn handles_huge_inputs_quickly() {
        let start = Instant::now();
        let nines = q(&"9".repeat(10_000));
        let smaller = q(&format!("{}8", "9".repeat(9_999)));
        let power = q(&format!("1{}", "0".repeat(10_000)));
        assert!(nines > smaller);
        assert!(power > nines);
        assert_eq!(power, q("1e10000"));
        assert!(nines.is_whole_number());
        assert_eq!(nines.ceil_integer(), None);

        let huge = q("1e2147483647");
        let tiny = q("1e-2147483648");
        assert!(huge > nines && nines > q("5") && q("5") > tiny);
        assert_eq!(huge.ceil_integer(), None);
        // Generous bound for unoptimised test builds on a slow machine.
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn never_panics_on_short_strings() {
        let alphabet: Vec<char> = "09.+-eEiKkMmGnu ".chars().collect();
        let mut inputs = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = inputs
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            inputs.extend(longer);
        }
        for input in &inputs {
            if let Ok(quantity) = Quantity::parse(input) {
                let canonical = quantity.to_canonical_string();
                assert_eq!(q(&canonical), quantity, "{input:?} -> {canonical}");
                let _ = quantity.ceil_integer();
                let _ = quantity.checked_add(&quantity);
            }
        }
    }
}
