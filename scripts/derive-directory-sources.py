#!/usr/bin/env python3
"""Derive the compact copies of the directory's large sources shipped in
data/sources (see data/README.md) from ../shared/data. Run from the
repository root: python3 scripts/derive-directory-sources.py ../shared/data

Only rows and columns the importers need are kept; no value is edited.
"""
import collections
import csv
import glob
import os
import re
import shutil
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
out = "data/sources"

# OpenDataFrance observatory 2022: byte-for-byte (116 KB).
shutil.copyfile(f"{src}/opendatafrance/odf_observatoire_2022.csv", f"{out}/odf_observatoire_2022.csv")

# data.gouv.fr catalogue: one row per collectivité organisation. Creation
# dates before 2010 are the harvested portals' dates for their data, not
# publication dates; they are counted, not used.
FLOOR = "2010-01-01"
orgs = collections.OrderedDict()
with open(f"{src}/datagouv/catalogue_2026-01-16_collectivites.csv", newline="") as f:
    for r in csv.DictReader(f):
        o = orgs.setdefault(r["organization_id"], {"name": r["organization"], "datasets": 0, "archived": 0,
                                                  "first": "", "first_id": "", "last": "", "early": 0})
        o["datasets"] += 1
        if r["archived"] not in ("", "False"):
            o["archived"] += 1
        c = r["created_at"][:10]
        if c < FLOOR:
            o["early"] += 1
        elif o["first"] == "" or c < o["first"]:
            o["first"], o["first_id"] = c, r["id"]
        m = r["last_modified"][:10]
        if m >= FLOOR and m > o["last"]:
            o["last"] = m
with open(f"{out}/datagouv_organisations_2026-01-16.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["organization_id", "organization", "datasets", "archived_datasets", "first_created_on",
                "first_dataset_id", "last_modified_on", "datasets_created_before_2010"])
    for oid, o in orgs.items():
        w.writerow([oid, o["name"], o["datasets"], o["archived"], o["first"], o["first_id"], o["last"], o["early"]])

# Decidim census: the instance list and the last run's versions as they are,
# and per instance history file and year the first and last day the API
# answered, the days it answered, and the counts of the year's last answer.
shutil.copyfile(f"{src}/decidim_census/instances.csv", f"{out}/decidim_census/instances.csv")
shutil.copyfile(f"{src}/decidim_census/platforms.csv", f"{out}/decidim_census/platforms.csv")
COUNTS = ["users_count", "processes_count", "proposals", "comments_count"]
with open(f"{out}/decidim_census/activity.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["instance_id", "host", "year", "first_day", "last_day", "days_answered"] + COUNTS)
    files = []
    for p in glob.glob(f"{src}/decidim_census/historical/*.csv"):
        m = re.match(r"(\d+) - (.+)\.csv$", os.path.basename(p))
        if m:
            files.append((int(m.group(1)), m.group(2), p))
    for iid, host, p in sorted(files):
        years = collections.OrderedDict()
        with open(p, newline="") as hf:
            for r in sorted(csv.DictReader(hf), key=lambda r: r["date"]):
                y = years.setdefault(r["date"][:4], {"first": r["date"], "days": 0})
                y["last"], y["row"] = r["date"], r
                y["days"] += 1
        for year, y in years.items():
            w.writerow([iid, host, year, y["first"], y["last"], y["days"]] + [y["row"][c] for c in COUNTS])
