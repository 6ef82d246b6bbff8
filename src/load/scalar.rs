//! Resolution of YAML *plain* (unquoted) scalars exactly as Kubernetes reads them.
//!
//! Kubernetes (kubectl and the API server) reads manifests with `sigs.k8s.io/yaml`, which
//! decodes YAML with go-yaml **v2** (`go.yaml.in/yaml/v2`, formerly `gopkg.in/yaml.v2`,
//! YAML 1.1 rules) into `interface{}` values and then marshals them to JSON with
//! `encoding/json`. This module reproduces both steps for a single plain scalar:
//!
//! * [`resolve_plain`] follows go-yaml v2's `resolve()` (`resolve.go`): a first-byte hint,
//!   the fixed `resolveMap` table, `parseTimestamp`, and then `strconv.ParseInt` /
//!   `strconv.ParseUint` (base 0, after deleting every `_`), the `yamlStyleFloat` regular
//!   expression with `strconv.ParseFloat`, and the extra `0b` / `-0b` binary branch.
//! * [`PlainValue::json_text`] follows `encoding/json` for the decoded Go value.
//!
//! Behaviour that often surprises (each case is a row of the unit tests):
//!
//! * `yes`, `Y`, `on`, `OFF`, … are booleans, but only in the spellings of the table:
//!   `yES` is a string.
//! * Sexagesimal numbers are not supported: `12:30` and `1:20` are strings.
//! * `017`, `0o17`, `0x1F`, `-0x1F`, `0b101` and `1_000` are integers (Go's base-0 prefixes).
//! * `08` and `09` are not octal, but they match `yamlStyleFloat`, so they are the
//!   *floats* 8 and 9; `1e3` is the float 1000.
//! * Integers beyond `uint64` become floats when written in decimal
//!   (`99999999999999999999` is 1e20) and stay strings otherwise (`0x1_0000_0000_0000_0000`).
//!   A float beyond `f64` range (`1e400`) is a string as well.
//! * A timestamp (`2001-12-14`) is resolved by go-yaml, but decoding into `interface{}`
//!   deliberately keeps the *original text* as a string ("for backward compatibility",
//!   `decode.go`), so Kubernetes sees the string `"2001-12-14"`, not an RFC 3339 time.
//! * `.inf`, `-.Inf` and `.nan` are floats, but `encoding/json` refuses to marshal them
//!   ("json: unsupported value"), so a manifest containing one fails to convert to JSON.
//! * `<<` resolves to a string here; whether a plain `<<` *key* is a merge key is decided by
//!   the decoder (`isMerge`), not by `resolve()`.
//!
//! Assumptions: a 64-bit Go `int`, and Go 1.17 or later (`strconv` base 0 reads `0b` and
//! `0o` since Go 1.13; `time.Parse` accepts `,` before fractional seconds since Go 1.17).
//! The `sigs.k8s.io/yaml` coercion of numbers into Go `string` fields of *typed* targets is
//! out of scope: kubectl converts manifests to JSON without a target type.
//!
//! Every function runs in time linear in the length of the scalar and never panics.

use std::borrow::Cow;
use std::fmt::Write as _;

/// What a plain scalar means to Kubernetes.
#[derive(Debug, Clone, PartialEq)]
pub enum PlainValue {
    /// `null`, `~`, the empty scalar, …
    Null,
    /// `true`, `yes`, `on`, `false`, `n`, `OFF`, …
    Bool(bool),
    /// An integer in Go's `int64` or `uint64` range: decimal, hex `0x`, octal `0` or `0o`,
    /// binary `0b`, with any `_` removed.
    Int(i128),
    /// A float, including the `.inf`, `-.inf` and `.nan` spellings go-yaml v2 accepts.
    Float(f64),
    /// A scalar go-yaml resolves as `!!timestamp`. The text is what Kubernetes receives: the
    /// original scalar text, unchanged, as a JSON string.
    Timestamp(String),
    /// The scalar stays a string; the caller keeps the text itself.
    String,
}

impl PlainValue {
    /// A short name for messages: "null", "boolean", "integer", "float", "timestamp",
    /// "string".
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "boolean",
            Self::Int(_) => "integer",
            Self::Float(_) => "float",
            Self::Timestamp(_) => "timestamp",
            Self::String => "string",
        }
    }

    /// How the value appears after conversion to JSON, as Kubernetes sees it (`true`, `15`,
    /// `1000`, `null`, `"2001-12-14"`).
    ///
    /// `None` for [`PlainValue::String`], whose JSON form is the caller's text, and for
    /// infinite and NaN floats, which `encoding/json` cannot marshal (the conversion of the
    /// whole manifest fails).
    #[must_use]
    pub fn json_text(&self) -> Option<String> {
        match self {
            Self::Null => Some("null".to_owned()),
            Self::Bool(value) => Some(value.to_string()),
            Self::Int(value) => Some(value.to_string()),
            Self::Float(value) => go_json_float(*value),
            Self::Timestamp(text) => Some(go_json_quote(text)),
            Self::String => None,
        }
    }
}

/// Resolves a plain scalar of a YAML file the way go-yaml v2 does for an untagged plain
/// scalar decoded into `interface{}`.
///
/// `text` is the scalar's value after YAML line folding, without quotes.
#[must_use]
pub fn resolve_plain(text: &str) -> PlainValue {
    let Some(hint) = hint(text) else {
        return PlainValue::String;
    };
    if let Some(value) = lookup_table(text) {
        return value;
    }
    match hint {
        // The table was the only chance for these.
        Hint::Table => PlainValue::String,
        Hint::Dot => parse_go_float(text.as_bytes()).map_or(PlainValue::String, PlainValue::Float),
        Hint::Number => resolve_number(text),
    }
}

/// Resolution of a plain scalar in a JSON file (files ending .json are read with JSON rules:
/// only `true`, `false`, `null` and JSON numbers are non-strings).
///
/// Kubernetes decodes JSON with `sigs.k8s.io/json`, which keeps an integer literal that fits
/// `int64` as an integer and reads every other number as a float64. A number beyond the
/// float64 range is returned as an infinite [`PlainValue::Float`]; Kubernetes rejects it.
/// Anything that is not a JSON literal or number is [`PlainValue::String`].
#[must_use]
pub fn resolve_json_plain(text: &str) -> PlainValue {
    match text {
        "true" => PlainValue::Bool(true),
        "false" => PlainValue::Bool(false),
        "null" => PlainValue::Null,
        _ => json_number(text.as_bytes()).unwrap_or(PlainValue::String),
    }
}

// ---------------------------------------------------------------------------------------
// go-yaml v2 `resolve()`
// ---------------------------------------------------------------------------------------

/// The class of the first byte (`resolveTable` in go-yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    /// `M`: only the table can give it a meaning (`y`, `n`, `t`, `f`, `o`, `~`, or empty).
    Table,
    /// `.`: the table, or else `strconv.ParseFloat` on the text as written.
    Dot,
    /// `D` or `S` (digit or sign): timestamp, integer or float.
    Number,
}

/// go-yaml's `resolveTable` lookup; `None` means "no hint": the scalar is a string.
fn hint(text: &str) -> Option<Hint> {
    match text.as_bytes().first() {
        // go-yaml uses the hint 'N' for the empty scalar; the table maps it to null.
        None => Some(Hint::Table),
        Some(b'+' | b'-' | b'0'..=b'9') => Some(Hint::Number),
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
            Some(Hint::Table)
        }
        Some(b'.') => Some(Hint::Dot),
        Some(_) => None,
    }
}

/// go-yaml's `resolveMap`. Its `<<` entry is unreachable (`<` has no hint) and left out.
fn lookup_table(text: &str) -> Option<PlainValue> {
    let value = match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            PlainValue::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            PlainValue::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => PlainValue::Null,
        ".nan" | ".NaN" | ".NAN" => PlainValue::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => PlainValue::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => PlainValue::Float(f64::NEG_INFINITY),
        _ => return None,
    };
    Some(value)
}

/// The `'D', 'S'` case of `resolve()`, tried in go-yaml's order.
fn resolve_number(text: &str) -> PlainValue {
    // Timestamps are tried on the text as written, before `_` is removed.
    if is_timestamp(text.as_bytes()) {
        return PlainValue::Timestamp(text.to_owned());
    }
    let plain = without_underscores(text.as_bytes());
    let plain = plain.as_ref();
    if let Some(value) = parse_int(plain, 0).or_else(|| parse_uint(plain, 0).map(i128::from)) {
        return PlainValue::Int(value);
    }
    if matches_yaml_style_float(plain)
        && let Some(value) = parse_go_float(plain)
    {
        return PlainValue::Float(value);
    }
    binary_fallback(plain).map_or(PlainValue::String, PlainValue::Int)
}

/// `strings.Replace(in, "_", "", -1)`, without copying when there is nothing to remove.
fn without_underscores(text: &[u8]) -> Cow<'_, [u8]> {
    if text.contains(&b'_') {
        Cow::Owned(text.iter().copied().filter(|&byte| byte != b'_').collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// go-yaml's explicit binary branches, which run after the float attempt. Because the sign
/// is only looked for after the `0b`, they also accept `0b-101` (-5) and `0b+101` (5).
fn binary_fallback(plain: &[u8]) -> Option<i128> {
    if let Some(digits) = plain.strip_prefix(b"0b") {
        parse_int(digits, 2).or_else(|| parse_uint(digits, 2).map(i128::from))
    } else if let Some(digits) = plain.strip_prefix(b"-0b") {
        let mut negated = Vec::with_capacity(digits.len() + 1);
        negated.push(b'-');
        negated.extend_from_slice(digits);
        parse_int(&negated, 2)
    } else {
        None
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (go-yaml's `yamlStyleFloat`).
fn matches_yaml_style_float(text: &[u8]) -> bool {
    let mut at = usize::from(matches!(text.first(), Some(b'+' | b'-')));
    let whole = count_digits(text, at);
    at += whole;
    if whole == 0 {
        // `\.[0-9]+`
        if text.get(at) != Some(&b'.') {
            return false;
        }
        let fraction = count_digits(text, at + 1);
        if fraction == 0 {
            return false;
        }
        at += 1 + fraction;
    } else if text.get(at) == Some(&b'.') {
        // `[0-9]+\.[0-9]*`
        at += 1 + count_digits(text, at + 1);
    }
    if matches!(text.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(text.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = count_digits(text, at);
        if exponent == 0 {
            return false;
        }
        at += exponent;
    }
    at == text.len()
}

/// The number of ASCII digits in `text` from byte `from` on.
fn count_digits(text: &[u8], from: usize) -> usize {
    text.get(from..).map_or(0, |rest| {
        rest.iter().take_while(|byte| byte.is_ascii_digit()).count()
    })
}

// ---------------------------------------------------------------------------------------
// Go `strconv`
// ---------------------------------------------------------------------------------------

/// `strconv.ParseUint(s, base, 64)` for `base` 0 (the prefix decides) or 2..=36.
///
/// Underscores are not accepted: go-yaml removes them before parsing.
fn parse_uint(text: &[u8], base: u32) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        split_base_prefix(text)
    } else {
        (base, text)
    };
    digits.iter().try_fold(0_u64, |value, &byte| {
        let digit = digit_value(byte).filter(|&digit| digit < base)?;
        value
            .checked_mul(u64::from(base))?
            .checked_add(u64::from(digit))
    })
}

/// `strconv.ParseInt(s, base, 64)`: an optional sign, then [`parse_uint`], then the `int64`
/// range check.
fn parse_int(text: &[u8], base: u32) -> Option<i128> {
    let (negative, magnitude) = match text.split_first() {
        Some((b'+', rest)) => (false, rest),
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let magnitude = i128::from(parse_uint(magnitude, base)?);
    let value = if negative { -magnitude } else { magnitude };
    (i128::from(i64::MIN)..=i128::from(i64::MAX))
        .contains(&value)
        .then_some(value)
}

/// The base chosen by `strconv`'s base-0 prefix rules (`0b`, `0o`, `0x` in either case when
/// followed by at least one byte, else a leading `0` for octal) and the digits after it.
fn split_base_prefix(text: &[u8]) -> (u32, &[u8]) {
    match *text {
        [b'0', marker, ref rest @ ..] if !rest.is_empty() => match marker | 0x20 {
            b'b' => (2, rest),
            b'o' => (8, rest),
            b'x' => (16, rest),
            _ => (8, &text[1..]),
        },
        [b'0', ref rest @ ..] => (8, rest),
        _ => (10, text),
    }
}

/// A digit in bases up to 36, as `strconv` reads it (letters in either case).
fn digit_value(byte: u8) -> Option<u32> {
    match byte {
        b'0'..=b'9' => Some(u32::from(byte - b'0')),
        b'a'..=b'z' | b'A'..=b'Z' => Some(u32::from((byte | 0x20) - b'a') + 10),
        _ => None,
    }
}

/// The most significant digits kept from a decimal. Every rounding boundary of an `f64` has
/// at most 767 significant digits, so 800 digits plus a "something non-zero was dropped"
/// flag round exactly like the full number.
const MAX_DIGITS: usize = 800;

/// A decimal float as Go's `readFloat` sees it: `0.digits × 10^exponent`.
#[derive(Debug)]
struct Decimal {
    negative: bool,
    /// Significant digits without leading zeros, at most [`MAX_DIGITS`] of them.
    digits: String,
    /// A non-zero digit was dropped beyond [`MAX_DIGITS`].
    truncated: bool,
    exponent: i64,
}

impl Decimal {
    /// The nearest `f64` (ties to even); infinite when out of range, as Go's `ParseFloat`
    /// returns alongside `ErrRange`.
    fn to_f64(&self) -> f64 {
        if self.digits.is_empty() {
            return if self.negative { -0.0 } else { 0.0 };
        }
        let sign = if self.negative { "-" } else { "" };
        let sticky = if self.truncated { "1" } else { "" };
        format!("{sign}0.{}{sticky}e{}", self.digits, self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }
}

/// `strconv.ParseFloat(s, 64)` for decimal syntax, `None` on a syntax or range error.
///
/// Hexadecimal floats and `inf` / `nan` words are not handled: go-yaml only calls
/// `ParseFloat` on text starting with `.` or matching `yamlStyleFloat`, where neither occurs.
fn parse_go_float(text: &[u8]) -> Option<f64> {
    let value = read_go_decimal(text)?.to_f64();
    value.is_finite().then_some(value)
}

/// Go's `readFloat` for a decimal number that must span all of `text`: an optional sign,
/// digits with at most one `.`, an optional exponent, and `_` only between digits. As in
/// Go, an exponent stops accumulating once it reaches 10000.
fn read_go_decimal(text: &[u8]) -> Option<Decimal> {
    let mut at = 0;
    let negative = match text.first() {
        Some(b'-') => {
            at = 1;
            true
        }
        Some(b'+') => {
            at = 1;
            false
        }
        _ => false,
    };
    let mut underscores = false;
    let mut saw_dot = false;
    let mut saw_digits = false;
    let mut count: i64 = 0;
    let mut point: i64 = 0;
    let mut digits = String::new();
    let mut truncated = false;
    while let Some(&byte) = text.get(at) {
        match byte {
            b'_' => underscores = true,
            b'.' if !saw_dot => {
                saw_dot = true;
                point = count;
            }
            b'0' if count == 0 => {
                saw_digits = true;
                point -= 1;
            }
            b'0'..=b'9' => {
                saw_digits = true;
                count += 1;
                if digits.len() < MAX_DIGITS {
                    digits.push(char::from(byte));
                } else if byte != b'0' {
                    truncated = true;
                }
            }
            _ => break,
        }
        at += 1;
    }
    if !saw_digits {
        return None;
    }
    if !saw_dot {
        point = count;
    }
    if matches!(text.get(at), Some(b'e' | b'E')) {
        let (exponent, end, exponent_underscores) = read_go_exponent(text, at + 1)?;
        point += exponent;
        at = end;
        underscores |= exponent_underscores;
    }
    if at != text.len() || (underscores && !underscore_ok(text)) {
        return None;
    }
    Some(Decimal {
        negative,
        digits,
        truncated,
        exponent: point,
    })
}

/// The exponent of Go's `readFloat`, starting after the `e`: the signed value (capped as Go
/// caps it), the index after it, and whether it contained `_`.
fn read_go_exponent(text: &[u8], mut at: usize) -> Option<(i64, usize, bool)> {
    let mut sign = 1;
    match text.get(at) {
        Some(b'+') => at += 1,
        Some(b'-') => {
            sign = -1;
            at += 1;
        }
        _ => {}
    }
    if !text.get(at).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut value: i64 = 0;
    let mut underscores = false;
    while let Some(&byte) = text.get(at) {
        match byte {
            b'_' => underscores = true,
            b'0'..=b'9' if value < 10_000 => value = value * 10 + i64::from(byte - b'0'),
            b'0'..=b'9' => {}
            _ => break,
        }
        at += 1;
    }
    Some((sign * value, at, underscores))
}

/// Go's `underscoreOK`: every `_` sits between two digits (or a base prefix and a digit).
fn underscore_ok(text: &[u8]) -> bool {
    let text = match text.split_first() {
        Some((b'+' | b'-', rest)) => rest,
        _ => text,
    };
    let (hex, body, mut last) = match *text {
        [b'0', marker, ref rest @ ..] if matches!(marker | 0x20, b'b' | b'o' | b'x') => {
            ((marker | 0x20) == b'x', rest, b'0')
        }
        _ => (false, text, b'^'),
    };
    for &byte in body {
        if byte.is_ascii_digit() || (hex && matches!(byte | 0x20, b'a'..=b'f')) {
            last = b'0';
        } else if byte == b'_' {
            if last != b'0' {
                return false;
            }
            last = b'_';
        } else if last == b'_' {
            return false;
        } else {
            last = b'!';
        }
    }
    last != b'_'
}

// ---------------------------------------------------------------------------------------
// go-yaml v2 `parseTimestamp` and Go `time.Parse`
// ---------------------------------------------------------------------------------------

/// go-yaml v2's `allowedTimestampFormats`, tried in order with `time.Parse`.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// `2006-1-2T15:4:5.999999999Z07:00`, and the same with a lower-case `t`: the byte
    /// between date and time.
    Zoned(u8),
    /// `2006-1-2 15:4:5.999999999`: space separated, no time zone.
    Spaced,
    /// `2006-1-2`.
    Date,
}

const LAYOUTS: [Layout; 4] = [
    Layout::Zoned(b'T'),
    Layout::Zoned(b't'),
    Layout::Spaced,
    Layout::Date,
];

/// go-yaml v2's `parseTimestamp`: exactly four digits and a `-`, then any layout that
/// `time.Parse` accepts. (`2001-12-14 21:59:43.10 -5`, from the YAML spec, matches none.)
fn is_timestamp(text: &[u8]) -> bool {
    count_digits(text, 0) == 4
        && text.get(4) == Some(&b'-')
        && LAYOUTS.iter().any(|&layout| parses_as(text, layout))
}

/// Whether Go's `time.Parse(layout, text)` succeeds.
fn parses_as(text: &[u8], layout: Layout) -> bool {
    let mut cursor = Cursor { rest: text };
    let Some((year, month, day)) = cursor.date() else {
        return false;
    };
    let time_ok = match layout {
        Layout::Zoned(separator) => cursor.eat(separator) && cursor.clock() && cursor.zone(),
        Layout::Spaced => cursor.spaces() && cursor.clock(),
        Layout::Date => true,
    };
    // `time.Parse` rejects trailing text, then checks the day against the month.
    time_ok && cursor.rest.is_empty() && (1..=days_in(month, year)).contains(&day)
}

/// The days of a month in the proleptic Gregorian calendar, as Go's `daysIn`.
fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The value of a short run of ASCII digits.
fn decimal_value(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |value, &byte| value * 10 + u32::from(byte - b'0'))
}

/// The unparsed rest of a timestamp, consumed the way `time.Parse` consumes its value.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl Cursor<'_> {
    /// A literal byte of the layout.
    fn eat(&mut self, byte: u8) -> bool {
        match self.rest.split_first() {
            Some((&first, rest)) if first == byte => {
                self.rest = rest;
                true
            }
            _ => false,
        }
    }

    /// A space of the layout, which matches one or more spaces (`skip` in `time`).
    fn spaces(&mut self) -> bool {
        if self.rest.first().is_some_and(|&byte| byte != b' ') {
            return false;
        }
        let spaces = self.rest.iter().take_while(|&&byte| byte == b' ').count();
        self.rest = self.rest.get(spaces..).unwrap_or_default();
        true
    }

    /// One or two digits (`getnum(value, false)` in `time`).
    fn number(&mut self) -> Option<u32> {
        let length = count_digits(self.rest, 0).min(2);
        if length == 0 {
            return None;
        }
        let (digits, rest) = self.rest.split_at(length);
        self.rest = rest;
        Some(decimal_value(digits))
    }

    /// `2006-1-2`: a four-digit year, then a month of 1..=12 and a day of one or two digits.
    fn date(&mut self) -> Option<(u32, u32, u32)> {
        let (year_digits, rest) = self.rest.split_at_checked(4)?;
        if !year_digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let year = decimal_value(year_digits);
        self.rest = rest;
        if !self.eat(b'-') {
            return None;
        }
        let month = self.number().filter(|month| (1..=12).contains(month))?;
        if !self.eat(b'-') {
            return None;
        }
        let day = self.number()?;
        Some((year, month, day))
    }

    /// `15:4:5.999999999`: hour below 24, minute and second below 60, then an optional
    /// fraction.
    fn clock(&mut self) -> bool {
        let valid = self.number().is_some_and(|hour| hour < 24)
            && self.eat(b':')
            && self.number().is_some_and(|minute| minute < 60)
            && self.eat(b':')
            && self.number().is_some_and(|second| second < 60);
        if valid {
            self.fraction();
        }
        valid
    }

    /// `.999999999`: when a `.` or `,` is followed by a digit, it and all the digits after
    /// it (more than nine are read and ignored); otherwise nothing.
    fn fraction(&mut self) {
        if let [b'.' | b',', second, ..] = self.rest
            && second.is_ascii_digit()
        {
            let length = 1 + count_digits(self.rest, 1);
            self.rest = self.rest.get(length..).unwrap_or_default();
        }
    }

    /// `Z07:00`: a `Z`, or a sign and `hh:mm`. Go accepts offsets up to 24 hours and
    /// 60 minutes.
    fn zone(&mut self) -> bool {
        if self.eat(b'Z') {
            return true;
        }
        let Some((head, rest)) = self.rest.split_at_checked(6) else {
            return false;
        };
        let [sign, h1, h2, b':', m1, m2] = *head else {
            return false;
        };
        let two_digits = |tens: u8, ones: u8| {
            (tens.is_ascii_digit() && ones.is_ascii_digit())
                .then(|| u32::from(tens - b'0') * 10 + u32::from(ones - b'0'))
        };
        let valid = matches!(sign, b'+' | b'-')
            && two_digits(h1, h2).is_some_and(|hours| hours <= 24)
            && two_digits(m1, m2).is_some_and(|minutes| minutes <= 60);
        if valid {
            self.rest = rest;
        }
        valid
    }
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

/// A JSON number token: `Some(true)` for an integer literal (no fraction, no exponent),
/// `Some(false)` for another number, `None` if `text` is not a JSON number.
fn json_number_shape(text: &[u8]) -> Option<bool> {
    let mut at = usize::from(text.first() == Some(&b'-'));
    match text.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => at += 1 + count_digits(text, at + 1),
        _ => return None,
    }
    let mut integer = true;
    if text.get(at) == Some(&b'.') {
        let fraction = count_digits(text, at + 1);
        if fraction == 0 {
            return None;
        }
        at += 1 + fraction;
        integer = false;
    }
    if matches!(text.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(text.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = count_digits(text, at);
        if exponent == 0 {
            return None;
        }
        at += exponent;
        integer = false;
    }
    (at == text.len()).then_some(integer)
}

/// A JSON number as `sigs.k8s.io/json` decodes it into `interface{}`: `int64` when the
/// literal is an integer that fits, else `float64`.
fn json_number(text: &[u8]) -> Option<PlainValue> {
    let integer = json_number_shape(text)?;
    if integer && let Some(value) = parse_int(text, 10) {
        return Some(PlainValue::Int(value));
    }
    read_go_decimal(text).map(|decimal| PlainValue::Float(decimal.to_f64()))
}

/// `encoding/json`'s rendering of a `float64`: the shortest representation that reads back
/// to the same value, in exponent form below 1e-6 and from 1e21 on. `None` for infinities
/// and NaN, which `encoding/json` refuses.
fn go_json_float(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        return Some(format!("{value}"));
    }
    // Go writes `1e+21` and `1e-07`, then trims the latter to `1e-7`: so the exponent
    // keeps its digits, and a positive one gains a `+`.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e')?;
    if exponent.starts_with('-') {
        Some(scientific)
    } else {
        Some(format!("{mantissa}e+{exponent}"))
    }
}

/// `encoding/json`'s rendering of a string (with its default HTML escaping).
fn go_json_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\0'..='\u{1f}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(quoted, "\\u{:04x}", u32::from(character));
            }
            _ => quoted.push(character),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected resolution of a row.
    #[derive(Debug, Clone, Copy)]
    enum Want {
        Null,
        Bool(bool),
        Int(i128),
        Float(f64),
        Nan,
        /// A timestamp whose text is the input itself.
        Time,
        Str,
    }

    /// `(input, expected value, expected json_text, the go-yaml / Go behaviour behind it)`.
    type Row = (&'static str, Want, Option<&'static str>, &'static str);

    const I64_MAX: i128 = 9_223_372_036_854_775_807;
    const I64_MIN: i128 = -9_223_372_036_854_775_808;
    const U64_MAX: i128 = 18_446_744_073_709_551_615;

    #[rustfmt::skip]
    const YAML_ROWS: &[Row] = &[
        // resolveMap: booleans (YAML 1.1 spellings only).
        ("y", Want::Bool(true), Some("true"), "resolveMap: y"),
        ("Y", Want::Bool(true), Some("true"), "resolveMap: Y"),
        ("yes", Want::Bool(true), Some("true"), "resolveMap: yes"),
        ("Yes", Want::Bool(true), Some("true"), "resolveMap: Yes"),
        ("YES", Want::Bool(true), Some("true"), "resolveMap: YES"),
        ("true", Want::Bool(true), Some("true"), "resolveMap: true"),
        ("True", Want::Bool(true), Some("true"), "resolveMap: True"),
        ("TRUE", Want::Bool(true), Some("true"), "resolveMap: TRUE"),
        ("on", Want::Bool(true), Some("true"), "resolveMap: on"),
        ("On", Want::Bool(true), Some("true"), "resolveMap: On"),
        ("ON", Want::Bool(true), Some("true"), "resolveMap: ON"),
        ("n", Want::Bool(false), Some("false"), "resolveMap: n"),
        ("N", Want::Bool(false), Some("false"), "resolveMap: N"),
        ("no", Want::Bool(false), Some("false"), "resolveMap: no"),
        ("No", Want::Bool(false), Some("false"), "resolveMap: No"),
        ("NO", Want::Bool(false), Some("false"), "resolveMap: NO"),
        ("false", Want::Bool(false), Some("false"), "resolveMap: false"),
        ("False", Want::Bool(false), Some("false"), "resolveMap: False"),
        ("FALSE", Want::Bool(false), Some("false"), "resolveMap: FALSE"),
        ("off", Want::Bool(false), Some("false"), "resolveMap: off"),
        ("Off", Want::Bool(false), Some("false"), "resolveMap: Off"),
        ("OFF", Want::Bool(false), Some("false"), "resolveMap: OFF"),
        ("yES", Want::Str, None, "hint M, not in resolveMap"),
        ("tRUE", Want::Str, None, "hint M, not in resolveMap"),
        ("oN", Want::Str, None, "hint M, not in resolveMap"),
        ("yes!", Want::Str, None, "hint M, not in resolveMap"),
        ("Nope", Want::Str, None, "hint M, not in resolveMap"),
        // resolveMap: null.
        ("", Want::Null, Some("null"), "hint N for empty, resolveMap: \"\""),
        ("~", Want::Null, Some("null"), "resolveMap: ~"),
        ("null", Want::Null, Some("null"), "resolveMap: null"),
        ("Null", Want::Null, Some("null"), "resolveMap: Null"),
        ("NULL", Want::Null, Some("null"), "resolveMap: NULL"),
        ("nULL", Want::Str, None, "hint M, not in resolveMap"),
        ("~~", Want::Str, None, "hint M, not in resolveMap"),
        // resolveMap: special floats; encoding/json cannot marshal them.
        (".inf", Want::Float(f64::INFINITY), None, "resolveMap: .inf"),
        (".Inf", Want::Float(f64::INFINITY), None, "resolveMap: .Inf"),
        (".INF", Want::Float(f64::INFINITY), None, "resolveMap: .INF"),
        ("+.inf", Want::Float(f64::INFINITY), None, "resolveMap: +.inf"),
        ("+.Inf", Want::Float(f64::INFINITY), None, "resolveMap: +.Inf"),
        ("+.INF", Want::Float(f64::INFINITY), None, "resolveMap: +.INF"),
        ("-.inf", Want::Float(f64::NEG_INFINITY), None, "resolveMap: -.inf"),
        ("-.Inf", Want::Float(f64::NEG_INFINITY), None, "resolveMap: -.Inf"),
        ("-.INF", Want::Float(f64::NEG_INFINITY), None, "resolveMap: -.INF"),
        (".nan", Want::Nan, None, "resolveMap: .nan"),
        (".NaN", Want::Nan, None, "resolveMap: .NaN"),
        (".NAN", Want::Nan, None, "resolveMap: .NAN"),
        (".iNf", Want::Str, None, "hint '.', ParseFloat(\".iNf\") fails"),
        ("+.nan", Want::Str, None, "not in resolveMap, not yamlStyleFloat"),
        ("-.NaN", Want::Str, None, "not in resolveMap, not yamlStyleFloat"),
        ("inf", Want::Str, None, "no hint for 'i'"),
        ("nan", Want::Str, None, "hint M, not in resolveMap"),
        ("Infinity", Want::Str, None, "no hint for 'I'"),
        // No hint: strings whatever follows.
        ("<<", Want::Str, None, "no hint for '<' (merge is the decoder's isMerge)"),
        ("abc", Want::Str, None, "no hint for 'a'"),
        ("_1", Want::Str, None, "no hint for '_'"),
        ("é", Want::Str, None, "no hint for a non-ASCII byte"),
        // Integers: ParseInt / ParseUint, base 0, after removing `_`.
        ("0", Want::Int(0), Some("0"), "ParseInt base 0: 0"),
        ("00", Want::Int(0), Some("0"), "ParseInt base 0: octal 00"),
        ("-0", Want::Int(0), Some("0"), "ParseInt: -0 is 0"),
        ("+1", Want::Int(1), Some("1"), "ParseInt accepts a + sign"),
        ("-17", Want::Int(-17), Some("-17"), "ParseInt decimal"),
        ("017", Want::Int(15), Some("15"), "ParseInt base 0: leading 0 is octal"),
        ("-017", Want::Int(-15), Some("-15"), "ParseInt base 0: sign, then octal"),
        ("0o17", Want::Int(15), Some("15"), "ParseInt base 0: 0o prefix (Go >= 1.13)"),
        ("0O17", Want::Int(15), Some("15"), "ParseInt base 0: prefix letters in any case"),
        ("0x1F", Want::Int(31), Some("31"), "ParseInt base 0: 0x prefix"),
        ("0X1f", Want::Int(31), Some("31"), "ParseInt base 0: 0X prefix, mixed-case digits"),
        ("-0x1F", Want::Int(-31), Some("-31"), "ParseInt base 0: sign, then 0x"),
        ("+0x1F", Want::Int(31), Some("31"), "ParseInt base 0: + sign, then 0x"),
        ("0b101", Want::Int(5), Some("5"), "ParseInt base 0: 0b prefix"),
        ("0B101", Want::Int(5), Some("5"), "ParseInt base 0: 0B prefix"),
        ("-0b101", Want::Int(-5), Some("-5"), "ParseInt base 0: sign, then 0b"),
        ("0b-101", Want::Int(-5), Some("-5"), "0b branch: ParseInt(\"-101\", 2)"),
        ("0b+101", Want::Int(5), Some("5"), "0b branch: ParseInt(\"+101\", 2)"),
        ("0B-101", Want::Str, None, "the 0b branch is lower-case only"),
        ("1_000", Want::Int(1000), Some("1000"), "underscores removed first"),
        ("1__0_0_0_", Want::Int(1000), Some("1000"), "every underscore removed"),
        ("0x_1F", Want::Int(31), Some("31"), "underscores removed before the prefix check"),
        ("0_x_1F", Want::Int(31), Some("31"), "underscores removed before the prefix check"),
        ("-_1", Want::Int(-1), Some("-1"), "hint S, then underscores removed"),
        ("9223372036854775807", Want::Int(I64_MAX), Some("9223372036854775807"), "int64 max"),
        ("-9223372036854775808", Want::Int(I64_MIN), Some("-9223372036854775808"), "int64 min"),
        ("9223372036854775808", Want::Int(I64_MAX + 1), Some("9223372036854775808"), "ParseUint path"),
        ("18446744073709551615", Want::Int(U64_MAX), Some("18446744073709551615"), "uint64 max"),
        ("0xFFFFFFFFFFFFFFFF", Want::Int(U64_MAX), Some("18446744073709551615"), "ParseUint hex"),
        ("0b1111111111111111111111111111111111111111111111111111111111111111", Want::Int(U64_MAX), Some("18446744073709551615"), "ParseUint binary"),
        ("-0x8000000000000000", Want::Int(I64_MIN), Some("-9223372036854775808"), "ParseInt hex min"),
        ("-0x8000000000000001", Want::Str, None, "below int64, ParseUint rejects the sign"),
        ("0x10000000000000000", Want::Str, None, "beyond uint64, not yamlStyleFloat: no big ints in v2"),
        ("0o2000000000000000000000", Want::Str, None, "octal beyond uint64: string"),
        ("0x", Want::Str, None, "0x needs a digit: ParseInt reads octal \"x\""),
        ("0b", Want::Str, None, "0b needs a digit, and the 0b branch has none"),
        ("0o", Want::Str, None, "0o needs a digit"),
        ("0o8", Want::Str, None, "8 is not octal, and 0o8 is not yamlStyleFloat"),
        ("0b2", Want::Str, None, "2 is not binary"),
        ("+", Want::Str, None, "a sign alone"),
        ("-", Want::Str, None, "a sign alone"),
        ("+_", Want::Str, None, "a sign alone after removing _"),
        ("+-1", Want::Str, None, "two signs"),
        ("--1", Want::Str, None, "two signs"),
        ("1,000", Want::Str, None, "no thousands separator"),
        ("1 000", Want::Str, None, "no inner spaces"),
        // Floats: yamlStyleFloat, then ParseFloat.
        ("08", Want::Float(8.0), Some("8"), "invalid octal, but yamlStyleFloat: float 8"),
        ("09", Want::Float(9.0), Some("9"), "invalid octal, but yamlStyleFloat: float 9"),
        ("09.5", Want::Float(9.5), Some("9.5"), "yamlStyleFloat"),
        ("1e3", Want::Float(1000.0), Some("1000"), "yamlStyleFloat: fraction optional"),
        ("1E3", Want::Float(1000.0), Some("1000"), "yamlStyleFloat: [eE]"),
        ("1e+3", Want::Float(1000.0), Some("1000"), "yamlStyleFloat: signed exponent"),
        ("1e-3", Want::Float(0.001), Some("0.001"), "yamlStyleFloat: negative exponent"),
        ("1_e3", Want::Float(1000.0), Some("1000"), "underscores removed before the regexp"),
        ("1.0", Want::Float(1.0), Some("1"), "yamlStyleFloat; encoding/json writes 1"),
        ("1.", Want::Float(1.0), Some("1"), "yamlStyleFloat: [0-9]+\\.[0-9]*"),
        ("1.e5", Want::Float(100_000.0), Some("100000"), "yamlStyleFloat"),
        ("1_0.5", Want::Float(10.5), Some("10.5"), "underscores removed"),
        ("-.5", Want::Float(-0.5), Some("-0.5"), "hint S, yamlStyleFloat \\.[0-9]+"),
        ("+.5", Want::Float(0.5), Some("0.5"), "hint S, yamlStyleFloat \\.[0-9]+"),
        ("-0.0", Want::Float(-0.0), Some("-0"), "negative zero; encoding/json writes -0"),
        ("99999999999999999999", Want::Float(1e20), Some("100000000000000000000"), "beyond uint64: float"),
        ("18446744073709551616", Want::Float(18_446_744_073_709_551_616.0), Some("18446744073709552000"), "uint64 max + 1: float"),
        ("-9223372036854775809", Want::Float(-9_223_372_036_854_775_808.0), Some("-9223372036854776000"), "int64 min - 1: float"),
        ("0777777777777777777777777", Want::Float(7.777_777_777_777_778e23), Some("7.777777777777778e+23"), "octal beyond uint64 reads as a decimal float"),
        ("1e21", Want::Float(1e21), Some("1e+21"), "encoding/json: exponent form from 1e21"),
        ("123456789012345678901", Want::Float(1.234_567_890_123_456_8e20), Some("123456789012345680000"), "below 1e21: fixed form"),
        ("1e-7", Want::Float(1e-7), Some("1e-7"), "encoding/json: e-07 trimmed to e-7"),
        ("0.000001", Want::Float(1e-6), Some("0.000001"), "encoding/json: fixed form from 1e-6"),
        ("1.5e-10", Want::Float(1.5e-10), Some("1.5e-10"), "encoding/json: exponent form"),
        ("1e308", Want::Float(1e308), Some("1e+308"), "near the top of the range"),
        ("1e400", Want::Str, None, "ParseFloat ErrRange: string"),
        ("-1e400", Want::Str, None, "ParseFloat ErrRange: string"),
        ("1e-400", Want::Float(0.0), Some("0"), "underflow is not an error in Go"),
        ("-1e-400", Want::Float(-0.0), Some("-0"), "underflow keeps the sign"),
        ("1e", Want::Str, None, "exponent without digits"),
        ("1e+", Want::Str, None, "exponent without digits"),
        ("1.2.3", Want::Str, None, "two dots"),
        ("0x1p3", Want::Str, None, "hex floats are not yamlStyleFloat"),
        ("1e3_", Want::Float(1000.0), Some("1000"), "underscores removed"),
        // Hint '.': ParseFloat on the text as written (underscores kept, Go rules).
        (".5", Want::Float(0.5), Some("0.5"), "hint '.', ParseFloat"),
        (".5e3", Want::Float(500.0), Some("500"), "hint '.', ParseFloat"),
        (".5E-3", Want::Float(0.0005), Some("0.0005"), "hint '.', ParseFloat"),
        (".5_5", Want::Float(0.55), Some("0.55"), "ParseFloat: _ between digits"),
        (".5e1_0", Want::Float(5e9), Some("5000000000"), "ParseFloat: _ in the exponent"),
        ("._5", Want::Str, None, "ParseFloat: _ after the dot"),
        (".5_", Want::Str, None, "ParseFloat: trailing _"),
        (".5__5", Want::Str, None, "ParseFloat: double _"),
        (".5_e3", Want::Str, None, "ParseFloat: _ before the exponent"),
        (".1e400", Want::Str, None, "ParseFloat ErrRange: string"),
        (".", Want::Str, None, "no digits"),
        ("..5", Want::Str, None, "two dots"),
        (".5.", Want::Str, None, "two dots"),
        (".e5", Want::Str, None, "no digits"),
        // Sexagesimal numbers are not supported.
        ("12:30", Want::Str, None, "no base 60 in go-yaml v2"),
        ("1:20", Want::Str, None, "no base 60 in go-yaml v2"),
        ("190:20:30", Want::Str, None, "no base 60 in go-yaml v2"),
        ("-1:20", Want::Str, None, "no base 60 in go-yaml v2"),
        // Timestamps: parseTimestamp; kept as the original text by the decoder.
        ("2001-12-14", Want::Time, Some("\"2001-12-14\""), "layout 2006-1-2"),
        ("2002-1-2", Want::Time, Some("\"2002-1-2\""), "layout 2006-1-2: short fields"),
        ("2001-12-14t21:59:43.10-05:00", Want::Time, Some("\"2001-12-14t21:59:43.10-05:00\""), "lower-case t layout"),
        ("2001-12-14T21:59:43.10-05:00", Want::Time, Some("\"2001-12-14T21:59:43.10-05:00\""), "RFC 3339 with short fields"),
        ("2001-12-15T02:59:43.1Z", Want::Time, Some("\"2001-12-15T02:59:43.1Z\""), "Z zone"),
        ("2001-12-14T21:59:43Z", Want::Time, Some("\"2001-12-14T21:59:43Z\""), "fraction optional"),
        ("2001-12-14T21:59:43,10Z", Want::Time, Some("\"2001-12-14T21:59:43,10Z\""), "comma fraction (Go >= 1.17)"),
        ("2001-12-14T21:59:43.1234567891234Z", Want::Time, Some("\"2001-12-14T21:59:43.1234567891234Z\""), "extra fraction digits ignored"),
        ("2001-1-2T3:4:5Z", Want::Time, Some("\"2001-1-2T3:4:5Z\""), "one-digit fields"),
        ("2001-12-14T21:59:43+24:60", Want::Time, Some("\"2001-12-14T21:59:43+24:60\""), "zone offsets up to 24:60"),
        ("2001-12-14 21:59:43.10", Want::Time, Some("\"2001-12-14 21:59:43.10\""), "space separated, no zone"),
        ("2001-12-14   21:59:43", Want::Time, Some("\"2001-12-14   21:59:43\""), "a layout space matches a run of spaces"),
        ("2000-02-29", Want::Time, Some("\"2000-02-29\""), "leap year"),
        ("0000-02-29", Want::Time, Some("\"0000-02-29\""), "year 0 is a leap year"),
        ("2001-12-14 21:59:43.10 -5", Want::Str, None, "not accepted by time.Parse (see resolve.go)"),
        ("2001-12-14T21:59:43", Want::Str, None, "T layouts need a zone"),
        ("2001-12-14 21:59:43Z", Want::Str, None, "the space layout has no zone"),
        ("2001-12-14T21:59Z", Want::Str, None, "seconds are required"),
        ("2001-12-14T24:00:00Z", Want::Str, None, "hour out of range"),
        ("2001-12-14T21:60:00Z", Want::Str, None, "minute out of range"),
        ("2001-12-14T21:59:60Z", Want::Str, None, "second out of range"),
        ("2001-12-14T21:59:43+25:00", Want::Str, None, "zone hour out of range"),
        ("2001-12-14T21:59:43z", Want::Str, None, "zone must be an upper-case Z"),
        ("2001-12-14T21:59:43-0500", Want::Str, None, "zone needs a colon"),
        ("2001-12-14T21:59:43.Z", Want::Str, None, "a dot without digits"),
        ("2001-02-29", Want::Str, None, "day out of range"),
        ("2001-04-31", Want::Str, None, "day out of range"),
        ("2001-13-01", Want::Str, None, "month out of range"),
        ("2001-00-01", Want::Str, None, "month out of range"),
        ("2001-12-00", Want::Str, None, "day out of range"),
        ("2001-12-144", Want::Str, None, "trailing text"),
        ("2001-12-14x", Want::Str, None, "trailing text"),
        ("20011-12-14", Want::Str, None, "the year has exactly four digits"),
        ("201-12-14", Want::Str, None, "the year has exactly four digits"),
        ("2001_-12-14", Want::Str, None, "timestamps are checked before _ is removed"),
        ("-2001-12-14", Want::Str, None, "hint S, but no four leading digits"),
    ];

    #[rustfmt::skip]
    const JSON_ROWS: &[Row] = &[
        ("true", Want::Bool(true), Some("true"), "JSON literal"),
        ("false", Want::Bool(false), Some("false"), "JSON literal"),
        ("null", Want::Null, Some("null"), "JSON literal"),
        ("True", Want::Str, None, "JSON literals are lower-case"),
        ("yes", Want::Str, None, "no YAML 1.1 booleans in JSON"),
        ("~", Want::Str, None, "no YAML null in JSON"),
        ("", Want::Str, None, "not a JSON value"),
        ("1", Want::Int(1), Some("1"), "integer literal: int64"),
        ("-0", Want::Int(0), Some("0"), "integer literal: int64"),
        ("9223372036854775807", Want::Int(I64_MAX), Some("9223372036854775807"), "fits int64"),
        ("9223372036854775808", Want::Float(9_223_372_036_854_775_808.0), Some("9223372036854776000"), "beyond int64: float64"),
        ("1.0", Want::Float(1.0), Some("1"), "fraction: float64"),
        ("1e3", Want::Float(1000.0), Some("1000"), "exponent: float64"),
        ("-1.5E-7", Want::Float(-1.5e-7), Some("-1.5e-7"), "exponent: float64"),
        ("1e400", Want::Float(f64::INFINITY), None, "beyond float64: rejected by Kubernetes"),
        ("01", Want::Str, None, "no leading zeros in JSON"),
        ("+1", Want::Str, None, "no + sign in JSON"),
        (".5", Want::Str, None, "JSON needs a leading digit"),
        ("1.", Want::Str, None, "JSON needs fraction digits"),
        ("1e", Want::Str, None, "JSON needs exponent digits"),
        ("0x1F", Want::Str, None, "no hex in JSON"),
        ("1_000", Want::Str, None, "no underscores in JSON"),
        ("-", Want::Str, None, "not a number"),
        ("2001-12-14", Want::Str, None, "no timestamps in JSON"),
    ];

    /// Compares floats by bits, so that -0.0 and 0.0 differ and NaN equals NaN.
    fn matches_want(got: &PlainValue, want: Want, input: &str) -> bool {
        match (got, want) {
            (PlainValue::Null, Want::Null) | (PlainValue::String, Want::Str) => true,
            (PlainValue::Bool(got), Want::Bool(want)) => *got == want,
            (PlainValue::Int(got), Want::Int(want)) => *got == want,
            (PlainValue::Float(got), Want::Float(want)) => got.to_bits() == want.to_bits(),
            (PlainValue::Float(got), Want::Nan) => got.is_nan(),
            (PlainValue::Timestamp(text), Want::Time) => text == input,
            _ => false,
        }
    }

    fn check_rows(rows: &[Row], resolve: fn(&str) -> PlainValue) {
        let mut failures = Vec::new();
        for &(input, want, json, why) in rows {
            let got = resolve(input);
            let got_json = got.json_text();
            if !matches_want(&got, want, input) || got_json.as_deref() != json {
                failures.push(format!(
                    "{input:?}: got {got:?} / {got_json:?}, want {want:?} / {json:?} ({why})"
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn yaml_plain_scalars_resolve_like_go_yaml_v2() {
        check_rows(YAML_ROWS, resolve_plain);
    }

    #[test]
    fn json_plain_scalars_resolve_like_kubernetes_json() {
        check_rows(JSON_ROWS, resolve_json_plain);
    }

    #[test]
    fn type_names() {
        let cases = [
            (PlainValue::Null, "null"),
            (PlainValue::Bool(true), "boolean"),
            (PlainValue::Int(1), "integer"),
            (PlainValue::Float(1.5), "float"),
            (PlainValue::Timestamp("2001-12-14".to_owned()), "timestamp"),
            (PlainValue::String, "string"),
        ];
        for (value, name) in cases {
            assert_eq!(value.type_name(), name);
        }
    }

    #[test]
    fn json_float_formatting_matches_encoding_json() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (0.1, "0.1"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (-1.5e21, "-1.5e+21"),
            (1e100, "1e+100"),
            (f64::MAX, "1.7976931348623157e+308"),
            (1e-6, "0.000001"),
            (9.99e-7, "9.99e-7"),
            (1.234_567_89e-7, "1.23456789e-7"),
            (5e-324, "5e-324"),
        ];
        for (value, text) in cases {
            assert_eq!(go_json_float(value).as_deref(), Some(text), "{value:e}");
        }
        assert_eq!(go_json_float(f64::NAN), None);
        assert_eq!(go_json_float(f64::NEG_INFINITY), None);
    }

    #[test]
    fn json_strings_are_escaped_like_encoding_json() {
        let value = PlainValue::Timestamp("a\"b\\c\n<&>\u{1}\u{2028}é".to_owned());
        assert_eq!(
            value.json_text().as_deref(),
            Some("\"a\\\"b\\\\c\\n\\u003c\\u0026\\u003e\\u0001\\u2028é\"")
        );
    }

    /// The decimal digits of `5^exponent`.
    fn power_of_five(exponent: u32) -> String {
        let mut digits = vec![1_u8]; // least significant first
        for _ in 0..exponent {
            let mut carry = 0;
            for digit in &mut digits {
                let product = *digit * 5 + carry;
                *digit = product % 10;
                carry = product / 10;
            }
            if carry > 0 {
                digits.push(carry);
            }
        }
        digits
            .iter()
            .rev()
            .map(|&digit| char::from(b'0' + digit))
            .collect()
    }

    #[test]
    fn long_decimals_round_correctly() {
        // 5 * 2^-1075 = 5^1076 / 10^1075 lies exactly halfway between the subnormals 2 and 3
        // (in units of 2^-1074): the tie goes to the even one, while a non-zero digit far
        // beyond the 800 digits kept must tip it to 3.
        let digits = power_of_five(1076);
        let tie = format!("0.{}{digits}", "0".repeat(1075 - digits.len()));
        let above = format!("{tie}{}1", "0".repeat(200));
        let below = format!("{tie}{}", "0".repeat(200));
        let bits = |text: &str| match resolve_plain(text) {
            PlainValue::Float(value) => value.to_bits(),
            other => panic!("{other:?}"),
        };
        assert_eq!(bits(&tie), 2);
        assert_eq!(bits(&below), 2);
        assert_eq!(bits(&above), 3);
    }

    /// Calls `check` on every string of at most `length` characters from `alphabet`.
    fn for_all_strings(alphabet: &[char], length: usize, text: &mut String, check: &dyn Fn(&str)) {
        check(text);
        if length == 0 {
            return;
        }
        for &character in alphabet {
            text.push(character);
            for_all_strings(alphabet, length - 1, text, check);
            text.pop();
        }
    }

    #[test]
    fn never_panics_on_short_inputs() {
        let alphabet: Vec<char> = "0129+-._xbBoOeE:T Z,tn~<é".chars().collect();
        for_all_strings(&alphabet, 4, &mut String::new(), &|text| {
            let value = resolve_plain(text);
            let json = value.json_text();
            let finite = !matches!(value, PlainValue::Float(float) if !float.is_finite());
            assert_eq!(
                json.is_some(),
                value != PlainValue::String && finite,
                "{text:?}"
            );
            let _ = resolve_json_plain(text).json_text();
        });
    }

    #[test]
    fn long_inputs_resolve_in_linear_time() {
        const SIZE: usize = 10 * 1024 * 1024;
        let start = std::time::Instant::now();
        let cases = [
            ("1".repeat(SIZE), Want::Str),
            (format!("-{}", "9".repeat(SIZE)), Want::Str),
            (format!("0.{}1", "0".repeat(SIZE)), Want::Float(0.0)),
            (format!("1{}", "0".repeat(SIZE)), Want::Str),
            (format!(".{}", "5".repeat(SIZE)), Want::Float(5.0 / 9.0)),
            (format!("1{}", "_".repeat(SIZE)), Want::Int(1)),
            (format!("0x{}", "F".repeat(SIZE)), Want::Str),
            (format!("0b{}", "1".repeat(SIZE)), Want::Str),
            (format!("2001-12-14{}", "0".repeat(SIZE)), Want::Str),
            (
                format!("2001-12-14T21:59:43.{}Z", "1".repeat(SIZE)),
                Want::Time,
            ),
            ("y".repeat(SIZE), Want::Str),
            (" ".repeat(SIZE), Want::Str),
        ];
        for (input, want) in &cases {
            let got = resolve_plain(input);
            assert!(
                matches_want(&got, *want, input),
                "{:?}...: {got:?}",
                &input[..12]
            );
            let _ = resolve_json_plain(input);
        }
        // Quadratic work on 10 MB would take hours; linear work takes well under a minute
        // even unoptimised.
        assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    }
}
