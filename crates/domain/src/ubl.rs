//! PEPPOL BIS Billing 3.0 (UBL 2.1) invoices and credit notes, and the CSV that finance
//! systems import. Pure functions: the caller passes everything, text is XML-escaped.

use chrono::NaiveDate;

use crate::invoice::{DocType, InvoiceStatus};
use crate::money::Ore;
use crate::peppol::{Endpoint, PaymentAccount};
use crate::vat::{Totals, VatCategory, VatSubtotal, VatTreatment};

pub const CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
pub const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// A party (seller or buyer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Legal name (*juridiskt namn*).
    pub name: String,
    /// Peppol electronic address (BT-34/BT-49).
    pub endpoint: Endpoint,
    /// Organisation number digits, the legal registration id (BT-30/BT-47, scheme 0007).
    pub org_digits: String,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postcode: Option<String>,
    /// Seller VAT id (BT-31): written when the document is under VAT (BR-S-02), never
    /// when it is outside its scope (BR-O-02).
    pub vat_id: Option<String>,
    /// Trading name, e.g. on whose behalf the host invoices.
    pub trading_name: Option<String>,
}

/// One line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: String,
    pub name: String,
    /// Net amount (BT-131).
    pub amount_ore: i64,
    pub vat: VatTreatment,
}

/// An issued invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub credit_note: bool,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub buyer_reference: String,
    /// For a credit note: the number and issue date of the invoice it credits.
    pub billing_reference: Option<(String, NaiveDate)>,
    pub seller: Party,
    pub buyer: Party,
    /// The account for PaymentMeans code 30.
    pub payment: PaymentAccount,
    pub payment_id: String,
    pub lines: Vec<Line>,
    /// The stored VAT breakdown and totals: the same numbers the JSON shows.
    pub breakdown: Vec<VatSubtotal>,
    pub totals: Totals,
}

/// Escapes text for XML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn amt(o: i64) -> String {
    Ore(o).to_decimal()
}

fn party(x: &mut String, p: &Party, seller: bool, outside_scope: bool) {
    let e = escape;
    x.push_str("<cac:Party>");
    x.push_str(&format!(
        "<cbc:EndpointID schemeID=\"{}\">{}</cbc:EndpointID>",
        e(&p.endpoint.scheme),
        e(&p.endpoint.id)
    ));
    if let Some(t) = &p.trading_name {
        x.push_str(&format!(
            "<cac:PartyName><cbc:Name>{}</cbc:Name></cac:PartyName>",
            e(t)
        ));
    }
    x.push_str("<cac:PostalAddress>");
    if let Some(s) = &p.street {
        x.push_str(&format!("<cbc:StreetName>{}</cbc:StreetName>", e(s)));
    }
    if let Some(c) = &p.city {
        x.push_str(&format!("<cbc:CityName>{}</cbc:CityName>", e(c)));
    }
    if let Some(z) = &p.postcode {
        x.push_str(&format!("<cbc:PostalZone>{}</cbc:PostalZone>", e(z)));
    }
    x.push_str("<cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>");
    if seller
        && !outside_scope
        && let Some(v) = &p.vat_id
    {
        x.push_str(&format!("<cac:PartyTaxScheme><cbc:CompanyID>{}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>", e(v)));
    }
    x.push_str(&format!(
        "<cac:PartyLegalEntity><cbc:RegistrationName>{}</cbc:RegistrationName><cbc:CompanyID schemeID=\"0007\">{}</cbc:CompanyID></cac:PartyLegalEntity>",
        e(&p.name),
        e(&p.org_digits)
    ));
    x.push_str("</cac:Party>");
}

fn tax_category(x: &mut String, tag: &str, cat: VatCategory, percent: i32, reason: Option<&str>) {
    x.push_str(&format!("<cac:{tag}><cbc:ID>{cat}</cbc:ID>"));
    if cat.has_rate() {
        x.push_str(&format!("<cbc:Percent>{percent}</cbc:Percent>"));
    }
    if tag == "TaxCategory"
        && let Some(r) = reason
    {
        x.push_str(&format!(
            "<cbc:TaxExemptionReason>{}</cbc:TaxExemptionReason>",
            escape(r)
        ));
    }
    x.push_str(&format!(
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:{tag}>"
    ));
}

/// The UBL 2.1 XML of an invoice (`Invoice`, type 380) or credit note (`CreditNote`,
/// type 381), following PEPPOL BIS Billing 3.0.
pub fn to_ubl(d: &Document) -> String {
    let e = escape;
    let (root, ns, type_tag, line_tag, qty_tag) = if d.credit_note {
        (
            "CreditNote",
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
            "CreditNoteTypeCode",
            "CreditNoteLine",
            "CreditedQuantity",
        )
    } else {
        (
            "Invoice",
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
            "InvoiceTypeCode",
            "InvoiceLine",
            "InvoicedQuantity",
        )
    };
    let outside_scope = d
        .lines
        .iter()
        .any(|l| l.vat.category == VatCategory::OutsideScope);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<{root} xmlns=\"{ns}\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">"
    ));
    x.push_str(&format!(
        "<cbc:CustomizationID>{CUSTOMIZATION_ID}</cbc:CustomizationID>"
    ));
    x.push_str(&format!("<cbc:ProfileID>{PROFILE_ID}</cbc:ProfileID>"));
    x.push_str(&format!("<cbc:ID>{}</cbc:ID>", e(&d.number)));
    x.push_str(&format!("<cbc:IssueDate>{}</cbc:IssueDate>", d.issue_date));
    if !d.credit_note {
        x.push_str(&format!("<cbc:DueDate>{}</cbc:DueDate>", d.due_date));
    }
    x.push_str(&format!(
        "<cbc:{type_tag}>{}</cbc:{type_tag}>",
        if d.credit_note { 381 } else { 380 }
    ));
    x.push_str("<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>");
    x.push_str(&format!(
        "<cbc:BuyerReference>{}</cbc:BuyerReference>",
        e(&d.buyer_reference)
    ));
    if let Some((n, date)) = &d.billing_reference {
        x.push_str(&format!(
            "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>{}</cbc:ID><cbc:IssueDate>{date}</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>",
            e(n)
        ));
    }
    x.push_str("<cac:AccountingSupplierParty>");
    party(&mut x, &d.seller, true, outside_scope);
    x.push_str("</cac:AccountingSupplierParty><cac:AccountingCustomerParty>");
    party(&mut x, &d.buyer, false, outside_scope);
    x.push_str("</cac:AccountingCustomerParty>");
    // UBL order: PaymentMeansCode, PaymentDueDate (BT-9 of a credit note), PaymentID.
    x.push_str(&format!(
        "<cac:PaymentMeans><cbc:PaymentMeansCode name=\"{}\">30</cbc:PaymentMeansCode>",
        d.payment.name()
    ));
    if d.credit_note {
        x.push_str(&format!(
            "<cbc:PaymentDueDate>{}</cbc:PaymentDueDate>",
            d.due_date
        ));
    }
    x.push_str(&format!(
        "<cbc:PaymentID>{}</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>{}</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>{}</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        e(&d.payment_id),
        e(d.payment.id()),
        d.payment.branch()
    ));
    let t = &d.totals;
    x.push_str(&format!(
        "<cac:TaxTotal><cbc:TaxAmount currencyID=\"SEK\">{}</cbc:TaxAmount>",
        amt(t.tax.0)
    ));
    for s in &d.breakdown {
        x.push_str(&format!(
            "<cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"SEK\">{}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"SEK\">{}</cbc:TaxAmount>",
            amt(s.taxable.0),
            amt(s.tax.0)
        ));
        tax_category(
            &mut x,
            "TaxCategory",
            s.category,
            s.percent,
            s.exemption_reason.as_deref(),
        );
        x.push_str("</cac:TaxSubtotal>");
    }
    x.push_str("</cac:TaxTotal>");
    x.push_str(&format!(
        "<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"SEK\">{}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID=\"SEK\">{}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID=\"SEK\">{}</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID=\"SEK\">{}</cbc:PayableAmount></cac:LegalMonetaryTotal>",
        amt(t.line_extension.0),
        amt(t.tax_exclusive.0),
        amt(t.tax_inclusive.0),
        amt(t.payable.0)
    ));
    for l in &d.lines {
        x.push_str(&format!(
            "<cac:{line_tag}><cbc:ID>{}</cbc:ID><cbc:{qty_tag} unitCode=\"C62\">1</cbc:{qty_tag}><cbc:LineExtensionAmount currencyID=\"SEK\">{}</cbc:LineExtensionAmount><cac:Item><cbc:Name>{}</cbc:Name>",
            e(&l.id),
            amt(l.amount_ore),
            e(&l.name)
        ));
        tax_category(
            &mut x,
            "ClassifiedTaxCategory",
            l.vat.category,
            l.vat.percent,
            None,
        );
        x.push_str(&format!(
            "</cac:Item><cac:Price><cbc:PriceAmount currencyID=\"SEK\">{}</cbc:PriceAmount></cac:Price></cac:{line_tag}>",
            amt(l.amount_ore)
        ));
    }
    x.push_str(&format!("</{root}>\n"));
    x
}

/// The columns of the CSV: (stable machine name, Swedish header). The header row shows the
/// Swedish names; the order and the machine names never change within API version 1.
pub const CSV_COLUMNS: &[(&str, &str)] = &[
    ("number", "fakturanummer"),
    ("doc_type", "dokumenttyp"),
    ("status", "status"),
    ("scb_code", "kommunkod"),
    ("municipality", "kommun"),
    ("period", "period"),
    ("issue_date", "fakturadatum"),
    ("due_date", "förfallodatum"),
    ("credits_number", "krediterar"),
    ("row_type", "radtyp"),
    ("line_no", "rad"),
    ("description", "beskrivning"),
    ("amount", "belopp"),
    ("vat_category", "momskategori"),
    ("vat_percent", "momssats"),
];

/// Swedish label of a document type in the CSV.
pub fn doc_type_label(t: DocType) -> &'static str {
    match t {
        DocType::Invoice => "Faktura",
        DocType::CreditNote => "Kreditfaktura",
    }
}

/// Swedish label of a status in the CSV.
pub fn status_label(s: InvoiceStatus) -> &'static str {
    match s {
        InvoiceStatus::Draft => "Utkast",
        InvoiceStatus::Approved => "Attesterad",
        InvoiceStatus::Issued => "Utställd",
        InvoiceStatus::PartiallyPaid => "Delbetald",
        InvoiceStatus::Paid => "Betald",
        InvoiceStatus::Credited => "Krediterad",
    }
}

/// A document as the CSV shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvDocument {
    pub number: Option<String>,
    pub doc_type: DocType,
    pub status: InvoiceStatus,
    pub scb_code: String,
    pub municipality: String,
    pub period: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    /// For a credit note: the number of the invoice it credits.
    pub credits_number: Option<String>,
    /// (line number, description, net amount, VAT).
    pub lines: Vec<(i32, String, Ore, VatTreatment)>,
    pub breakdown: Vec<VatSubtotal>,
}

/// A text field as a spreadsheet must not mistake for a formula: one that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP, CSV injection).
pub fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Semicolon-separated, decimal comma, UTF-8 with BOM, CRLF line ends: what Swedish
/// Excel opens as is. One row per line (`Rad`, its net amount) and, for a document under
/// VAT, one per VAT breakdown row (`Moms`, its tax); a credit note's amounts are negative,
/// so a column sum is what was billed, VAT included, less what was credited.
pub fn to_csv(docs: &[CsvDocument]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(
        &CSV_COLUMNS
            .iter()
            .map(|(_, h)| *h)
            .collect::<Vec<_>>()
            .join(";"),
    );
    out.push_str("\r\n");
    for d in docs {
        let sign = if d.doc_type == DocType::CreditNote {
            -1
        } else {
            1
        };
        let mut row = |row_type: &str,
                       line_no: String,
                       description: &str,
                       amount: Ore,
                       cat: VatCategory,
                       pct: i32| {
            let f = [
                defuse(d.number.as_deref().unwrap_or_default()),
                doc_type_label(d.doc_type).to_owned(),
                status_label(d.status).to_owned(),
                d.scb_code.clone(),
                defuse(&d.municipality),
                defuse(&d.period),
                d.issue_date.map(|x| x.to_string()).unwrap_or_default(),
                d.due_date.map(|x| x.to_string()).unwrap_or_default(),
                defuse(d.credits_number.as_deref().unwrap_or_default()),
                row_type.to_owned(),
                line_no,
                defuse(description),
                Ore(amount.0.saturating_mul(sign)).to_swedish_decimal(),
                cat.as_str().to_owned(),
                if cat.has_rate() {
                    pct.to_string()
                } else {
                    String::new()
                },
            ];
            out.push_str(&f.iter().map(|s| csv_field(s)).collect::<Vec<_>>().join(";"));
            out.push_str("\r\n");
        };
        for (no, description, net, vat) in &d.lines {
            row(
                "Rad",
                no.to_string(),
                description,
                *net,
                vat.category,
                vat.percent,
            );
        }
        for t in d.breakdown.iter().filter(|t| t.category.has_rate()) {
            row(
                "Moms",
                String::new(),
                &format!("Moms {} % ({})", t.percent, t.category),
                t.tax,
                t.category,
                t.percent,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vat;
    use proptest::prelude::*;

    fn party(name: &str) -> Party {
        Party {
            name: name.into(),
            endpoint: Endpoint::parse("0007", "2120002742").expect("endpoint"),
            org_digits: "2120002742".into(),
            street: None,
            city: Some("Luleå".into()),
            postcode: Some("971 85".into()),
            vat_id: Some("SE212000274201".into()),
            trading_name: None,
        }
    }

    fn doc(lines: Vec<Line>) -> Document {
        let breakdown =
            vat::breakdown(lines.iter().map(|l| (Ore(l.amount_ore), &l.vat))).expect("vat");
        let totals =
            vat::totals(lines.iter().map(|l| Ore(l.amount_ore)), &breakdown).expect("totals");
        Document {
            credit_note: false,
            number: "2021-000001".into(),
            issue_date: NaiveDate::from_ymd_opt(2021, 2, 1).expect("date"),
            due_date: NaiveDate::from_ymd_opt(2021, 3, 3).expect("date"),
            buyer_reference: "Ref <A&B>".into(),
            billing_reference: None,
            seller: party("Luleå kommun"),
            buyer: Party {
                endpoint: Endpoint::parse("0088", "7300010000001").expect("gln"),
                org_digits: "2120002767".into(),
                vat_id: None,
                ..party("Bodens kommun")
            },
            payment: PaymentAccount::bankgiro("5050-1055").expect("bankgiro"),
            payment_id: "2021-000001".into(),
            lines,
            breakdown,
            totals,
        }
    }

    fn line(amount: i64, cat: &str, pct: i32) -> Line {
        Line {
            id: "1".into(),
            name: "Grundbelopp".into(),
            amount_ore: amount,
            vat: VatTreatment::check(cat, Some(pct), None).expect("vat"),
        }
    }

    #[test]
    fn required_elements_and_escaping() {
        let x = to_ubl(&doc(vec![line(7_460_000, "O", 0)]));
        for needle in [
            CUSTOMIZATION_ID,
            PROFILE_ID,
            "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
            "<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>",
            "<cbc:BuyerReference>Ref &lt;A&amp;B&gt;</cbc:BuyerReference>",
            "<cbc:EndpointID schemeID=\"0007\">2120002742</cbc:EndpointID>",
            // The buyer's endpoint is its GLN; its legal id stays the organisation number.
            "<cbc:EndpointID schemeID=\"0088\">7300010000001</cbc:EndpointID>",
            "<cbc:CompanyID schemeID=\"0007\">2120002767</cbc:CompanyID>",
            "<cbc:IdentificationCode>SE</cbc:IdentificationCode>",
            ">30</cbc:PaymentMeansCode>",
            "<cbc:ID>50501055</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:BANKGIRO</cbc:ID>",
            "<cbc:TaxExemptionReason>Not subject to VAT</cbc:TaxExemptionReason>",
            "<cbc:PayableAmount currencyID=\"SEK\">74600.00</cbc:PayableAmount>",
            "unitCode=\"C62\"",
        ] {
            assert!(x.contains(needle), "missing {needle}");
        }
        assert!(!x.contains("Ref <A&B>"));
    }

    #[test]
    fn category_o_has_no_seller_vat_id_and_zero_tax() {
        // BR-O-02 and BR-O-10 (tax amount 0 for O).
        let x = to_ubl(&doc(vec![line(100, "O", 0)]));
        assert!(!x.contains("PartyTaxScheme"));
        assert!(x.contains("<cbc:TaxAmount currencyID=\"SEK\">0.00</cbc:TaxAmount>"));
        assert!(!x.contains("<cbc:Percent>"));
    }

    #[test]
    fn standard_rate_writes_the_sellers_vat_id_and_the_payable_amount() {
        let x = to_ubl(&doc(vec![line(100_000, "S", 25)]));
        assert!(x.contains("<cac:PartyTaxScheme><cbc:CompanyID>SE212000274201</cbc:CompanyID>"));
        assert!(x.contains("<cbc:Percent>25</cbc:Percent>"));
        assert!(x.contains("<cbc:PayableAmount currencyID=\"SEK\">1250.00</cbc:PayableAmount>"));
    }

    #[test]
    fn credit_note_is_a_creditnote_document() {
        let mut d = doc(vec![line(7_460_000, "O", 0)]);
        d.credit_note = true;
        d.billing_reference = Some(("2021-000001".into(), d.issue_date));
        let x = to_ubl(&d);
        assert!(x.contains(
            "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""
        ));
        assert!(x.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
        assert!(x.contains("<cac:InvoiceDocumentReference><cbc:ID>2021-000001</cbc:ID>"));
        assert!(x.contains("CreditedQuantity unitCode=\"C62\""));
        assert!(!x.contains("<cbc:DueDate>"));
    }

    fn csv_doc(doc_type: DocType, description: &str, net: i64, vat: VatTreatment) -> CsvDocument {
        let breakdown = vat::breakdown([(Ore(net), &vat)]).expect("vat");
        CsvDocument {
            number: Some("2021-000001".into()),
            doc_type,
            status: InvoiceStatus::Issued,
            scb_code: "2582".into(),
            municipality: "Boden".into(),
            period: "2021".into(),
            issue_date: None,
            due_date: None,
            credits_number: None,
            lines: vec![(1, description.into(), Ore(net), vat)],
            breakdown,
        }
    }

    #[test]
    fn csv_is_swedish_excel_friendly_signed_and_defused() {
        let s25 = VatTreatment::check("S", Some(25), None).expect("S");
        let c = to_csv(&[
            csv_doc(
                DocType::Invoice,
                "a; \"b\"",
                7_460_050,
                VatTreatment::outside_scope(),
            ),
            csv_doc(DocType::CreditNote, "=HYPERLINK(\"x\")", 100_000, s25),
        ]);
        assert!(c.starts_with('\u{feff}'));
        let header = CSV_COLUMNS
            .iter()
            .map(|(_, h)| *h)
            .collect::<Vec<_>>()
            .join(";");
        assert!(c.contains(&format!("{header}\r\n")));
        assert!(c.contains(";Faktura;Utställd;"));
        assert!(c.contains(";74600,50;O;\r\n"));
        assert!(c.contains("\"a; \"\"b\"\"\""));
        // A credit note is negative, its VAT too; a formula is defused.
        assert!(c.contains(";Kreditfaktura;"));
        assert!(c.contains(";\"'=HYPERLINK(\"\"x\"\")\";-1000,00;S;25\r\n"));
        assert!(c.contains(";Moms;;Moms 25 % (S);-250,00;S;25\r\n"));
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("@x"), "'@x");
        assert_eq!(defuse("Boden"), "Boden");
    }

    fn amount_of(x: &str, tag: &str) -> i64 {
        let open = format!("<cbc:{tag} currencyID=\"SEK\">");
        let start = x.find(&open).expect(tag) + open.len();
        let end = start + x[start..].find('<').expect("end");
        let v = &x[start..end];
        let (kr, ore) = v.split_once('.').expect("decimal");
        kr.parse::<i64>().expect("kr") * 100 + ore.parse::<i64>().expect("öre")
    }

    proptest! {
        /// The UBL shows exactly the totals the aggregate computed (the JSON's numbers).
        #[test]
        fn ubl_totals_equal_the_computed_totals(lines in prop::collection::vec((0i64..10_000_000_000, crate::vat::tests::vat_treatment()), 1..10)) {
            let d = doc(lines.into_iter().map(|(n, v)| Line { id: "1".into(), name: "x".into(), amount_ore: n, vat: v }).collect());
            let x = to_ubl(&d);
            prop_assert_eq!(amount_of(&x, "LineExtensionAmount"), d.totals.line_extension.0);
            prop_assert_eq!(amount_of(&x, "TaxExclusiveAmount"), d.totals.tax_exclusive.0);
            prop_assert_eq!(amount_of(&x, "TaxInclusiveAmount"), d.totals.tax_inclusive.0);
            prop_assert_eq!(amount_of(&x, "PayableAmount"), d.totals.payable.0);
            prop_assert_eq!(amount_of(&x, "TaxAmount"), d.totals.tax.0);
        }
    }
}
