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
        legal_name -> Nullable<Text>,
        peppol_endpoint_scheme -> Nullable<Text>,
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
        person_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    persons (id) {
        id -> BigInt,
        name -> Text,
        variants -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    staff (id) {
        id -> BigInt,
        person_id -> BigInt,
        role -> Text,
        title -> Text,
        organisation -> Nullable<Text>,
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
    issued_tokens (jti) {
        jti -> Text,
        sub -> Text,
        role -> Text,
        municipality -> Nullable<Text>,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    meetings (id) {
        id -> BigInt,
        kind -> Text,
        meeting_date -> Date,
        start_time -> Nullable<Time>,
        end_time -> Nullable<Time>,
        place -> Text,
        chair -> Nullable<Text>,
        secretary -> Nullable<Text>,
        adjusters -> Text,
        attendance -> Text,
        status -> Text,
        approved_on -> Nullable<Date>,
        signatures -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meeting_notices (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        scb_code -> Text,
        posted_on -> Date,
        taken_down_on -> Nullable<Date>,
        kept_at -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    decisions (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        meeting_date -> Date,
        year -> Integer,
        paragraph -> Integer,
        case_number -> Nullable<Text>,
        kind -> Text,
        public -> Bool,
        approved -> Bool,
        title -> Text,
        body -> Text,
        recipients_folded -> Text,
        search_raw -> Text,
        search_stemmed -> Text,
        version -> Integer,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        appeal_posted_all_on -> Nullable<Date>,
        appeal_last_day -> Nullable<Date>,
        appeal_moved_from -> Nullable<Date>,
    }
}

diesel::table! {
    decision_versions (id) {
        id -> BigInt,
        decision_id -> BigInt,
        version -> Integer,
        content -> Text,
        reason -> Nullable<Text>,
        changed -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        category -> Text,
        name -> Text,
        goal -> Nullable<Text>,
        phase -> Text,
        start_year -> Nullable<Integer>,
        start_date -> Nullable<Date>,
        expected_end -> Nullable<Date>,
        contacts -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        latest_report_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    activity_participants (activity_id, scb_code) {
        activity_id -> BigInt,
        scb_code -> Text,
    }
}

diesel::table! {
    phase_changes (id) {
        id -> BigInt,
        activity_id -> BigInt,
        changed_on -> Date,
        from_phase -> Nullable<Text>,
        to_phase -> Text,
        reason -> Nullable<Text>,
        decision_year -> Nullable<Integer>,
        decision_paragraph -> Nullable<Integer>,
        case_number -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    status_reports (id) {
        id -> BigInt,
        activity_id -> BigInt,
        reported_on -> Date,
        text -> Text,
        meeting_date -> Nullable<Date>,
        meeting_paragraph -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rollouts (id) {
        id -> BigInt,
        activity_id -> BigInt,
        scb_code -> Text,
        state -> Text,
        started_on -> Nullable<Date>,
        completed_on -> Nullable<Date>,
        as_of -> Nullable<Date>,
        note -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    procurements (id) {
        id -> BigInt,
        activity_id -> BigInt,
        name -> Text,
        status -> Text,
        award_decision_year -> Nullable<Integer>,
        award_decision_paragraph -> Nullable<Integer>,
        award_case_number -> Nullable<Text>,
        award_note -> Nullable<Text>,
        supplier_name -> Nullable<Text>,
        supplier_org_number -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        activity_id -> BigInt,
        procurement_id -> Nullable<BigInt>,
        name -> Text,
        supplier_name -> Nullable<Text>,
        supplier_org_number -> Nullable<Text>,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        extendable -> Bool,
        extension_options -> Nullable<Text>,
        call_off_members -> Bool,
        call_off_companies -> Bool,
        call_off_foundations -> Bool,
        note -> Nullable<Text>,
        created_at -> Timestamp,
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
        vat_regime -> Text,
        line_extension_ore -> BigInt,
        tax_ore -> BigInt,
        credited_ore -> BigInt,
        payment_account -> Nullable<Text>,
        seller_vat_id -> Nullable<Text>,
        issued_ubl -> Nullable<Text>,
        issued_ubl_sha256 -> Nullable<Text>,
        buyer_name -> Nullable<Text>,
    }
}

diesel::table! {
    invoice_vat (invoice_id, vat_category, vat_percent) {
        invoice_id -> BigInt,
        vat_category -> Text,
        vat_percent -> Integer,
        taxable_ore -> BigInt,
        tax_ore -> BigInt,
        vat_exemption_reason -> Nullable<Text>,
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
    idempotency_keys (caller, scope, idem_key) {
        caller -> Text,
        scope -> Text,
        idem_key -> Text,
        request_hash -> Text,
        state -> Text,
        status -> Nullable<Integer>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_sub -> Text,
        actor_role -> Text,
        request_id -> Nullable<Text>,
        aggregate_type -> Text,
        aggregate_id -> Text,
        action -> Text,
        change_json -> Text,
        actor_jti -> Nullable<Text>,
    }
}

diesel::joinable!(population_snapshots -> municipalities (scb_code));
diesel::joinable!(committee_members -> municipalities (scb_code));
diesel::joinable!(committee_members -> persons (person_id));
diesel::joinable!(staff -> persons (person_id));
diesel::joinable!(meeting_notices -> meetings (meeting_id));
diesel::joinable!(decisions -> meetings (meeting_id));
diesel::joinable!(decision_versions -> decisions (decision_id));
diesel::joinable!(activity_participants -> activities (activity_id));
diesel::joinable!(status_reports -> activities (activity_id));
diesel::joinable!(rollouts -> activities (activity_id));
diesel::joinable!(procurements -> activities (activity_id));
diesel::joinable!(contracts -> activities (activity_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(payments -> invoices (invoice_id));
diesel::joinable!(invoice_vat -> invoices (invoice_id));
diesel::allow_tables_to_appear_in_same_query!(
    municipalities,
    population_snapshots,
    committee_members,
    persons,
    staff,
    revoked_tokens,
    issued_tokens,
    meetings,
    meeting_notices,
    decisions,
    decision_versions,
    activities,
    activity_participants,
    phase_changes,
    status_reports,
    rollouts,
    procurements,
    contracts,
    cost_streams,
    invoices,
    invoice_lines,
    invoice_vat,
    payments,
    number_series,
    idempotency_keys,
    audit_events,
);
