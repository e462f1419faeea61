"""Schemathesis hooks for the positive-data run of scripts/api-fuzz.sh.

JSON Schema states each field on its own. The rules below tie two fields of one request
together (or a field to a check digit); the spec states each of them in the field's
description, and the server refuses a request that breaks one with 422 naming the field.
These hooks teach the generator those rules, so that the positive run asks: is every
request that keeps the documented rules accepted? Each repair names the field whose
description states the rule. Nothing here changes what the server is sent in the
negative run (the hooks are loaded for the positive run only).
"""

import datetime
import uuid

import schemathesis


def luhn_fixed(digits: str) -> str:
    """The ten digits with the last replaced by the Luhn check digit of the first nine
    (organisation numbers: `supplier_org_number`, `peppol_endpoint_id` of scheme 0007)."""
    total = 0
    for i, c in enumerate(digits[:9]):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return digits[:9] + str((10 - total % 10) % 10)


def org_number(value):
    """A generated organisation number (pattern `NNNNNN-NNNN` or ten digits) with its
    check digit made right, keeping the hyphen if it had one."""
    if not isinstance(value, str):
        return value
    digits = value.replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return value
    fixed = luhn_fixed(digits)
    return f"{fixed[:6]}-{fixed[6:]}" if "-" in value else fixed


def date(value):
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def ordered(body, first, last):
    """`last` not before `first` (both dates): swapped when the generator drew them the
    other way round."""
    a, b = date(body.get(first)), date(body.get(last))
    if a and b and b < a:
        body[first], body[last] = body[last], body[first]


def split_model(body):
    """`model` (SplitModel): `fixed`, `capped` and `usage` name every participant; `fixed`
    adds up to `amount_ore` and `usage` computes it (quantity × unit price, plus the
    one-off for a quantity above zero)."""
    model = body.get("model")
    participants = body.get("participants")
    if not isinstance(model, dict) or not isinstance(participants, list) or not participants:
        return
    kind = model.get("kind")
    key = {"fixed": "amounts_ore", "capped": "caps_ore", "usage": "quantities"}.get(kind)
    if key is None:
        return
    given = model.get(key) if isinstance(model.get(key), dict) else {}
    values = {code: abs(int(given.get(code, 1))) % 1_000_000 for code in participants}
    model[key] = values
    if kind == "fixed":
        body["amount_ore"] = sum(values.values())
    elif kind == "capped":
        # The cost is at most the sum of the caps.
        amount = abs(int(body.get("amount_ore") or 0)) % 10**12
        body["amount_ore"] = amount
        model[key] = {code: v + amount for code, v in values.items()}
    elif kind == "usage":
        unit = abs(int(model.get("unit_price_ore") or 0)) % 10_000_000
        one_off = abs(int(model.get("one_off_ore") or 0)) % 10_000_000
        model["unit_price_ore"], model["one_off_ore"] = unit, one_off
        body["amount_ore"] = sum(q * unit + (one_off if q > 0 else 0) for q in values.values())


def repair_body(method: str, path: str, body):
    if not isinstance(body, dict):
        return
    if path.endswith("/persons") or path.endswith("/persons/{id}"):
        # `variants`: none repeats the name or another variant (white space folded).
        if isinstance(body.get("variants"), list):
            seen = {" ".join(str(body.get("name", "")).split())}
            kept = []
            for v in body["variants"]:
                folded = " ".join(str(v).split())
                if folded not in seen:
                    seen.add(folded)
                    kept.append(v)
            body["variants"] = kept
    model = body.get("model")
    if isinstance(model, dict) and not (isinstance(body.get("participants"), list) and body["participants"]):
        # Omitted participants are every member of the year: name two, so that the
        # per-participant figures below can name each of them.
        body["participants"] = ["2580", "2582"]
    if body.get("populations") is not None and not (
        isinstance(model, dict) and model.get("kind") in ("per_capita", "mixed")
    ):
        # `populations`: only for the per_capita and mixed models.
        del body["populations"]
    if body.get("populations") is not None:
        # `population_source`: required with `populations`, one for every participant.
        body["population_source"] = "Befolkning enligt beslutsunderlaget"
        if isinstance(body.get("participants"), list):
            given = body["populations"] if isinstance(body["populations"], dict) else {}
            body["populations"] = {c: abs(int(given.get(c, 1000))) or 1000 for c in body["participants"]}
    if path.endswith("/activities") or path.endswith("/activities/{id}"):
        ordered(body, "start_date", "expected_end")
        # `expected_end`: not before `start_year` either.
        end = date(body.get("expected_end"))
        if end and isinstance(body.get("start_year"), int) and end.year < body["start_year"]:
            body["start_year"] = end.year
        # `start_year`: with `start_date`, its year.
        start = date(body.get("start_date"))
        if start and isinstance(body.get("start_year"), int):
            body["start_year"] = start.year
        # `phase_reason`, `phase_date`, `decided_by`: only with `phase` (a change).
        if method == "PATCH" and body.get("phase") is None:
            for k in ("phase_reason", "phase_date", "decided_by"):
                body.pop(k, None)
    if path.endswith("/meetings") or path.endswith("/meetings/{id}"):
        # `end_time`: not before `start_time` (HH:MM[:SS], zero-padded: text order).
        start, end = body.get("start_time"), body.get("end_time")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            body["start_time"], body["end_time"] = end, start
    if path.endswith("/rollout/{scb_code}"):
        ordered(body, "started_on", "completed_on")
    if path.endswith("/contracts") or path.endswith("/contracts/{id}"):
        ordered(body, "start_date", "end_date")
    if path.endswith("/notices"):
        ordered(body, "posted_on", "taken_down_on")
    if path.endswith(("/members", "/members/{id}", "/staff", "/staff/{id}")):
        ordered(body, "term_from", "term_to")
    if path.endswith("/issue"):
        # `due_date`: not before the issue date (default today).
        issued = date(body.get("issue_date")) or datetime.date.today()
        due = date(body.get("due_date"))
        if due and due < issued:
            body["due_date"] = (issued + datetime.timedelta(days=30)).isoformat()
    if path.endswith("/municipalities/{scb_code}"):
        # `peppol_endpoint_scheme` and `peppol_endpoint_id` are set or cleared as a pair.
        scheme, ident = body.get("peppol_endpoint_scheme"), body.get("peppol_endpoint_id")
        if ident is None:
            if scheme is not None:
                body.pop("peppol_endpoint_scheme")
        else:
            digits = "".join(c for c in str(ident) if c.isdigit()).ljust(10, "2")[:10]
            body["peppol_endpoint_scheme"] = "0007"
            body["peppol_endpoint_id"] = luhn_fixed("55" + digits[2:])
    for attendance in body.get("attendance") or []:
        # `scb_code`: required for every kind but `other_present`; `to_paragraph`: not
        # before `from_paragraph`.
        if isinstance(attendance, dict):
            if attendance.get("kind") != "other_present" and not attendance.get("scb_code"):
                attendance["scb_code"] = "2580"
            a, b = attendance.get("from_paragraph"), attendance.get("to_paragraph")
            numbers = (int, float)
            if isinstance(a, numbers) and isinstance(b, numbers) and b < a:
                attendance["from_paragraph"], attendance["to_paragraph"] = b, a
    for signature in body.get("signatures") or []:
        # A signature carries its proof: `sha256` of the signed document or a
        # `bankid_reference` (the Signature's description).
        if isinstance(signature, dict) and not signature.get("sha256") and not signature.get("bankid_reference"):
            signature["bankid_reference"] = str(uuid.uuid4())
        # `signed_at`: a real date (the pattern allows 31 February).
        at = signature.get("signed_at") if isinstance(signature, dict) else None
        if isinstance(at, str) and len(at) >= 10 and date(at[:10]) is None:
            signature["signed_at"] = at[:8] + "28" + at[10:]
    award = body.get("award")
    for holder in (body, award if isinstance(award, dict) else {}):
        if "supplier_org_number" in holder:
            holder["supplier_org_number"] = org_number(holder["supplier_org_number"])
    split_model(body)
    if "vat_category" in body or "vat_percent" in body:
        # `vat_percent`: 25, 12 or 6 for S, 0 for the others; `vat_exemption_reason`:
        # required for E, absent for S and Z.
        category = body.get("vat_category") or "O"
        if category == "S":
            if body.get("vat_percent") not in (None, 25, 12, 6):
                body["vat_percent"] = 25
        elif body.get("vat_percent") not in (None, 0):
            body["vat_percent"] = 0
        if category in ("S", "Z"):
            body.pop("vat_exemption_reason", None)
        elif category == "E" and not body.get("vat_exemption_reason"):
            body["vat_exemption_reason"] = "Undantag från skatteplikt enligt 3 kap. mervärdesskattelagen"


def whole(value):
    """Integral floats (`2023.0`, which the generator draws for integers) as integers,
    so that the rules below compare numbers; the server reads both alike."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole(v) for v in value]
    return value


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    method, path = case.operation.method.upper(), case.operation.path
    # An integer path parameter drawn as `-1482.0` is sent as an integer.
    if case.path_parameters:
        case.path_parameters = whole(case.path_parameters)
    if isinstance(case.body, (dict, list)):
        case.body = whole(case.body)
    # An `Idempotency-Key` names one request: a client sends a new key with each new
    # request (the same key with another body is 422 by the IETF draft).
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    # `q`: at least one word of letters or digits, at most 8 distinct words (its
    # description).
    q = (case.query or {}).get("q")
    if isinstance(q, str):
        words = "".join(c if c.isalnum() else " " for c in q).split()
        if not words:
            case.query["q"] = (q + " budget")[-200:]
        elif len(set(w.lower() for w in words)) > 8:
            case.query["q"] = " ".join(list(dict.fromkeys(w.lower() for w in words))[:8])
    # `after` continues the listing whose `next` link gave it (its description): `u_…`
    # with `modified_since`, else `s_…` ranked by `q`, else `d_…` newest first.
    after = (case.query or {}).get("after")
    if isinstance(after, str) and after[:2] in ("d_", "s_", "u_"):
        q = case.query
        listing = "u_" if "modified_since" in q else "s_" if "q" in q and path.endswith("/decisions") else "d_"
        if path.endswith("/decisions") or path.endswith("/meetings"):
            if after[:2] != listing:
                del q["after"]
    repair_body(method, path, case.body)
