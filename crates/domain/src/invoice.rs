//! The invoice aggregate (*faktura* and *kreditfaktura*): a typed state machine over
//! checked money. Commands in, events out; no IO. The write path in `persistence` loads
//! the aggregate under a lock, applies a command here and saves what the event says.
//!
//! ```text
//! invoice:     draft ─approve→ approved ─issue→ issued ─pay→ partially_paid ─pay→ paid
//! credit note: draft ─approve→ approved ─issue→ issued
//! ```
//! An issued document never changes; only its payment status moves. An issued invoice
//! may be credited once, in full, by a credit note.

use crate::Ore;

/// Invoice or credit note (UBL `Invoice` / `CreditNote`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocType {
    Invoice,
    CreditNote,
}
str_enum!(DocType { Invoice => "invoice", CreditNote => "credit_note" });

/// Where a document is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Draft,
    Approved,
    Issued,
    PartiallyPaid,
    Paid,
    Credited,
}
str_enum!(InvoiceStatus {
    Draft => "draft",
    Approved => "approved",
    Issued => "issued",
    PartiallyPaid => "partially_paid",
    Paid => "paid",
    Credited => "credited",
});

/// Id of an invoice or credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InvoiceId(pub i64);

impl std::fmt::Display for InvoiceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What the rules need to know of one document, loaded under the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceState {
    pub id: InvoiceId,
    pub doc_type: DocType,
    pub status: InvoiceStatus,
    pub total: Ore,
    /// The sum of the payment rows (not a stored counter).
    pub paid: Ore,
    /// Has a number from the series: issued.
    pub issued: bool,
    /// Credit notes that reference this invoice (any status).
    pub credit_notes: usize,
}

/// A command on one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceCommand {
    /// *Beslutsattest*: draft → approved.
    Approve,
    /// approved → issued, with the next number of the series.
    Issue,
    /// Record a payment of `amount`.
    Pay { amount: Ore },
    /// Open a credit note crediting all of the invoice.
    Credit,
}

/// What a command did; the persistence layer saves exactly this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceEvent {
    Approved,
    Issued,
    PaymentRecorded {
        amount: Ore,
        paid: Ore,
        status: InvoiceStatus,
    },
    /// A draft credit note of `amount` is to be created for this invoice.
    CreditNoteOpened {
        amount: Ore,
    },
}

impl InvoiceEvent {
    /// The audit action name.
    pub fn action(&self) -> &'static str {
        match self {
            InvoiceEvent::Approved => "approve",
            InvoiceEvent::Issued => "issue",
            InvoiceEvent::PaymentRecorded { .. } => "record_payment",
            InvoiceEvent::CreditNoteOpened { .. } => "create_credit_note",
        }
    }
}

/// Why a command was refused. `Conflict` kinds are about the document's state (409);
/// the others about the command's input (422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    #[error("{doc} {id} is {status}; only a draft can be approved")]
    NotDraft {
        doc: DocType,
        id: InvoiceId,
        status: InvoiceStatus,
    },
    #[error(
        "{doc} {id} is {status}; only an approved document can be issued, and an issued one never changes"
    )]
    NotApproved {
        doc: DocType,
        id: InvoiceId,
        status: InvoiceStatus,
    },
    #[error("{doc} {id} is {status}; payments apply to issued, unpaid invoices")]
    NotPayable {
        doc: DocType,
        id: InvoiceId,
        status: InvoiceStatus,
    },
    #[error("must be above 0")]
    AmountNotPositive,
    #[error("exceeds the outstanding {outstanding} öre")]
    Overpayment { outstanding: i64 },
    #[error("{doc} {id} is {status}; only an issued invoice can be credited")]
    NotCreditable {
        doc: DocType,
        id: InvoiceId,
        status: InvoiceStatus,
    },
    #[error("invoice {0} already has a credit note")]
    AlreadyCredited(InvoiceId),
    #[error("the amounts overflow")]
    Overflow,
}

impl InvoiceError {
    /// True when the document's state refuses the command (HTTP 409); false when the
    /// command's input is wrong (422).
    pub fn is_conflict(&self) -> bool {
        !matches!(
            self,
            InvoiceError::AmountNotPositive
                | InvoiceError::Overpayment { .. }
                | InvoiceError::Overflow
        )
    }

    /// The request field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            InvoiceError::AmountNotPositive
            | InvoiceError::Overpayment { .. }
            | InvoiceError::Overflow => Some("amount_ore"),
            _ => None,
        }
    }
}

impl InvoiceState {
    /// Applies a command: the event to save, or why not. Pure.
    pub fn decide(&self, cmd: &InvoiceCommand) -> Result<InvoiceEvent, InvoiceError> {
        let (doc, id, status) = (self.doc_type, self.id, self.status);
        match cmd {
            InvoiceCommand::Approve => match status {
                InvoiceStatus::Draft => Ok(InvoiceEvent::Approved),
                _ => Err(InvoiceError::NotDraft { doc, id, status }),
            },
            InvoiceCommand::Issue => match (status, self.issued) {
                (InvoiceStatus::Approved, false) => Ok(InvoiceEvent::Issued),
                _ => Err(InvoiceError::NotApproved { doc, id, status }),
            },
            InvoiceCommand::Pay { amount } => {
                if doc != DocType::Invoice
                    || !matches!(status, InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid)
                {
                    return Err(InvoiceError::NotPayable { doc, id, status });
                }
                if amount.0 <= 0 {
                    return Err(InvoiceError::AmountNotPositive);
                }
                let outstanding = self
                    .total
                    .checked_sub(self.paid)
                    .ok_or(InvoiceError::Overflow)?;
                let paid = self
                    .paid
                    .checked_add(*amount)
                    .ok_or(InvoiceError::Overflow)?;
                if paid > self.total {
                    return Err(InvoiceError::Overpayment {
                        outstanding: outstanding.0,
                    });
                }
                let status = if paid == self.total {
                    InvoiceStatus::Paid
                } else {
                    InvoiceStatus::PartiallyPaid
                };
                Ok(InvoiceEvent::PaymentRecorded {
                    amount: *amount,
                    paid,
                    status,
                })
            }
            InvoiceCommand::Credit => {
                if doc != DocType::Invoice || !self.issued {
                    return Err(InvoiceError::NotCreditable { doc, id, status });
                }
                if self.credit_notes > 0 {
                    return Err(InvoiceError::AlreadyCredited(id));
                }
                Ok(InvoiceEvent::CreditNoteOpened { amount: self.total })
            }
        }
    }

    /// The state after an event (what the persistence layer will have saved).
    pub fn apply(&mut self, event: &InvoiceEvent) {
        match event {
            InvoiceEvent::Approved => self.status = InvoiceStatus::Approved,
            InvoiceEvent::Issued => {
                self.status = InvoiceStatus::Issued;
                self.issued = true;
            }
            InvoiceEvent::PaymentRecorded { paid, status, .. } => {
                self.paid = *paid;
                self.status = *status;
            }
            InvoiceEvent::CreditNoteOpened { .. } => self.credit_notes += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn issued(total: i64) -> InvoiceState {
        InvoiceState {
            id: InvoiceId(1),
            doc_type: DocType::Invoice,
            status: InvoiceStatus::Issued,
            total: Ore(total),
            paid: Ore::ZERO,
            issued: true,
            credit_notes: 0,
        }
    }

    #[test]
    fn lifecycle() {
        let mut s = InvoiceState {
            status: InvoiceStatus::Draft,
            issued: false,
            ..issued(100)
        };
        assert!(s.decide(&InvoiceCommand::Issue).is_err());
        let e = s.decide(&InvoiceCommand::Approve).expect("approve");
        s.apply(&e);
        assert!(s.decide(&InvoiceCommand::Approve).is_err());
        let e = s.decide(&InvoiceCommand::Issue).expect("issue");
        s.apply(&e);
        assert!(matches!(
            s.decide(&InvoiceCommand::Issue),
            Err(InvoiceError::NotApproved { .. })
        ));
        let e = s.decide(&InvoiceCommand::Credit).expect("credit");
        s.apply(&e);
        assert_eq!(
            s.decide(&InvoiceCommand::Credit),
            Err(InvoiceError::AlreadyCredited(InvoiceId(1)))
        );
    }

    #[test]
    fn payments_need_a_positive_amount_and_an_issued_invoice() {
        let s = issued(100);
        assert_eq!(
            s.decide(&InvoiceCommand::Pay { amount: Ore(0) }),
            Err(InvoiceError::AmountNotPositive)
        );
        let credit_note = InvoiceState {
            doc_type: DocType::CreditNote,
            ..issued(100)
        };
        assert!(
            credit_note
                .decide(&InvoiceCommand::Pay { amount: Ore(1) })
                .is_err_and(|e| e.is_conflict())
        );
        let near_max = InvoiceState {
            total: Ore(i64::MAX),
            paid: Ore(i64::MAX - 1),
            ..issued(0)
        };
        assert_eq!(
            near_max.decide(&InvoiceCommand::Pay { amount: Ore(5) }),
            Err(InvoiceError::Overflow)
        );
    }

    proptest! {
        /// Whatever payments arrive, in any order: paid is the sum of the accepted ones,
        /// never above the total, and `paid` status exactly when it reaches the total.
        #[test]
        fn payments_never_overpay(total in 1i64..1_000_000, amounts in prop::collection::vec(-10i64..400_000, 0..40)) {
            let mut s = issued(total);
            let mut accepted = 0i64;
            for a in amounts {
                match s.decide(&InvoiceCommand::Pay { amount: Ore(a) }) {
                    Ok(e) => { accepted += a; s.apply(&e); }
                    Err(err) => prop_assert!(a <= 0 || accepted + a > total || s.status == InvoiceStatus::Paid, "{err}"),
                }
                prop_assert_eq!(s.paid.0, accepted);
                prop_assert!(s.paid <= s.total);
                prop_assert_eq!(s.status == InvoiceStatus::Paid, s.paid == s.total);
            }
        }
    }
}
