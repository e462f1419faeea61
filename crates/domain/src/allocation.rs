//! The allocation engine (*fördelningsmodell*): splits an amount in öre among the
//! member municipalities that take part in a cost stream.
//!
//! Everything here is pure, integer-only (`i64` öre, exact `i128` rationals) and total:
//! no function panics, bad input is an [`AllocationError`] naming the JSON field at fault.
//!
//! # Models
//!
//! A [`Model`] is stored as JSON next to the cost stream, e.g.
//! `{"kind":"mixed","flat_percent":50,"population_date":"2019-12-31"}`. Population figures
//! are not part of the model: the caller passes the snapshot at `population_date`.
//!
//! # Rounding (`largest-remainder-v1`)
//!
//! 1. Every participant's exact quota is a rational `numerator / D` öre over one common
//!    denominator `D` (the quotas add up to the amount exactly).
//! 2. Each quota is floored to a multiple of the rounding unit.
//! 3. The leftover (amount − Σ floors, always less than one unit per participant) is
//!    handed out in order of largest remainder (quota − floor), ties broken by SCB code
//!    ascending. Walking that order once, each municipality takes
//!    `min(unit, leftover, headroom under its cap)`.
//!
//!    **Sub-unit residual rule:** when the amount is not a multiple of the unit, the last
//!    piece is smaller than a unit; it goes to the next municipality in the same order,
//!    i.e. the one right after the last one that received a whole unit (the largest
//!    remainder among those that did not). Because that municipality's remainder is
//!    itself less than one unit, every share stays strictly within one unit of its exact
//!    quota, and the shares add up to the amount exactly.
//! 4. `capped`: a municipality whose headroom under its cap is smaller than what it
//!    would be handed takes only its headroom; the rest stays in the leftover for the
//!    next in line. No share ever exceeds its cap (one pass always suffices because the
//!    exact quota never exceeds the cap).
//! 5. `mixed`: the flat part and the population part are added as exact fractions and
//!    the sum is rounded once.
//! 6. `fixed` and `usage` quotas are whole öre already and are charged as they are; the
//!    rounding unit does not apply and the allocation records an effective unit of 1 öre.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::ScbCode;

/// The name and version of the rounding rule, recorded with every allocation.
pub const RULE_VERSION: &str = "largest-remainder-v1";

/// How an amount is split (*fördelningsmodell*). Stored and accepted as JSON, tagged by
/// `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SplitModel))]
pub enum Model {
    /// Equal parts among the participants (`{"kind":"equal"}`).
    Equal,
    /// In proportion to each participant's population at `population_date`.
    PerCapita { population_date: NaiveDate },
    /// `flat_percent` (whole percent, 0..=100) of the amount in equal parts, the rest
    /// by population at `population_date`.
    Mixed {
        #[cfg_attr(feature = "openapi", schema(maximum = 100))]
        flat_percent: u8,
        population_date: NaiveDate,
    },
    /// A given amount for every participant (keyed by SCB code); must add up to the
    /// amount exactly.
    Fixed {
        #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, i64>))]
        amounts_ore: BTreeMap<ScbCode, i64>,
    },
    /// Each signatory's maximum (one for every participant, keyed by SCB code); the
    /// actual cost, at most their sum, is split in proportion to the caps.
    Capped {
        #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, i64>))]
        caps_ore: BTreeMap<ScbCode, i64>,
    },
    /// Each participant pays `quantity × unit_price_ore`, plus `one_off_ore` if its
    /// quantity is above zero (a quantity for every participant, keyed by SCB code). The
    /// amount must equal the computed total.
    Usage {
        #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, i64>))]
        quantities: BTreeMap<ScbCode, i64>,
        unit_price_ore: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        one_off_ore: Option<i64>,
    },
}

impl Model {
    /// The `kind` tag, as in the JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Model::Equal => "equal",
            Model::PerCapita { .. } => "per_capita",
            Model::Mixed { .. } => "mixed",
            Model::Fixed { .. } => "fixed",
            Model::Capped { .. } => "capped",
            Model::Usage { .. } => "usage",
        }
    }

    /// The JSON fields of this model's variant, `kind` included: any other field is
    /// refused (serde would let a unit variant such as `equal` take any).
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            Model::Equal => &["kind"],
            Model::PerCapita { .. } => &["kind", "population_date"],
            Model::Mixed { .. } => &["kind", "flat_percent", "population_date"],
            Model::Fixed { .. } => &["kind", "amounts_ore"],
            Model::Capped { .. } => &["kind", "caps_ore"],
            Model::Usage { .. } => &["kind", "quantities", "unit_price_ore", "one_off_ore"],
        }
    }

    /// The date of the population snapshot the caller must pass, if the model uses one.
    pub fn population_date(&self) -> Option<NaiveDate> {
        match self {
            Model::PerCapita { population_date }
            | Model::Mixed {
                population_date, ..
            } => Some(*population_date),
            _ => None,
        }
    }
}

/// What [`allocate`] splits.
#[derive(Debug, Clone, Copy)]
pub struct AllocationInput<'a> {
    /// The amount to split, in öre; not negative.
    pub amount_ore: i64,
    /// The rounding unit in öre: 1 (öre), 100 (krona), 10 000 (hundred kronor).
    pub rounding_unit_ore: i64,
    pub model: &'a Model,
    /// The municipalities that take part and pay; order does not matter.
    pub participants: &'a [ScbCode],
    /// The population snapshot at the model's `population_date`; needed by
    /// `per_capita` and `mixed`, ignored otherwise. May hold non-participants.
    pub populations: Option<&'a BTreeMap<ScbCode, u64>>,
}

/// The result of a split: one share per participant, sorted by SCB code, adding up to
/// `total_ore` exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub total_ore: i64,
    /// [`RULE_VERSION`] at the time of the split.
    pub rule_version: String,
    /// The unit actually applied (1 for `fixed` and `usage`).
    pub rounding_unit_ore: i64,
    pub shares: Vec<Share>,
}

impl Allocation {
    /// The share of one municipality, if it took part.
    pub fn share_of(&self, code: ScbCode) -> Option<&Share> {
        self.shares.iter().find(|s| s.scb_code == code)
    }
}

/// One municipality's share and what it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub scb_code: ScbCode,
    pub amount_ore: i64,
    pub basis: ShareBasis,
}

/// Everything needed to recompute a share by hand. Fractions are `"numerator/denominator"`
/// in öre, reduced to lowest terms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShareBasis {
    /// The exact quota before rounding, e.g. `"22380000/3"`.
    pub exact_quota_ore: String,
    /// `amount_ore − floor(exact quota)`; may be negative with a coarse unit.
    pub rounding_adjustment_ore: i64,
    /// Number of participants (`equal`, `mixed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_count: Option<u32>,
    /// This municipality's population (`per_capita`, `mixed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Sum of the participants' populations (`per_capita`, `mixed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_total: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flat_percent: Option<u8>,
    /// Exact flat part of the quota (`mixed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flat_quota_ore: Option<String>,
    /// Exact population part of the quota (`mixed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_quota_ore: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_ore: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caps_total_ore: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_amount_ore: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price_ore: Option<i64>,
    /// The one-off fee charged to this municipality (only when charged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_ore: Option<i64>,
}

/// Why a split could not be made. [`AllocationError::field`] names the JSON field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("{field} must not be negative (got {value})")]
    NegativeValue { field: &'static str, value: i64 },
    #[error("{field}: the value for {code} must not be negative (got {value})")]
    NegativeEntry {
        field: &'static str,
        code: ScbCode,
        value: i64,
    },
    #[error("rounding unit must be at least 1 öre (got {0})")]
    InvalidRoundingUnit(i64),
    #[error("at least one participant is required")]
    NoParticipants,
    #[error("municipality {0} is listed more than once among the participants")]
    DuplicateParticipant(ScbCode),
    #[error("{field} has no entry for participant {code}")]
    MissingEntry { field: &'static str, code: ScbCode },
    #[error("{field} has an entry for {code}, which is not a participant")]
    NotAParticipant { field: &'static str, code: ScbCode },
    #[error("populations are required for the {0} model")]
    MissingPopulations(&'static str),
    #[error("the population is 0 for all participants")]
    ZeroPopulation,
    #[error("flat_percent must be between 0 and 100 (got {0})")]
    FlatPercentOutOfRange(u8),
    #[error("fixed amounts add up to {sum_ore} öre but the amount to split is {amount_ore} öre")]
    FixedSumMismatch { amount_ore: i64, sum_ore: i128 },
    #[error("the cost {amount_ore} öre exceeds the sum of the caps {caps_total_ore} öre")]
    CapsExceeded {
        amount_ore: i64,
        caps_total_ore: i128,
    },
    #[error(
        "usage adds up to {computed_ore} öre (quantity × unit price + one-off fees) but the amount is {amount_ore} öre"
    )]
    UsageTotalMismatch { amount_ore: i64, computed_ore: i128 },
    #[error("{field}: the numbers are too large to compute exactly")]
    Overflow { field: &'static str },
    #[error("the rounding remainder could not be placed (internal error)")]
    RoundingInfeasible,
}

impl AllocationError {
    /// The JSON field at fault, e.g. `"model.caps_ore"`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::NegativeValue { field, .. }
            | Self::NegativeEntry { field, .. }
            | Self::MissingEntry { field, .. }
            | Self::NotAParticipant { field, .. }
            | Self::Overflow { field } => field,
            Self::InvalidRoundingUnit(_) | Self::RoundingInfeasible => "rounding_unit_ore",
            Self::NoParticipants | Self::DuplicateParticipant(_) => "participants",
            Self::MissingPopulations(_) | Self::ZeroPopulation => "populations",
            Self::FlatPercentOutOfRange(_) => "model.flat_percent",
            Self::FixedSumMismatch { .. } => "model.amounts_ore",
            Self::CapsExceeded { .. } => "model.caps_ore",
            Self::UsageTotalMismatch { .. } => "amount_ore",
        }
    }
}

const AMOUNTS: &str = "model.amounts_ore";
const CAPS: &str = "model.caps_ore";
const QUANTITIES: &str = "model.quantities";
const POPULATIONS: &str = "populations";

/// One participant's exact quota `num / denom` (denominator shared by all).
struct Item {
    code: ScbCode,
    num: i128,
    cap: Option<i128>,
    basis: ShareBasis,
}

/// Exact quotas over a common positive denominator, and the unit to round to.
struct Plan {
    denom: i128,
    unit: i64,
    items: Vec<Item>,
}

/// Splits `input.amount_ore` among the participants according to the model.
/// See the module documentation for the rounding rule.
pub fn allocate(input: AllocationInput<'_>) -> Result<Allocation, AllocationError> {
    if input.amount_ore < 0 {
        return Err(AllocationError::NegativeValue {
            field: "amount_ore",
            value: input.amount_ore,
        });
    }
    if input.rounding_unit_ore <= 0 {
        return Err(AllocationError::InvalidRoundingUnit(
            input.rounding_unit_ore,
        ));
    }
    let mut codes = input.participants.to_vec();
    codes.sort_unstable();
    if codes.is_empty() {
        return Err(AllocationError::NoParticipants);
    }
    if let Some(w) = codes.windows(2).find(|w| w[0] == w[1]) {
        return Err(AllocationError::DuplicateParticipant(w[0]));
    }

    let plan = match input.model {
        Model::Equal => plan_equal(input, &codes)?,
        Model::PerCapita { population_date } => plan_per_capita(input, &codes, *population_date)?,
        Model::Mixed {
            flat_percent,
            population_date,
        } => plan_mixed(input, &codes, *flat_percent, *population_date)?,
        Model::Fixed { amounts_ore } => plan_fixed(input, &codes, amounts_ore)?,
        Model::Capped { caps_ore } => plan_capped(input, &codes, caps_ore)?,
        Model::Usage {
            quantities,
            unit_price_ore,
            one_off_ore,
        } => plan_usage(input, &codes, quantities, *unit_price_ore, *one_off_ore)?,
    };

    let amounts = largest_remainder(input.amount_ore, &plan)?;
    let shares = plan
        .items
        .into_iter()
        .zip(amounts)
        .map(|(item, amount_ore)| {
            let floor = item.num / plan.denom;
            let adjustment = i128::from(amount_ore) - floor;
            let mut basis = item.basis;
            basis.exact_quota_ore = fraction(item.num, plan.denom);
            basis.rounding_adjustment_ore = to_i64(adjustment, "amount_ore")?;
            Ok(Share {
                scb_code: item.code,
                amount_ore,
                basis,
            })
        })
        .collect::<Result<Vec<_>, AllocationError>>()?;
    Ok(Allocation {
        total_ore: input.amount_ore,
        rule_version: RULE_VERSION.to_owned(),
        rounding_unit_ore: plan.unit,
        shares,
    })
}

/// Floors every quota to the unit and hands out the leftover by largest remainder
/// (ties by SCB code), respecting caps. Returns the shares in `plan.items` order.
fn largest_remainder(amount: i64, plan: &Plan) -> Result<Vec<i64>, AllocationError> {
    let unit = i128::from(plan.unit);
    let mut shares: Vec<i128> = Vec::with_capacity(plan.items.len());
    // (whole öre of the remainder, fraction of an öre over denom, code, index)
    let mut order: Vec<(i128, i128, ScbCode, usize)> = Vec::with_capacity(plan.items.len());
    for (idx, item) in plan.items.iter().enumerate() {
        if item.num < 0 {
            return Err(AllocationError::RoundingInfeasible);
        }
        let whole = item.num / plan.denom;
        let frac = item.num % plan.denom;
        let rem_ore = whole % unit;
        shares.push(whole - rem_ore);
        order.push((rem_ore, frac, item.code, idx));
    }
    // Remainder (rem_ore + frac/denom) descending, then SCB code ascending.
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));

    let floors = shares
        .iter()
        .try_fold(0i128, |acc, s| acc.checked_add(*s))
        .ok_or(AllocationError::Overflow {
            field: "amount_ore",
        })?;
    let mut left = i128::from(amount) - floors;
    for &(_, _, _, idx) in &order {
        if left <= 0 {
            break;
        }
        let (Some(share), Some(item)) = (shares.get_mut(idx), plan.items.get(idx)) else {
            return Err(AllocationError::RoundingInfeasible);
        };
        let headroom = item.cap.map_or(left, |cap| cap - *share);
        let give = unit.min(left).min(headroom).max(0);
        *share += give;
        left -= give;
    }
    if left != 0 {
        return Err(AllocationError::RoundingInfeasible);
    }
    shares
        .into_iter()
        .map(|s| to_i64(s, "amount_ore"))
        .collect()
}

fn plan_equal(input: AllocationInput<'_>, codes: &[ScbCode]) -> Result<Plan, AllocationError> {
    let n = codes.len();
    let count = u32::try_from(n).map_err(|_| overflow("participants"))?;
    Ok(Plan {
        denom: i128::from(count),
        unit: input.rounding_unit_ore,
        items: codes
            .iter()
            .map(|&code| Item {
                code,
                num: i128::from(input.amount_ore),
                cap: None,
                basis: ShareBasis {
                    participant_count: Some(count),
                    ..ShareBasis::default()
                },
            })
            .collect(),
    })
}

/// The participants' populations in `codes` order, and their sum (> 0).
fn participant_populations(
    input: AllocationInput<'_>,
    codes: &[ScbCode],
) -> Result<(Vec<u64>, u64), AllocationError> {
    let populations = input
        .populations
        .ok_or(AllocationError::MissingPopulations(input.model.kind()))?;
    let pops = codes
        .iter()
        .map(|code| {
            populations
                .get(code)
                .copied()
                .ok_or(AllocationError::MissingEntry {
                    field: POPULATIONS,
                    code: *code,
                })
        })
        .collect::<Result<Vec<u64>, _>>()?;
    let total = pops
        .iter()
        .try_fold(0u64, |acc, p| acc.checked_add(*p))
        .ok_or(overflow(POPULATIONS))?;
    if total == 0 {
        return Err(AllocationError::ZeroPopulation);
    }
    Ok((pops, total))
}

fn plan_per_capita(
    input: AllocationInput<'_>,
    codes: &[ScbCode],
    date: NaiveDate,
) -> Result<Plan, AllocationError> {
    let (pops, total) = participant_populations(input, codes)?;
    let amount = i128::from(input.amount_ore);
    let items = codes
        .iter()
        .zip(pops)
        .map(|(&code, pop)| {
            Ok(Item {
                code,
                num: amount
                    .checked_mul(i128::from(pop))
                    .ok_or(overflow(POPULATIONS))?,
                cap: None,
                basis: ShareBasis {
                    population: Some(pop),
                    population_total: Some(total),
                    population_date: Some(date),
                    ..ShareBasis::default()
                },
            })
        })
        .collect::<Result<Vec<_>, AllocationError>>()?;
    Ok(Plan {
        denom: i128::from(total),
        unit: input.rounding_unit_ore,
        items,
    })
}

fn plan_mixed(
    input: AllocationInput<'_>,
    codes: &[ScbCode],
    flat_percent: u8,
    date: NaiveDate,
) -> Result<Plan, AllocationError> {
    if flat_percent > 100 {
        return Err(AllocationError::FlatPercentOutOfRange(flat_percent));
    }
    let (pops, total) = participant_populations(input, codes)?;
    let count = u32::try_from(codes.len()).map_err(|_| overflow("participants"))?;
    let n = i128::from(count);
    let p_total = i128::from(total);
    let amount = i128::from(input.amount_ore);
    let flat = i128::from(flat_percent);
    let by_pop = 100 - flat;
    // Common denominator 100·N·P:
    //   flat part       A·f/(100·N)          = A·f·P       / (100·N·P)
    //   population part A·(100−f)·p/(100·P)  = A·(100−f)·p·N / (100·N·P)
    let err = || overflow(POPULATIONS);
    let denom = n
        .checked_mul(p_total)
        .and_then(|x| x.checked_mul(100))
        .ok_or_else(err)?;
    let flat_num = amount.checked_mul(flat).ok_or_else(err)?;
    let flat_quota = fraction(flat_num, 100 * n);
    let items = codes
        .iter()
        .zip(pops)
        .map(|(&code, pop)| {
            let pop_num = amount
                .checked_mul(by_pop)
                .and_then(|x| x.checked_mul(i128::from(pop)))
                .ok_or_else(err)?;
            let num = flat_num
                .checked_mul(p_total)
                .and_then(|f| pop_num.checked_mul(n).and_then(|p| f.checked_add(p)))
                .ok_or_else(err)?;
            Ok(Item {
                code,
                num,
                cap: None,
                basis: ShareBasis {
                    participant_count: Some(count),
                    population: Some(pop),
                    population_total: Some(total),
                    population_date: Some(date),
                    flat_percent: Some(flat_percent),
                    flat_quota_ore: Some(flat_quota.clone()),
                    population_quota_ore: Some(fraction(pop_num, 100 * p_total)),
                    ..ShareBasis::default()
                },
            })
        })
        .collect::<Result<Vec<_>, AllocationError>>()?;
    Ok(Plan {
        denom,
        unit: input.rounding_unit_ore,
        items,
    })
}

fn plan_fixed(
    input: AllocationInput<'_>,
    codes: &[ScbCode],
    amounts: &BTreeMap<ScbCode, i64>,
) -> Result<Plan, AllocationError> {
    let values = per_participant(AMOUNTS, codes, amounts)?;
    let sum: i128 = values.iter().map(|v| i128::from(*v)).sum();
    if sum != i128::from(input.amount_ore) {
        return Err(AllocationError::FixedSumMismatch {
            amount_ore: input.amount_ore,
            sum_ore: sum,
        });
    }
    Ok(Plan {
        denom: 1,
        unit: 1,
        items: codes
            .iter()
            .zip(values)
            .map(|(&code, v)| Item {
                code,
                num: i128::from(v),
                cap: None,
                basis: ShareBasis {
                    fixed_amount_ore: Some(v),
                    ..ShareBasis::default()
                },
            })
            .collect(),
    })
}

fn plan_capped(
    input: AllocationInput<'_>,
    codes: &[ScbCode],
    caps: &BTreeMap<ScbCode, i64>,
) -> Result<Plan, AllocationError> {
    let values = per_participant(CAPS, codes, caps)?;
    let total: i128 = values.iter().map(|v| i128::from(*v)).sum();
    let amount = i128::from(input.amount_ore);
    if amount > total {
        return Err(AllocationError::CapsExceeded {
            amount_ore: input.amount_ore,
            caps_total_ore: total,
        });
    }
    let caps_total = to_i64(total, CAPS)?;
    // All caps zero (then the amount is zero too): every quota is 0/1.
    let denom = total.max(1);
    let items = codes
        .iter()
        .zip(values)
        .map(|(&code, cap)| {
            Ok(Item {
                code,
                num: amount.checked_mul(i128::from(cap)).ok_or(overflow(CAPS))?,
                cap: Some(i128::from(cap)),
                basis: ShareBasis {
                    cap_ore: Some(cap),
                    caps_total_ore: Some(caps_total),
                    ..ShareBasis::default()
                },
            })
        })
        .collect::<Result<Vec<_>, AllocationError>>()?;
    Ok(Plan {
        denom,
        unit: input.rounding_unit_ore,
        items,
    })
}

fn plan_usage(
    input: AllocationInput<'_>,
    codes: &[ScbCode],
    quantities: &BTreeMap<ScbCode, i64>,
    unit_price: i64,
    one_off: Option<i64>,
) -> Result<Plan, AllocationError> {
    let values = per_participant(QUANTITIES, codes, quantities)?;
    if unit_price < 0 {
        return Err(AllocationError::NegativeValue {
            field: "model.unit_price_ore",
            value: unit_price,
        });
    }
    if let Some(fee) = one_off.filter(|f| *f < 0) {
        return Err(AllocationError::NegativeValue {
            field: "model.one_off_ore",
            value: fee,
        });
    }
    let mut items = Vec::with_capacity(codes.len());
    let mut computed: i128 = 0;
    for (&code, quantity) in codes.iter().zip(values) {
        let fee = one_off.filter(|_| quantity > 0);
        let num = i128::from(quantity) * i128::from(unit_price) + i128::from(fee.unwrap_or(0));
        computed = computed.checked_add(num).ok_or(overflow(QUANTITIES))?;
        items.push(Item {
            code,
            num,
            cap: None,
            basis: ShareBasis {
                quantity: Some(quantity),
                unit_price_ore: Some(unit_price),
                one_off_ore: fee,
                ..ShareBasis::default()
            },
        });
    }
    if computed != i128::from(input.amount_ore) {
        return Err(AllocationError::UsageTotalMismatch {
            amount_ore: input.amount_ore,
            computed_ore: computed,
        });
    }
    Ok(Plan {
        denom: 1,
        unit: 1,
        items,
    })
}

/// The map's values in `codes` order; every participant must have a non-negative entry
/// and every key must be a participant.
fn per_participant(
    field: &'static str,
    codes: &[ScbCode],
    map: &BTreeMap<ScbCode, i64>,
) -> Result<Vec<i64>, AllocationError> {
    let values = codes
        .iter()
        .map(|code| {
            map.get(code)
                .copied()
                .ok_or(AllocationError::MissingEntry { field, code: *code })
        })
        .collect::<Result<Vec<i64>, _>>()?;
    if let Some(code) = map.keys().find(|k| codes.binary_search(k).is_err()) {
        return Err(AllocationError::NotAParticipant { field, code: *code });
    }
    if let Some((code, value)) = map.iter().find(|(_, v)| **v < 0) {
        return Err(AllocationError::NegativeEntry {
            field,
            code: *code,
            value: *value,
        });
    }
    Ok(values)
}

fn overflow(field: &'static str) -> AllocationError {
    AllocationError::Overflow { field }
}

fn to_i64(v: i128, field: &'static str) -> Result<i64, AllocationError> {
    i64::try_from(v).map_err(|_| overflow(field))
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `"num/den"` in lowest terms (den > 0).
fn fraction(num: i128, den: i128) -> String {
    let g = gcd(num, den);
    if g <= 1 || den == 0 {
        format!("{num}/{den}")
    } else {
        format!("{}/{}", num / g, den / g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL14: [&str; 14] = [
        "2505", "2506", "2510", "2513", "2514", "2518", "2521", "2523", "2560", "2580", "2581",
        "2582", "2583", "2584",
    ];

    /// SCB year-end populations 2019-12-31 (data/population-norrbotten.csv).
    const POP_2019: [(&str, u64); 14] = [
        ("2505", 6220),
        ("2506", 2785),
        ("2510", 4923),
        ("2513", 3315),
        ("2514", 15886),
        ("2518", 4299),
        ("2521", 6052),
        ("2523", 17529),
        ("2560", 8066),
        ("2580", 78105),
        ("2581", 42281),
        ("2582", 28080),
        ("2583", 9685),
        ("2584", 22867),
    ];

    fn c(s: &str) -> ScbCode {
        ScbCode::parse(s).expect("valid code")
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn codes(list: &[&str]) -> Vec<ScbCode> {
        list.iter().map(|s| c(s)).collect()
    }

    fn map(pairs: &[(&str, i64)]) -> BTreeMap<ScbCode, i64> {
        pairs.iter().map(|(k, v)| (c(k), *v)).collect()
    }

    fn pops_2019() -> BTreeMap<ScbCode, u64> {
        POP_2019.iter().map(|(k, v)| (c(k), *v)).collect()
    }

    fn run(
        amount_ore: i64,
        rounding_unit_ore: i64,
        model: &Model,
        participants: &[ScbCode],
        populations: Option<&BTreeMap<ScbCode, u64>>,
    ) -> Result<Allocation, AllocationError> {
        allocate(AllocationInput {
            amount_ore,
            rounding_unit_ore,
            model,
            participants,
            populations,
        })
    }

    fn amounts(a: &Allocation) -> Vec<(String, i64)> {
        a.shares
            .iter()
            .map(|s| (s.scb_code.to_string(), s.amount_ore))
            .collect()
    }

    /// Parses `"n/d"`.
    fn parse_fraction(s: &str) -> (i128, i128) {
        let (n, d) = s.split_once('/').expect("n/d");
        (n.parse().expect("n"), d.parse().expect("d"))
    }

    #[test]
    fn golden_base_funding_2021_equal_among_14() {
        let all = codes(&ALL14);
        let a = run(104_440_000, 100, &Model::Equal, &all, None).expect("splits");
        assert_eq!(a.shares.len(), 14);
        assert!(a.shares.iter().all(|s| s.amount_ore == 7_460_000));
        assert_eq!(a.total_ore, 104_440_000);
        assert_eq!(a.rule_version, "largest-remainder-v1");
        assert_eq!(a.shares[0].basis.exact_quota_ore, "7460000/1");
        assert_eq!(a.shares[0].basis.participant_count, Some(14));
        assert_eq!(a.shares[0].basis.rounding_adjustment_ore, 0);
    }

    #[test]
    fn golden_student_health_per_capita_13_without_kalix() {
        let participants: Vec<ScbCode> = ALL14
            .iter()
            .filter(|s| **s != "2514")
            .map(|s| c(s))
            .collect();
        assert_eq!(participants.len(), 13);
        let pops = pops_2019();
        let model = Model::PerCapita {
            population_date: date("2019-12-31"),
        };
        let a = run(49_000_000, 100, &model, &participants, Some(&pops)).expect("splits");
        let total_pop: u64 = participants.iter().map(|p| pops[p]).sum();
        assert_eq!(total_pop, 234_207);
        assert_eq!(
            a.shares.iter().map(|s| s.amount_ore).sum::<i64>(),
            49_000_000
        );
        assert!(a.share_of(c("2514")).is_none());
        for s in &a.shares {
            let pop = i128::from(pops[&s.scb_code]);
            let exact_num = 49_000_000i128 * pop;
            let den = i128::from(total_pop);
            assert!(
                (i128::from(s.amount_ore) * den - exact_num).abs() < 100 * den,
                "{} off by more than a unit",
                s.scb_code
            );
            assert_eq!(s.amount_ore % 100, 0);
            assert_eq!(s.basis.population, Some(pops[&s.scb_code]));
            assert_eq!(s.basis.population_total, Some(234_207));
            assert_eq!(s.basis.population_date, Some(date("2019-12-31")));
        }
        // Computed independently (exact quota, floor to whole kronor, largest remainder).
        let expected: Vec<(String, i64)> = [
            ("2505", 1_301_300),
            ("2506", 582_700),
            ("2510", 1_030_000),
            ("2513", 693_500),
            ("2518", 899_400),
            ("2521", 1_266_200),
            ("2523", 3_667_400),
            ("2560", 1_687_500),
            ("2580", 16_340_900),
            ("2581", 8_845_900),
            ("2582", 5_874_800),
            ("2583", 2_026_300),
            ("2584", 4_784_100),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
        assert_eq!(amounts(&a), expected);
    }

    #[test]
    fn sub_unit_residual_goes_to_next_in_line() {
        // 100.50 kr in whole kronor among three: exact 33.50 each, floors 33 each,
        // leftover 1.50 kr: one krona to 2505 (tie → lowest code), 50 öre to 2506.
        let p = codes(&["2506", "2505", "2510"]);
        let a = run(10_050, 100, &Model::Equal, &p, None).expect("splits");
        assert_eq!(
            amounts(&a),
            vec![
                ("2505".into(), 3_400),
                ("2506".into(), 3_350),
                ("2510".into(), 3_300)
            ]
        );
        assert_eq!(a.shares[0].basis.exact_quota_ore, "3350/1");
        assert_eq!(a.shares[0].basis.rounding_adjustment_ore, 50);
        assert_eq!(a.shares[2].basis.rounding_adjustment_ore, -50);
        // A unit larger than the amount: everything goes to the largest remainder.
        let a = run(999, 10_000, &Model::Equal, &p, None).expect("splits");
        assert_eq!(
            amounts(&a),
            vec![("2505".into(), 999), ("2506".into(), 0), ("2510".into(), 0)]
        );
    }

    #[test]
    fn mixed_rounds_the_combined_quota_once() {
        let p = codes(&["2505", "2506", "2580"]);
        let pops = pops_2019();
        let model = Model::Mixed {
            flat_percent: 50,
            population_date: date("2019-12-31"),
        };
        let a = run(1_000_000, 100, &model, &p, Some(&pops)).expect("splits");
        assert_eq!(
            a.shares.iter().map(|s| s.amount_ore).sum::<i64>(),
            1_000_000
        );
        let s = a.share_of(c("2505")).expect("present");
        assert_eq!(s.basis.flat_quota_ore.as_deref(), Some("500000/3"));
        assert_eq!(s.basis.flat_percent, Some(50));
        // 500000 · 6220 / 87110
        assert_eq!(
            s.basis.population_quota_ore.as_deref(),
            Some("311000000/8711")
        );
        let (n, d) = parse_fraction(&s.basis.exact_quota_ore);
        let (fnum, fden) = parse_fraction(s.basis.flat_quota_ore.as_deref().expect("flat"));
        let (pnum, pden) = parse_fraction(s.basis.population_quota_ore.as_deref().expect("pop"));
        assert_eq!(n * fden * pden, (fnum * pden + pnum * fden) * d);
        // 0 % flat is per capita; 100 % flat is equal.
        let m0 = Model::Mixed {
            flat_percent: 0,
            population_date: date("2019-12-31"),
        };
        let pc = Model::PerCapita {
            population_date: date("2019-12-31"),
        };
        assert_eq!(
            amounts(&run(1_000_000, 100, &m0, &p, Some(&pops)).expect("ok")),
            amounts(&run(1_000_000, 100, &pc, &p, Some(&pops)).expect("ok"))
        );
        let m100 = Model::Mixed {
            flat_percent: 100,
            population_date: date("2019-12-31"),
        };
        assert_eq!(
            amounts(&run(1_000_000, 100, &m100, &p, Some(&pops)).expect("ok")),
            amounts(&run(1_000_000, 100, &Model::Equal, &p, None).expect("ok"))
        );
    }

    #[test]
    fn capped_splits_in_proportion_and_never_exceeds_a_cap() {
        let p = codes(&["2505", "2580", "2581"]);
        let model = Model::Capped {
            caps_ore: map(&[
                ("2505", 10_000_000),
                ("2580", 30_000_000),
                ("2581", 60_000_000),
            ]),
        };
        let half = run(50_000_000, 100, &model, &p, None).expect("splits");
        assert_eq!(
            amounts(&half),
            vec![
                ("2505".into(), 5_000_000),
                ("2580".into(), 15_000_000),
                ("2581".into(), 30_000_000)
            ]
        );
        assert_eq!(half.shares[0].basis.cap_ore, Some(10_000_000));
        assert_eq!(half.shares[0].basis.caps_total_ore, Some(100_000_000));
        let full = run(100_000_000, 10_000, &model, &p, None).expect("splits");
        assert_eq!(
            amounts(&full),
            vec![
                ("2505".into(), 10_000_000),
                ("2580".into(), 30_000_000),
                ("2581".into(), 60_000_000)
            ]
        );
        let err = run(100_000_001, 100, &model, &p, None).expect_err("above caps");
        assert_eq!(err.field(), "model.caps_ore");
        assert_eq!(
            err.to_string(),
            "the cost 100000001 öre exceeds the sum of the caps 100000000 öre"
        );
        // Caps that are not multiples of the unit: rounding must not push past them.
        let odd = Model::Capped {
            caps_ore: map(&[("2505", 150), ("2580", 150)]),
        };
        let a = run(300, 100, &odd, &codes(&["2505", "2580"]), None).expect("splits");
        assert_eq!(
            amounts(&a),
            vec![("2505".into(), 150), ("2580".into(), 150)]
        );
        // All caps zero and nothing to pay.
        let zero = Model::Capped {
            caps_ore: map(&[("2505", 0)]),
        };
        let a = run(0, 100, &zero, &codes(&["2505"]), None).expect("splits");
        assert_eq!(amounts(&a), vec![("2505".into(), 0)]);
    }

    #[test]
    fn fixed_must_add_up() {
        let p = codes(&["2505", "2580"]);
        let model = Model::Fixed {
            amounts_ore: map(&[("2505", 12_345), ("2580", 100_000)]),
        };
        let a = run(112_345, 10_000, &model, &p, None).expect("adds up");
        assert_eq!(
            amounts(&a),
            vec![("2505".into(), 12_345), ("2580".into(), 100_000)]
        );
        assert_eq!(a.rounding_unit_ore, 1);
        assert_eq!(a.shares[0].basis.fixed_amount_ore, Some(12_345));
        let err = run(112_300, 100, &model, &p, None).expect_err("does not add up");
        assert_eq!(err.field(), "model.amounts_ore");
        assert_eq!(
            err.to_string(),
            "fixed amounts add up to 112345 öre but the amount to split is 112300 öre"
        );
    }

    #[test]
    fn usage_quantity_times_price_plus_one_off() {
        let p = codes(&["2505", "2506", "2580"]);
        let model = Model::Usage {
            quantities: map(&[("2505", 10), ("2506", 0), ("2580", 5)]),
            unit_price_ore: 1_000,
            one_off_ore: Some(5_000),
        };
        let a = run(25_000, 100, &model, &p, None).expect("adds up");
        assert_eq!(
            amounts(&a),
            vec![
                ("2505".into(), 15_000),
                ("2506".into(), 0),
                ("2580".into(), 10_000)
            ]
        );
        assert_eq!(a.shares[0].basis.one_off_ore, Some(5_000));
        assert_eq!(a.shares[1].basis.one_off_ore, None);
        assert_eq!(a.shares[0].basis.quantity, Some(10));
        assert_eq!(a.shares[0].basis.unit_price_ore, Some(1_000));
        let err = run(30_000, 100, &model, &p, None).expect_err("mismatch");
        assert_eq!(err.field(), "amount_ore");
        assert!(err.to_string().contains("25000"), "{err}");
    }

    #[test]
    fn errors_name_their_field() {
        let p = codes(&["2505", "2580"]);
        let pops = pops_2019();
        let pc = Model::PerCapita {
            population_date: date("2019-12-31"),
        };
        let cases: Vec<(Result<Allocation, AllocationError>, &str)> = vec![
            (run(-1, 100, &Model::Equal, &p, None), "amount_ore"),
            (run(1, 0, &Model::Equal, &p, None), "rounding_unit_ore"),
            (run(1, -100, &Model::Equal, &p, None), "rounding_unit_ore"),
            (run(1, 1, &Model::Equal, &[], None), "participants"),
            (
                run(1, 1, &Model::Equal, &codes(&["2505", "2580", "2505"]), None),
                "participants",
            ),
            (run(1, 1, &pc, &p, None), "populations"),
            (
                run(1, 1, &pc, &p, Some(&BTreeMap::from([(c("2505"), 5)]))),
                "populations",
            ),
            (
                run(
                    1,
                    1,
                    &pc,
                    &p,
                    Some(&BTreeMap::from([(c("2505"), 0), (c("2580"), 0)])),
                ),
                "populations",
            ),
            (
                run(
                    1,
                    1,
                    &Model::Mixed {
                        flat_percent: 101,
                        population_date: date("2019-12-31"),
                    },
                    &p,
                    Some(&pops),
                ),
                "model.flat_percent",
            ),
            (
                run(
                    1,
                    1,
                    &Model::Capped {
                        caps_ore: map(&[("2505", 5)]),
                    },
                    &p,
                    None,
                ),
                "model.caps_ore",
            ),
            (
                run(
                    1,
                    1,
                    &Model::Capped {
                        caps_ore: map(&[("2505", 5), ("2580", 5), ("2581", 5)]),
                    },
                    &p,
                    None,
                ),
                "model.caps_ore",
            ),
            (
                run(
                    1,
                    1,
                    &Model::Capped {
                        caps_ore: map(&[("2505", 5), ("2580", -5)]),
                    },
                    &p,
                    None,
                ),
                "model.caps_ore",
            ),
            (
                run(
                    0,
                    1,
                    &Model::Fixed {
                        amounts_ore: map(&[("2505", 5), ("2580", -5)]),
                    },
                    &p,
                    None,
                ),
                "model.amounts_ore",
            ),
            (
                run(
                    0,
                    1,
                    &Model::Fixed {
                        amounts_ore: map(&[("2505", 0)]),
                    },
                    &p,
                    None,
                ),
                "model.amounts_ore",
            ),
            (
                run(
                    0,
                    1,
                    &Model::Usage {
                        quantities: map(&[("2505", 0), ("2580", -1)]),
                        unit_price_ore: 1,
                        one_off_ore: None,
                    },
                    &p,
                    None,
                ),
                "model.quantities",
            ),
            (
                run(
                    0,
                    1,
                    &Model::Usage {
                        quantities: map(&[("2505", 0)]),
                        unit_price_ore: 1,
                        one_off_ore: None,
                    },
                    &p,
                    None,
                ),
                "model.quantities",
            ),
            (
                run(
                    0,
                    1,
                    &Model::Usage {
                        quantities: map(&[("2505", 0), ("2580", 0)]),
                        unit_price_ore: -1,
                        one_off_ore: None,
                    },
                    &p,
                    None,
                ),
                "model.unit_price_ore",
            ),
            (
                run(
                    0,
                    1,
                    &Model::Usage {
                        quantities: map(&[("2505", 0), ("2580", 0)]),
                        unit_price_ore: 1,
                        one_off_ore: Some(-1),
                    },
                    &p,
                    None,
                ),
                "model.one_off_ore",
            ),
            (
                run(
                    i64::MAX,
                    1,
                    &pc,
                    &p,
                    Some(&BTreeMap::from([(c("2505"), u64::MAX), (c("2580"), 1)])),
                ),
                "populations",
            ),
        ];
        for (i, (result, field)) in cases.into_iter().enumerate() {
            let err = result.expect_err("must fail");
            assert_eq!(err.field(), field, "case {i}: {err}");
            assert!(!err.to_string().is_empty());
        }
        let err = run(1, 1, &pc, &p, Some(&BTreeMap::from([(c("2505"), 5)]))).expect_err("missing");
        assert_eq!(
            err.to_string(),
            "populations has no entry for participant 2580"
        );
        let err = run(
            1,
            1,
            &Model::Capped {
                caps_ore: map(&[("2505", 5), ("2580", 5), ("2581", 5)]),
            },
            &p,
            None,
        )
        .expect_err("extra");
        assert_eq!(
            err.to_string(),
            "model.caps_ore has an entry for 2581, which is not a participant"
        );
    }

    #[test]
    fn huge_but_valid_inputs_do_not_overflow() {
        let p = codes(&ALL14);
        let pops = pops_2019();
        let model = Model::Mixed {
            flat_percent: 37,
            population_date: date("2019-12-31"),
        };
        let a = run(i64::MAX, i64::MAX, &model, &p, Some(&pops)).expect("splits");
        assert_eq!(
            a.shares
                .iter()
                .map(|s| i128::from(s.amount_ore))
                .sum::<i128>(),
            i128::from(i64::MAX)
        );
        let a = run(i64::MAX, 1, &Model::Equal, &p, None).expect("splits");
        assert_eq!(
            a.shares
                .iter()
                .map(|s| i128::from(s.amount_ore))
                .sum::<i128>(),
            i128::from(i64::MAX)
        );
    }

    #[test]
    fn model_json_shape() {
        let json = r#"{"kind":"mixed","flat_percent":50,"population_date":"2019-12-31"}"#;
        let m: Model = serde_json::from_str(json).expect("parses");
        assert_eq!(
            m,
            Model::Mixed {
                flat_percent: 50,
                population_date: date("2019-12-31")
            }
        );
        assert_eq!(serde_json::to_string(&m).expect("serialises"), json);
        assert_eq!(m.population_date(), Some(date("2019-12-31")));
        assert_eq!(
            serde_json::to_string(&Model::Equal).expect("serialises"),
            r#"{"kind":"equal"}"#
        );
        let usage = r#"{"kind":"usage","quantities":{"2505":3,"2580":0},"unit_price_ore":1500}"#;
        let m: Model = serde_json::from_str(usage).expect("parses");
        assert_eq!(serde_json::to_string(&m).expect("serialises"), usage);
        let capped = r#"{"kind":"capped","caps_ore":{"2505":100000,"2580":250000}}"#;
        let m: Model = serde_json::from_str(capped).expect("parses");
        assert_eq!(m.kind(), "capped");
        for bad in [
            r#"{"kind":"mixed","flat_procent":50,"population_date":"2019-12-31"}"#,
            r#"{"kind":"capped","caps_ore":{"258":1}}"#,
            r#"{"kind":"per_capita"}"#,
            r#"{"kind":"lottery"}"#,
            r#"{"kind":"mixed","flat_percent":-1,"population_date":"2019-12-31"}"#,
        ] {
            assert!(serde_json::from_str::<Model>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn allocation_json_round_trips() {
        let p = codes(&["2505", "2580"]);
        let pops = pops_2019();
        let model = Model::Mixed {
            flat_percent: 50,
            population_date: date("2019-12-31"),
        };
        let a = run(1_000_000, 100, &model, &p, Some(&pops)).expect("splits");
        let json = serde_json::to_value(&a).expect("serialises");
        assert_eq!(json["rule_version"], "largest-remainder-v1");
        assert_eq!(json["shares"][0]["scb_code"], "2505");
        assert!(json["shares"][0]["basis"].get("cap_ore").is_none());
        let back: Allocation = serde_json::from_value(json).expect("parses");
        assert_eq!(back, a);
    }

    // ---------------------------------------------------------------- properties

    /// The 14 members plus a few other codes, so subsets and outsiders both occur.
    fn pool() -> Vec<ScbCode> {
        ALL14
            .iter()
            .copied()
            .chain(["0114", "1280", "2401", "2599", "2585", "2590"])
            .map(c)
            .collect()
    }

    /// (participants sorted, the same shuffled)
    fn participants() -> impl Strategy<Value = (Vec<ScbCode>, Vec<ScbCode>)> {
        proptest::sample::subsequence(pool(), 1..=20).prop_flat_map(|mut v| {
            v.sort_unstable();
            (Just(v.clone()), Just(v).prop_shuffle())
        })
    }

    fn unit() -> impl Strategy<Value = i64> {
        prop_oneof![Just(1i64), Just(100), Just(10_000), 1i64..=1_000_000]
    }

    fn amount() -> impl Strategy<Value = i64> {
        prop_oneof![0i64..=1_000, 0i64..=10_000_000_000_000]
    }

    /// Checks what holds for every model, and that a permuted input gives the same.
    fn check_common(
        amount_ore: i64,
        unit: i64,
        model: &Model,
        sorted: &[ScbCode],
        shuffled: &[ScbCode],
        pops: Option<&BTreeMap<ScbCode, u64>>,
    ) -> Result<Allocation, TestCaseError> {
        let a = run(amount_ore, unit, model, sorted, pops)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(a.total_ore, amount_ore);
        prop_assert_eq!(
            a.shares.iter().map(|s| s.amount_ore).sum::<i64>(),
            amount_ore
        );
        let listed: Vec<ScbCode> = a.shares.iter().map(|s| s.scb_code).collect();
        prop_assert_eq!(&listed, &sorted.to_vec());
        let eff = i128::from(a.rounding_unit_ore);
        for s in &a.shares {
            prop_assert!(s.amount_ore >= 0);
            let (n, d) = parse_fraction(&s.basis.exact_quota_ore);
            prop_assert!(d > 0);
            let diff = i128::from(s.amount_ore) * d - n;
            prop_assert!(
                diff.abs() <= eff * d,
                "{} off by more than a unit",
                s.scb_code
            );
            prop_assert_eq!(
                i128::from(s.basis.rounding_adjustment_ore),
                i128::from(s.amount_ore) - n.div_euclid(d)
            );
        }
        // Permuted participant order (maps are rebuilt in shuffled insertion order by
        // the callers) gives exactly the same allocation.
        let again = run(amount_ore, unit, model, shuffled, pops)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(&again, &a);
        let json = serde_json::to_string(&a).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Allocation =
            serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &a);
        let model_json =
            serde_json::to_string(model).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let model_back: Model =
            serde_json::from_str(&model_json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&model_back, model);
        Ok(a)
    }

    /// Builds a map by inserting in the given (shuffled) order.
    fn build<V: Copy>(order: &[ScbCode], value: impl Fn(ScbCode) -> V) -> BTreeMap<ScbCode, V> {
        let mut m = BTreeMap::new();
        for k in order {
            m.insert(*k, value(*k));
        }
        m
    }

    fn within_unit(a: i64, b: i64, unit: i64) -> bool {
        (i128::from(a) - i128::from(b)).abs() <= i128::from(unit)
    }

    proptest! {
        #[test]
        fn equal_model((sorted, shuffled) in participants(), amount in amount(), unit in unit()) {
            let a = check_common(amount, unit, &Model::Equal, &sorted, &shuffled, None)?;
            let min = a.shares.iter().map(|s| s.amount_ore).min().unwrap_or(0);
            let max = a.shares.iter().map(|s| s.amount_ore).max().unwrap_or(0);
            prop_assert!(within_unit(min, max, unit));
        }

        #[test]
        fn per_capita_model(
            (sorted, shuffled) in participants(),
            amount in amount(),
            unit in unit(),
            raw in proptest::collection::vec(0u64..=200_000, 20),
            outsider_pop in 0u64..=1_000_000,
        ) {
            let mut pops = build(&shuffled, |k| {
                let i = sorted.binary_search(&k).unwrap_or(0);
                raw[i]
            });
            // Guarantee a positive total, and two participants with equal population.
            if let Some(first) = sorted.first() {
                pops.insert(*first, raw[0].max(1));
            }
            if sorted.len() >= 2 {
                pops.insert(sorted[1], pops[&sorted[0]]);
            }
            // A non-participant in the snapshot changes nothing.
            pops.insert(c("0180"), outsider_pop);
            let model = Model::PerCapita { population_date: date("2020-12-31") };
            let a = check_common(amount, unit, &model, &sorted, &shuffled, Some(&pops))?;
            prop_assert!(a.share_of(c("0180")).is_none());
            if sorted.len() >= 2 {
                prop_assert!(within_unit(a.shares[0].amount_ore, a.shares[1].amount_ore, unit));
            }
            for s in &a.shares {
                if pops[&s.scb_code] == 0 {
                    prop_assert_eq!(s.amount_ore, 0);
                }
            }
        }

        #[test]
        fn mixed_model(
            (sorted, shuffled) in participants(),
            amount in amount(),
            unit in unit(),
            flat in 0u8..=100,
            raw in proptest::collection::vec(0u64..=200_000, 20),
        ) {
            let mut pops = build(&shuffled, |k| raw[sorted.binary_search(&k).unwrap_or(0)]);
            if let Some(first) = sorted.first() {
                pops.insert(*first, raw[0].max(1));
            }
            if sorted.len() >= 2 {
                pops.insert(sorted[1], pops[&sorted[0]]);
            }
            let model = Model::Mixed { flat_percent: flat, population_date: date("2020-12-31") };
            let a = check_common(amount, unit, &model, &sorted, &shuffled, Some(&pops))?;
            if sorted.len() >= 2 {
                prop_assert!(within_unit(a.shares[0].amount_ore, a.shares[1].amount_ore, unit));
            }
        }

        #[test]
        fn fixed_model(
            (sorted, shuffled) in participants(),
            raw in proptest::collection::vec(0i64..=1_000_000_000, 20),
            unit in unit(),
            delta in 1i64..=1_000,
        ) {
            let amounts_ore = build(&shuffled, |k| raw[sorted.binary_search(&k).unwrap_or(0)]);
            let total: i64 = amounts_ore.values().sum();
            let model = Model::Fixed { amounts_ore: amounts_ore.clone() };
            let a = check_common(total, unit, &model, &sorted, &shuffled, None)?;
            for s in &a.shares {
                prop_assert_eq!(s.amount_ore, amounts_ore[&s.scb_code]);
            }
            let err = run(total + delta, unit, &model, &sorted, None);
            prop_assert_eq!(err.map_err(|e| e.field()), Err("model.amounts_ore"));
        }

        #[test]
        fn capped_model(
            (sorted, shuffled) in participants(),
            raw in proptest::collection::vec(0i64..=1_000_000_000, 20),
            per_mille in 0i64..=1_000,
            unit in unit(),
            over in 1i64..=1_000,
        ) {
            let mut caps = build(&shuffled, |k| raw[sorted.binary_search(&k).unwrap_or(0)]);
            if sorted.len() >= 2 {
                caps.insert(sorted[1], caps[&sorted[0]]);
            }
            let total: i64 = caps.values().sum();
            let amount = total / 1_000 * per_mille + (total % 1_000) * per_mille / 1_000;
            let model = Model::Capped { caps_ore: caps.clone() };
            let a = check_common(amount, unit, &model, &sorted, &shuffled, None)?;
            for s in &a.shares {
                prop_assert!(s.amount_ore <= caps[&s.scb_code]);
            }
            if sorted.len() >= 2 {
                prop_assert!(within_unit(a.shares[0].amount_ore, a.shares[1].amount_ore, unit));
            }
            // Cost equal to the caps: everybody pays the cap.
            let full = check_common(total, unit, &model, &sorted, &shuffled, None)?;
            for s in &full.shares {
                prop_assert_eq!(s.amount_ore, caps[&s.scb_code]);
            }
            let err = run(total + over, unit, &model, &sorted, None);
            prop_assert_eq!(err.map_err(|e| e.field()), Err("model.caps_ore"));
        }

        #[test]
        fn usage_model(
            (sorted, shuffled) in participants(),
            raw in proptest::collection::vec(0i64..=10_000, 20),
            price in 0i64..=1_000_000,
            one_off in proptest::option::of(0i64..=10_000_000),
            unit in unit(),
        ) {
            let quantities = build(&shuffled, |k| raw[sorted.binary_search(&k).unwrap_or(0)]);
            let expected = |q: i64| q * price + if q > 0 { one_off.unwrap_or(0) } else { 0 };
            let total: i64 = quantities.values().map(|q| expected(*q)).sum();
            let model = Model::Usage { quantities: quantities.clone(), unit_price_ore: price, one_off_ore: one_off };
            let a = check_common(total, unit, &model, &sorted, &shuffled, None)?;
            for s in &a.shares {
                prop_assert_eq!(s.amount_ore, expected(quantities[&s.scb_code]));
            }
            let err = run(total + 1, unit, &model, &sorted, None);
            prop_assert_eq!(err.map_err(|e| e.field()), Err("amount_ore"));
        }
    }
}
