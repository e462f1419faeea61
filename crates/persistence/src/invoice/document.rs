//! The PEPPOL BIS Billing 3.0 document of an issued invoice or credit note, built from its
//! rows, the registry and the seller's configuration; fixed (frozen) when it is issued.

use samverkan_domain::OrgNumber;
use samverkan_domain::invoice::DocType;
use samverkan_domain::peppol::{Endpoint, PaymentAccount};
use samverkan_domain::ubl::{self, Document, Line, Party};
use samverkan_domain::vat::{VatRegime, VatSubtotal};

use crate::DbConnection;
use crate::command::CommandError;
use crate::money::{self, InvoiceRow, LineRow, VatRow};
use crate::registry::{self, MunicipalityRow};

/// What the seller's configuration gives its invoices, each part validated at start. A
/// missing part refuses only what needs it: issuing any invoice needs the payment account,
/// a stream or invoice under VAT needs the VAT identifier. No placeholder is ever written.
#[derive(Clone, Debug, Default)]
pub struct Invoicing {
    /// Bankgiro or plusgiro (PaymentMeans code 30).
    pub payment: Option<samverkan_domain::peppol::PaymentAccount>,
    /// The seller's VAT registration number (BT-31), `SE` + 10 digits + `01`.
    pub seller_vat_id: Option<samverkan_domain::vat::VatId>,
    /// The seller's Peppol address; default the host's organisation number (0007).
    pub seller_endpoint: Option<samverkan_domain::peppol::Endpoint>,
}

impl Invoicing {
    /// Validates the settings as given (`SAMVERKAN_BANKGIRO`, `SAMVERKAN_PLUSGIRO`,
    /// `SAMVERKAN_SELLER_VAT_ID`, `SAMVERKAN_SELLER_ENDPOINT`): an error names the setting.
    pub fn from_settings(
        bankgiro: Option<&str>,
        plusgiro: Option<&str>,
        vat_id: Option<&str>,
        endpoint: Option<&str>,
    ) -> Result<Invoicing, String> {
        use samverkan_domain::peppol::{Endpoint, PaymentAccount};
        let given = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let payment = match (given(bankgiro), given(plusgiro)) {
            (Some(_), Some(_)) => {
                return Err("set SAMVERKAN_BANKGIRO or SAMVERKAN_PLUSGIRO, not both".into());
            }
            (Some(b), None) => {
                Some(PaymentAccount::bankgiro(&b).map_err(|e| format!("SAMVERKAN_BANKGIRO: {e}"))?)
            }
            (None, Some(p)) => {
                Some(PaymentAccount::plusgiro(&p).map_err(|e| format!("SAMVERKAN_PLUSGIRO: {e}"))?)
            }
            (None, None) => None,
        };
        let seller_vat_id = given(vat_id)
            .map(|v| samverkan_domain::vat::VatId::parse(&v))
            .transpose()
            .map_err(|e| format!("SAMVERKAN_SELLER_VAT_ID: {e}"))?;
        let seller_endpoint = given(endpoint)
            .map(|e| Endpoint::parse_pair(&e))
            .transpose()
            .map_err(|e| format!("SAMVERKAN_SELLER_ENDPOINT: {}", e.message))?;
        Ok(Invoicing {
            payment,
            seller_vat_id,
            seller_endpoint,
        })
    }
}

/// A stored document with its lines and VAT breakdown.
pub struct Stored {
    pub row: InvoiceRow,
    pub lines: Vec<LineRow>,
    pub vat: Vec<VatRow>,
}

pub fn load(conn: &mut DbConnection, id: i64) -> Result<Stored, CommandError> {
    let row = money::find_invoice(conn, id)?
        .ok_or_else(|| CommandError::not_found(format!("no invoice {id}")))?;
    with_lines(conn, row)
}

/// A document row with its lines and VAT breakdown.
pub fn with_lines(conn: &mut DbConnection, row: InvoiceRow) -> Result<Stored, CommandError> {
    Ok(Stored {
        lines: money::lines_of(conn, row.id)?,
        vat: money::vat_of_many(conn, &[row.id])?,
        row,
    })
}

fn org_digits(m: &MunicipalityRow) -> String {
    OrgNumber::parse(&m.org_number)
        .map(|o| o.digits())
        .unwrap_or_else(|_| m.org_number.replace('-', ""))
}

/// A municipality as a party: its Peppol endpoint (the registered one, else its
/// organisation number, scheme 0007) and, always, its organisation number as legal id.
fn party(m: &MunicipalityRow, endpoint: Option<Endpoint>) -> Party {
    let digits = org_digits(m);
    let registered = match (&m.peppol_endpoint_scheme, &m.peppol_endpoint_id) {
        (Some(scheme), Some(id)) => Endpoint::parse(scheme, id).ok(),
        (None, Some(id)) => Endpoint::parse(samverkan_domain::peppol::SCHEME_SE_ORG, id).ok(),
        _ => None,
    };
    Party {
        name: m
            .legal_name
            .clone()
            .unwrap_or_else(|| format!("{} kommun", m.name)),
        endpoint: endpoint.or(registered).unwrap_or(Endpoint {
            scheme: samverkan_domain::peppol::SCHEME_SE_ORG.into(),
            id: digits.clone(),
        }),
        org_digits: digits,
        street: m.address_street.clone(),
        city: m.address_city.clone(),
        postcode: m.address_postcode.clone(),
        vat_id: None,
        trading_name: None,
    }
}

pub fn breakdown(vat: &[VatRow]) -> Vec<VatSubtotal> {
    vat.iter().map(VatRow::subtotal).collect()
}

pub fn document(
    conn: &mut DbConnection,
    d: &Stored,
    invoicing: &Invoicing,
) -> Result<Document, CommandError> {
    let inv = &d.row;
    let (Some(number), Some(issue_date), Some(due_date), Some(reference)) = (
        inv.number.clone(),
        inv.issue_date,
        inv.due_date,
        inv.buyer_reference.clone(),
    ) else {
        return Err(CommandError::Conflict(format!(
            "invoice {} is {}: PEPPOL documents exist only for issued invoices",
            inv.id, inv.status
        )));
    };
    let host = registry::list_municipalities(
        conn,
        &registry::MunicipalityFilter {
            limit: 1000,
            ..Default::default()
        },
    )?
    .into_iter()
    .find(|m| m.is_host)
    .ok_or_else(|| CommandError::Corrupt("no host municipality registered".into()))?;
    let buyer = registry::find_municipality(conn, inv.scb_code.as_str())?
        .ok_or_else(|| CommandError::Corrupt("municipality vanished".into()))?;
    let billing_reference = match inv.credits_invoice_id {
        Some(orig) => {
            money::find_invoice(conn, orig)?.and_then(|o| Some((o.number?, o.issue_date?)))
        }
        None => None,
    };
    // What was fixed when the document was issued; documents issued before that was
    // recorded take the current configuration.
    let payment = inv
        .payment_account
        .as_deref()
        .and_then(PaymentAccount::from_stored)
        .or_else(|| invoicing.payment.clone())
        .ok_or_else(|| {
            CommandError::Conflict(
                "no payment account is configured (SAMVERKAN_BANKGIRO or SAMVERKAN_PLUSGIRO)"
                    .into(),
            )
        })?;
    let under_vat = inv.vat_regime == VatRegime::Vat;
    let mut seller = party(&host, invoicing.seller_endpoint.clone());
    seller.trading_name = Some(format!(
        "Norrbottens e-nämnd (värdkommun {} kommun)",
        host.name
    ));
    seller.vat_id = inv
        .seller_vat_id
        .clone()
        .or_else(|| {
            invoicing
                .seller_vat_id
                .as_ref()
                .map(|v| v.as_str().to_owned())
        })
        .filter(|_| under_vat);
    let lines = d
        .lines
        .iter()
        .map(|l| {
            Ok(Line {
                id: l.line_no.to_string(),
                name: l.description.clone(),
                amount_ore: l.amount_ore,
                vat: l.domain()?.vat,
            })
        })
        .collect::<Result<Vec<_>, CommandError>>()?;
    Ok(Document {
        credit_note: inv.doc_type == DocType::CreditNote,
        payment_id: number.clone(),
        number,
        issue_date,
        due_date,
        buyer_reference: reference,
        billing_reference,
        seller,
        buyer: party(&buyer, None),
        payment,
        lines,
        breakdown: breakdown(&d.vat),
        totals: inv.totals(),
    })
}

/// What the issued document `id` shows, rendered now from its rows, the registry and the
/// configuration: called once, when it is issued (or, for a document issued before
/// documents were frozen, at the first start after), and stored with it.
pub fn render_frozen(
    conn: &mut DbConnection,
    id: i64,
    invoicing: &Invoicing,
) -> Result<money::Frozen, CommandError> {
    use sha2::{Digest, Sha256};
    let d = load(conn, id)?;
    let buyer_name = registry::find_municipality(conn, d.row.scb_code.as_str())?
        .map(|m| m.name)
        .ok_or_else(|| CommandError::Corrupt("municipality vanished".into()))?;
    let ubl = ubl::to_ubl(&document(conn, &d, invoicing)?);
    Ok(money::Frozen {
        ubl_sha256: hex::encode(Sha256::digest(ubl.as_bytes())),
        ubl,
        buyer_name,
    })
}

/// Freezes the documents issued before documents were frozen at issue, as they render
/// now; run by `serve` at start. A document that cannot be rendered (no payment account
/// stored or configured) is left as it is and named in the error list.
pub fn freeze_issued(
    conn: &mut DbConnection,
    invoicing: &Invoicing,
) -> Result<(usize, Vec<String>), String> {
    let ids = money::unfrozen_issued(conn).map_err(|e| e.to_string())?;
    let (mut frozen, mut failed) = (0, Vec::new());
    for id in ids {
        match render_frozen(conn, id, invoicing) {
            Ok(f) => {
                if money::freeze(conn, id, &f).map_err(|e| e.to_string())? {
                    frozen += 1;
                }
            }
            Err(e) => failed.push(format!("invoice {id}: {e}")),
        }
    }
    Ok((frozen, failed))
}
