//! VAT (*moms*) of the committee's invoices: the categories a line may carry, the rule that
//! computes tax, the VAT breakdown (EN 16931 BG-23) and the document totals (BG-22).
//!
//! Every number a document shows comes from here, once: the JSON of an invoice and its
//! UBL are two renderings of the same [`Totals`] and [`VatSubtotal`]s.

use crate::Ore;

/// UNCL5305 VAT category of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VatCategory {
    /// `S`: standard rate (25, 12 or 6 % in Sweden).
    Standard,
    /// `Z`: zero rated.
    ZeroRated,
    /// `E`: exempt (*undantagen från skatteplikt*), with the reason.
    Exempt,
    /// `O`: outside the scope of VAT (a municipality's own authority exercise), with the
    /// reason. Never on the same invoice as another category (BR-O-11…14).
    OutsideScope,
}
str_enum!(VatCategory { Standard => "S", ZeroRated => "Z", Exempt => "E", OutsideScope => "O" });

/// What an invoice as a whole is: outside the scope of VAT (only category O) or under VAT
/// (S, Z and E, which may be mixed). One invoice never holds both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VatRegime {
    OutsideScope,
    Vat,
}
str_enum!(VatRegime { OutsideScope => "outside_scope", Vat => "vat" });

/// The Swedish VAT rates of category S (SE-R-006).
pub const SWEDISH_RATES: [i32; 3] = [25, 12, 6];

/// Exemption reason used for category O unless another is given.
pub const DEFAULT_OUTSIDE_SCOPE_REASON: &str = "Not subject to VAT";

impl VatCategory {
    pub fn regime(self) -> VatRegime {
        match self {
            VatCategory::OutsideScope => VatRegime::OutsideScope,
            _ => VatRegime::Vat,
        }
    }

    /// Categories S, Z and E need the seller's VAT identifier (BR-S-02, BR-Z-02, BR-E-02);
    /// O must not have it (BR-O-02).
    pub fn needs_seller_vat_id(self) -> bool {
        self != VatCategory::OutsideScope
    }

    /// Whether the rate (BT-119/BT-152) is written: every category but O.
    pub fn has_rate(self) -> bool {
        self != VatCategory::OutsideScope
    }
}

/// The VAT treatment of a stream and of each line it bills: category, rate and, for E and
/// O, the exemption reason (BT-120).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VatTreatment {
    pub category: VatCategory,
    pub percent: i32,
    pub exemption_reason: Option<String>,
}

/// A field of a VAT treatment that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatRuleError {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> Result<VatTreatment, VatRuleError> {
    Err(VatRuleError {
        field,
        message: message.into(),
    })
}

impl VatTreatment {
    /// Outside the scope of VAT with the default reason: what a stream is unless told.
    pub fn outside_scope() -> Self {
        VatTreatment {
            category: VatCategory::OutsideScope,
            percent: 0,
            exemption_reason: Some(DEFAULT_OUTSIDE_SCOPE_REASON.into()),
        }
    }

    /// Checks a treatment as a client sends it (`vat_category`, `vat_percent`,
    /// `vat_exemption_reason`): S has a Swedish rate and no reason (BR-S-05, BR-S-10,
    /// SE-R-006); Z has rate 0 and no reason (BR-Z-05, BR-Z-10); E has rate 0 and a reason
    /// (BR-E-05, BR-E-10); O has no rate and a reason, by default "Not subject to VAT"
    /// (BR-O-10).
    pub fn check(
        category: &str,
        percent: Option<i32>,
        exemption_reason: Option<&str>,
    ) -> Result<VatTreatment, VatRuleError> {
        let Some(category) = VatCategory::parse(category) else {
            return refuse(
                "vat_category",
                format!(
                    "must be one of {} (UNCL5305: S standard, Z zero rated, E exempt, O outside scope)",
                    VatCategory::names()
                ),
            );
        };
        let reason = exemption_reason.map(str::trim).filter(|r| !r.is_empty());
        if exemption_reason.is_some() && reason.is_none() {
            return refuse("vat_exemption_reason", "must not be blank");
        }
        match category {
            VatCategory::Standard => {
                let p = percent.unwrap_or(25);
                if !SWEDISH_RATES.contains(&p) {
                    return refuse("vat_percent", "must be 25, 12 or 6 for category S");
                }
                if reason.is_some() {
                    return refuse(
                        "vat_exemption_reason",
                        "must be absent for category S (BR-S-10)",
                    );
                }
                Ok(VatTreatment {
                    category,
                    percent: p,
                    exemption_reason: None,
                })
            }
            VatCategory::ZeroRated | VatCategory::Exempt | VatCategory::OutsideScope => {
                if percent.is_some_and(|p| p != 0) {
                    return refuse(
                        "vat_percent",
                        format!("must be 0 for category {}", category),
                    );
                }
                let exemption_reason = match (category, reason) {
                    (VatCategory::ZeroRated, Some(_)) => {
                        return refuse(
                            "vat_exemption_reason",
                            "must be absent for category Z (BR-Z-10)",
                        );
                    }
                    (VatCategory::ZeroRated, None) => None,
                    (VatCategory::Exempt, None) => {
                        return refuse(
                            "vat_exemption_reason",
                            "is required for category E (BR-E-10), e.g. \"Undantag från skatteplikt enligt 3 kap. mervärdesskattelagen\"",
                        );
                    }
                    (_, Some(r)) => Some(r.to_owned()),
                    (_, None) => Some(DEFAULT_OUTSIDE_SCOPE_REASON.into()),
                };
                Ok(VatTreatment {
                    category,
                    percent: 0,
                    exemption_reason,
                })
            }
        }
    }
}

/// The tax rule (BR-CO-17): taxable × rate / 100, rounded half away from zero to whole
/// öre. `None` on overflow.
pub fn tax_of(taxable: Ore, category: VatCategory, percent: i32) -> Option<Ore> {
    if !category.has_rate() {
        return Some(Ore::ZERO);
    }
    let x = i128::from(taxable.0) * i128::from(percent);
    let q = (x.abs() + 50) / 100;
    i64::try_from(if x < 0 { -q } else { q }).ok().map(Ore)
}

/// One row of the VAT breakdown (BG-23): all lines of one category and rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatSubtotal {
    pub category: VatCategory,
    pub percent: i32,
    pub taxable: Ore,
    pub tax: Ore,
    pub exemption_reason: Option<String>,
}

/// The document totals (BG-22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// BT-106: Σ line net amounts.
    pub line_extension: Ore,
    /// BT-109: line extension (no document allowances or charges).
    pub tax_exclusive: Ore,
    /// BT-110: Σ breakdown tax.
    pub tax: Ore,
    /// BT-112: tax exclusive + tax.
    pub tax_inclusive: Ore,
    /// BT-115: what the buyer is to pay (no prepaid amount or rounding).
    pub payable: Ore,
}

/// Amounts overflowed: refused, never wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amounts overflow")]
pub struct Overflow;

/// The VAT breakdown of lines (net amount and treatment), one row per category and rate in
/// the order they first occur, each row's tax by [`tax_of`].
pub fn breakdown<'a>(
    lines: impl IntoIterator<Item = (Ore, &'a VatTreatment)>,
) -> Result<Vec<VatSubtotal>, Overflow> {
    let mut out: Vec<VatSubtotal> = Vec::new();
    for (net, vat) in lines {
        match out
            .iter_mut()
            .find(|t| t.category == vat.category && t.percent == vat.percent)
        {
            Some(t) => t.taxable = t.taxable.checked_add(net).ok_or(Overflow)?,
            None => out.push(VatSubtotal {
                category: vat.category,
                percent: vat.percent,
                taxable: net,
                tax: Ore::ZERO,
                exemption_reason: vat.exemption_reason.clone(),
            }),
        }
    }
    for t in &mut out {
        t.tax = tax_of(t.taxable, t.category, t.percent).ok_or(Overflow)?;
    }
    Ok(out)
}

/// The totals of a document from its line net amounts and its breakdown (BR-CO-10…16).
pub fn totals(
    line_net: impl IntoIterator<Item = Ore>,
    breakdown: &[VatSubtotal],
) -> Result<Totals, Overflow> {
    let line_extension = Ore::checked_sum(line_net).ok_or(Overflow)?;
    let tax = Ore::checked_sum(breakdown.iter().map(|t| t.tax)).ok_or(Overflow)?;
    let tax_inclusive = line_extension.checked_add(tax).ok_or(Overflow)?;
    Ok(Totals {
        line_extension,
        tax_exclusive: line_extension,
        tax,
        tax_inclusive,
        payable: tax_inclusive,
    })
}

/// The regime of a set of line treatments, or `None` when they mix O with another
/// category (which no invoice may do).
pub fn regime_of<'a>(lines: impl IntoIterator<Item = &'a VatTreatment>) -> Option<VatRegime> {
    let mut regime = None;
    for l in lines {
        match regime {
            None => regime = Some(l.category.regime()),
            Some(r) if r != l.category.regime() => return None,
            Some(_) => {}
        }
    }
    regime
}

/// A Swedish VAT registration number (*momsregistreringsnummer*): `SE`, the ten digits of
/// a Luhn-valid organisation number and `01` (SE-R-001, SE-R-002).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatId(String);

impl VatId {
    pub fn parse(s: &str) -> Result<VatId, String> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let shape = s.len() == 14
            && s.starts_with("SE")
            && s.ends_with("01")
            && s[2..].bytes().all(|b| b.is_ascii_digit());
        if !shape {
            return Err(format!(
                "`{s}` is not a Swedish VAT number: SE, the ten digits of the organisation number and 01, e.g. SE212000274201"
            ));
        }
        let digits: Vec<u32> = s[2..12].bytes().map(|b| u32::from(b - b'0')).collect();
        if !crate::codes::luhn_valid(&digits) {
            return Err(format!(
                "`{s}`: the organisation number in it fails its check digit (Luhn)"
            ));
        }
        Ok(VatId(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The organisation number's ten digits inside it.
    pub fn org_digits(&self) -> &str {
        &self.0[2..12]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s25() -> VatTreatment {
        VatTreatment::check("S", Some(25), None).expect("S 25")
    }

    #[test]
    fn treatments() {
        assert_eq!(
            VatTreatment::check("O", None, None),
            Ok(VatTreatment::outside_scope())
        );
        assert_eq!(s25().percent, 25);
        let field = |c, p, r| VatTreatment::check(c, p, r).map_err(|e| e.field);
        assert_eq!(field("S", Some(0), None), Err("vat_percent"));
        assert_eq!(field("S", Some(25), Some("x")), Err("vat_exemption_reason"));
        assert_eq!(field("O", Some(25), None), Err("vat_percent"));
        assert_eq!(field("E", None, None), Err("vat_exemption_reason"));
        assert_eq!(field("Z", Some(0), Some("x")), Err("vat_exemption_reason"));
        assert_eq!(field("X", None, None), Err("vat_category"));
        assert_eq!(field("O", None, Some("  ")), Err("vat_exemption_reason"));
        assert!(VatTreatment::check("E", Some(0), Some("3 kap. ML")).is_ok());
        assert!(VatTreatment::check("Z", None, None).is_ok());
    }

    #[test]
    fn regimes_never_mix() {
        let o = VatTreatment::outside_scope();
        let e = VatTreatment::check("E", None, Some("3 kap. ML")).expect("E");
        assert_eq!(regime_of([&o, &o]), Some(VatRegime::OutsideScope));
        assert_eq!(regime_of([&s25(), &e]), Some(VatRegime::Vat));
        assert_eq!(regime_of([&s25(), &o]), None);
        assert_eq!(regime_of([]), None);
    }

    #[test]
    fn tax_rounds_half_away_from_zero() {
        let s = VatCategory::Standard;
        assert_eq!(tax_of(Ore(30_001), s, 25), Some(Ore(7_500))); // 75.0025
        assert_eq!(tax_of(Ore(2), s, 25), Some(Ore(1))); // 0.5 öre → 1
        assert_eq!(tax_of(Ore(-2), s, 25), Some(Ore(-1)));
        assert_eq!(
            tax_of(Ore(1_000), VatCategory::OutsideScope, 0),
            Some(Ore(0))
        );
        assert_eq!(
            tax_of(Ore(i64::MAX), s, 25),
            Some(Ore(2_305_843_009_213_693_952))
        );
    }

    #[test]
    fn vat_ids() {
        assert!(VatId::parse("SE212000274201").is_ok());
        assert_eq!(
            VatId::parse("SE 2120002742 01").map(|v| v.org_digits().to_owned()),
            Ok("2120002742".into())
        );
        for bad in [
            "SE212000274301",
            "SE2120002742",
            "212000274201",
            "SE212000274202",
        ] {
            assert!(VatId::parse(bad).is_err(), "{bad}");
        }
    }

    /// Any treatment under VAT: S at a Swedish rate, Z or E.
    pub(crate) fn vat_treatment() -> impl Strategy<Value = VatTreatment> {
        prop_oneof![
            prop::sample::select(SWEDISH_RATES.to_vec()).prop_map(|p| VatTreatment::check(
                "S",
                Some(p),
                None
            )
            .expect("S")),
            Just(VatTreatment::check("Z", None, None).expect("Z")),
            Just(VatTreatment::check("E", None, Some("3 kap. ML")).expect("E")),
        ]
    }

    fn treatment() -> impl Strategy<Value = VatTreatment> {
        prop_oneof![Just(VatTreatment::outside_scope()), vat_treatment()]
    }

    proptest! {
        /// For random lines, rates and categories the totals satisfy the EN 16931
        /// arithmetic rules exactly: BR-CO-10 (line extension = Σ lines), BR-CO-13 (tax
        /// exclusive = line extension, no allowances or charges), BR-CO-14 (tax = Σ
        /// breakdown tax), BR-CO-15 (tax inclusive = exclusive + tax), BR-CO-16 (payable =
        /// inclusive, nothing prepaid), BR-CO-17 (each row's tax = taxable × rate rounded),
        /// BR-CO-18 (one row per category and rate) and BR-S-08 (taxable = Σ its lines).
        #[test]
        fn totals_obey_en16931(lines in prop::collection::vec((0i64..10_000_000_000, treatment()), 1..30)) {
            let b = breakdown(lines.iter().map(|(n, t)| (Ore(*n), t))).expect("no overflow");
            let t = totals(lines.iter().map(|(n, _)| Ore(*n)), &b).expect("no overflow");
            prop_assert_eq!(t.line_extension.0, lines.iter().map(|(n, _)| n).sum::<i64>());
            prop_assert_eq!(t.tax_exclusive, t.line_extension);
            prop_assert_eq!(t.tax.0, b.iter().map(|r| r.tax.0).sum::<i64>());
            prop_assert_eq!(t.tax_inclusive.0, t.tax_exclusive.0 + t.tax.0);
            prop_assert_eq!(t.payable, t.tax_inclusive);
            for r in &b {
                let taxable: i64 = lines.iter().filter(|(_, l)| l.category == r.category && l.percent == r.percent).map(|(n, _)| n).sum();
                prop_assert_eq!(r.taxable.0, taxable);
                // Exact decimal: |tax − taxable × rate / 100| ≤ ½ öre.
                let exact = i128::from(r.taxable.0) * i128::from(r.percent);
                prop_assert!((i128::from(r.tax.0) * 100 - exact).abs() <= 50);
                prop_assert_eq!(b.iter().filter(|o| o.category == r.category && o.percent == r.percent).count(), 1);
            }
        }
    }
}
