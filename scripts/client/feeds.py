"""The feeds read by the parsers their subscribers use: feedparser (what many feed readers
and intranet news boxes are built on) for the Atom feed, icalendar for the calendar, with
the time zone from Python's own zoneinfo (not from the server's VTIMEZONE).

Usage: feeds.py BASE_URL. Run by scripts/client-smoke.sh after smoke.py, so the decisions
then include a correction and a withdrawal."""

import json
import sys
import urllib.request
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import feedparser
import icalendar

base = sys.argv[1].rstrip("/")
stockholm = ZoneInfo("Europe/Stockholm")


def get(path, headers=None):
    req = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def public_decisions():
    status, _, body = get("/api/v1/decisions?limit=200")
    assert status == 200, status
    return json.loads(body)["items"]


def conditional(path, content_type):
    status, headers, body = get(path)
    assert status == 200, (path, status, body[:300])
    assert headers["content-type"] == content_type, dict(headers)
    again, _, _ = get(path, {"If-None-Match": headers["etag"]})
    assert again == 304, (path, again)
    return body


# ---------------------------------------------------------------- Atom
decisions = public_decisions()
feed = feedparser.parse(conditional("/api/v1/feeds/decisions.atom", "application/atom+xml; charset=utf-8"))
assert not feed.bozo, feed.bozo_exception
assert feed.version == "atom10", feed.version
assert feed.feed.title.startswith("Norrbottens e-nämnd"), feed.feed.title
got = [(e.id.rsplit(":", 1)[1], e.title) for e in feed.entries]
want = [(str(d["id"]), f"§ {d['paragraph']} {d['title']}") for d in decisions]
assert got == want, (got, want)
for e, d in zip(feed.entries, decisions):
    updated = datetime(*e.updated_parsed[:6], tzinfo=timezone.utc)
    stored = datetime.fromisoformat(d["updated_at"].replace("Z", "+00:00")).replace(microsecond=0)
    assert updated == stored, (e.id, updated, stored)
    hrefs = {link.type: link.href for link in e.links}
    assert hrefs["application/json"] == f"{base}/api/v1/decisions/{d['id']}", hrefs
    assert hrefs["text/html"] == base + d["web"], hrefs
    assert e.summary.startswith(f"Sammanträde {d['meeting_date']}"), e.summary
# A corrected decision is one entry with its new title; a withdrawn one is gone.
corrected = [d for d in decisions if d["version"] > 1]
assert corrected and all(d["title"].endswith("(rättad)") for d in corrected), corrected
print(f"Atom: {len(feed.entries)} entries, as the JSON list (corrections {len(corrected)})")

kiruna = feedparser.parse(conditional("/api/v1/feeds/decisions.atom?municipality=2584", "application/atom+xml; charset=utf-8"))
assert not kiruna.bozo, kiruna.bozo_exception
ids = {e.id for e in kiruna.entries}
assert ids and ids < {e.id for e in feed.entries}, ids
for e in kiruna.entries:
    d = next(d for d in decisions if e.id.endswith(f":{d['id']}"))
    assert any("kiruna" in r.lower() or "samtliga" in r.lower() for r in d["recipients"]), d
print(f"Atom for Kiruna: {len(kiruna.entries)} entries")

# ---------------------------------------------------------------- iCalendar
status, _, body = get("/api/v1/meetings?limit=200")
meetings = json.loads(body)["items"]
cal = icalendar.Calendar.from_ical(conditional("/api/v1/feeds/meetings.ics", "text/calendar; charset=utf-8"))
events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
assert len(events) == len(meetings), (len(events), len(meetings))
offsets = set()
for m in meetings:
    e = events[f"meeting-{m['id']}@samverkan.se"]
    start = e.decoded("DTSTART")
    local = datetime.fromisoformat(f"{m['date']}T{m['start_time']}").replace(tzinfo=stockholm)
    # The same instant as the meeting's local time in Stockholm, whichever side of a
    # daylight-saving change it falls on.
    assert start.astimezone(timezone.utc) == local.astimezone(timezone.utc), (m, start)
    offsets.add(local.utcoffset())
    assert str(e["LOCATION"]) == m["place"], (e["LOCATION"], m["place"])
    assert str(e["URL"]).endswith(f"/sammantraden/{m['id']}"), e["URL"]
assert len(offsets) == 2, f"the seeded meetings fall in winter and in summer time: {offsets}"
print(f"iCalendar: {len(events)} events at the right instants, winter and summer time")
