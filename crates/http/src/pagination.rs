//! Keyset pagination shared by every list: `limit` and an opaque `after` cursor; the
//! response carries the items and a `next` link (absent on the last page).

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// The URL of the next page, or null on the last page.
    #[schema(example = "/api/v1/members?limit=50&after=u_1638316800000000_50")]
    pub next: Option<String>,
}

/// Checks `limit` (1..=200, default 50). The list fetches one more row than the
/// limit to know whether a next page exists.
pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_request(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// The `next` link of a list: its path and the filters the next page keeps, in order;
/// `limit` and the `after` cursor of the last item are added by [`Next::page`].
pub struct Next {
    path: String,
    pairs: Vec<(&'static str, String)>,
    limit: i64,
}

impl Next {
    pub fn new(path: impl Into<String>, limit: i64) -> Self {
        Next {
            path: path.into(),
            pairs: Vec::new(),
            limit,
        }
    }

    /// Keeps a filter (left out when `None`).
    pub fn with(mut self, key: &'static str, value: Option<impl std::fmt::Display>) -> Self {
        if let Some(v) = value {
            self.pairs.push((key, v.to_string()));
        }
        self
    }

    /// Keeps a time filter (`modified_since`, `since` …) as [`timestamp`] writes it.
    pub fn with_time(self, key: &'static str, t: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        self.with(key, t.map(timestamp))
    }

    /// Cuts `rows` (fetched with `limit + 1`) to a page; `cursor` gives the `after` value
    /// of the last item, from which the next link is built.
    pub fn page<R, T: ToSchema>(
        self,
        mut rows: Vec<R>,
        cursor: impl Fn(&R) -> String,
        map: impl FnMut(R) -> T,
    ) -> Page<T> {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(usize::try_from(self.limit).unwrap_or(usize::MAX));
        let next = match rows.last() {
            Some(r) if more => Some(self.link(&cursor(r))),
            _ => None,
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next,
        }
    }

    fn link(mut self, after: &str) -> String {
        self.pairs.push(("limit", self.limit.to_string()));
        self.pairs.push(("after", after.to_owned()));
        let q: Vec<String> = self
            .pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        format!("{}?{}", self.path, q.join("&"))
    }
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A timestamp as query parameters and JSON carry it: RFC 3339 in UTC, microseconds.
pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The cursor of a `modified_since` listing (changes oldest first, by `updated_at` then
/// id): `u_<microseconds>_<id>`. The same on every list.
pub fn sync_cursor(updated_at: chrono::NaiveDateTime, id: i64) -> String {
    format!("u_{}_{id}", updated_at.and_utc().timestamp_micros())
}

/// What a [`sync_cursor`] looks like, declared on the lists whose every cursor is one
/// ([`parse_sync_cursor`] accepts exactly this; tests/api/openapi.rs holds the spec's
/// declarations to it).
pub const ROW_CURSOR_PATTERN: &str = "^u_[0-9]{1,17}_[0-9]{1,18}$";

/// Parses a [`sync_cursor`]: exactly [`ROW_CURSOR_PATTERN`] (400 `after` otherwise).
pub fn parse_sync_cursor(s: &str) -> Result<ChangeCursor, ApiError> {
    let (micros, id) = numbered_cursor(s, "u_", 17)?;
    let t = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(not_a_cursor)?;
    Ok((t.naive_utc(), id))
}

/// The refusal of an `after` that no `next` link made.
pub fn not_a_cursor() -> ApiError {
    ApiError::bad_request("after", "not a cursor from a `next` link")
}

/// The two numbers of a cursor `<prefix><1..=max digits>_<1..=18 digits>` (400 `after`
/// for anything else).
fn numbered_cursor(s: &str, prefix: &str, max: usize) -> Result<(i64, i64), ApiError> {
    let digits =
        |d: &str, max: usize| (1..=max).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit());
    let rest = s.strip_prefix(prefix).ok_or_else(not_a_cursor)?;
    let (first, id) = rest.split_once('_').ok_or_else(not_a_cursor)?;
    if !digits(first, max) || !digits(id, 18) {
        return Err(not_a_cursor());
    }
    // At most 18 digits: both fit an i64.
    Ok((
        first.parse().map_err(|_| not_a_cursor())?,
        id.parse().map_err(|_| not_a_cursor())?,
    ))
}

/// The cursor of a list ordered by date (meetings and decisions, newest first):
/// `d_<days from 0001-01-01 CE>_<id>`. Every value of [`DATE_CURSOR_PATTERN`] names a
/// date, so a cursor the pattern allows is one the list reads.
pub fn date_cursor(date: chrono::NaiveDate, id: i64) -> String {
    use chrono::Datelike;
    format!("d_{}_{id}", date.num_days_from_ce())
}

/// What a [`date_cursor`] looks like.
pub const DATE_CURSOR_PATTERN: &str = "^d_[0-9]{1,7}_[0-9]{1,18}$";

/// Parses a [`date_cursor`]: [`DATE_CURSOR_PATTERN`], or the date form of earlier `next`
/// links (400 `after` otherwise).
pub fn parse_date_cursor(s: &str) -> Result<(chrono::NaiveDate, i64), ApiError> {
    // The cursors of `next` links written before this form (`d_2021-01-28_12` on
    // decisions, `2021-01-28_12` on meetings) still lead on.
    let legacy = s.strip_prefix("d_").unwrap_or(s);
    if let Some((date, id)) = legacy.split_once('_')
        && date.len() == 10
        && let (Ok(date), Ok(id)) = (date.parse::<chrono::NaiveDate>(), id.parse::<i64>())
    {
        return Ok((date, id));
    }
    let (days, id) = numbered_cursor(s, "d_", 7)?;
    let days = i32::try_from(days).map_err(|_| not_a_cursor())?;
    let date = chrono::NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(not_a_cursor)?;
    Ok((date, id))
}

/// A [`sync_cursor`] parsed: the last item's `updated_at` and id.
pub type ChangeCursor = (chrono::NaiveDateTime, i64);

/// Where a list ordered by id continues: the `after` of a `next` link, a
/// [`sync_cursor`] naming the last row either way — its id ordered by id, its change with
/// `modified_since` (`syncing`). Returns `(after_id, after_change)`.
fn id_or_sync_after(
    after: Option<&str>,
    syncing: bool,
) -> Result<(Option<i64>, Option<ChangeCursor>), ApiError> {
    let Some(a) = after else {
        return Ok((None, None));
    };
    let (t, id) = parse_sync_cursor(a)?;
    Ok(if syncing {
        (None, Some((t, id)))
    } else {
        (Some(id), None)
    })
}

/// The page a synced list's query asks for: the `after` cursor of an id-ordered list or,
/// with `modified_since`, of a sync, and one row more than `limit` (to know whether a
/// next page exists).
pub fn sync_page(
    after: Option<&str>,
    modified_since: Option<chrono::DateTime<chrono::Utc>>,
    limit: i64,
) -> Result<samverkan_persistence::SyncPage, ApiError> {
    let (after_id, after_change) = id_or_sync_after(after, modified_since.is_some())?;
    Ok(samverkan_persistence::SyncPage {
        after_id,
        modified_since: modified_since.map(|t| t.naive_utc()),
        after_change,
        limit: limit + 1,
    })
}

/// The `after` of the next page of a list ordered by id or synced
/// ([`id_or_sync_after`]): one shape for both.
pub fn row_cursor(updated_at: chrono::NaiveDateTime, id: i64) -> String {
    sync_cursor(updated_at, id)
}

/// What `modified_since` means on every list, documented once: only objects changed
/// after this instant (exclusive), oldest change first. RFC 3339 with `Z` or a numeric
/// offset (`2021-02-01T00:00:00Z`, `2021-02-01T01:00:00+01:00`); a bad value is 400.
/// Keep the largest `updated_at` of a complete run (all `next` pages) for the next one.
pub const MODIFIED_SINCE_DOC: &str = "Only objects changed after this instant (exclusive), oldest change first; RFC 3339 with `Z` or an offset. Follow `next` to the end and keep the largest `updated_at` for the next sync.";

#[cfg(test)]
mod sync_tests {
    use super::*;

    #[test]
    fn sync_cursors_round_trip() {
        let t = chrono::DateTime::from_timestamp_micros(1_612_137_600_123_456)
            .expect("t")
            .naive_utc();
        assert_eq!(parse_sync_cursor(&sync_cursor(t, 42)).ok(), Some((t, 42)));
        for bad in ["", "u_", "u_x_1", "d_2021-01-01_1", "u_1_", "u_1_x"] {
            assert!(parse_sync_cursor(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_cursors_read_back_and_every_declared_one_parses() {
        for (y, m, d, id) in [
            (1900, 1, 1, 1),
            (2021, 2, 28, 42),
            (2200, 12, 31, i64::MAX / 10),
        ] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
            assert_eq!(
                parse_date_cursor(&date_cursor(date, id)).expect("parses"),
                (date, id)
            );
        }
        // The pattern's extremes: any 1–7 digit day count names a date (up to year
        // 27 000; a date of year 3011, as the 100x benchmark database holds, has 7).
        for days in ["0", "1", "999999", "1099407", "9999999"] {
            assert!(parse_date_cursor(&format!("d_{days}_999999999999999999")).is_ok());
        }
        // Cursors of `next` links written before: still read.
        let jan = chrono::NaiveDate::from_ymd_opt(2021, 1, 28).expect("date");
        assert_eq!(
            parse_date_cursor("d_2021-01-28_12").expect("old"),
            (jan, 12)
        );
        assert_eq!(
            parse_date_cursor("2021-01-28_12").expect("older"),
            (jan, 12)
        );
        for bad in [
            "d_12345678_1",
            "d__1",
            "d_1_",
            "2021-13-01_1",
            "u_1_1",
            "d_1_1_1",
        ] {
            assert!(parse_date_cursor(bad).is_err(), "{bad}");
        }
    }
}
