//! The invoice aggregate's commands. Each runs in the write transaction it is given: it
//! locks the aggregate by its id, loads it, asks the domain's state machine, saves what
//! the domain decided and records the audit change. The handler only parses the request
//! and renders the answer.

use chrono::NaiveDate;
use samverkan_domain::Ore;
use samverkan_domain::invoice::{
    DocType, InvoiceCommand, InvoiceEvent, InvoiceId, InvoiceState, InvoiceStatus, IssueDates,
    Seller, buyer_reference, document_number,
};
use samverkan_domain::vat::VatRegime;

use super::document::{Invoicing, render_frozen};
use super::view::{self, Invoice, audit_state};
use crate::Tx;
use crate::command::CommandError;
use crate::money::{self, CreateInvoice, DocumentHead};
use crate::registry;
use crate::write::{InvoicePeriod, NumberSeries};

/// Locks the invoice aggregate and loads it with its rules' view (not found if absent).
fn lock(tx: &mut Tx<'_>, id: InvoiceId) -> Result<(Invoice, InvoiceState), CommandError> {
    tx.lock(&id)?;
    let l = money::load_invoice_state(tx, id.0)?
        .ok_or_else(|| CommandError::not_found(format!("no invoice {id}")))?;
    Ok((
        Invoice::from_rows(l.row, l.lines, l.vat, l.payments),
        l.state,
    ))
}

/// Create a draft invoice of a municipality for a period.
#[derive(Debug, Clone)]
pub struct Create {
    pub municipality: String,
    /// The period, a year (`2021`), and that year as a number.
    pub period: String,
    pub year: i32,
    /// Which invoice to create when the unbilled shares are both outside the scope of
    /// VAT and under VAT.
    pub regime: Option<VatRegime>,
}

/// A draft invoice whose lines are the municipality's shares of the period's cost streams
/// that no invoice in force bills yet, under the municipality's period lock.
pub fn create(tx: &mut Tx<'_>, c: &Create) -> Result<Invoice, CommandError> {
    tx.lock(&InvoicePeriod {
        scb_code: &c.municipality,
        period: &c.period,
    })?;
    let m = registry::find_municipality(tx, &c.municipality)?.ok_or_else(|| {
        CommandError::conflicts(
            "municipality",
            format!("`{}` is not a member municipality", c.municipality),
        )
    })?;
    let streams = money::streams_with_allocations(tx, c.year)?;
    match money::create_invoice(tx, m.scb_code, c.year, &c.period, c.regime, &streams)? {
        CreateInvoice::Created(inv) => {
            let id = InvoiceId(inv.id);
            let after = view::load(tx, inv.id)?;
            tx.changed(&id, "create", None, audit_state(&after));
            Ok(after)
        }
        CreateInvoice::Exists(id) => Err(CommandError::Conflict(format!(
            "invoice {id} and any other in force already bill {} every cost stream share of period {}; a stream added later gets an invoice of its own",
            m.scb_code, c.period
        ))),
        CreateInvoice::NothingToBill => Err(CommandError::conflicts(
            if c.regime.is_some() {
                "vat_regime"
            } else {
                "municipality"
            },
            match c.regime {
                Some(r) => format!("no {r} cost stream of {} bills {}", c.period, m.scb_code),
                None => format!("no cost stream of {} bills {}", c.period, m.scb_code),
            },
        )),
        CreateInvoice::RegimeNeeded => Err(CommandError::conflicts(
            "vat_regime",
            format!(
                "{} bills {} both outside the scope of VAT and under VAT, and an invoice never mixes them: give vat_regime (outside_scope or vat)",
                c.period, m.scb_code
            ),
        )),
        CreateInvoice::Refused(e) => Err(e.into()),
    }
}

/// *Beslutsattest*: draft → approved.
pub fn approve(tx: &mut Tx<'_>, id: InvoiceId) -> Result<Invoice, CommandError> {
    let (before, st) = lock(tx, id)?;
    st.decide(&InvoiceCommand::Approve)?;
    money::transition(tx, id.0, InvoiceStatus::Draft, InvoiceStatus::Approved)?;
    let after = view::load(tx, id.0)?;
    tx.changed(&id, "approve", audit_state(&before), audit_state(&after));
    Ok(after)
}

/// Issue an approved invoice or credit note.
#[derive(Debug, Clone)]
pub struct Issue {
    pub id: InvoiceId,
    pub dates: IssueDates,
    /// Given at issue; else the municipality's registered one.
    pub buyer_reference: Option<String>,
}

/// approved → issued: the next number of the year's gap-free series, the dates, the buyer
/// reference and the seller's payment account and VAT number fixed on the document, the
/// document frozen as it reads now; issuing a credit note settles the invoice it credits.
pub fn issue(tx: &mut Tx<'_>, c: &Issue, invoicing: &Invoicing) -> Result<Invoice, CommandError> {
    let account = invoicing
        .payment
        .as_ref()
        .map(|p| p.stored())
        .ok_or_else(|| {
            CommandError::Conflict(
                "no payment account is configured (SAMVERKAN_BANKGIRO or SAMVERKAN_PLUSGIRO): invoices can be drafted and approved, not issued".into(),
            )
        })?;
    let vat_id = invoicing.seller_vat_id.as_ref().map(|v| v.as_str());
    let seller = Seller {
        has_vat_id: vat_id.is_some(),
    };
    let id = c.id;
    let (before, st) = lock(tx, id)?;
    st.decide(&InvoiceCommand::Issue { seller })?;
    let m = registry::find_municipality(tx, &before.scb_code)?
        .ok_or_else(|| CommandError::Corrupt(format!("invoice {id}: municipality vanished")))?;
    let reference = buyer_reference(c.buyer_reference.as_deref(), m.buyer_reference.as_deref())
        .ok_or_else(|| {
            CommandError::invalid(
                "buyer_reference",
                format!("required: {} has no registered buyer reference", m.scb_code),
            )
        })?;
    // The series is locked until commit: numbers are gap-free and unique, and a rollback
    // gives the number back.
    let series = c.dates.series();
    tx.lock(&NumberSeries(&series))?;
    let n = money::next_number(tx, &series)?;
    let number = document_number(&series, n);
    let under_vat = before.vat_regime == VatRegime::Vat.as_str();
    money::mark_issued(
        tx,
        id.0,
        InvoiceStatus::Approved,
        &money::Issue {
            series: &series,
            number: &number,
            issue_date: c.dates.issue,
            due_date: c.dates.due,
            buyer_reference: &reference,
            payment_account: &account,
            seller_vat_id: vat_id.filter(|_| under_vat),
        },
    )?;
    // Issued means frozen: the document as it reads now is stored with it.
    let frozen = render_frozen(tx, id.0, invoicing)?;
    money::freeze(tx, id.0, &frozen)?;
    let after = view::load(tx, id.0)?;
    tx.changed(
        &id,
        InvoiceEvent::Issued.action(),
        audit_state(&before),
        audit_state(&after),
    );
    if let Some(original) = after.credits_invoice_id {
        settle_credit(tx, InvoiceId(original))?;
    }
    Ok(after)
}

/// A credit note of `original` was issued: the original's credited amount and status
/// follow, under its own lock.
fn settle_credit(tx: &mut Tx<'_>, original: InvoiceId) -> Result<(), CommandError> {
    let (before, st) = lock(tx, original)?;
    let event = st.decide(&InvoiceCommand::SettleCredit)?;
    let InvoiceEvent::CreditSettled { credited, status } = &event else {
        return Err(CommandError::Corrupt(format!(
            "settling a credit of invoice {original} made another event"
        )));
    };
    money::settle(tx, original.0, money::Settled::Credited(*credited), *status)?;
    let after = view::load(tx, original.0)?;
    tx.changed(
        &original,
        event.action(),
        audit_state(&before),
        audit_state(&after),
    );
    Ok(())
}

/// Record a payment on an issued invoice.
#[derive(Debug, Clone)]
pub struct Pay {
    pub id: InvoiceId,
    pub amount: Ore,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
}

/// At most what is outstanding; the invoice becomes `partially_paid` or `paid`.
pub fn pay(tx: &mut Tx<'_>, c: &Pay) -> Result<Invoice, CommandError> {
    let id = c.id;
    let (before, st) = lock(tx, id)?;
    let event = st.decide(&InvoiceCommand::Pay { amount: c.amount })?;
    let InvoiceEvent::PaymentRecorded { paid, status, .. } = &event else {
        return Err(CommandError::Corrupt(format!(
            "a payment of invoice {id} made another event"
        )));
    };
    let payment = money::insert_payment(
        tx,
        &money::NewPayment {
            invoice_id: id.0,
            amount_ore: c.amount.0,
            paid_on: c.paid_on,
            reference: c.reference.clone(),
            created_at: crate::now(),
        },
    )?;
    money::settle(tx, id.0, money::Settled::Paid(*paid), *status)?;
    let after = view::load(tx, id.0)?;
    let mut logged = audit_state(&after);
    if let Some(o) = logged.as_mut().and_then(|v| v.as_object_mut()) {
        o.insert(
            "payment".into(),
            serde_json::to_value(view::Payment::from(payment))
                .map_err(|e| CommandError::Corrupt(e.to_string()))?,
        );
    }
    tx.changed(&id, event.action(), audit_state(&before), logged);
    Ok(after)
}

/// Open a draft credit note of an issued invoice.
#[derive(Debug, Clone)]
pub struct Credit {
    pub id: InvoiceId,
    /// The invoice lines and net amounts to credit; `None`: everything not yet credited.
    pub lines: Option<Vec<(i32, Ore)>>,
    pub reason: Option<String>,
}

/// A draft credit note whose VAT follows the invoice's lines; the original never changes.
pub fn credit(tx: &mut Tx<'_>, c: &Credit) -> Result<Invoice, CommandError> {
    let id = c.id;
    let (cur, st) = lock(tx, id)?;
    let InvoiceEvent::CreditNoteOpened { note } = st.decide(&InvoiceCommand::Credit {
        lines: c.lines.clone(),
    })?
    else {
        return Err(CommandError::Corrupt(format!(
            "crediting invoice {id} made another event"
        )));
    };
    let described: Vec<(i64, String)> = note
        .lines
        .iter()
        .map(|l| {
            let orig = cur.lines.iter().find(|o| o.line_no == l.line_no);
            let name = orig.map_or("", |o| o.description.as_str());
            (
                orig.map_or(0, |o| o.cost_stream_id),
                match &c.reason {
                    Some(r) => format!("Kredit: {name} ({r})"),
                    None => format!("Kredit: {name}"),
                },
            )
        })
        .collect();
    let head = DocumentHead {
        doc_type: DocType::CreditNote,
        scb_code: cur
            .scb_code
            .parse()
            .map_err(|e| CommandError::Corrupt(format!("invoice {id}: `{}`: {e}", cur.scb_code)))?,
        year: cur.year,
        period: cur.period.clone(),
        credits_invoice_id: Some(id.0),
    };
    let cn = money::insert_document(tx, &head, &note, &described)?;
    let after = view::load(tx, cn.id)?;
    tx.changed(
        &InvoiceId(cn.id),
        "create_credit_note",
        None,
        audit_state(&after),
    );
    Ok(after)
}
