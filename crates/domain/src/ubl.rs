//! PEPPOL BIS Billing 3.0 (UBL 2.1) invoices and credit notes, and the CSV that finance
//! systems import. Pure functions: the caller passes everything, text is XML-escaped.

use chrono::NaiveDate;

use crate::money::Ore;

pub const CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
pub const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// A party (seller or buyer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Legal name (*juridiskt namn*).
    pub name: String,
    /// Organisation number digits, used as EndpointID and legal id (scheme 0007).
    pub org_digits: String,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postcode: Option<String>,
    /// Seller VAT id; must be absent when any line is category O (BR-O-02).
    pub vat_id: Option<String>,
    /// Trading name, e.g. on whose behalf the host invoices.
    pub trading_name: Option<String>,
}

/// One line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: String,
    pub name: String,
    pub amount_ore: i64,
    /// UNCL5305: `O` (outside scope) or `S` (standard rate).
    pub vat_category: String,
    pub vat_percent: i32,
    pub exemption_reason: Option<String>,
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
    /// Bankgiro number for PaymentMeans code 30.
    pub bankgiro: String,
    pub payment_id: String,
    pub lines: Vec<Line>,
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

/// A VAT breakdown row (BG-23).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxSubtotal {
    pub category: String,
    pub percent: i32,
    pub taxable_ore: i64,
    pub tax_ore: i64,
    pub exemption_reason: Option<String>,
}

/// VAT per category and rate (BR-CO-17: tax = taxable × rate / 100, rounded half away
/// from zero to öre).
pub fn tax_subtotals(lines: &[Line]) -> Vec<TaxSubtotal> {
    let mut out: Vec<TaxSubtotal> = Vec::new();
    for l in lines {
        match out
            .iter_mut()
            .find(|t| t.category == l.vat_category && t.percent == l.vat_percent)
        {
            Some(t) => t.taxable_ore += l.amount_ore,
            None => out.push(TaxSubtotal {
                category: l.vat_category.clone(),
                percent: l.vat_percent,
                taxable_ore: l.amount_ore,
                tax_ore: 0,
                exemption_reason: l.exemption_reason.clone(),
            }),
        }
    }
    for t in &mut out {
        let x = i128::from(t.taxable_ore) * i128::from(t.percent);
        let q = (x.abs() + 50) / 100;
        t.tax_ore = i64::try_from(if x < 0 { -q } else { q }).unwrap_or(i64::MAX);
        if t.category == "O" {
            t.tax_ore = 0;
        }
    }
    out
}

/// Document totals (BG-22), satisfying BR-CO-10..16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub line_extension_ore: i64,
    pub tax_exclusive_ore: i64,
    pub tax_ore: i64,
    pub tax_inclusive_ore: i64,
    pub payable_ore: i64,
}

pub fn totals(lines: &[Line]) -> Totals {
    let line_extension_ore: i64 = lines.iter().map(|l| l.amount_ore).sum();
    let tax_ore: i64 = tax_subtotals(lines).iter().map(|t| t.tax_ore).sum();
    Totals {
        line_extension_ore,
        tax_exclusive_ore: line_extension_ore,
        tax_ore,
        tax_inclusive_ore: line_extension_ore + tax_ore,
        payable_ore: line_extension_ore + tax_ore,
    }
}

fn party(x: &mut String, p: &Party, seller: bool, outside_scope: bool) {
    let e = escape;
    x.push_str("<cac:Party>");
    x.push_str(&format!(
        "<cbc:EndpointID schemeID=\"0007\">{}</cbc:EndpointID>",
        e(&p.org_digits)
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

fn tax_category(x: &mut String, tag: &str, cat: &str, percent: i32, reason: Option<&str>) {
    x.push_str(&format!("<cac:{tag}><cbc:ID>{}</cbc:ID>", escape(cat)));
    if cat != "O" {
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
    let outside_scope = d.lines.iter().any(|l| l.vat_category == "O");
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
    x.push_str(
        "<cac:PaymentMeans><cbc:PaymentMeansCode name=\"Bankgiro\">30</cbc:PaymentMeansCode>",
    );
    if d.credit_note {
        x.push_str(&format!(
            "<cbc:PaymentDueDate>{}</cbc:PaymentDueDate>",
            d.due_date
        ));
    }
    x.push_str(&format!(
        "<cbc:PaymentID>{}</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>{}</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:BANKGIRO</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        e(&d.payment_id),
        e(&d.bankgiro)
    ));
    let t = totals(&d.lines);
    x.push_str(&format!(
        "<cac:TaxTotal><cbc:TaxAmount currencyID=\"SEK\">{}</cbc:TaxAmount>",
        amt(t.tax_ore)
    ));
    for s in tax_subtotals(&d.lines) {
        x.push_str(&format!(
            "<cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"SEK\">{}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"SEK\">{}</cbc:TaxAmount>",
            amt(s.taxable_ore),
            amt(s.tax_ore)
        ));
        tax_category(
            &mut x,
            "TaxCategory",
            &s.category,
            s.percent,
            s.exemption_reason.as_deref(),
        );
        x.push_str("</cac:TaxSubtotal>");
    }
    x.push_str("</cac:TaxTotal>");
    x.push_str(&format!(
        "<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"SEK\">{}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID=\"SEK\">{}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID=\"SEK\">{}</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID=\"SEK\">{}</cbc:PayableAmount></cac:LegalMonetaryTotal>",
        amt(t.line_extension_ore),
        amt(t.tax_exclusive_ore),
        amt(t.tax_inclusive_ore),
        amt(t.payable_ore)
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
            &l.vat_category,
            l.vat_percent,
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

/// One CSV row of an invoice line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub number: String,
    pub doc_type: String,
    pub status: String,
    pub scb_code: String,
    pub municipality: String,
    pub period: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub line_no: i32,
    pub description: String,
    pub amount_ore: i64,
    pub vat_category: String,
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Semicolon-separated, decimal comma, UTF-8 with BOM, CRLF line ends: what Swedish
/// Excel opens as is.
pub fn to_csv(rows: &[CsvRow]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str("fakturanummer;dokumenttyp;status;kommunkod;kommun;period;fakturadatum;förfallodatum;rad;beskrivning;belopp;momskategori\r\n");
    for r in rows {
        let f = [
            r.number.clone(),
            r.doc_type.clone(),
            r.status.clone(),
            r.scb_code.clone(),
            r.municipality.clone(),
            r.period.clone(),
            r.issue_date.map(|d| d.to_string()).unwrap_or_default(),
            r.due_date.map(|d| d.to_string()).unwrap_or_default(),
            r.line_no.to_string(),
            r.description.clone(),
            Ore(r.amount_ore).to_swedish_decimal(),
            r.vat_category.clone(),
        ];
        out.push_str(&f.iter().map(|s| csv_field(s)).collect::<Vec<_>>().join(";"));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(name: &str) -> Party {
        Party {
            name: name.into(),
            org_digits: "2120002742".into(),
            street: None,
            city: Some("Luleå".into()),
            postcode: Some("971 85".into()),
            vat_id: Some("SE212000274201".into()),
            trading_name: None,
        }
    }

    fn doc(lines: Vec<Line>) -> Document {
        Document {
            credit_note: false,
            number: "2021-000001".into(),
            issue_date: NaiveDate::from_ymd_opt(2021, 2, 1).expect("date"),
            due_date: NaiveDate::from_ymd_opt(2021, 3, 3).expect("date"),
            buyer_reference: "Ref <A&B>".into(),
            billing_reference: None,
            seller: party("Luleå kommun"),
            buyer: party("Boden"),
            bankgiro: "000-0000".into(),
            payment_id: "2021-000001".into(),
            lines,
        }
    }

    fn line(amount: i64, cat: &str, pct: i32) -> Line {
        Line {
            id: "1".into(),
            name: "Grundbelopp".into(),
            amount_ore: amount,
            vat_category: cat.into(),
            vat_percent: pct,
            exemption_reason: (cat == "O").then(|| "Not subject to VAT".into()),
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
            "<cbc:IdentificationCode>SE</cbc:IdentificationCode>",
            ">30</cbc:PaymentMeansCode>",
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
    fn standard_rate_tax_and_totals_add_up() {
        let lines = vec![line(10_001, "S", 25), line(20_000, "S", 25)];
        let t = totals(&lines);
        // BR-CO-10: line extension = Σ lines; BR-CO-13/15/16.
        assert_eq!(t.line_extension_ore, 30_001);
        assert_eq!(t.tax_ore, 7_500); // 300.01 × 25 % = 75.0025 → 75.00
        assert_eq!(t.tax_inclusive_ore, t.tax_exclusive_ore + t.tax_ore);
        assert_eq!(t.payable_ore, t.tax_inclusive_ore);
        let x = to_ubl(&doc(lines));
        assert!(x.contains("PartyTaxScheme"));
        assert!(x.contains("<cbc:Percent>25</cbc:Percent>"));
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

    #[test]
    fn csv_is_swedish_excel_friendly() {
        let c = to_csv(&[CsvRow {
            number: "2021-000001".into(),
            doc_type: "invoice".into(),
            status: "issued".into(),
            scb_code: "2582".into(),
            municipality: "Boden".into(),
            period: "2021".into(),
            issue_date: None,
            due_date: None,
            line_no: 1,
            description: "a; \"b\"".into(),
            amount_ore: 7_460_050,
            vat_category: "O".into(),
        }]);
        assert!(c.starts_with('\u{feff}'));
        assert!(c.contains(";74600,50;"));
        assert!(c.contains("\"a; \"\"b\"\"\""));
    }
}
