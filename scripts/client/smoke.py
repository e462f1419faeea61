"""Drives the Python client generated from the committed spec against a running server,
as an integrator would: a full sync of decisions with modified_since through a
correction and a withdrawal, converging to an empty answer; a municipality reading its
invoices, one's UBL and CSV (issued by the treasurer through the client). Usage:
smoke.py BASE_URL SECRETARY_TOKEN TREASURER_TOKEN MUNICIPALITY_TOKEN SCB_CODE (the
generated package on PYTHONPATH)."""

import sys
import urllib.parse
from datetime import datetime, timezone

from samverkan_client import AuthenticatedClient, Client
from samverkan_client.api.decisions import create_correction, list_decisions
from samverkan_client.api.money import (
    approve_invoice, get_invoice_csv, get_invoice_ubl, issue_invoice, list_invoices,
)
from samverkan_client.models import (
    CorrectionRequest, Decision, InvoiceStatusCode, IssueBody, Tombstone,
)

base, secretary_token, treasurer_token, municipality_token, scb_code = sys.argv[1:6]
anonymous = Client(base_url=base, raise_on_unexpected_status=True)
secretary = AuthenticatedClient(base_url=base, token=secretary_token, raise_on_unexpected_status=True)
treasurer = AuthenticatedClient(base_url=base, token=treasurer_token, raise_on_unexpected_status=True)
municipality = AuthenticatedClient(base_url=base, token=municipality_token, raise_on_unexpected_status=True)


def after(next_url):
    """The cursor of a `next` link."""
    return urllib.parse.parse_qs(urllib.parse.urlsplit(next_url).query)["after"][0]


def sync(mark):
    """One complete run from the watermark: every page. Returns items and new mark."""
    items, cursor = [], None
    while True:
        page = list_decisions.sync(
            client=anonymous, modified_since=mark, limit=7,
            **({"after": cursor} if cursor else {}),
        )
        items.extend(page.items)
        if not isinstance(page.next_, str):
            break
        cursor = after(page.next_)
    for item in items:
        mark = max(mark, item.updated_at)
    return items, mark


items, mark = sync(datetime(1970, 1, 1, tzinfo=timezone.utc))
decisions = [i for i in items if isinstance(i, Decision)]
assert len(decisions) >= 2, items
assert len({d.id for d in decisions}) == len(decisions), "each decision once"
again, same = sync(mark)
assert again == [] and same == mark, again

changed, withdrawn = decisions[0], decisions[1]
create_correction.sync(
    id=changed.id, client=secretary,
    body=CorrectionRequest(reason="Stavfel i rubriken", title=changed.title + " (rättad)"),
)
create_correction.sync(
    id=withdrawn.id, client=secretary,
    body=CorrectionRequest(reason="Innehåller personuppgifter", public=False),
)
items, mark = sync(mark)
assert [i.id for i in items] == [changed.id, withdrawn.id], items
assert isinstance(items[0], Decision) and items[0].title.endswith("(rättad)"), items[0]
assert isinstance(items[1], Tombstone) and items[1].deleted, items[1]
again, _ = sync(mark)
assert again == [], again
print(f"decisions: {len(decisions)} synced, a correction and a withdrawal seen once, converged")

draft = list_invoices.sync(
    client=treasurer, municipality=scb_code, status=InvoiceStatusCode.DRAFT, limit=1,
).items[0]
approve_invoice.sync(id=draft.id, client=treasurer)
issued_now = issue_invoice.sync(
    id=draft.id, client=treasurer, body=IssueBody(buyer_reference="Smoke 4711"),
)
assert issued_now.number and issued_now.status == InvoiceStatusCode.ISSUED, issued_now

page = list_invoices.sync(client=municipality, limit=200)
own = page.items
assert own and all(i.scb_code == scb_code for i in own), own
issued = [i for i in own if i.number]
assert issued, "an issued invoice of the municipality"
ubl = get_invoice_ubl.sync(id=issued[0].id, client=municipality)
body = ubl.payload.read() if hasattr(ubl, "payload") else ubl
assert b"<Invoice" in body or b"<CreditNote" in body, body[:200]
response = get_invoice_csv.sync_detailed(id=issued[0].id, client=municipality)
assert response.status_code == 200 and issued[0].number.encode() in response.content
print(f"invoices: {len(own)} of {scb_code}, the UBL and CSV of {issued[0].number}")
