//! Ids of the aggregates, as types: a meeting's id is not a decision's, and the write
//! path takes an aggregate's lock from its id type.

macro_rules! id_type {
    ($($(#[$doc:meta])* $t:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $t(pub i64);

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type! {
    /// Id of a meeting (its protocol).
    MeetingId,
    /// Id of a decision (a paragraph of a protocol).
    DecisionId,
    /// Id of an activity (project, shared service, system manager).
    ActivityId,
    /// Id of a procurement of an activity.
    ProcurementId,
    /// Id of a contract of an activity.
    ContractId,
    /// Id of a cost stream.
    CostStreamId,
    /// Id of a person of the registry (stable across seats, offices and years).
    PersonId,
}
