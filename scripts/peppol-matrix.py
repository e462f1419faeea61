"""Issues the matrix of Peppol documents on a running samverkan and saves their UBL.

Usage: python3 scripts/peppol-matrix.py BASE_URL TREASURER_TOKEN ADMIN_TOKEN OUT_DIR

BASE_URL is the server's root (http://127.0.0.1:PORT). The server must hold the demo
dataset (the 2021 draft invoices) and have a bankgiro and the seller's VAT number
configured. Writes OUT_DIR/<case>.xml for every case and OUT_DIR/matrix.json with what
each case is and the JSON totals of its invoice, and checks on the way that the JSON
totals equal the UBL totals. Standard library only.
"""
import json
import os
import re
import sys
import urllib.error
import urllib.request

BASE, TREASURER, ADMIN, OUT = sys.argv[1:5]
API = BASE.rstrip("/") + "/api/v1"
cases = []


def call(method, path, body=None, token=TREASURER, want=(200, 201)):
    req = urllib.request.Request(API + path, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, data) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if status not in want:
        sys.exit(f"{method} {path} answered {status}: {text}")
    return json.loads(text) if text and text.lstrip().startswith(("{", "[")) else text


def issue(inv_id, date="2021-02-01", ref="E-NÄMND"):
    call("POST", f"/invoices/{inv_id}/approval", {})
    return call("POST", f"/invoices/{inv_id}/issue", {"issue_date": date, "buyer_reference": ref})


def amount(xml, tag):
    m = re.search(rf"<cbc:{tag} currencyID=\"SEK\">(-?\d+)\.(\d\d)</cbc:{tag}>", xml)
    if not m:
        sys.exit(f"no {tag} in the UBL")
    kr, ore = int(m.group(1)), int(m.group(2))
    return kr * 100 + (ore if kr >= 0 else -ore)


def save(name, what, inv):
    xml = call("GET", f"/invoices/{inv['id']}/ubl")
    path = os.path.join(OUT, f"{name}.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(xml)
    t = inv["totals"]
    for tag, key in [("LineExtensionAmount", "line_extension_ore"),
                     ("TaxExclusiveAmount", "tax_exclusive_ore"),
                     ("TaxInclusiveAmount", "tax_inclusive_ore"),
                     ("PayableAmount", "payable_ore")]:
        if amount(xml, tag) != t[key]:
            sys.exit(f"{name}: UBL {tag} {amount(xml, tag)} != JSON {key} {t[key]}")
    if inv["total_ore"] != t["payable_ore"]:
        sys.exit(f"{name}: total_ore {inv['total_ore']} != payable {t['payable_ore']}")
    cases.append({"case": name, "what": what, "file": path, "id": inv["id"], "totals": t})


def draft(scb, period="2021", regime=None):
    found = call("GET", f"/invoices?municipality={scb}&period={period}&status=draft")["items"]
    found = [i for i in found if regime is None or i["vat_regime"] == regime]
    if found:
        return found[0]
    body = {"municipality": scb, "period": period}
    if regime:
        body["vat_regime"] = regime
    return call("POST", "/invoices", body)


def stream(year, name, vat, participants=None, amount_ore=1_000_000):
    body = {"year": year, "name": name, "kind": "shared_service", "amount_ore": amount_ore,
            "rounding_unit_ore": 1, "model": {"kind": "equal"}, **vat}
    if participants:
        body["participants"] = participants
    return call("POST", "/cost-streams", body)


# 1. The demo invoice (category O) and its full credit note.
inv = issue(draft("2582")["id"])
save("o-invoice", "invoice, VAT O (outside scope), buyer with its registered 0007 endpoint", inv)
cn = call("POST", f"/invoices/{inv['id']}/credit-notes", {"reason": "Fel fördelning"})
cn = issue(cn["id"], "2021-04-01")
save("o-credit-note-full", "credit note crediting the O invoice in full", cn)

# 1b. A municipality joining a solution mid-year: Kalix's yearly invoice is issued, then
# Kalix buys in to the e-archive from 1 July; the new stream gets an invoice of its own.
kalix = issue(draft("2514")["id"])
call("POST", "/cost-streams", {"year": 2021, "name": "E-arkiv, anslutning Kalix från 2021-07-01",
                               "kind": "shared_service", "amount_ore": 2_500_050, "rounding_unit_ore": 1,
                               "model": {"kind": "fixed", "amounts_ore": {"2514": 2_500_050}},
                               "participants": ["2514"]})
joined = issue(call("POST", "/invoices", {"municipality": "2514", "period": "2021"})["id"], "2021-07-01")
assert len(joined["lines"]) == 1 and joined["total_ore"] == 2_500_050, joined
assert joined["id"] != kalix["id"]
save("joined-mid-year", "a municipality buying in mid-year: an invoice of the new stream only", joined)

# 2. The host invoicing itself (Luleå is host and member), then a partial payment.
host = issue(draft("2580")["id"])
call("POST", f"/invoices/{host['id']}/payments", {"amount_ore": 100_000, "paid_on": "2021-03-01"})
host = call("GET", f"/invoices/{host['id']}")
assert host["status"] == "partially_paid", host["status"]
save("host-part-paid", "the host municipality invoicing itself, part-paid", host)

# 3. A buyer with a GLN endpoint (0088), and one with none registered (organisation number).
call("PATCH", "/municipalities/2505", {"peppol_endpoint_scheme": "0088",
                                       "peppol_endpoint_id": "7300010000001"}, token=ADMIN)
save("buyer-gln-endpoint", "buyer whose registered endpoint is a GLN (0088), legal id its org number",
     issue(draft("2505")["id"]))
call("PATCH", "/municipalities/2506", {"peppol_endpoint_scheme": None,
                                       "peppol_endpoint_id": None}, token=ADMIN)
save("buyer-no-endpoint", "buyer with no registered endpoint: its organisation number (0007)",
     issue(draft("2506")["id"]))

# 4. VAT S 25 % alone (2022), with a partial and then the rest credited.
s25 = {"vat_category": "S", "vat_percent": 25}
stream(2022, "Gemensam e-tjänsteplattform 2022", s25, ["2582", "2584"], 1_000_001)
inv = issue(call("POST", "/invoices", {"municipality": "2582", "period": "2022"})["id"], "2022-02-01")
assert inv["vat_regime"] == "vat" and inv["totals"]["tax_ore"] > 0, inv
save("s25-invoice", "invoice, VAT S 25 %, seller VAT id written", inv)
line = inv["lines"][0]
part = call("POST", f"/invoices/{inv['id']}/credit-notes",
            {"lines": [{"line_no": line["line_no"], "amount_ore": 33_333}]})
save("s25-credit-note-partial", "partial credit note of the S invoice", issue(part["id"], "2022-03-01"))
rest = issue(call("POST", f"/invoices/{inv['id']}/credit-notes", {})["id"], "2022-03-02")
save("s25-credit-note-rest", "credit note of the rest: the S invoice is credited in full", rest)
orig = call("GET", f"/invoices/{inv['id']}")
assert orig["status"] == "credited" and orig["credited_ore"] == orig["total_ore"], orig

# 5. O and S streams, plus Z and E, in one period (2023): one invoice per regime.
stream(2023, "Grundbelopp 2023", {"vat_category": "O"})
stream(2023, "Systemförvaltning 2023", {"vat_category": "S", "vat_percent": 25})
stream(2023, "Utbildning 2023", {"vat_category": "S", "vat_percent": 6})
stream(2023, "Tidning 2023", {"vat_category": "Z"})
stream(2023, "Sjukvårdstjänst 2023", {"vat_category": "E",
                                      "vat_exemption_reason": "Undantag från skatteplikt enligt 3 kap. mervärdesskattelagen"})
o = issue(call("POST", "/invoices", {"municipality": "2584", "period": "2023",
                                     "vat_regime": "outside_scope"})["id"], "2023-02-01")
v = issue(call("POST", "/invoices", {"municipality": "2584", "period": "2023",
                                     "vat_regime": "vat"})["id"], "2023-02-01")
assert {l["vat_category"] for l in o["lines"]} == {"O"}, o
assert {l["vat_category"] for l in v["lines"]} == {"S", "Z", "E"}, v
save("mixed-period-o", "O and S streams in one period: the O invoice", o)
save("mixed-period-vat", "O and S streams in one period: the VAT invoice (S 25, S 6, Z, E)", v)

with open(os.path.join(OUT, "matrix.json"), "w", encoding="utf-8") as f:
    json.dump(cases, f, indent=2, ensure_ascii=False)
print(f"{len(cases)} documents issued; JSON totals equal UBL totals in each")
