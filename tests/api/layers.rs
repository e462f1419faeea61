//! The code's layers, checked on its source: a handler parses HTTP, runs one command and
//! renders; the command (in `samverkan-persistence`) takes the aggregate's lock.

/// The handler files that still take an aggregate lock themselves, because their
/// aggregate has not moved to commands yet (issue "The application layer": invoices
/// have). The list only shrinks: a new handler that locks fails this test, and so does
/// a file on the list that no longer locks (take it off).
const NOT_YET_COMMANDS: &[&str] = &[
    "activities/contracts.rs",
    "activities/procurements.rs",
    "activities/rollout.rs",
    "activities/status_reports.rs",
    "activities/update.rs",
    "decisions/correct.rs",
    "meetings/write.rs",
    "municipalities/populations.rs",
    "municipalities/update.rs",
];

#[test]
fn handlers_take_no_aggregate_lock() {
    let mut locking = Vec::new();
    for file in crate::support::sources("http") {
        let text = std::fs::read_to_string(&file).expect("source");
        // `Tx::lock(&key)`; a mutex's `.lock()` takes no argument.
        if text.contains(".lock(&") {
            let path = file.to_string_lossy().replace('\\', "/");
            let rel = path.rsplit_once("/src/").map_or(path.as_str(), |(_, r)| r);
            locking.push(rel.to_owned());
        }
    }
    let new: Vec<_> = locking
        .iter()
        .filter(|f| !NOT_YET_COMMANDS.contains(&f.as_str()))
        .collect();
    assert!(
        new.is_empty(),
        "handlers that lock an aggregate themselves: {new:?}; a write is a command in \
         samverkan-persistence that takes the lock (see invoice/commands.rs)"
    );
    let done: Vec<_> = NOT_YET_COMMANDS
        .iter()
        .filter(|f| !locking.iter().any(|l| l == *f))
        .collect();
    assert!(
        done.is_empty(),
        "{done:?} no longer lock: take them off NOT_YET_COMMANDS"
    );
    assert!(!locking.iter().any(|f| f.starts_with("money/")));
}

/// Lock keys come from the aggregates' id types, never from a string a caller spells.
#[test]
fn locks_are_typed() {
    for krate in ["http", "persistence"] {
        for file in crate::support::sources(krate) {
            let text = std::fs::read_to_string(&file).expect("source");
            assert!(
                !text.contains(".lock(\""),
                "{} locks by a string: lock by the aggregate's id type (write::Aggregate)",
                file.display()
            );
        }
    }
}
