//! The one diesel schema both backends share (written by hand: `diesel print-schema`
//! would give SQLite's `Integer` ids, the shared type is `BigInt`).

diesel::table! {
    municipalities (scb_code) {
        scb_code -> Text,
        name -> Text,
        name_folded -> Text,
        org_number -> Text,
        is_host -> Bool,
        member_from -> Date,
        member_to -> Nullable<Date>,
        peppol_endpoint_id -> Nullable<Text>,
        buyer_reference -> Nullable<Text>,
        address_street -> Nullable<Text>,
        address_postcode -> Nullable<Text>,
        address_city -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    population_snapshots (id) {
        id -> BigInt,
        scb_code -> Text,
        snapshot_date -> Date,
        population -> BigInt,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    committee_members (id) {
        id -> BigInt,
        name -> Text,
        party -> Text,
        scb_code -> Text,
        seat_role -> Text,
        office -> Text,
        term_from -> Date,
        term_to -> Nullable<Date>,
        source -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        revoked_at -> Timestamp,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    cost_streams (id) {
        id -> BigInt,
        year -> Integer,
        name -> Text,
        kind -> Text,
        model_json -> Text,
        amount_ore -> BigInt,
        rounding_unit_ore -> BigInt,
        participants_json -> Text,
        vat_category -> Text,
        vat_percent -> Integer,
        vat_exemption_reason -> Nullable<Text>,
        activity_id -> Nullable<BigInt>,
        decision_year -> Nullable<Integer>,
        decision_paragraph -> Nullable<Integer>,
        population_source -> Nullable<Text>,
        allocation_json -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoices (id) {
        id -> BigInt,
        doc_type -> Text,
        scb_code -> Text,
        year -> Integer,
        period -> Text,
        status -> Text,
        series -> Nullable<Text>,
        number -> Nullable<Text>,
        issue_date -> Nullable<Date>,
        due_date -> Nullable<Date>,
        buyer_reference -> Nullable<Text>,
        credits_invoice_id -> Nullable<BigInt>,
        total_ore -> BigInt,
        paid_ore -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> BigInt,
        invoice_id -> BigInt,
        line_no -> Integer,
        cost_stream_id -> BigInt,
        description -> Text,
        amount_ore -> BigInt,
        vat_category -> Text,
        vat_percent -> Integer,
        vat_exemption_reason -> Nullable<Text>,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        invoice_id -> BigInt,
        amount_ore -> BigInt,
        paid_on -> Date,
        reference -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    number_series (series) {
        series -> Text,
        last_number -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (scope, idem_key) {
        scope -> Text,
        idem_key -> Text,
        request_hash -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(population_snapshots -> municipalities (scb_code));
diesel::joinable!(committee_members -> municipalities (scb_code));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(payments -> invoices (invoice_id));
diesel::allow_tables_to_appear_in_same_query!(
    municipalities,
    population_snapshots,
    committee_members,
    revoked_tokens,
    cost_streams,
    invoices,
    invoice_lines,
    payments,
    number_series,
    idempotency_keys,
);
