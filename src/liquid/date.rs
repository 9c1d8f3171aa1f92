//! Dates for Liquid's `date` filter and Jekyll's date filters: reading the forms Ruby's
//! `Time.parse` meets in front matter, and Ruby's `strftime`. Times without a zone are
//! taken as UTC (CI machines run in UTC; Jekyll would use the machine's zone).

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
    /// Seconds east of UTC.
    pub offset: i32,
    /// The input named its zone as UTC/Z (prints `%Z` as UTC).
    pub utc: bool,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The largest year (either side of 0) a date may have when read from text.
const MAX_YEAR: u64 = 100_000_000_000;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl DateTime {
    pub fn from_unix(secs: i64) -> DateTime {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
            nanos: 0,
            offset: 0,
            utc: true,
        }
    }

    pub fn now() -> DateTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        DateTime::from_unix(secs)
    }

    pub fn unix(&self) -> i64 {
        // The day's start alone may pass i64 at the far ends of time (the first day of a
        // time made from -2^63 seconds): the sum is taken in 128 bits, where it fits.
        let secs = i128::from(days_from_civil(self.year, self.month, self.day)) * 86_400
            + i128::from(self.hour * 3600 + self.minute * 60 + self.second)
            - i128::from(self.offset);
        i64::try_from(secs).unwrap_or(if secs < 0 { i64::MIN } else { i64::MAX })
    }

    /// The same instant in UTC (Jekyll's date filters show local time; here UTC).
    pub fn to_utc(self) -> DateTime {
        let mut t = DateTime::from_unix(self.unix());
        t.nanos = self.nanos;
        t
    }

    fn weekday(&self) -> u32 {
        (days_from_civil(self.year, self.month, self.day) + 4).rem_euclid(7) as u32
    }

    fn yday(&self) -> u32 {
        (days_from_civil(self.year, self.month, self.day) - days_from_civil(self.year, 1, 1) + 1)
            as u32
    }

    /// Ruby's `Time#to_s`: `2024-01-15 09:30:00 +0000`.
    pub fn to_ruby_string(&self) -> String {
        self.strftime("%Y-%m-%d %H:%M:%S %z")
    }

    /// Ruby's `strftime` for the engine's own formats (no widths).
    pub fn strftime(&self, format: &str) -> String {
        self.strftime_within(format, usize::MAX).unwrap_or_default()
    }

    /// Ruby's `strftime` for a format from content, which may make at most `room` bytes:
    /// a width such as `%4000000000Y` is refused before anything is made. Past Ruby's own
    /// limit (a width over 2^31 - 1) Ruby prints the directive as written, and so does
    /// this.
    pub fn strftime_within(&self, format: &str, room: usize) -> Result<String, String> {
        let mut out = String::new();
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut flags = String::new();
            while let Some(&f) = chars.peek() {
                if "-_0^#:".contains(f) {
                    flags.push(f);
                    chars.next();
                } else {
                    break;
                }
            }
            let mut width = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() {
                    width.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            let Some(conv) = chars.next() else {
                out.push('%');
                out.push_str(&flags);
                out.push_str(&width);
                break;
            };
            // A width Ruby cannot hold (over 2^31 - 1) leaves the directive as written.
            let directive = if width.is_empty() {
                Some(None)
            } else {
                width
                    .parse::<u32>()
                    .ok()
                    .filter(|w| *w <= i32::MAX as u32)
                    .map(|w| Some(w as usize))
            }
            .and_then(|w| self.directive(conv, &flags).map(|d| (d, w)));
            match directive {
                Some(((text, pad), w)) => {
                    if out.len().saturating_add(w.unwrap_or(0)) > room {
                        return Err(format!(
                            "date format `%{flags}{width}{conv}`: a width of {width} passes the Liquid output limit of {} MB",
                            super::limits::MAX_OUTPUT / (1024 * 1024)
                        ));
                    }
                    out.push_str(&apply_flags(text, pad, &flags, w));
                }
                None => {
                    out.push('%');
                    out.push_str(&flags);
                    out.push_str(&width);
                    out.push(conv);
                }
            }
        }
        Ok(out)
    }

    /// (text, default padding: (width, pad char)) of one directive.
    fn directive(&self, conv: char, flags: &str) -> Option<(String, Option<(usize, char)>)> {
        let hour12 = match self.hour % 12 {
            0 => 12,
            h => h,
        };
        let num = |n: i64, w: usize| Some((n.to_string(), Some((w, '0'))));
        let space = |n: i64, w: usize| Some((n.to_string(), Some((w, ' '))));
        match conv {
            'Y' => num(self.year, 0),
            'C' => num(self.year.div_euclid(100), 2),
            'y' => num(self.year.rem_euclid(100), 2),
            'm' => num(i64::from(self.month), 2),
            'B' => Some((MONTHS[self.month as usize - 1].to_string(), None)),
            'b' | 'h' => Some((MONTHS[self.month as usize - 1][..3].to_string(), None)),
            'd' => num(i64::from(self.day), 2),
            'e' => space(i64::from(self.day), 2),
            'j' => num(i64::from(self.yday()), 3),
            'H' => num(i64::from(self.hour), 2),
            'k' => space(i64::from(self.hour), 2),
            'I' => num(i64::from(hour12), 2),
            'l' => space(i64::from(hour12), 2),
            'M' => num(i64::from(self.minute), 2),
            'S' => num(i64::from(self.second), 2),
            'L' => Some((format!("{:03}", self.nanos / 1_000_000), None)),
            'N' => Some((format!("{:09}", self.nanos), None)),
            'p' => Some((if self.hour < 12 { "AM" } else { "PM" }.to_string(), None)),
            'P' => Some((if self.hour < 12 { "am" } else { "pm" }.to_string(), None)),
            'A' => Some((DAYS[self.weekday() as usize].to_string(), None)),
            'a' => Some((DAYS[self.weekday() as usize][..3].to_string(), None)),
            'u' => Some((
                match self.weekday() {
                    0 => 7,
                    d => d,
                }
                .to_string(),
                None,
            )),
            'w' => num(i64::from(self.weekday()), 1),
            'U' => num(i64::from((self.yday() + 6 - self.weekday()) / 7), 2),
            'W' => num(
                i64::from((self.yday() + 6 - (self.weekday() + 6) % 7) / 7),
                2,
            ),
            's' => num(self.unix(), 0),
            'z' => {
                let sign = if self.offset < 0 { '-' } else { '+' };
                let off = self.offset.unsigned_abs();
                let sep = if flags.contains(':') { ":" } else { "" };
                Some((
                    format!("{sign}{:02}{sep}{:02}", off / 3600, off / 60 % 60),
                    None,
                ))
            }
            'Z' => Some((
                if self.utc || self.offset == 0 {
                    "UTC".to_string()
                } else {
                    String::new()
                },
                None,
            )),
            'F' => Some((self.strftime("%Y-%m-%d"), None)),
            'D' | 'x' => Some((self.strftime("%m/%d/%y"), None)),
            'T' | 'X' => Some((self.strftime("%H:%M:%S"), None)),
            'R' => Some((self.strftime("%H:%M"), None)),
            'r' => Some((self.strftime("%I:%M:%S %p"), None)),
            'c' => Some((self.strftime("%a %b %e %H:%M:%S %Y"), None)),
            'n' => Some(("\n".to_string(), None)),
            't' => Some(("\t".to_string(), None)),
            '%' => Some(("%".to_string(), None)),
            _ => None,
        }
    }
}

fn apply_flags(
    text: String,
    pad: Option<(usize, char)>,
    flags: &str,
    width: Option<usize>,
) -> String {
    let mut text = text;
    if flags.contains('^') {
        text = text.to_uppercase();
    } else if flags.contains('#') {
        text = if text.chars().any(char::is_lowercase) {
            text.to_uppercase()
        } else {
            text.to_lowercase()
        };
    }
    let (mut w, mut ch) = pad.unwrap_or((0, ' '));
    if let Some(n) = width {
        w = n;
        if pad.is_none() {
            ch = ' ';
        }
    }
    if flags.contains('-') {
        return text;
    }
    if flags.contains('_') {
        ch = ' ';
    } else if flags.contains('0') {
        ch = '0';
    }
    let len = text.chars().count();
    if len >= w {
        return text;
    }
    let fill: String = std::iter::repeat_n(ch, w - len).collect();
    match text.strip_prefix('-') {
        Some(rest) if ch == '0' => format!("-{fill}{rest}"),
        _ => format!("{fill}{text}"),
    }
}

fn month_from_name(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.to_ascii_lowercase().starts_with(&w[..3]))
        .map(|i| i as u32 + 1)
}

/// Liquid's `to_date`: a number is a Unix time, `now`/`today` the current time, text is
/// parsed as Ruby's `Time.parse` reads the usual forms; None when it cannot be read.
pub fn to_date(value: &Value) -> Option<DateTime> {
    match value {
        Value::Number(n) => n.as_i64().map(DateTime::from_unix),
        Value::String(s) => {
            let t = s.trim().to_ascii_lowercase();
            if t.is_empty() {
                return None;
            }
            if t == "now" || t == "today" {
                return Some(DateTime::now());
            }
            if t.bytes().all(|b| b.is_ascii_digit()) {
                return t.parse().ok().map(DateTime::from_unix);
            }
            parse(s.trim())
        }
        _ => None,
    }
}

/// `2024-01-15`, `2024-01-15 09:30`, `2024-01-15T09:30:00.5+01:00`, `15 Jan 2024`,
/// `Jan 15, 2024 9:30 pm`, `Mon, 15 Jan 2024 09:30:00 +0000`.
pub fn parse(s: &str) -> Option<DateTime> {
    let mut words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    // A leading weekday name says nothing more.
    if words.first().is_some_and(|w| {
        DAYS.iter()
            .any(|d| d.to_ascii_lowercase().starts_with(&w.to_ascii_lowercase()) && w.len() >= 3)
    }) {
        words.remove(0);
    }
    let first = *words.first()?;
    let (mut date, mut rest): (Option<Ymd>, Vec<&str>) = (None, Vec::new());
    if let Some((d, time)) = split_iso(first) {
        date = Some(d);
        if let Some(time) = time {
            rest.push(time);
        }
        rest.extend(&words[1..]);
    } else if words.len() >= 3 {
        // `15 Jan 2024` or `Jan 15 2024`
        let (a, b, c) = (words[0], words[1], words[2]);
        let day_month = a.parse::<u32>().ok().zip(month_from_name(b));
        let month_day = month_from_name(a).zip(
            b.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])
                .parse::<u32>()
                .ok(),
        );
        let year = c.parse::<i64>().ok();
        if let (Some((d, m)), Some(y)) = (day_month, year) {
            date = Some((y, m, d));
        } else if let (Some((m, d)), Some(y)) = (month_day, year) {
            date = Some((y, m, d));
        }
        rest.extend(&words[3..]);
    }
    let (year, month, day) = date?;
    // Years far past what 64-bit seconds reach (±292 billion) are not read as dates, so
    // the day arithmetic never overflows.
    if year.unsigned_abs() > MAX_YEAR
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
    {
        return None;
    }
    let mut t = DateTime {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
        utc: false,
    };
    let mut words = rest.into_iter().peekable();
    let mut zone_read = false;
    if let Some(time) = words.peek().copied().filter(|w| w.contains(':')) {
        words.next();
        let (clock, zone) = split_zone(time);
        read_clock(&mut t, clock)?;
        if let Some(z) = zone {
            read_zone(&mut t, z)?;
            zone_read = true;
        }
    }
    // As Ruby's `Time.parse`: a zone counts only straight after the time (or its am/pm);
    // other words after the date are passed over (`2023-01-29 18:30:22 2023 -0800` is
    // 18:30:22 in the site's zone).
    let mut zone_may_follow = true;
    for word in words {
        match word.to_ascii_lowercase().as_str() {
            "am" if t.hour == 12 => t.hour = 0,
            "am" => {}
            "pm" if t.hour < 12 => t.hour += 12,
            "pm" => {}
            _ if zone_may_follow && !zone_read => {
                let mut with_zone = t;
                if read_zone(&mut with_zone, word).is_some() {
                    t = with_zone;
                    zone_read = true;
                }
                zone_may_follow = false;
            }
            _ => zone_may_follow = false,
        }
    }
    Some(t)
}

/// `2024-01-15`, `2024/01/15`, and an ISO `T` time glued on.
/// Year, month, day.
type Ymd = (i64, u32, u32);

fn split_iso(word: &str) -> Option<(Ymd, Option<&str>)> {
    let (date, time) = match word.find(['T', 't']) {
        Some(i) => (&word[..i], Some(&word[i + 1..])),
        None => (word, None),
    };
    let parts: Vec<&str> = date.split(['-', '/']).collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return None;
    }
    let y = parts[0].parse().ok()?;
    let m = parts[1].parse().ok()?;
    let d = parts[2].parse().ok()?;
    Some(((y, m, d), time.filter(|t| !t.is_empty())))
}

/// `09:30:00+01:00` → (`09:30:00`, Some(`+01:00`)).
fn split_zone(time: &str) -> (&str, Option<&str>) {
    match time.find(['+', '-', 'Z', 'z']) {
        Some(i) => (&time[..i], Some(&time[i..])),
        None => (time, None),
    }
}

fn read_clock(t: &mut DateTime, clock: &str) -> Option<()> {
    let mut parts = clock.split(':');
    t.hour = parts.next()?.parse().ok()?;
    t.minute = parts.next().unwrap_or("0").parse().ok()?;
    if let Some(sec) = parts.next() {
        let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
        t.second = whole.parse().ok()?;
        if !frac.is_empty() {
            let digits: String = frac.chars().take(9).collect();
            t.nanos = format!("{digits:0<9}").parse().ok()?;
        }
    }
    (t.hour < 24 && t.minute < 60 && t.second < 61).then_some(())
}

fn read_zone(t: &mut DateTime, zone: &str) -> Option<()> {
    match zone.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" => {
            t.offset = 0;
            t.utc = true;
            return Some(());
        }
        _ => {}
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    t.offset = sign * (h * 3600 + m * 60);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_formats() {
        let t = to_date(&json!("2024-03-05 14:07:09 +0100")).unwrap();
        assert_eq!(
            t.strftime("%a %d %b %Y %-d %e %I:%M %p %j %z %:z"),
            "Tue 05 Mar 2024 5  5 02:07 PM 065 +0100 +01:00"
        );
        assert_eq!(t.to_utc().strftime("%H:%M %Z"), "13:07 UTC");
        let t = to_date(&json!("5 March 2024")).unwrap();
        assert_eq!(t.strftime("%F %^b %-m/%-d/%y"), "2024-03-05 MAR 3/5/24");
        assert_eq!(
            to_date(&json!(0)).unwrap().strftime("%F %T"),
            "1970-01-01 00:00:00"
        );
        assert!(to_date(&json!("not a date")).is_none());
        assert!(to_date(&json!("2024-02-30")).is_none());
    }
}
