//! Benchmark: a yearly invoice run for 290 municipalities × 200 cost streams (synthetic).
//!
//! `cargo run --release -p samverkan-persistence --example invoice_run -- [DATABASE_URL]`
//! (default: a new SQLite file in the temp dir). Use an EMPTY database: it is migrated
//! and filled with synthetic data. Prints the time of each phase.

use std::time::Instant;

use chrono::NaiveDate;
use samverkan_domain::allocation::Model;
use samverkan_persistence::money::{self, SplitRequest, StreamSpec};
use samverkan_persistence::registry::{self, NewMunicipality, NewPopulation};
use samverkan_persistence::write::{Actor, WriteContext, execute};
use samverkan_persistence::{PoolConfig, connect_pool};

const MUNICIPALITIES: usize = 290;
const STREAMS: usize = 200;
const YEAR: i32 = 2030;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| {
        let p = std::env::temp_dir().join(format!("samverkan-bench-{}.db", std::process::id()));
        format!("sqlite://{}", p.display())
    });
    let pool = connect_pool(&PoolConfig::new(url.clone()))?;
    let mut conn = pool.get()?;
    conn.run_migrations()?;
    let date = NaiveDate::from_ymd_opt(YEAR - 1, 12, 31).ok_or("date")?;
    let from = NaiveDate::from_ymd_opt(2019, 1, 1).ok_or("date")?;
    // Every write goes through the write path, as an operator's command.
    let ctx = WriteContext::new(Actor::cli(), None);

    let t = Instant::now();
    execute(&mut conn, &ctx, |c| -> Result<(), diesel::result::Error> {
        for i in 0..MUNICIPALITIES {
            let code = format!("{:04}", 1001 + i);
            let now = samverkan_persistence::now();
            registry::insert_municipality(
                c,
                &NewMunicipality {
                    scb_code: code.clone(),
                    name: format!("Kommun {i}"),
                    name_folded: format!("kommun {i}"),
                    org_number: format!("bench-{i}"),
                    is_host: i == 0,
                    member_from: from,
                    member_to: None,
                    peppol_endpoint_id: None,
                    buyer_reference: None,
                    address_street: None,
                    address_postcode: None,
                    address_city: None,
                    created_at: now,
                    updated_at: now,
                    legal_name: None,
                    peppol_endpoint_scheme: None,
                },
            )?;
            registry::insert_population(
                c,
                &NewPopulation {
                    scb_code: code,
                    snapshot_date: date,
                    population: 2_000 + (i as i64 * 7_919) % 150_000,
                    source: "synthetic".into(),
                    created_at: now,
                },
            )?;
        }
        Ok(())
    })?;
    println!(
        "registry: {MUNICIPALITIES} municipalities in {:?}",
        t.elapsed()
    );

    let t = Instant::now();
    execute(&mut conn, &ctx, |c| -> Result<(), money::SplitError> {
        for s in 0..STREAMS {
            let model = match s % 3 {
                0 => Model::Equal,
                1 => Model::PerCapita {
                    population_date: date,
                },
                _ => Model::Mixed {
                    flat_percent: 50,
                    population_date: date,
                },
            };
            money::create_cost_stream(
                c,
                &StreamSpec {
                    year: YEAR,
                    name: format!("Ström {s}"),
                    kind: "shared_service".into(),
                    split: SplitRequest {
                        amount_ore: 100_000_000 + s as i64 * 12_345,
                        rounding_unit_ore: 100,
                        model,
                        participants: None,
                        member_on: from,
                        populations: None,
                    },
                    population_source: None,
                    vat: samverkan_domain::vat::VatTreatment::outside_scope(),
                    activity_id: None,
                    decision_year: None,
                    decision_paragraph: None,
                },
            )?;
        }
        Ok(())
    })?;
    println!(
        "splits: {STREAMS} streams × {MUNICIPALITIES} shares computed and stored in {:?}",
        t.elapsed()
    );

    let t = Instant::now();
    let n = execute(&mut conn, &ctx, |c| {
        money::invoice_run(c, YEAR, &YEAR.to_string())
    })?;
    let elapsed = t.elapsed();
    println!(
        "invoice run: {n} draft invoices × {STREAMS} lines ({} lines) in {elapsed:?} ({})",
        n * STREAMS,
        url.split(':').next().unwrap_or("")
    );
    assert_eq!(n, MUNICIPALITIES);
    Ok(())
}
