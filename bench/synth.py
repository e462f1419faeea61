#!/usr/bin/env python3
"""Multiplies the seeded meetings and decisions of a samverkan SQLite file: copy k
(k = 1..N-1) shifts every meeting by 10·k years, so paragraph numbers stay unique per
year. Usage: synth.py FILE N"""
import sqlite3, sys

path, n = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
c = db.cursor()
meetings = c.execute("SELECT * FROM meetings ORDER BY id").fetchall()
mcols = [d[0] for d in c.description]
decisions = c.execute("SELECT * FROM decisions ORDER BY id").fetchall()
dcols = [d[0] for d in c.description]
versions = c.execute("SELECT * FROM decision_versions ORDER BY id").fetchall()
vcols = [d[0] for d in c.description]
notices = c.execute("SELECT * FROM meeting_notices ORDER BY id").fetchall()
ncols = [d[0] for d in c.description]

def shift(date, k):
    y, rest = date[:4], date[4:]
    return f"{int(y) + 10 * k:04d}{rest}"

def insert(table, cols, row):
    cols = [x for x in cols if x != "id"]
    c.execute(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
              [row[x] for x in cols])
    return c.lastrowid

for k in range(1, n):
    for m in meetings:
        m = dict(zip(mcols, m))
        old = m["id"]
        m["meeting_date"] = shift(m["meeting_date"], k)
        if m["approved_on"]:
            m["approved_on"] = shift(m["approved_on"], k)
        mid = insert("meetings", mcols, m)
        for nrow in notices:
            nrow = dict(zip(ncols, nrow))
            if nrow["meeting_id"] == old:
                nrow["meeting_id"] = mid
                nrow["posted_on"] = shift(nrow["posted_on"], k)
                if nrow["taken_down_on"]:
                    nrow["taken_down_on"] = shift(nrow["taken_down_on"], k)
                insert("meeting_notices", ncols, nrow)
        for d in decisions:
            d = dict(zip(dcols, d))
            if d["meeting_id"] != old:
                continue
            oid = d["id"]
            d["meeting_id"] = mid
            d["meeting_date"] = shift(d["meeting_date"], k)
            d["year"] = d["year"] + 10 * k
            did = insert("decisions", dcols, d)
            c.execute("INSERT INTO decisions_fts (rowid, search_stemmed) VALUES (?, ?)",
                      (did, d["search_stemmed"]))
            for v in versions:
                v = dict(zip(vcols, v))
                if v["decision_id"] == oid:
                    v["decision_id"] = did
                    insert("decision_versions", vcols, v)
db.commit()
print(c.execute("SELECT COUNT(*) FROM decisions").fetchone()[0], "decisions")
