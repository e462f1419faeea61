//! The Swedish calendar rules the committee lives by: public holidays and the appeal
//! deadline of a decision.
//!
//! * *Allmänna helgdagar* (public holidays) according to lag (1989:253) om allmänna
//!   helgdagar, in its current wording (the National Day a holiday, Whit Monday not).
//!   The current rules are applied to every year; historical calendars (Whit Monday before
//!   2005, Midsummer on 24 June before 1953 …) are not modelled. Supported and tested
//!   for the years 1900..=2200.
//! * Days that lag (1930:173) om beräkning av lagstadgad tid treats like holidays:
//!   Saturdays, Sundays, public holidays, *midsommarafton*, *julafton* and *nyårsafton*.
//! * The last day for *laglighetsprövning* (Kommunallagen 13 kap. 5 §) of a decision of a
//!   *gemensam nämnd*: three weeks from the day the notice of the approved protocol was
//!   posted on the notice boards of all member municipalities.
//!
//! Everything here is pure and total: no function panics. Dates at the very edge of
//! chrono's range saturate instead of overflowing.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

/// The length of the appeal period, *tre veckor* (Kommunallagen 13 kap. 5 §), in days.
pub const APPEAL_PERIOD_DAYS: u64 = 21;

/// The first calendar year of every date, timestamp and year the API accepts.
///
/// The calendar rules here are supported and tested for 1900..=2200, the committee's
/// records need no more, and PostgreSQL's `date` / `timestamp` cannot hold all of
/// chrono's range (nor year 0, which SQLite would store as text). So input outside
/// [`MIN_YEAR`]..=[`MAX_YEAR`] is refused at the HTTP edge, the same on both backends.
pub const MIN_YEAR: i32 = 1900;

/// The last calendar year of every date, timestamp and year the API accepts; see
/// [`MIN_YEAR`].
pub const MAX_YEAR: i32 = 2200;

/// Whether `year` lies in the supported range [`MIN_YEAR`]..=[`MAX_YEAR`].
pub const fn year_in_range(year: i32) -> bool {
    MIN_YEAR <= year && year <= MAX_YEAR
}

/// Whether `d` lies in the supported range, 1900-01-01..=2200-12-31.
pub fn date_in_range(d: NaiveDate) -> bool {
    year_in_range(d.year())
}

/// A Swedish public holiday (*allmän helgdag*) according to lag (1989:253) 1 §.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// *Nyårsdagen*, 1 January.
    NewYearsDay,
    /// *Trettondedag jul*, 6 January.
    Epiphany,
    /// *Långfredagen*, the Friday before Easter Sunday.
    GoodFriday,
    /// *Påskdagen*, Easter Sunday.
    EasterSunday,
    /// *Annandag påsk*, the Monday after Easter Sunday.
    EasterMonday,
    /// *Första maj*, 1 May.
    MayDay,
    /// *Kristi himmelsfärdsdag*, the sixth Thursday after Easter Sunday (Easter + 39 days).
    AscensionDay,
    /// *Pingstdagen*, the seventh Sunday after Easter Sunday (Easter + 49 days).
    WhitSunday,
    /// *Sveriges nationaldag*, 6 June.
    NationalDay,
    /// *Midsommardagen*, the Saturday between 20 and 26 June.
    MidsummerDay,
    /// *Alla helgons dag*, the Saturday between 31 October and 6 November.
    AllSaintsDay,
    /// *Juldagen*, 25 December.
    ChristmasDay,
    /// *Annandag jul*, 26 December.
    BoxingDay,
}

impl Holiday {
    /// Every public holiday, in the order of lag (1989:253) as they fall in a year.
    pub const ALL: [Holiday; 13] = [
        Holiday::NewYearsDay,
        Holiday::Epiphany,
        Holiday::GoodFriday,
        Holiday::EasterSunday,
        Holiday::EasterMonday,
        Holiday::MayDay,
        Holiday::AscensionDay,
        Holiday::WhitSunday,
        Holiday::NationalDay,
        Holiday::MidsummerDay,
        Holiday::AllSaintsDay,
        Holiday::ChristmasDay,
        Holiday::BoxingDay,
    ];

    /// The Swedish name of the holiday, e.g. `"Långfredagen"`.
    pub fn swedish_name(&self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "Nyårsdagen",
            Holiday::Epiphany => "Trettondedag jul",
            Holiday::GoodFriday => "Långfredagen",
            Holiday::EasterSunday => "Påskdagen",
            Holiday::EasterMonday => "Annandag påsk",
            Holiday::MayDay => "Första maj",
            Holiday::AscensionDay => "Kristi himmelsfärdsdag",
            Holiday::WhitSunday => "Pingstdagen",
            Holiday::NationalDay => "Sveriges nationaldag",
            Holiday::MidsummerDay => "Midsommardagen",
            Holiday::AllSaintsDay => "Alla helgons dag",
            Holiday::ChristmasDay => "Juldagen",
            Holiday::BoxingDay => "Annandag jul",
        }
    }

    /// The date of this holiday in `year`.
    pub fn date_in(&self, year: i32) -> NaiveDate {
        let easter = easter_sunday(year);
        match self {
            Holiday::NewYearsDay => ymd(year, 1, 1),
            Holiday::Epiphany => ymd(year, 1, 6),
            Holiday::GoodFriday => sub_days(easter, 2),
            Holiday::EasterSunday => easter,
            Holiday::EasterMonday => add_days(easter, 1),
            Holiday::MayDay => ymd(year, 5, 1),
            Holiday::AscensionDay => add_days(easter, 39),
            Holiday::WhitSunday => add_days(easter, 49),
            Holiday::NationalDay => ymd(year, 6, 6),
            Holiday::MidsummerDay => first_on_or_after(ymd(year, 6, 20), Weekday::Sat),
            Holiday::AllSaintsDay => first_on_or_after(ymd(year, 10, 31), Weekday::Sat),
            Holiday::ChristmasDay => ymd(year, 12, 25),
            Holiday::BoxingDay => ymd(year, 12, 26),
        }
    }
}

/// Why a day is not a working day (*vardag*) in the sense of lag (1930:173) om beräkning
/// av lagstadgad tid, 2 §.
///
/// Serialises as `{"kind":"saturday"}` or
/// `{"kind":"public_holiday","holiday":"good_friday"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NonWorkingDay {
    /// *Lördag*.
    Saturday,
    /// *Söndag* (that is not also a public holiday).
    Sunday,
    /// An *allmän helgdag* (lag 1989:253).
    PublicHoliday {
        /// Which holiday.
        holiday: Holiday,
    },
    /// *Midsommarafton*, the Friday between 19 and 25 June.
    MidsummerEve,
    /// *Julafton*, 24 December.
    ChristmasEve,
    /// *Nyårsafton*, 31 December.
    NewYearsEve,
}

impl NonWorkingDay {
    /// The Swedish name, e.g. `"lördag"`, `"Midsommarafton"`, `"Långfredagen"`.
    pub fn swedish_name(&self) -> &'static str {
        match self {
            NonWorkingDay::Saturday => "lördag",
            NonWorkingDay::Sunday => "söndag",
            NonWorkingDay::PublicHoliday { holiday } => holiday.swedish_name(),
            NonWorkingDay::MidsummerEve => "Midsommarafton",
            NonWorkingDay::ChristmasEve => "Julafton",
            NonWorkingDay::NewYearsEve => "Nyårsafton",
        }
    }
}

/// The last day for appealing (*laglighetsprövning*) a decision, explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct AppealDeadline {
    /// The day the notice of the approved protocol had been posted on every member's
    /// notice board (*anslagstavla*): the day the three weeks run from.
    pub posted_all_on: NaiveDate,
    /// The last day an appeal can be lodged.
    pub last_day: NaiveDate,
    /// The day three weeks after posting, when that was not a working day and the last
    /// day was therefore moved to the next working day (lag 1930:173, 2 §); `None` when
    /// no move was needed.
    pub moved_from: Option<NaiveDate>,
}

/// *Påskdagen* (Easter Sunday) of `year` in the Gregorian calendar, by the anonymous
/// Gregorian algorithm (Meeus/Jones/Butcher).
///
/// Always a Sunday between 22 March and 25 April.
pub fn easter_sunday(year: i32) -> NaiveDate {
    // Work in i64 so that no intermediate product can overflow for any i32 year;
    // `rem_euclid` keeps the residues non-negative for proleptic negative years.
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = n / 31; // 3 or 4
    let day = n % 31 + 1; // 1..=31
    // Both are small by construction; the fallbacks are never taken.
    ymd(
        year,
        u32::try_from(month).unwrap_or(4),
        u32::try_from(day).unwrap_or(1),
    )
}

/// All 13 *allmänna helgdagar* of `year` (lag 1989:253), sorted by date.
///
/// Two holidays can fall on the same date (Ascension Day is 1 May in 2008, Whit Sunday
/// is 6 June in 2049); both entries are then kept, so the list always has 13 entries.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let mut list: Vec<(NaiveDate, Holiday)> =
        Holiday::ALL.iter().map(|h| (h.date_in(year), *h)).collect();
    // Stable: holidays on the same date keep the order of `Holiday::ALL`.
    list.sort_by_key(|(date, _)| *date);
    list
}

/// The public holiday that falls on `d`, if any. When two coincide, the one listed first
/// in lag (1989:253) order is returned (1 May before Ascension Day).
pub fn holiday_on(d: NaiveDate) -> Option<Holiday> {
    Holiday::ALL
        .iter()
        .copied()
        .find(|h| h.date_in(d.year()) == d)
}

/// Whether `d` is an *allmän helgdag* (lag 1989:253). Ordinary Sundays are not; see
/// [`non_working_reason`] for the wider notion used when computing deadlines.
pub fn is_public_holiday(d: NaiveDate) -> bool {
    holiday_on(d).is_some()
}

/// Why `d` is not a working day under lag (1930:173) om beräkning av lagstadgad tid, or
/// `None` if it is one.
///
/// A public holiday is reported as such even when it is also a Saturday or Sunday;
/// the eves (*midsommarafton*, *julafton*, *nyårsafton*) before the weekend.
pub fn non_working_reason(d: NaiveDate) -> Option<NonWorkingDay> {
    if let Some(holiday) = holiday_on(d) {
        return Some(NonWorkingDay::PublicHoliday { holiday });
    }
    let (month, day) = (d.month(), d.day());
    if month == 6 && (19..=25).contains(&day) && d.weekday() == Weekday::Fri {
        return Some(NonWorkingDay::MidsummerEve);
    }
    if month == 12 && day == 24 {
        return Some(NonWorkingDay::ChristmasEve);
    }
    if month == 12 && day == 31 {
        return Some(NonWorkingDay::NewYearsEve);
    }
    match d.weekday() {
        Weekday::Sat => Some(NonWorkingDay::Saturday),
        Weekday::Sun => Some(NonWorkingDay::Sunday),
        _ => None,
    }
}

/// The first working day (*vardag*, lag 1930:173) on or after `d`: `d` itself if it is
/// one. At most five days later (Christmas Eve on a Wednesday → the Monday after).
pub fn next_working_day_on_or_after(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    while non_working_reason(day).is_some() {
        match day.succ_opt() {
            Some(next) => day = next,
            // The end of chrono's range: nothing later exists.
            None => break,
        }
    }
    day
}

/// The last day for *laglighetsprövning* (Kommunallagen 13 kap. 5 §) when the notice of the
/// approved protocol was posted on `last_posting`: three weeks (21 days) later, moved to the
/// next working day if that day is a Saturday, Sunday, public holiday, *midsommarafton*,
/// *julafton* or *nyårsafton* (lag 1930:173, 2 §).
pub fn appeal_deadline(last_posting: NaiveDate) -> NaiveDate {
    explain_appeal_deadline(last_posting).last_day
}

/// [`appeal_deadline`] with the reasoning: the day counted from, the last day and, when it
/// was moved, the unadjusted day.
pub fn explain_appeal_deadline(last_posting: NaiveDate) -> AppealDeadline {
    let unadjusted = add_days(last_posting, APPEAL_PERIOD_DAYS);
    let last_day = next_working_day_on_or_after(unadjusted);
    AppealDeadline {
        posted_all_on: last_posting,
        last_day,
        moved_from: (last_day != unadjusted).then_some(unadjusted),
    }
}

/// The appeal deadline of a decision of a *gemensam nämnd*: the three weeks run from the
/// day the notice was posted on the notice boards of all member municipalities
/// (Kommunallagen 13 kap. 5 § andra stycket), i.e. from the latest posting.
///
/// `postings` holds one entry per member municipality, `None` where the notice has not
/// been posted yet. Returns `None` if the slice is empty or any member has not posted.
pub fn joint_committee_appeal_deadline(postings: &[Option<NaiveDate>]) -> Option<NaiveDate> {
    latest_posting(postings).map(appeal_deadline)
}

/// [`joint_committee_appeal_deadline`] with its reasoning ([`explain_appeal_deadline`]).
pub fn joint_committee_appeal(postings: &[Option<NaiveDate>]) -> Option<AppealDeadline> {
    latest_posting(postings).map(explain_appeal_deadline)
}

/// The day the notice had been posted by every member (the latest posting), or `None` if
/// `postings` is empty or some member has not posted.
pub fn latest_posting(postings: &[Option<NaiveDate>]) -> Option<NaiveDate> {
    postings
        .iter()
        .try_fold(None::<NaiveDate>, |latest, posting| {
            posting.map(|p| Some(latest.map_or(p, |l| l.max(p))))
        })
        .flatten()
}

/// A date that cannot fail: saturates to chrono's bounds for years outside its range.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(if year < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// `d + n` days, saturating at the end of chrono's range.
fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

/// `d - n` days, saturating at the start of chrono's range.
fn sub_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(NaiveDate::MIN)
}

/// The first `weekday` on or after `d`.
fn first_on_or_after(d: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - d.weekday().num_days_from_monday()) % 7;
    add_days(d, u64::from(ahead))
}

/// The last Sunday of a month (the EU's summer-time switch days).
fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = first_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    last.checked_sub_days(Days::new(u64::from(back)))
}

/// Swedish local time (Europe/Stockholm) of a UTC instant: CET (UTC+1), and CEST (UTC+2)
/// from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October,
/// the EU rule in force since 1996. Pure arithmetic: no time-zone database needed.
pub fn stockholm_time(utc: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    let t = utc.naive_utc();
    let year = t.date().year();
    let switch = |month| last_sunday(year, month).and_then(|d| d.and_hms_opt(1, 0, 0));
    let summer = matches!((switch(3), switch(10)), (Some(a), Some(b)) if a <= t && t < b);
    t + chrono::Duration::hours(if summer { 2 } else { 1 })
}

/// The Swedish calendar day of a UTC instant: the default issue date of an invoice and the
/// year of its number series.
pub fn stockholm_date(utc: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    stockholm_time(utc).date()
}

#[cfg(test)]
mod tests {
    #[test]
    fn stockholm_days() {
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().expect("time");
        // 23:30 UTC on New Year's Eve is already 1 January in Sweden (CET).
        assert_eq!(
            stockholm_date(at("2021-12-31T23:30:00Z")),
            date("2022-01-01")
        );
        assert_eq!(
            stockholm_date(at("2021-12-31T22:59:59Z")),
            date("2021-12-31")
        );
        // Summer time (CEST) from 01:00 UTC on the last Sunday of March 2021 (the 28th).
        assert_eq!(
            stockholm_time(at("2021-03-28T00:59:00Z")).to_string(),
            "2021-03-28 01:59:00"
        );
        assert_eq!(
            stockholm_time(at("2021-03-28T01:00:00Z")).to_string(),
            "2021-03-28 03:00:00"
        );
        assert_eq!(
            stockholm_date(at("2021-06-30T22:30:00Z")),
            date("2021-07-01")
        );
        // Back to CET at 01:00 UTC on the last Sunday of October 2021 (the 31st).
        assert_eq!(
            stockholm_time(at("2021-10-31T00:59:00Z")).to_string(),
            "2021-10-31 02:59:00"
        );
        assert_eq!(
            stockholm_time(at("2021-10-31T01:00:00Z")).to_string(),
            "2021-10-31 02:00:00"
        );
        assert_eq!(last_sunday(2026, 12), Some(date("2026-12-27")));
    }

    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid test date")
    }

    #[test]
    fn supported_years_are_1900_to_2200_inclusive() {
        assert!(year_in_range(MIN_YEAR));
        assert!(year_in_range(MAX_YEAR));
        assert!(year_in_range(2021));
        for y in [MIN_YEAR - 1, MAX_YEAR + 1, 0, -4800, i32::MIN, i32::MAX] {
            assert!(!year_in_range(y), "{y}");
        }
        assert!(date_in_range(date("1900-01-01")));
        assert!(date_in_range(date("2200-12-31")));
        assert!(!date_in_range(date("1899-12-31")));
        assert!(!date_in_range(date("2201-01-01")));
        assert!(!date_in_range(NaiveDate::MIN));
        assert!(!date_in_range(NaiveDate::MAX));
    }

    /// Easter by a second, independent method (Gauss's algorithm in Lichtenberg's form),
    /// as `(month, day)`.
    fn easter_gauss(year: i32) -> (u32, u32) {
        let k = year / 100;
        let m = 15 + (3 * k + 3) / 4 - (8 * k + 13) / 25;
        let s = 2 - (3 * k + 3) / 4;
        let a = year % 19;
        let d = (19 * a + m) % 30;
        let r = (d + a / 11) / 29;
        let og = 21 + d - r;
        let sz = 7 - (year + year / 4 + s) % 7;
        let oe = 7 - (og - sz) % 7;
        let os = u32::try_from(og + oe).expect("positive March day");
        if os > 31 { (4, os - 31) } else { (3, os) }
    }

    #[test]
    fn easter_sunday_2020_to_2035() {
        // Checked against python-dateutil's `easter()` (EASTER_WESTERN).
        let table = [
            (2020, "2020-04-12"),
            (2021, "2021-04-04"),
            (2022, "2022-04-17"),
            (2023, "2023-04-09"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2029, "2029-04-01"),
            (2030, "2030-04-21"),
            (2031, "2031-04-13"),
            (2032, "2032-03-28"),
            (2033, "2033-04-17"),
            (2034, "2034-04-09"),
            (2035, "2035-03-25"),
        ];
        for (year, expected) in table {
            assert_eq!(easter_sunday(year), date(expected), "Easter {year}");
        }
    }

    #[test]
    fn easter_sunday_extremes_and_edges() {
        assert_eq!(easter_sunday(1900), date("1900-04-15"));
        assert_eq!(easter_sunday(1943), date("1943-04-25")); // latest possible
        assert_eq!(easter_sunday(2000), date("2000-04-23"));
        assert_eq!(easter_sunday(2008), date("2008-03-23"));
        assert_eq!(easter_sunday(2038), date("2038-04-25")); // latest possible
        assert_eq!(easter_sunday(2100), date("2100-03-28"));
        assert_eq!(easter_sunday(2200), date("2200-04-06"));
    }

    #[test]
    fn easter_sunday_agrees_with_gauss_1900_to_2200() {
        for year in 1900..=2200 {
            let e = easter_sunday(year);
            assert_eq!((e.month(), e.day()), easter_gauss(year), "Easter {year}");
            assert_eq!(e.year(), year);
            assert_eq!(e.weekday(), Weekday::Sun, "Easter {year}");
            assert!(
                e >= ymd(year, 3, 22) && e <= ymd(year, 4, 25),
                "Easter {year}"
            );
        }
    }

    #[test]
    fn easter_sunday_never_panics_at_extreme_years() {
        for year in [i32::MIN, -262_144, -1, 0, 1, 262_143, i32::MAX] {
            let _ = public_holidays(year);
        }
    }

    fn check_year(year: i32, expected: &[(&str, Holiday)]) {
        let got = public_holidays(year);
        let want: Vec<(NaiveDate, Holiday)> = expected.iter().map(|(d, h)| (date(d), *h)).collect();
        assert_eq!(got, want, "holidays {year}");
    }

    #[test]
    fn holidays_2021() {
        check_year(
            2021,
            &[
                ("2021-01-01", Holiday::NewYearsDay),
                ("2021-01-06", Holiday::Epiphany),
                ("2021-04-02", Holiday::GoodFriday),
                ("2021-04-04", Holiday::EasterSunday),
                ("2021-04-05", Holiday::EasterMonday),
                ("2021-05-01", Holiday::MayDay),
                ("2021-05-13", Holiday::AscensionDay),
                ("2021-05-23", Holiday::WhitSunday),
                ("2021-06-06", Holiday::NationalDay),
                ("2021-06-26", Holiday::MidsummerDay),
                ("2021-11-06", Holiday::AllSaintsDay),
                ("2021-12-25", Holiday::ChristmasDay),
                ("2021-12-26", Holiday::BoxingDay),
            ],
        );
    }

    #[test]
    fn holidays_2026() {
        check_year(
            2026,
            &[
                ("2026-01-01", Holiday::NewYearsDay),
                ("2026-01-06", Holiday::Epiphany),
                ("2026-04-03", Holiday::GoodFriday),
                ("2026-04-05", Holiday::EasterSunday),
                ("2026-04-06", Holiday::EasterMonday),
                ("2026-05-01", Holiday::MayDay),
                ("2026-05-14", Holiday::AscensionDay),
                ("2026-05-24", Holiday::WhitSunday),
                ("2026-06-06", Holiday::NationalDay),
                ("2026-06-20", Holiday::MidsummerDay),
                ("2026-10-31", Holiday::AllSaintsDay),
                ("2026-12-25", Holiday::ChristmasDay),
                ("2026-12-26", Holiday::BoxingDay),
            ],
        );
    }

    #[test]
    fn coinciding_holidays_are_both_listed() {
        let h2008 = public_holidays(2008);
        assert_eq!(h2008.len(), 13);
        assert!(h2008.contains(&(date("2008-05-01"), Holiday::MayDay)));
        assert!(h2008.contains(&(date("2008-05-01"), Holiday::AscensionDay)));
        assert_eq!(holiday_on(date("2008-05-01")), Some(Holiday::MayDay));
        let h2049 = public_holidays(2049);
        assert!(h2049.contains(&(date("2049-06-06"), Holiday::WhitSunday)));
        assert!(h2049.contains(&(date("2049-06-06"), Holiday::NationalDay)));
    }

    #[test]
    fn holiday_invariants_1900_to_2200() {
        for year in 1900..=2200 {
            let list = public_holidays(year);
            assert_eq!(list.len(), 13, "{year}");
            assert!(list.windows(2).all(|w| w[0].0 <= w[1].0), "sorted {year}");
            for h in Holiday::ALL {
                let n = list.iter().filter(|(_, x)| *x == h).count();
                assert_eq!(n, 1, "{h:?} once in {year}");
            }
            for (d, h) in &list {
                assert_eq!(d.year(), year, "{h:?} {year}");
                assert!(is_public_holiday(*d), "{h:?} {year}");
                let weekday = match h {
                    Holiday::GoodFriday => Some(Weekday::Fri),
                    Holiday::EasterSunday | Holiday::WhitSunday => Some(Weekday::Sun),
                    Holiday::EasterMonday => Some(Weekday::Mon),
                    Holiday::AscensionDay => Some(Weekday::Thu),
                    Holiday::MidsummerDay | Holiday::AllSaintsDay => Some(Weekday::Sat),
                    _ => None,
                };
                if let Some(w) = weekday {
                    assert_eq!(d.weekday(), w, "{h:?} {year}");
                }
            }
            let midsummer = Holiday::MidsummerDay.date_in(year);
            assert!(midsummer >= ymd(year, 6, 20) && midsummer <= ymd(year, 6, 26));
            let all_saints = Holiday::AllSaintsDay.date_in(year);
            assert!(all_saints >= ymd(year, 10, 31) && all_saints <= ymd(year, 11, 6));
        }
    }

    #[test]
    fn ordinary_days_are_not_holidays() {
        assert!(!is_public_holiday(date("2021-04-03"))); // Easter Saturday
        assert!(!is_public_holiday(date("2021-05-24"))); // Whit Monday, abolished 2005
        assert!(!is_public_holiday(date("2021-06-25"))); // Midsummer Eve
        assert!(!is_public_holiday(date("2021-12-24"))); // Christmas Eve
        assert!(!is_public_holiday(date("2021-02-07"))); // an ordinary Sunday
        assert!(is_public_holiday(date("2021-04-02")));
    }

    #[test]
    fn non_working_reasons() {
        use NonWorkingDay::*;
        let cases = [
            ("2021-03-01", None), // Monday
            ("2021-03-06", Some(Saturday)),
            ("2021-03-07", Some(Sunday)),
            ("2021-06-25", Some(MidsummerEve)),
            (
                "2021-06-26",
                Some(PublicHoliday {
                    holiday: Holiday::MidsummerDay,
                }),
            ),
            ("2021-12-24", Some(ChristmasEve)), // Friday
            ("2022-12-24", Some(ChristmasEve)), // Saturday: the eve wins
            ("2021-12-31", Some(NewYearsEve)),
            (
                "2021-04-04",
                Some(PublicHoliday {
                    holiday: Holiday::EasterSunday,
                }),
            ),
            ("2026-05-15", None),               // the Friday after Ascension Day
            ("2026-06-19", Some(MidsummerEve)), // Midsummer Eve on the 19th
            ("2020-06-19", Some(MidsummerEve)),
            ("2026-06-26", None), // a Friday in the window that is not the eve
        ];
        for (d, want) in cases {
            assert_eq!(non_working_reason(date(d)), want, "{d}");
        }
    }

    #[test]
    fn midsummer_eve_is_the_day_before_midsummer_day() {
        for year in 1900..=2200 {
            let eve = sub_days(Holiday::MidsummerDay.date_in(year), 1);
            assert_eq!(non_working_reason(eve), Some(NonWorkingDay::MidsummerEve));
            let fridays_in_window = (19..=25)
                .map(|d| ymd(year, 6, d))
                .filter(|d| non_working_reason(*d) == Some(NonWorkingDay::MidsummerEve))
                .count();
            assert_eq!(fridays_in_window, 1, "{year}");
        }
    }

    #[test]
    fn swedish_names() {
        assert_eq!(Holiday::GoodFriday.swedish_name(), "Långfredagen");
        assert_eq!(Holiday::AllSaintsDay.swedish_name(), "Alla helgons dag");
        assert_eq!(NonWorkingDay::MidsummerEve.swedish_name(), "Midsommarafton");
        assert_eq!(
            NonWorkingDay::PublicHoliday {
                holiday: Holiday::EasterMonday
            }
            .swedish_name(),
            "Annandag påsk"
        );
    }

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).expect("serialisable")
    }

    #[test]
    fn serialisation() {
        assert_eq!(json(&Holiday::GoodFriday), r#""good_friday""#);
        assert_eq!(json(&Holiday::NewYearsDay), r#""new_years_day""#);
        assert_eq!(json(&NonWorkingDay::Saturday), r#"{"kind":"saturday"}"#);
        assert_eq!(
            json(&NonWorkingDay::PublicHoliday {
                holiday: Holiday::EasterMonday
            }),
            r#"{"kind":"public_holiday","holiday":"easter_monday"}"#
        );
        assert_eq!(
            json(&explain_appeal_deadline(date("2022-03-28"))),
            r#"{"posted_all_on":"2022-03-28","last_day":"2022-04-19","moved_from":"2022-04-18"}"#
        );
    }

    #[test]
    fn next_working_day() {
        assert_eq!(
            next_working_day_on_or_after(date("2021-03-01")),
            date("2021-03-01")
        );
        assert_eq!(
            next_working_day_on_or_after(date("2026-04-03")),
            date("2026-04-07")
        );
        assert_eq!(next_working_day_on_or_after(NaiveDate::MAX), NaiveDate::MAX);
    }

    fn check_deadline(posted: &str, last_day: &str, moved_from: Option<&str>) {
        let explained = explain_appeal_deadline(date(posted));
        assert_eq!(
            explained,
            AppealDeadline {
                posted_all_on: date(posted),
                last_day: date(last_day),
                moved_from: moved_from.map(date),
            },
            "posted {posted}"
        );
        assert_eq!(appeal_deadline(date(posted)), date(last_day));
    }

    #[test]
    fn deadline_on_a_working_day_is_not_moved() {
        // Mon 2021-02-08 + 21 = Mon 2021-03-01.
        check_deadline("2021-02-08", "2021-03-01", None);
    }

    #[test]
    fn deadline_on_a_saturday_moves_to_monday() {
        // Sat 2021-02-13 + 21 = Sat 2021-03-06 → Mon 2021-03-08.
        check_deadline("2021-02-13", "2021-03-08", Some("2021-03-06"));
    }

    #[test]
    fn deadline_on_midsummer_eve() {
        // Fri 2021-06-04 + 21 = Fri 2021-06-25 Midsummer Eve; 26 Midsummer Day, 27 Sunday.
        check_deadline("2021-06-04", "2021-06-28", Some("2021-06-25"));
    }

    #[test]
    fn deadline_on_easter_monday() {
        // Mon 2022-03-28 + 21 = Mon 2022-04-18 Easter Monday → Tue 2022-04-19.
        check_deadline("2022-03-28", "2022-04-19", Some("2022-04-18"));
    }

    #[test]
    fn deadline_on_good_friday_moves_four_days() {
        // Fri 2026-03-13 + 21 = Fri 2026-04-03 Good Friday; Sat, Easter Sunday,
        // Easter Monday → Tue 2026-04-07.
        check_deadline("2026-03-13", "2026-04-07", Some("2026-04-03"));
    }

    #[test]
    fn deadline_on_ascension_day() {
        // Thu 2026-04-23 + 21 = Thu 2026-05-14 Ascension Day → Fri 2026-05-15.
        check_deadline("2026-04-23", "2026-05-15", Some("2026-05-14"));
    }

    #[test]
    fn deadlines_in_christmas_week() {
        // Fri 2021-12-03 + 21 = Fri 2021-12-24 Christmas Eve; Sat 25, Sun 26 → Mon 27.
        check_deadline("2021-12-03", "2021-12-27", Some("2021-12-24"));
        // Fri 2025-12-05 + 21 = Fri 2025-12-26 Boxing Day; Sat 27, Sun 28 → Mon 29.
        check_deadline("2025-12-05", "2025-12-29", Some("2025-12-26"));
        // Thu 2026-12-03 + 21 = Thu 2026-12-24 Christmas Eve; Fri 25, Sat 26, Sun 27
        // → Mon 28.
        check_deadline("2026-12-03", "2026-12-28", Some("2026-12-24"));
        // Wed 2025-12-03 + 21 = Wed 2025-12-24 Christmas Eve; Thu 25, Fri 26, Sat 27,
        // Sun 28 → Mon 29: the longest move there is (five days).
        check_deadline("2025-12-03", "2025-12-29", Some("2025-12-24"));
    }

    #[test]
    fn deadline_on_new_years_eve() {
        // Tue 2024-12-10 + 21 = Tue 2024-12-31 New Year's Eve; Wed 2025-01-01 New Year's
        // Day → Thu 2025-01-02.
        check_deadline("2024-12-10", "2025-01-02", Some("2024-12-31"));
    }

    #[test]
    fn deadline_on_epiphany_across_the_year() {
        // Thu 2021-12-16 + 21 = Thu 2022-01-06 Epiphany → Fri 2022-01-07.
        check_deadline("2021-12-16", "2022-01-07", Some("2022-01-06"));
    }

    #[test]
    fn joint_committee_waits_for_every_member() {
        let one_missing = [Some(date("2021-02-01")), None, Some(date("2021-02-08"))];
        assert_eq!(joint_committee_appeal_deadline(&one_missing), None);
        assert_eq!(latest_posting(&one_missing), None);
        assert_eq!(joint_committee_appeal_deadline(&[None]), None);
    }

    #[test]
    fn joint_committee_latest_posting_decides() {
        let all = [
            Some(date("2021-02-08")),
            Some(date("2021-02-01")),
            Some(date("2021-02-03")),
        ];
        assert_eq!(latest_posting(&all), Some(date("2021-02-08")));
        assert_eq!(
            joint_committee_appeal_deadline(&all),
            Some(date("2021-03-01"))
        );
        assert_eq!(
            joint_committee_appeal_deadline(&[Some(date("2022-03-28"))]),
            Some(date("2022-04-19"))
        );
    }

    #[test]
    fn joint_committee_with_no_members_has_no_deadline() {
        assert_eq!(joint_committee_appeal_deadline(&[]), None);
        assert_eq!(latest_posting(&[]), None);
    }

    fn any_date_2000_to_2099() -> impl Strategy<Value = NaiveDate> {
        let start = date("2000-01-01");
        let span = u64::try_from((date("2099-12-31") - start).num_days()).expect("positive");
        (0..=span).prop_map(move |n| add_days(start, n))
    }

    proptest! {
        #[test]
        fn deadline_bounds(posted in any_date_2000_to_2099()) {
            let deadline = appeal_deadline(posted);
            let earliest = add_days(posted, 21);
            prop_assert!(deadline >= earliest);
            prop_assert!(deadline <= add_days(earliest, 5));
            prop_assert_eq!(non_working_reason(deadline), None);
            // Every day skipped over was a non-working day.
            let mut d = earliest;
            while d < deadline {
                prop_assert!(non_working_reason(d).is_some());
                d = add_days(d, 1);
            }
            let explained = explain_appeal_deadline(posted);
            prop_assert_eq!(explained.last_day, deadline);
            prop_assert_eq!(explained.moved_from.is_some(), deadline != earliest);
        }

        #[test]
        fn joint_deadline_is_the_deadline_of_the_latest(
            postings in proptest::collection::vec(any_date_2000_to_2099(), 1..15)
        ) {
            let latest = postings.iter().copied().max().expect("non-empty");
            let all: Vec<Option<NaiveDate>> = postings.iter().copied().map(Some).collect();
            prop_assert_eq!(joint_committee_appeal_deadline(&all), Some(appeal_deadline(latest)));
            let mut missing = all.clone();
            missing[0] = None;
            prop_assert_eq!(joint_committee_appeal_deadline(&missing), None);
        }
    }
}
