//! The one rule of a full-text query, the same on SQLite and PostgreSQL: the query is
//! split into words (letters and digits) and each is stemmed by
//! [`crate::meeting::stem_word`], exactly as the indexed text is; a decision matches when
//! it contains every term, each as a word or the beginning of one. Nothing in the query is
//! an operator (`OR`, `-`, quotes are words or separators like any other), and the query
//! is bounded so that its cost is bounded.

use crate::meeting::stem_text;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most distinct terms in a query.
pub const MAX_QUERY_TERMS: usize = 8;

/// Why a query is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchQueryError {
    #[error("at most {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("at most {MAX_QUERY_TERMS} distinct words")]
    TooManyTerms,
    #[error("must contain a word (letters or digits)")]
    NoWords,
}

/// The stemmed, distinct terms of a query, in the order given; never empty and never more
/// than [`MAX_QUERY_TERMS`]. Each term consists of lower-case letters and digits only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    pub fn parse(q: &str) -> Result<SearchTerms, SearchQueryError> {
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchQueryError::TooLong);
        }
        let mut terms: Vec<String> = Vec::new();
        for mut t in stem_text(q) {
            // Case folding can add a combining mark (`İ` → `i̇`): terms stay words.
            t.retain(char::is_alphanumeric);
            if !t.is_empty() && !terms.contains(&t) {
                if terms.len() == MAX_QUERY_TERMS {
                    return Err(SearchQueryError::TooManyTerms);
                }
                terms.push(t);
            }
        }
        if terms.is_empty() {
            return Err(SearchQueryError::NoWords);
        }
        Ok(SearchTerms(terms))
    }

    pub fn terms(&self) -> &[String] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn operators_are_words() {
        let t = SearchTerms::parse("' OR 1=1--").expect("terms");
        assert_eq!(t.terms(), ["or", "1"]);
        let t = SearchTerms::parse("\"elevhälsan\" -skola").expect("terms");
        assert_eq!(t.terms(), ["elevhäls", "skol"]);
    }

    #[test]
    fn bounds() {
        assert_eq!(
            SearchTerms::parse("  -- '' "),
            Err(SearchQueryError::NoWords)
        );
        assert_eq!(
            SearchTerms::parse(&"a ".repeat(101)),
            Err(SearchQueryError::TooLong)
        );
        // Repeated words count once.
        assert!(SearchTerms::parse(&"avtal ".repeat(30)).is_ok());
        assert_eq!(
            SearchTerms::parse("a b c d e f g h i"),
            Err(SearchQueryError::TooManyTerms)
        );
        assert!(SearchTerms::parse("a b c d e f g h").is_ok());
    }

    proptest! {
        #[test]
        fn terms_are_bounded_alphanumeric_and_distinct(q in "\\PC{0,300}") {
            if let Ok(t) = SearchTerms::parse(&q) {
                prop_assert!(!t.terms().is_empty() && t.terms().len() <= MAX_QUERY_TERMS);
                for (i, w) in t.terms().iter().enumerate() {
                    prop_assert!(!w.is_empty() && w.chars().all(char::is_alphanumeric));
                    prop_assert!(!t.terms()[..i].contains(w));
                }
            }
        }
    }
}
