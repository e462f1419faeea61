//! The rules of the subscription formats: which decisions concern a municipality, and
//! how text is written into iCalendar (RFC 5545) — escaping, line folding, local times in
//! Europe/Stockholm. Atom's XML escaping is the UBL's ([`crate::ubl::escape`]).

use chrono::{NaiveDate, NaiveTime};

/// Phrases (lower case) by which a protocol addresses every member municipality at once:
/// *samtliga ingående kommuner*, *samtliga medlemskommuner*, *medlemskommunerna*, *alla
/// kommuner* …
const ALL_MEMBERS: &[&[&str]] = &[
    &["samtliga", "ingående", "kommuner"],
    &["samtliga", "kommuner"],
    &["alla", "kommuner"],
    &["alla", "ingående", "kommuner"],
    &["ingående", "kommuner"],
    &["samtliga", "medlemskommuner"],
    &["alla", "medlemskommuner"],
    &["medlemskommunerna"],
    &["medlemskommuner"],
];

/// The words of `s`, lower case: runs of letters and digits (a hyphenated name is one
/// run per part).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when `needle` occurs in `hay` as consecutive whole words.
fn has_words<S: AsRef<str>>(hay: &[String], needle: &[S]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.iter().zip(needle).all(|(a, b)| a == b.as_ref()))
}

/// True when a decision sent to `recipients` concerns the municipality named `name`: a
/// recipient names it as a word or words of its own ("Kiruna kommun", "Daniel Ahlkvist,
/// Luleå Kommun" — case aside, but not "Överkalix kommun" for Kalix), or addresses every
/// member municipality ("Samtliga ingående kommuner").
pub fn concerns<S: AsRef<str>>(recipients: &[S], name: &str) -> bool {
    let name = words(name);
    recipients.iter().any(|r| {
        let w = words(r.as_ref());
        has_words(&w, &name) || ALL_MEMBERS.iter().any(|p| has_words(&w, p))
    })
}

/// Lower-case fragments one of which every recipient list that [`concerns`] the
/// municipality contains: a prefilter for a text search (`LIKE '%…%'`) that may let
/// through more than the rule, never less. The rule then decides.
pub fn concerns_fragments(name: &str) -> [String; 3] {
    [
        name.to_lowercase(),
        "kommuner".to_owned(),
        "medlemskommun".to_owned(),
    ]
}

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks;
/// other control characters are dropped.
pub fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line folded (RFC 5545 3.1): at most 75 octets per line, continuation
/// lines starting with a space, never splitting a UTF-8 character; ends with CRLF.
pub fn ics_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// Unfolds content lines (RFC 5545 3.1): the inverse of [`ics_line`].
pub fn ics_unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

/// A local date and time as an iCalendar DATE-TIME without zone (`20231012T082000`), to
/// go with `TZID=Europe/Stockholm`.
pub fn ics_local(date: NaiveDate, time: NaiveTime) -> String {
    date.and_time(time).format("%Y%m%dT%H%M%S").to_string()
}

/// The time zone the committee meets in, as iCalendar defines it: Central European Time,
/// summer time from the last Sunday of March 02:00 to the last Sunday of October 03:00
/// (the EU rule, in force since 1996).
pub const VTIMEZONE_STOCKHOLM: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Stockholm\r\n\
X-LIC-LOCATION:Europe/Stockholm\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\n\
DTSTART:19960331T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:CET\r\n\
DTSTART:19961027T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAMES: &[&str] = &[
        "Arjeplog",
        "Arvidsjaur",
        "Boden",
        "Gällivare",
        "Haparanda",
        "Jokkmokk",
        "Kalix",
        "Kiruna",
        "Luleå",
        "Pajala",
        "Piteå",
        "Älvsbyn",
        "Överkalix",
        "Övertorneå",
    ];

    #[test]
    fn recipients_that_concern_a_municipality() {
        assert!(concerns(&["Kiruna Kommun"], "Kiruna"));
        assert!(concerns(&["Daniel Ahlkvist, Luleå Kommun"], "Luleå"));
        assert!(concerns(&["Mikael Westerlund, Kalix kommun"], "Kalix"));
        assert!(!concerns(&["Mikael Westerlund, Kalix kommun"], "Överkalix"));
        assert!(!concerns(&["Överkalix kommun"], "Kalix"));
        assert!(concerns(&["Överkalix kommun"], "Överkalix"));
        assert!(!concerns(&["Kommunkansliet"], "Kiruna"));
        assert!(!concerns(&["Eva Lakso, Norrbottens Kommuner"], "Kiruna"));
        assert!(!concerns::<&str>(&[], "Kiruna"));
        for n in NAMES {
            assert!(concerns(&["Samtliga ingående kommuner"], n));
            assert!(concerns(&["samtliga medlemskommuner"], n));
            assert!(concerns(&["Medlemskommunerna"], n));
        }
    }

    #[test]
    fn a_stockholm_time_zone_block_is_well_formed() {
        assert!(VTIMEZONE_STOCKHOLM.starts_with("BEGIN:VTIMEZONE\r\n"));
        assert!(VTIMEZONE_STOCKHOLM.ends_with("END:VTIMEZONE\r\n"));
        assert!(VTIMEZONE_STOCKHOLM.lines().all(|l| l.len() <= 75));
        assert_eq!(
            ics_local(
                NaiveDate::from_ymd_opt(2023, 10, 12).expect("date"),
                NaiveTime::from_hms_opt(8, 20, 0).expect("time")
            ),
            "20231012T082000"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(ics_text("a,b;c\\d\ne\r\nf\u{7}"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    proptest! {
        // Every municipality's own name concerns it, in any case and with any words
        // around it; another's name never does (none is a word of another).
        #[test]
        fn a_name_concerns_its_own_municipality_only(
            i in 0..NAMES.len(),
            j in 0..NAMES.len(),
            before in "[A-Za-z]{0,8}",
            upper in any::<bool>(),
        ) {
            let name = if upper { NAMES[i].to_uppercase() } else { NAMES[i].to_owned() };
            let r = format!("{before}, {name} kommun");
            prop_assert!(concerns(std::slice::from_ref(&r), NAMES[i]));
            if i != j && before.to_lowercase() != NAMES[j].to_lowercase() {
                prop_assert!(!concerns(std::slice::from_ref(&r), NAMES[j]), "{} in {}", NAMES[j], r);
            }
            // The prefilter never drops what the rule keeps.
            let folded = r.to_lowercase();
            prop_assert!(concerns_fragments(NAMES[i]).iter().any(|f| folded.contains(f.as_str())));
        }

        // Folding keeps the text, never splits a character, never exceeds 75 octets.
        #[test]
        fn folding_keeps_the_line(s in "\\PC{0,300}") {
            let line = format!("SUMMARY:{}", ics_text(&s));
            let folded = ics_line(&line);
            prop_assert!(folded.ends_with("\r\n"));
            for l in folded.trim_end_matches("\r\n").split("\r\n") {
                prop_assert!(l.len() <= 75, "{} octets", l.len());
            }
            prop_assert_eq!(ics_unfold(&folded), format!("{line}\r\n"));
        }

        // The prefilter holds for any recipient the rule accepts.
        #[test]
        fn the_prefilter_holds(r in "\\PC{0,60}", i in 0..NAMES.len()) {
            if concerns(std::slice::from_ref(&r), NAMES[i]) {
                let folded = r.to_lowercase();
                prop_assert!(concerns_fragments(NAMES[i]).iter().any(|f| folded.contains(f.as_str())));
            }
        }
    }
}
