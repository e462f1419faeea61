//! People of the registry: a person's name as the registry spells it, the other
//! spellings protocols have used for the same person, and the rule that tells a name
//! written in a protocol apart as the person's own spelling, a near miss of it (a
//! transposed, dropped, added or changed letter, or a missing diacritic), or nobody known.

use std::fmt;

/// The longest name the registry keeps, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// The most spelling variants one person may carry.
pub const MAX_VARIANTS: usize = 20;

/// A person's name as written: trimmed, inner white space folded to one space, not blank,
/// no control characters, at most [`MAX_NAME_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName(String);

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    Blank,
    TooLong,
    ControlCharacter,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Blank => f.write_str("must not be blank"),
            NameError::TooLong => write!(f, "must be at most {MAX_NAME_CHARS} characters"),
            NameError::ControlCharacter => f.write_str("must not contain control characters"),
        }
    }
}

impl PersonName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        if s.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            return Err(NameError::ControlCharacter);
        }
        let name = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(NameError::Blank);
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as compared for near misses: lower case, diacritics taken off (å → a,
    /// ö → o, é → e …), hyphens as spaces.
    pub fn folded(&self) -> String {
        fold(&self.0)
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lower case without diacritics, hyphens as spaces, white space folded.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' => 'a',
            'ö' | 'ø' | 'ò' | 'ó' | 'ô' | 'õ' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ù' | 'ú' | 'û' => 'u',
            'ï' | 'ì' | 'í' | 'î' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            'ý' | 'ÿ' => 'y',
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' => ' ',
            c => c,
        };
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The edits between two texts, counting a swap of two neighbouring characters as one
/// (optimal string alignment distance).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// How many edits still make a near miss of a folded name of this many characters: one
/// up to 11 characters, two from 12 (a longer name carries more typing).
pub fn tolerance(folded_chars: usize) -> usize {
    if folded_chars >= 12 { 2 } else { 1 }
}

/// A person as the matching rule sees them: their id and every spelling on record.
#[derive(Debug, Clone)]
pub struct Known<'a, Id> {
    pub id: Id,
    pub name: &'a PersonName,
    pub variants: &'a [PersonName],
}

/// What a name written in a protocol is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch<Id> {
    /// The person's name or one of their recorded variants, letter for letter.
    Exact(Id),
    /// Close to these people's spellings, nearest first (the name is kept as written and
    /// the suggestion shown; nobody is merged).
    Near(Vec<Suggestion<Id>>),
    /// Not near anyone on record.
    Unknown,
}

/// A person a near miss may mean, with the spelling it is closest to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion<Id> {
    pub id: Id,
    pub spelling: String,
    pub distance: usize,
}

/// Matches `written` against the people on record: exact when it is one of their
/// spellings as written (white space folded), near when its folded form is within
/// [`tolerance`] edits of a folded spelling, otherwise unknown.
pub fn match_name<Id: Copy + Ord>(written: &PersonName, people: &[Known<'_, Id>]) -> NameMatch<Id> {
    if let Some(p) = people
        .iter()
        .find(|p| p.name == written || p.variants.contains(written))
    {
        return NameMatch::Exact(p.id);
    }
    let folded = written.folded();
    let limit = tolerance(folded.chars().count());
    let mut near: Vec<Suggestion<Id>> = Vec::new();
    for p in people {
        let best = std::iter::once(p.name)
            .chain(p.variants)
            .map(|s| (distance(&folded, &s.folded()), s))
            .min_by_key(|(d, _)| *d);
        if let Some((d, s)) = best
            && d <= limit
        {
            near.push(Suggestion {
                id: p.id,
                spelling: s.to_string(),
                distance: d,
            });
        }
    }
    if near.is_empty() {
        return NameMatch::Unknown;
    }
    near.sort_by(|a, b| a.distance.cmp(&b.distance).then(a.id.cmp(&b.id)));
    NameMatch::Near(near)
}

/// A person's spellings checked together: no variant repeats another or the name
/// (compared as written, white space folded). Returns the index of the first repeat.
pub fn repeated_variant(name: &PersonName, variants: &[PersonName]) -> Option<usize> {
    let of_name = variants.iter().position(|v| v == name);
    [of_name, repeated_within(variants)]
        .into_iter()
        .flatten()
        .min()
}

/// The index of the first variant that repeats an earlier one (the variants alone).
pub fn repeated_within(variants: &[PersonName]) -> Option<usize> {
    (1..variants.len()).find(|&i| variants[..i].contains(&variants[i]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> PersonName {
        PersonName::parse(s).expect("name")
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(n("  Isak   Utsi ").as_str(), "Isak Utsi");
        assert_eq!(PersonName::parse(" \t "), Err(NameError::Blank));
        assert_eq!(
            PersonName::parse("A\u{0}B"),
            Err(NameError::ControlCharacter)
        );
        assert_eq!(
            PersonName::parse(&"a".repeat(MAX_NAME_CHARS + 1)),
            Err(NameError::TooLong)
        );
    }

    #[test]
    fn the_seeds_misspellings_are_near_their_person() {
        let isak = n("Isak Utsi");
        let carina = n("Carina Sammeli");
        let people = [
            Known {
                id: 1,
                name: &isak,
                variants: &[],
            },
            Known {
                id: 2,
                name: &carina,
                variants: &[],
            },
        ];
        assert_eq!(match_name(&n("Isak Utsi"), &people), NameMatch::Exact(1));
        for near in ["Iska Utsi", "Isak Utsy", "Isa Utsi", "isak utsi"] {
            match match_name(&n(near), &people) {
                NameMatch::Near(s) => assert_eq!(s[0].id, 1, "{near}"),
                other => panic!("{near}: {other:?}"),
            }
        }
        match match_name(&n("Karina Sammelli"), &people) {
            NameMatch::Near(s) => assert_eq!(s[0].id, 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(match_name(&n("Anna Berg"), &people), NameMatch::Unknown);
    }

    #[test]
    fn a_recorded_variant_is_exact() {
        let name = n("Åsa Öberg");
        let variants = [n("Asa Oberg")];
        let people = [Known {
            id: 7,
            name: &name,
            variants: &variants,
        }];
        assert_eq!(match_name(&n("Asa Oberg"), &people), NameMatch::Exact(7));
        // Without the variant the missing diacritics are a near miss, never exact.
        let bare = [Known {
            id: 7,
            name: &name,
            variants: &[],
        }];
        assert!(matches!(
            match_name(&n("Asa Oberg"), &bare),
            NameMatch::Near(_)
        ));
    }

    #[test]
    fn repeats_among_variants_are_found() {
        let name = n("Isak Utsi");
        assert_eq!(repeated_variant(&name, &[n("Iska Utsi")]), None);
        assert_eq!(repeated_variant(&name, &[n("Isak  Utsi")]), Some(0));
        assert_eq!(
            repeated_variant(&name, &[n("Iska Utsi"), n("Iska Utsi")]),
            Some(1)
        );
    }

    /// One random edit of the kinds a protocol's typist makes.
    fn edit(s: &str, kind: u8, at: usize, c: char) -> String {
        let mut v: Vec<char> = s.chars().collect();
        let i = at % v.len();
        match kind % 4 {
            0 if i + 1 < v.len() => v.swap(i, i + 1),
            1 => {
                v.remove(i);
            }
            2 => v.insert(i, c),
            _ => v[i] = c,
        }
        v.into_iter().collect()
    }

    proptest! {
        #[test]
        fn distance_is_a_metric_on_samples(a in "[a-zåäö ]{0,12}", b in "[a-zåäö ]{0,12}") {
            prop_assert_eq!(distance(&a, &a), 0);
            prop_assert_eq!(distance(&a, &b), distance(&b, &a));
            let (la, lb) = (a.chars().count(), b.chars().count());
            prop_assert!(distance(&a, &b) >= la.abs_diff(lb));
            prop_assert!(distance(&a, &b) <= la.max(lb));
        }

        #[test]
        fn one_typing_error_in_any_name_is_a_near_miss_of_it(
            first in "[A-ZÅÄÖ][a-zåäö]{2,9}",
            last in "[A-ZÅÄÖ][a-zåäö]{2,12}",
            kind in 0u8..4, at in 0usize..40, c in "[a-zåäöé]",
        ) {
            let name = n(&format!("{first} {last}"));
            let typed = edit(name.as_str(), kind, at, c.chars().next().expect("char"));
            prop_assume!(PersonName::parse(&typed).is_ok());
            let typed = n(&typed);
            let people = [Known { id: 1, name: &name, variants: &[] }];
            match match_name(&typed, &people) {
                NameMatch::Exact(id) => prop_assert!(id == 1 && typed == name),
                NameMatch::Near(s) => prop_assert_eq!(s[0].id, 1),
                NameMatch::Unknown => prop_assert!(false, "{} not near {}", typed, name),
            }
        }

        #[test]
        fn a_name_far_from_everyone_is_unknown(
            first in "[A-Z][a-z]{3,8}", last in "[A-Z][a-z]{3,8}",
        ) {
            let name = n(&format!("{first} {last}"));
            // Reversed letters and a different length: at least 3 edits from the original.
            let other = n(&format!("Qx{}zq Zz", last.chars().rev().collect::<String>()));
            prop_assume!(distance(&name.folded(), &other.folded()) > tolerance(other.folded().chars().count()));
            let people = [Known { id: 1, name: &name, variants: &[] }];
            prop_assert_eq!(match_name(&other, &people), NameMatch::Unknown);
        }
    }
}
