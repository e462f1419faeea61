//! The invoice aggregate (*faktura* and *kreditfaktura*): a typed state machine over
//! checked money. Commands in, events out; no IO. The invoice commands of the write path
//! (`samverkan_persistence::invoice::commands`) load the aggregate under its lock, decide
//! the command here and save what the event says.
//!
//! ```text
//! invoice:     draft ─approve→ approved ─issue→ issued ─pay→ partially_paid ─pay→ paid
//!                                                  └──── credit notes issued in full ──→ credited
//! credit note: draft ─approve→ approved ─issue→ issued
//! ```
//! An issued document never changes; only its payment status moves. An issued invoice is
//! credited by one or more credit notes, each of some lines or of all that is left; payments
//! and credits are against the payable amount (VAT included).

use crate::Ore;
use crate::vat::{self, Totals, VatRegime, VatSubtotal, VatTreatment};

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

/// One line of a document: a cost stream's share (net, excluding VAT) and its VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub line_no: i32,
    pub net: Ore,
    pub vat: VatTreatment,
}

/// A credit note as the invoice it credits sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteState {
    pub id: InvoiceId,
    pub issued: bool,
    /// (line number of the credited invoice, net amount credited).
    pub lines: Vec<(i32, Ore)>,
    pub breakdown: Vec<VatSubtotal>,
    pub payable: Ore,
}

/// The computed content of a new document: its lines, VAT breakdown and totals. The only
/// way to make one is [`Computed::invoice`] or a credit command, so a stored document's
/// numbers always obey the rules of [`crate::vat`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub regime: VatRegime,
    pub lines: Vec<InvoiceLine>,
    pub breakdown: Vec<VatSubtotal>,
    pub totals: Totals,
}

impl Computed {
    /// A new invoice of these lines: refused when there are none, when any is negative or
    /// when they mix category O with another (BR-O-11…14).
    pub fn invoice(lines: Vec<InvoiceLine>) -> Result<Computed, InvoiceError> {
        if lines.iter().any(|l| l.net.0 < 0) {
            return Err(InvoiceError::NegativeLine);
        }
        let regime = crate::vat::regime_of(lines.iter().map(|l| &l.vat))
            .ok_or(InvoiceError::MixedRegimes)?;
        let breakdown = vat::breakdown(lines.iter().map(|l| (l.net, &l.vat)))?;
        let totals = vat::totals(lines.iter().map(|l| l.net), &breakdown)?;
        Ok(Computed {
            regime,
            lines,
            breakdown,
            totals,
        })
    }
}

/// What the rules need to know of one document, loaded under the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceState {
    pub id: InvoiceId,
    pub doc_type: DocType,
    pub status: InvoiceStatus,
    pub lines: Vec<InvoiceLine>,
    pub breakdown: Vec<VatSubtotal>,
    pub totals: Totals,
    /// The sum of the payment rows (not a stored counter).
    pub paid: Ore,
    /// Has a number from the series: issued.
    pub issued: bool,
    /// Credit notes that reference this invoice (any status), oldest first.
    pub credit_notes: Vec<CreditNoteState>,
}

/// Whether the seller can issue the document: what the configuration provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seller {
    /// A VAT identifier is configured (needed by S, Z and E lines).
    pub has_vat_id: bool,
}

/// A command on one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceCommand {
    /// *Beslutsattest*: draft → approved.
    Approve,
    /// approved → issued, with the next number of the series.
    Issue { seller: Seller },
    /// Record a payment of `amount`.
    Pay { amount: Ore },
    /// Open a draft credit note: of the given (line number, net amount) pairs, or of
    /// everything not yet credited when `None`.
    Credit { lines: Option<Vec<(i32, Ore)>> },
    /// One of its credit notes was issued: settle the credited amount and the status.
    SettleCredit,
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
    /// A draft credit note with this content is to be created for this invoice.
    CreditNoteOpened {
        note: Computed,
    },
    /// The issued credit notes now credit `credited` (payable) of the invoice.
    CreditSettled {
        credited: Ore,
        status: InvoiceStatus,
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
            InvoiceEvent::CreditSettled { .. } => "settle_credit",
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
    #[error(
        "{doc} {id} has lines under VAT (category S, Z or E), which need the seller's VAT identifier (BR-S-02): configure SAMVERKAN_SELLER_VAT_ID"
    )]
    SellerVatIdMissing { doc: DocType, id: InvoiceId },
    #[error("{doc} {id} is {status}; payments apply to issued invoices with an amount outstanding")]
    NotPayable {
        doc: DocType,
        id: InvoiceId,
        status: InvoiceStatus,
    },
    #[error("must be above 0")]
    AmountNotPositive,
    #[error("exceeds the outstanding {outstanding} öre (payable less credited and paid)")]
    Overpayment { outstanding: i64 },
    #[error("{doc} {id} is {status}; only an issued invoice can be credited")]
    NotCreditable {
        doc: DocType,
        id: InvoiceId,
        status: InvoiceStatus,
    },
    #[error(
        "invoice {0} is credited in full already (its credit notes, drafts included, cover every line)"
    )]
    AlreadyCredited(InvoiceId),
    #[error("must list at least one line")]
    NoCreditLines,
    #[error("invoice has no line {line_no}")]
    UnknownLine { index: usize, line_no: i32 },
    #[error("line {line_no} is listed twice")]
    DuplicateLine { index: usize, line_no: i32 },
    #[error("must be above 0")]
    CreditNotPositive { index: usize },
    #[error("exceeds what is left to credit on line {line_no}: {remaining} öre")]
    CreditAboveRemaining {
        index: usize,
        line_no: i32,
        remaining: i64,
    },
    #[error("an invoice never mixes VAT category O (outside scope) with another category")]
    MixedRegimes,
    #[error("a line amount is negative")]
    NegativeLine,
    #[error("the amounts overflow")]
    Overflow,
}

impl From<vat::Overflow> for InvoiceError {
    fn from(_: vat::Overflow) -> Self {
        InvoiceError::Overflow
    }
}

impl InvoiceError {
    /// True when the document's state refuses the command (HTTP 409); false when the
    /// command's input is wrong (422).
    pub fn is_conflict(&self) -> bool {
        self.field().is_none()
    }

    /// The request field the error is about, if any.
    pub fn field(&self) -> Option<String> {
        match self {
            InvoiceError::AmountNotPositive
            | InvoiceError::Overpayment { .. }
            | InvoiceError::Overflow => Some("amount_ore".into()),
            InvoiceError::NoCreditLines => Some("lines".into()),
            InvoiceError::UnknownLine { index, .. } | InvoiceError::DuplicateLine { index, .. } => {
                Some(format!("lines[{index}].line_no"))
            }
            InvoiceError::CreditNotPositive { index }
            | InvoiceError::CreditAboveRemaining { index, .. } => {
                Some(format!("lines[{index}].amount_ore"))
            }
            InvoiceError::MixedRegimes => Some("vat_regime".into()),
            _ => None,
        }
    }
}

impl InvoiceState {
    /// Σ payable of the issued credit notes.
    pub fn credited(&self) -> Result<Ore, InvoiceError> {
        Ore::checked_sum(
            self.credit_notes
                .iter()
                .filter(|c| c.issued)
                .map(|c| c.payable),
        )
        .ok_or(InvoiceError::Overflow)
    }

    /// What the buyer still owes: payable − credited − paid (negative: owed to the buyer).
    pub fn outstanding(&self) -> Result<Ore, InvoiceError> {
        outstanding(self.totals.payable, self.credited()?, self.paid).ok_or(InvoiceError::Overflow)
    }

    /// Net credited on a line by credit notes (`issued_only`: only the issued ones).
    fn credited_on(&self, line_no: i32, issued_only: bool) -> Result<Ore, InvoiceError> {
        Ore::checked_sum(
            self.credit_notes
                .iter()
                .filter(|c| c.issued || !issued_only)
                .flat_map(|c| c.lines.iter())
                .filter(|(n, _)| *n == line_no)
                .map(|(_, a)| *a),
        )
        .ok_or(InvoiceError::Overflow)
    }

    /// What is left to credit on a line, counting draft credit notes too.
    fn remaining(&self, l: &InvoiceLine) -> Result<Ore, InvoiceError> {
        l.net
            .checked_sub(self.credited_on(l.line_no, false)?)
            .ok_or(InvoiceError::Overflow)
    }

    fn fully_credited(&self) -> Result<bool, InvoiceError> {
        for l in &self.lines {
            if self.credited_on(l.line_no, true)? < l.net {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Applies a command: the event to save, or why not. Pure.
    pub fn decide(&self, cmd: &InvoiceCommand) -> Result<InvoiceEvent, InvoiceError> {
        let (doc, id, status) = (self.doc_type, self.id, self.status);
        match cmd {
            InvoiceCommand::Approve => match status {
                InvoiceStatus::Draft => Ok(InvoiceEvent::Approved),
                _ => Err(InvoiceError::NotDraft { doc, id, status }),
            },
            InvoiceCommand::Issue { seller } => match (status, self.issued) {
                (InvoiceStatus::Approved, false) => {
                    if !seller.has_vat_id
                        && self
                            .lines
                            .iter()
                            .any(|l| l.vat.category.needs_seller_vat_id())
                    {
                        return Err(InvoiceError::SellerVatIdMissing { doc, id });
                    }
                    Ok(InvoiceEvent::Issued)
                }
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
                let outstanding = self.outstanding()?;
                if *amount > outstanding {
                    return Err(InvoiceError::Overpayment {
                        outstanding: outstanding.0.max(0),
                    });
                }
                let paid = self
                    .paid
                    .checked_add(*amount)
                    .ok_or(InvoiceError::Overflow)?;
                let status = if *amount == outstanding {
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
            InvoiceCommand::Credit { lines } => self.credit(lines.as_deref()),
            InvoiceCommand::SettleCredit => {
                if doc != DocType::Invoice || !self.issued {
                    return Err(InvoiceError::NotCreditable { doc, id, status });
                }
                let credited = self.credited()?;
                let status = if self.fully_credited()? {
                    InvoiceStatus::Credited
                } else if self.outstanding()?.0 <= 0 {
                    InvoiceStatus::Paid
                } else if self.paid.0 > 0 {
                    InvoiceStatus::PartiallyPaid
                } else {
                    InvoiceStatus::Issued
                };
                Ok(InvoiceEvent::CreditSettled { credited, status })
            }
        }
    }

    /// A credit note of some or all of what is left to credit. Its VAT breakdown follows
    /// the tax rule, except that a credit note that completes a category and rate takes
    /// that row's remaining tax, so that the credit notes of an invoice credited in full
    /// sum exactly to the invoice (within BR-CO-17's tolerance of one unit).
    fn credit(&self, asked: Option<&[(i32, Ore)]>) -> Result<InvoiceEvent, InvoiceError> {
        let (doc, id, status) = (self.doc_type, self.id, self.status);
        if doc != DocType::Invoice || !self.issued {
            return Err(InvoiceError::NotCreditable { doc, id, status });
        }
        let wanted: Vec<(i32, Ore)> = match asked {
            None => {
                let mut all = Vec::new();
                for l in &self.lines {
                    let left = self.remaining(l)?;
                    if left.0 > 0 {
                        all.push((l.line_no, left));
                    }
                }
                all
            }
            Some([]) => return Err(InvoiceError::NoCreditLines),
            Some(list) => {
                for (index, (line_no, amount)) in list.iter().enumerate() {
                    let line_no = *line_no;
                    let Some(line) = self.lines.iter().find(|l| l.line_no == line_no) else {
                        return Err(InvoiceError::UnknownLine { index, line_no });
                    };
                    if list[..index].iter().any(|(n, _)| *n == line_no) {
                        return Err(InvoiceError::DuplicateLine { index, line_no });
                    }
                    if amount.0 <= 0 {
                        return Err(InvoiceError::CreditNotPositive { index });
                    }
                    let left = self.remaining(line)?;
                    if *amount > left {
                        return Err(InvoiceError::CreditAboveRemaining {
                            index,
                            line_no,
                            remaining: left.0,
                        });
                    }
                }
                list.to_vec()
            }
        };
        if wanted.is_empty() {
            return Err(InvoiceError::AlreadyCredited(id));
        }
        let lines: Vec<InvoiceLine> = wanted
            .iter()
            .filter_map(|(n, a)| {
                self.lines
                    .iter()
                    .find(|l| l.line_no == *n)
                    .map(|l| InvoiceLine {
                        line_no: *n,
                        net: *a,
                        vat: l.vat.clone(),
                    })
            })
            .collect();
        let mut breakdown = vat::breakdown(lines.iter().map(|l| (l.net, &l.vat)))?;
        for row in &mut breakdown {
            let Some(orig) = self
                .breakdown
                .iter()
                .find(|o| o.category == row.category && o.percent == row.percent)
            else {
                continue;
            };
            let same = |r: &&VatSubtotal| r.category == row.category && r.percent == row.percent;
            let earlier = self
                .credit_notes
                .iter()
                .flat_map(|c| c.breakdown.iter().filter(same));
            let (taxable, tax) =
                earlier.fold((0i64, 0i64), |(a, b), r| (a + r.taxable.0, b + r.tax.0));
            if taxable + row.taxable.0 == orig.taxable.0 {
                row.tax = Ore(orig.tax.0 - tax);
            }
        }
        let totals = vat::totals(lines.iter().map(|l| l.net), &breakdown)?;
        let regime =
            vat::regime_of(lines.iter().map(|l| &l.vat)).ok_or(InvoiceError::MixedRegimes)?;
        Ok(InvoiceEvent::CreditNoteOpened {
            note: Computed {
                regime,
                lines,
                breakdown,
                totals,
            },
        })
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
            InvoiceEvent::CreditNoteOpened { note } => self.credit_notes.push(CreditNoteState {
                id: InvoiceId(0),
                issued: false,
                lines: note.lines.iter().map(|l| (l.line_no, l.net)).collect(),
                breakdown: note.breakdown.clone(),
                payable: note.totals.payable,
            }),
            InvoiceEvent::CreditSettled { status, .. } => self.status = *status,
        }
    }
}

/// Days from the issue date to the due date when the treasurer gives none.
pub const PAYMENT_TERM_DAYS: i64 = 30;

/// Why issue terms are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssueTermError {
    #[error("must not be before issue_date")]
    DueBeforeIssue,
}

/// The dates an issued document carries, and the number series they put it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueDates {
    pub issue: chrono::NaiveDate,
    pub due: chrono::NaiveDate,
}

impl IssueDates {
    /// `due` defaults to the issue date plus [`PAYMENT_TERM_DAYS`]; a due date before the
    /// issue date is refused.
    pub fn new(
        issue: chrono::NaiveDate,
        due: Option<chrono::NaiveDate>,
    ) -> Result<IssueDates, IssueTermError> {
        let due = due.unwrap_or(issue + chrono::Duration::days(PAYMENT_TERM_DAYS));
        if due < issue {
            return Err(IssueTermError::DueBeforeIssue);
        }
        Ok(IssueDates { issue, due })
    }

    /// The number series: the issue date's year, shared by invoices and credit notes.
    pub fn series(&self) -> String {
        use chrono::Datelike;
        self.issue.year().to_string()
    }
}

/// A document's number: its series and its place in the gap-free sequence,
/// `2022-000001` (six digits at least, so numbers of a year sort as text).
pub fn document_number(series: &str, n: i64) -> String {
    format!("{series}-{n:06}")
}

/// The buyer reference (BT-10) of a document being issued: the one given at issue, else
/// the municipality's registered one; trimmed; none when that is blank (a given blank
/// reference does not fall back to the registered one).
pub fn buyer_reference(given: Option<&str>, registered: Option<&str>) -> Option<String> {
    given
        .or(registered)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// What the buyer still owes on an issued invoice: payable − credited − paid (negative:
/// owed to the buyer); `None` on overflow.
pub fn outstanding(payable: Ore, credited: Ore, paid: Ore) -> Option<Ore> {
    payable.checked_sub(credited)?.checked_sub(paid)
}

/// What a new invoice of a municipality and period would bill ([`plan_invoice`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoicePlan<T> {
    /// Bill these shares under this regime, numbered from 1: `(stream, payload, line)`.
    Bill {
        regime: VatRegime,
        lines: Vec<(i64, T, InvoiceLine)>,
    },
    /// Invoices in force already bill every share (of the regime asked for): this one.
    Exists(InvoiceId),
    /// No share of the period bills the municipality (under the regime asked for).
    NothingToBill,
    /// The unbilled shares are both outside the scope of VAT and under VAT: say which.
    RegimeNeeded,
}

/// Each share of a period is billed once, and an invoice never mixes VAT regimes: of the
/// municipality's `shares` (`(stream, payload, line)`), those no invoice in force bills
/// (`billed` streams) make the new invoice, under `asked` or the only regime they have.
/// `in_force`: the invoices of the period not credited in full, with their regimes.
pub fn plan_invoice<T>(
    in_force: &[(InvoiceId, VatRegime)],
    billed: &std::collections::BTreeSet<i64>,
    shares: Vec<(i64, T, InvoiceLine)>,
    asked: Option<VatRegime>,
) -> InvoicePlan<T> {
    let existing = |r: Option<VatRegime>| {
        in_force
            .iter()
            .find(|(_, regime)| r.is_none_or(|r| *regime == r))
            .map(|(id, _)| InvoicePlan::Exists(*id))
    };
    let shares: Vec<_> = shares
        .into_iter()
        .filter(|(stream, _, _)| !billed.contains(stream))
        .collect();
    let mut regimes: Vec<VatRegime> = shares
        .iter()
        .map(|(_, _, l)| l.vat.category.regime())
        .collect();
    regimes.sort();
    regimes.dedup();
    let regime = match (asked, regimes.as_slice()) {
        (r, []) => return existing(r).unwrap_or(InvoicePlan::NothingToBill),
        (Some(r), _) if !regimes.contains(&r) => {
            return existing(Some(r)).unwrap_or(InvoicePlan::NothingToBill);
        }
        (Some(r), _) => r,
        (None, [only]) => *only,
        (None, _) => return InvoicePlan::RegimeNeeded,
    };
    let mut lines = Vec::new();
    for (stream, payload, mut line) in shares {
        if line.vat.category.regime() == regime {
            line.line_no = i32::try_from(lines.len() + 1).unwrap_or(i32::MAX);
            lines.push((stream, payload, line));
        }
    }
    InvoicePlan::Bill { regime, lines }
}

/// A stored document as a municipality's summary counts it.
#[derive(Debug, Clone)]
pub struct SummaryDoc<'a> {
    pub doc_type: DocType,
    pub issued: bool,
    /// Payable, VAT included.
    pub total: Ore,
    pub tax: Ore,
    pub paid: Ore,
    /// Its lines: cost stream, description, net amount.
    pub lines: Vec<(i64, &'a str, Ore)>,
}

/// A cost stream's net amounts in a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamTotal {
    pub cost_stream_id: i64,
    pub description: String,
    pub billed: Ore,
    pub credited: Ore,
}

/// What a municipality has been billed, credited and has paid, VAT included, and per
/// cost stream net of VAT.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Issued invoices.
    pub billed: Ore,
    /// Issued credit notes.
    pub credited: Ore,
    /// VAT billed less VAT credited.
    pub tax: Ore,
    /// Paid on issued documents.
    pub paid: Ore,
    /// billed − credited − paid.
    pub outstanding: Ore,
    /// Invoices not yet issued (drafts, approved).
    pub not_issued: Ore,
    /// In the order the streams first appear.
    pub by_stream: Vec<StreamTotal>,
}

/// Sums documents into a [`Summary`] with checked arithmetic: [`InvoiceError::Overflow`]
/// instead of a wrap. Draft credit notes count nowhere.
pub fn summarize<'a>(
    docs: impl IntoIterator<Item = SummaryDoc<'a>>,
) -> Result<Summary, InvoiceError> {
    fn add(a: &mut Ore, b: Ore) -> Result<(), InvoiceError> {
        *a = a.checked_add(b).ok_or(InvoiceError::Overflow)?;
        Ok(())
    }
    let mut s = Summary::default();
    for d in docs {
        let credit = d.doc_type == DocType::CreditNote;
        if !d.issued {
            if !credit {
                add(&mut s.not_issued, d.total)?;
            }
            continue;
        }
        if credit {
            add(&mut s.credited, d.total)?;
            s.tax = s.tax.checked_sub(d.tax).ok_or(InvoiceError::Overflow)?;
        } else {
            add(&mut s.billed, d.total)?;
            add(&mut s.tax, d.tax)?;
        }
        add(&mut s.paid, d.paid)?;
        for (stream, description, net) in d.lines {
            let at = match s.by_stream.iter().position(|b| b.cost_stream_id == stream) {
                Some(i) => i,
                None => {
                    s.by_stream.push(StreamTotal {
                        cost_stream_id: stream,
                        description: description.to_owned(),
                        billed: Ore::ZERO,
                        credited: Ore::ZERO,
                    });
                    s.by_stream.len() - 1
                }
            };
            let t = &mut s.by_stream[at];
            add(
                if credit {
                    &mut t.credited
                } else {
                    &mut t.billed
                },
                net,
            )?;
        }
    }
    s.outstanding = outstanding(s.billed, s.credited, s.paid).ok_or(InvoiceError::Overflow)?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s25() -> VatTreatment {
        VatTreatment::check("S", Some(25), None).expect("S")
    }

    fn state(lines: Vec<InvoiceLine>) -> InvoiceState {
        let c = Computed::invoice(lines).expect("invoice");
        InvoiceState {
            id: InvoiceId(1),
            doc_type: DocType::Invoice,
            status: InvoiceStatus::Issued,
            lines: c.lines,
            breakdown: c.breakdown,
            totals: c.totals,
            paid: Ore::ZERO,
            issued: true,
            credit_notes: vec![],
        }
    }

    fn line(line_no: i32, net: i64, vat: VatTreatment) -> InvoiceLine {
        InvoiceLine {
            line_no,
            net: Ore(net),
            vat,
        }
    }

    fn issued(total: i64) -> InvoiceState {
        state(vec![line(1, total, VatTreatment::outside_scope())])
    }

    /// Issues the credit note an event opened (as the write path does) and settles it.
    fn issue_credit(s: &mut InvoiceState, e: &InvoiceEvent) {
        s.apply(e);
        if let Some(c) = s.credit_notes.last_mut() {
            c.issued = true;
        }
        let settled = s.decide(&InvoiceCommand::SettleCredit).expect("settle");
        s.apply(&settled);
    }

    const SELLER: Seller = Seller { has_vat_id: true };

    #[test]
    fn lifecycle() {
        let mut s = InvoiceState {
            status: InvoiceStatus::Draft,
            issued: false,
            ..issued(100)
        };
        let issue = InvoiceCommand::Issue { seller: SELLER };
        assert!(s.decide(&issue).is_err());
        let e = s.decide(&InvoiceCommand::Approve).expect("approve");
        s.apply(&e);
        assert!(s.decide(&InvoiceCommand::Approve).is_err());
        let e = s.decide(&issue).expect("issue");
        s.apply(&e);
        assert!(matches!(
            s.decide(&issue),
            Err(InvoiceError::NotApproved { .. })
        ));
        let e = s
            .decide(&InvoiceCommand::Credit { lines: None })
            .expect("credit");
        s.apply(&e);
        // The draft credit note reserves everything: nothing is left to credit.
        assert_eq!(
            s.decide(&InvoiceCommand::Credit { lines: None }),
            Err(InvoiceError::AlreadyCredited(InvoiceId(1)))
        );
    }

    #[test]
    fn vat_lines_need_the_sellers_vat_id() {
        let mut s = state(vec![line(1, 100_000, s25())]);
        s.status = InvoiceStatus::Approved;
        s.issued = false;
        let no_id = InvoiceCommand::Issue {
            seller: Seller { has_vat_id: false },
        };
        assert!(matches!(
            s.decide(&no_id),
            Err(InvoiceError::SellerVatIdMissing { .. })
        ));
        assert_eq!(
            s.decide(&InvoiceCommand::Issue { seller: SELLER }),
            Ok(InvoiceEvent::Issued)
        );
        // Category O needs none.
        let mut o = issued(100);
        o.status = InvoiceStatus::Approved;
        o.issued = false;
        assert_eq!(o.decide(&no_id), Ok(InvoiceEvent::Issued));
    }

    #[test]
    fn payments_are_against_the_payable_amount() {
        // 1 000 kr at 25 %: payable 1 250 kr; 1 000 kr leaves it partially paid.
        let mut s = state(vec![line(1, 100_000, s25())]);
        assert_eq!(s.totals.payable, Ore(125_000));
        let e = s
            .decide(&InvoiceCommand::Pay {
                amount: Ore(100_000),
            })
            .expect("pay");
        s.apply(&e);
        assert_eq!(s.status, InvoiceStatus::PartiallyPaid);
        assert_eq!(
            s.decide(&InvoiceCommand::Pay {
                amount: Ore(25_001)
            }),
            Err(InvoiceError::Overpayment {
                outstanding: 25_000
            })
        );
        let e = s
            .decide(&InvoiceCommand::Pay {
                amount: Ore(25_000),
            })
            .expect("pay");
        s.apply(&e);
        assert_eq!(s.status, InvoiceStatus::Paid);
    }

    #[test]
    fn mixed_regimes_are_refused() {
        assert_eq!(
            Computed::invoice(vec![
                line(1, 1, s25()),
                line(2, 1, VatTreatment::outside_scope())
            ]),
            Err(InvoiceError::MixedRegimes)
        );
        assert_eq!(
            Computed::invoice(vec![line(1, -1, s25())]),
            Err(InvoiceError::NegativeLine)
        );
    }

    #[test]
    fn partial_credits_then_credited_takes_no_payment() {
        let mut s = state(vec![line(1, 100_001, s25()), line(2, 50_000, s25())]);
        let bad = |lines: Vec<(i32, i64)>| {
            s.decide(&InvoiceCommand::Credit {
                lines: Some(lines.into_iter().map(|(n, a)| (n, Ore(a))).collect()),
            })
            .map_err(|e| e.field())
        };
        assert_eq!(bad(vec![(3, 1)]), Err(Some("lines[0].line_no".into())));
        assert_eq!(
            bad(vec![(1, 1), (1, 1)]),
            Err(Some("lines[1].line_no".into()))
        );
        assert_eq!(bad(vec![(1, 0)]), Err(Some("lines[0].amount_ore".into())));
        assert_eq!(
            bad(vec![(2, 50_001)]),
            Err(Some("lines[0].amount_ore".into()))
        );
        assert_eq!(bad(vec![]), Err(Some("lines".into())));
        let e = s
            .decide(&InvoiceCommand::Credit {
                lines: Some(vec![(1, Ore(33_333))]),
            })
            .expect("partial");
        issue_credit(&mut s, &e);
        assert_eq!(s.status, InvoiceStatus::Issued);
        let e = s
            .decide(&InvoiceCommand::Credit { lines: None })
            .expect("rest");
        issue_credit(&mut s, &e);
        assert_eq!(s.status, InvoiceStatus::Credited);
        // The credit notes sum exactly to the invoice, VAT included.
        assert_eq!(s.credited(), Ok(s.totals.payable));
        assert_eq!(s.outstanding(), Ok(Ore::ZERO));
        assert!(
            s.decide(&InvoiceCommand::Pay { amount: Ore(1) })
                .is_err_and(|e| e.is_conflict())
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
            paid: Ore(i64::MAX - 1),
            ..issued(i64::MAX)
        };
        assert_eq!(
            near_max.decide(&InvoiceCommand::Pay { amount: Ore(5) }),
            Err(InvoiceError::Overpayment { outstanding: 1 })
        );
    }

    #[test]
    fn issue_terms() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
        let t = IssueDates::new(d("2021-12-20"), None).expect("terms");
        assert_eq!((t.due, t.series()), (d("2022-01-19"), "2021".to_owned()));
        assert_eq!(
            IssueDates::new(d("2022-02-01"), Some(d("2022-01-31"))),
            Err(IssueTermError::DueBeforeIssue)
        );
        assert_eq!(document_number("2022", 1), "2022-000001");
        assert_eq!(document_number("2022", 1_234_567), "2022-1234567");
        assert_eq!(buyer_reference(None, Some(" 4711 ")), Some("4711".into()));
        assert_eq!(buyer_reference(Some("B"), Some("4711")), Some("B".into()));
        assert_eq!(buyer_reference(Some("  "), Some("4711")), None);
        assert_eq!(buyer_reference(None, None), None);
        assert_eq!(outstanding(Ore(100), Ore(30), Ore(20)), Some(Ore(50)));
        assert_eq!(outstanding(Ore(i64::MIN), Ore(1), Ore(0)), None);
    }

    proptest! {
        #[test]
        fn due_dates_never_precede_issue_and_numbers_sort(
            days in 0i64..40_000, term in proptest::option::of(0i64..400),
            a in 1i64..999_999, b in 1i64..999_999,
        ) {
            let issue = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("date")
                + chrono::Duration::days(days);
            let t = IssueDates::new(issue, term.map(|n| issue + chrono::Duration::days(n)))
                .expect("terms");
            prop_assert!(t.due >= issue);
            prop_assert_eq!(t.due - issue, chrono::Duration::days(term.unwrap_or(PAYMENT_TERM_DAYS)));
            let (x, y) = (document_number(&t.series(), a), document_number(&t.series(), b));
            prop_assert_eq!(a.cmp(&b), x.cmp(&y));
        }
    }

    proptest! {
        /// Whatever payments arrive, in any order: paid is the sum of the accepted ones,
        /// never above the payable amount, and `paid` status exactly when it reaches it.
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
                prop_assert!(s.paid <= s.totals.payable);
                prop_assert_eq!(s.status == InvoiceStatus::Paid, s.paid == s.totals.payable);
            }
        }

        /// Credit notes in random partial steps, then the rest: each is refused or stays
        /// within what is left, and together they credit the invoice exactly, VAT included.
        #[test]
        fn partial_credit_notes_sum_to_the_invoice(
            lines in prop::collection::vec((1i64..5_000_000, crate::vat::tests::vat_treatment()), 1..6),
            steps in prop::collection::vec((0usize..6, 1i64..3_000_000), 0..8),
        ) {
            let mut s = state(lines.iter().enumerate().map(|(i, (n, t))| line(i32::try_from(i).unwrap_or(0) + 1, *n, t.clone())).collect());
            for (idx, amount) in steps {
                let line_no = i32::try_from(idx % lines.len()).unwrap_or(0) + 1;
                if let Ok(e) = s.decide(&InvoiceCommand::Credit { lines: Some(vec![(line_no, Ore(amount))]) }) {
                    issue_credit(&mut s, &e);
                    prop_assert!(s.outstanding().expect("no overflow").0 >= 0);
                }
            }
            if let Ok(e) = s.decide(&InvoiceCommand::Credit { lines: None }) {
                issue_credit(&mut s, &e);
            }
            prop_assert_eq!(s.status, InvoiceStatus::Credited);
            prop_assert_eq!(s.credited().expect("no overflow"), s.totals.payable);
            // Every credit note's rows stay within BR-CO-17's tolerance of the tax rule.
            for c in &s.credit_notes {
                for r in &c.breakdown {
                    let exact = vat::tax_of(r.taxable, r.category, r.percent).expect("no overflow");
                    prop_assert!((r.tax.0 - exact.0).abs() < 100, "{r:?}");
                }
            }
        }
    }

    fn doc(
        credit: bool,
        issued: bool,
        total: i64,
        paid: i64,
        lines: &[(i64, i64)],
    ) -> SummaryDoc<'static> {
        SummaryDoc {
            doc_type: if credit {
                DocType::CreditNote
            } else {
                DocType::Invoice
            },
            issued,
            total: Ore(total),
            tax: Ore(total / 5),
            paid: Ore(paid),
            lines: lines.iter().map(|&(s, n)| (s, "stream", Ore(n))).collect(),
        }
    }

    #[test]
    fn summary_counts_issued_documents_only() {
        let s = summarize([
            doc(false, true, 1000, 300, &[(1, 600), (2, 200)]),
            doc(true, true, 250, 0, &[(1, 200)]),
            doc(false, false, 77, 0, &[(3, 77)]),
            doc(true, false, 50, 0, &[(2, 50)]),
        ])
        .expect("summary");
        assert_eq!(
            (s.billed, s.credited, s.paid, s.not_issued),
            (Ore(1000), Ore(250), Ore(300), Ore(77))
        );
        assert_eq!((s.outstanding, s.tax), (Ore(450), Ore(200 - 50)));
        assert_eq!(s.by_stream.len(), 2);
        assert_eq!(
            (s.by_stream[0].billed, s.by_stream[0].credited),
            (Ore(600), Ore(200))
        );
        assert_eq!(
            summarize([
                doc(false, true, i64::MAX, 0, &[]),
                doc(false, true, 1, 0, &[])
            ]),
            Err(InvoiceError::Overflow)
        );
    }

    proptest! {
        /// Whatever the documents: outstanding is billed − credited − paid, each stream's
        /// billed and credited are the sums of the issued lines, and amounts near the
        /// limit give an overflow error, never a wrap or a panic.
        #[test]
        fn summary_adds_up(docs in prop::collection::vec(
            (any::<bool>(), any::<bool>(), -(1i64 << 62)..(1i64 << 62), 0i64..(1 << 40),
             prop::collection::vec((0i64..4, 0i64..(1 << 40)), 0..4)), 0..12)) {
            let built: Vec<_> = docs.iter().map(|(c, i, t, p, l)| doc(*c, *i, *t, *p, l)).collect();
            match summarize(built) {
                Ok(s) => {
                    prop_assert_eq!(Some(s.outstanding), outstanding(s.billed, s.credited, s.paid));
                    for st in &s.by_stream {
                        let sum = |credit: bool| docs.iter()
                            .filter(|d| d.1 && d.0 == credit)
                            .flat_map(|d| d.4.iter())
                            .filter(|(id, _)| *id == st.cost_stream_id)
                            .map(|(_, n)| i128::from(*n)).sum::<i128>();
                        prop_assert_eq!(i128::from(st.billed.0), sum(false));
                        prop_assert_eq!(i128::from(st.credited.0), sum(true));
                    }
                    let billed: i128 = docs.iter().filter(|d| d.1 && !d.0).map(|d| i128::from(d.2)).sum();
                    prop_assert_eq!(i128::from(s.billed.0), billed);
                }
                Err(e) => prop_assert_eq!(e, InvoiceError::Overflow),
            }
        }
    }

    proptest! {
        /// Whatever is billed already: a planned invoice bills no stream twice, holds one
        /// VAT regime, numbers its lines 1..n, and bills every unbilled share of that
        /// regime; with nothing unbilled it names an invoice in force or nothing to bill.
        #[test]
        fn planned_invoices_bill_each_share_once(
            shares in prop::collection::vec((0i64..12, any::<bool>()), 0..12),
            billed in prop::collection::btree_set(0i64..12, 0..6),
            asked in proptest::option::of(any::<bool>()),
            in_force in proptest::option::of(any::<bool>()),
        ) {
            let regime = |vat: bool| if vat { VatRegime::Vat } else { VatRegime::OutsideScope };
            let line = |vat: bool| InvoiceLine {
                line_no: 0,
                net: Ore(100),
                vat: if vat { s25() } else { VatTreatment::outside_scope() },
            };
            let mut seen = std::collections::BTreeSet::new();
            let shares: Vec<(i64, (), InvoiceLine)> = shares
                .into_iter()
                .filter(|(s, _)| seen.insert(*s))
                .map(|(s, vat)| (s, (), line(vat)))
                .collect();
            let force: Vec<(InvoiceId, VatRegime)> =
                in_force.map(|v| (InvoiceId(7), regime(v))).into_iter().collect();
            let unbilled: Vec<_> = shares.iter().filter(|(s, _, _)| !billed.contains(s)).cloned().collect();
            match plan_invoice(&force, &billed, shares, asked.map(regime)) {
                InvoicePlan::Bill { regime: r, lines } => {
                    prop_assert!(!lines.is_empty());
                    for (i, (s, _, l)) in lines.iter().enumerate() {
                        prop_assert!(!billed.contains(s));
                        prop_assert_eq!(l.vat.category.regime(), r);
                        prop_assert_eq!(l.line_no, i as i32 + 1);
                    }
                    let of_regime = unbilled.iter().filter(|(_, _, l)| l.vat.category.regime() == r).count();
                    prop_assert_eq!(lines.len(), of_regime);
                    if let Some(a) = asked { prop_assert_eq!(r, regime(a)); }
                }
                InvoicePlan::Exists(id) => prop_assert_eq!(id, InvoiceId(7)),
                InvoicePlan::NothingToBill => prop_assert!(asked.is_some() || unbilled.is_empty()),
                InvoicePlan::RegimeNeeded => {
                    prop_assert!(asked.is_none());
                    let vats: std::collections::BTreeSet<_> = unbilled.iter().map(|(_, _, l)| l.vat.category.regime()).collect();
                    prop_assert_eq!(vats.len(), 2);
                }
            }
        }
    }
}
