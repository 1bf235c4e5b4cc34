"""The demo company's HubSpot portal, exported as the API JSON ``HubSpotSource`` reads.

``write_hubspot`` writes ``hubspot/*.json`` holding every demo row that lives in HubSpot
(native id = its ``source_id``): companies (accounts), contacts (leads and contacts,
with ``hs_v2_date_entered_<stage>`` from the demo's lifecycle events, original source,
lead status, and a company association for contacts), campaigns, owners (the demo
users owning those records, the same people as the Salesforce users; the connector
keeps them as references, not users), and the HubSpot touchpoints as email events
(with the marketing emails that tie sends to campaigns), form submissions (with their
forms) and marketing-event attendance. A contact whose account lives in another system gets a
copy of that company (id from ``copy_ids("hubspot_company", ...)``). Leads get no
company association — that is what keeps them leads when read back. Channels HubSpot
has no original source for (content, events, webinar) are written as "Other campaigns"
with the lead's campaign as first-touch converting campaign.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.native.export import NativeExport, identity_rows
from revhub.demo.native.ids import copy_ids

_STAGES = {"mql": "marketingqualifiedlead", "sql": "salesqualifiedlead"}
_SOURCES = {
    "organic_search": "ORGANIC_SEARCH",
    "paid_search": "PAID_SEARCH",
    "paid_social": "PAID_SOCIAL",
    "email": "EMAIL_MARKETING",
    "referral": "REFERRALS",
    "partner": "REFERRALS",
    "direct": "DIRECT_TRAFFIC",
    "outbound": "OFFLINE",
}
_STATUSES = {
    "new": "NEW",
    "working": "IN_PROGRESS",
    "nurturing": "BAD_TIMING",
    "qualified": "OPEN_DEAL",
    "unqualified": "UNQUALIFIED",
    "converted": "CONVERTED",
}
_EMAIL_TYPES = {"email_send": "SENT", "email_open": "OPEN", "email_click": "CLICK"}
_UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
_NAMESPACE = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")
_SITE = "https://www.revhub-demo.com/"
_EPOCH = dt.datetime(1970, 1, 1)


def write_hubspot(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write ``out/hubspot/*.json`` from the canonical demo ``tables``; who is who."""
    root = out / "hubspot"
    root.mkdir(parents=True, exist_ok=True)
    portal = _Portal(tables)
    write = portal.write
    accounts = {r["account_id"]: r for r in tables["accounts"].to_pylist()}
    companies = [write.company(accounts[a], native) for a, native in portal.company_of.items()]
    people = [write.person(r, None) for r in portal.leads]
    people += [write.person(r, r["account_id"]) for r in portal.contacts]
    _dump(root / "companies.json", {"results": companies})
    _dump(root / "contacts.json", {"results": people})
    _dump(root / "campaigns.json", {"results": [write.campaign(r) for r in portal.campaigns]})
    for name, document in _activity(tables, portal).items():
        _dump(root / f"{name}.json", document)
    users = [r for r in tables["users"].to_pylist() if r["user_id"] in write.owner_ids]
    _dump(root / "owners.json", {"results": [write.owner(r) for r in users]})
    identity = pa.concat_tables(
        [
            identity_rows("account", list(portal.company_of.values()), list(portal.company_of)),
            identity_rows("person", list(portal.person_of.values()), list(portal.person_of)),
        ]
    )
    export = NativeExport()
    export.add("hubspot", {"kind": "hubspot", "path": "hubspot"}, identity)
    return export


class _Portal:
    """The demo rows that live in HubSpot and the HubSpot id of each demo record."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        def mine(name: str) -> list[dict[str, Any]]:
            """The rows of table ``name`` that live in HubSpot."""
            table = tables[name]
            rows: list[dict[str, Any]] = table.filter(
                pc.equal(table["source"], "hubspot")
            ).to_pylist()
            return rows

        self.leads = mine("leads")
        self.contacts = mine("contacts")
        self.campaigns = mine("campaigns")
        self.company_of = {r["account_id"]: r["source_id"] for r in mine("accounts")}
        copied = sorted({c["account_id"] for c in self.contacts} - {*self.company_of, None})
        self.company_of.update(zip(copied, copy_ids("hubspot_company", copied), strict=True))
        self.person_of = {r["lead_id"]: r["source_id"] for r in self.leads}
        self.person_of.update({r["contact_id"]: r["source_id"] for r in self.contacts})
        self.campaign_of = {r["campaign_id"]: r["source_id"] for r in self.campaigns}
        self.names = {r["campaign_id"]: r["name"] for r in self.campaigns}
        entered = _entered(tables["lifecycle_events"], {*self.company_of, *self.person_of})
        self.write = _Records(self, entered)

    def campaign_link(self, key: str, campaign: str | None) -> dict[str, str]:
        """``{key: HubSpot campaign id}`` when the demo campaign is in HubSpot, else {}."""
        native = self.campaign_of.get(campaign or "")
        return {key: native} if native else {}


class _Records:
    """HubSpot API records of demo rows; remembers the owners it referred to."""

    def __init__(self, portal: _Portal, entered: Mapping[str, Mapping[str, str]]) -> None:
        self.portal, self.entered = portal, entered
        self.owner_ids: dict[str, str] = {}

    def owner_id(self, user_id: str | None) -> str | None:
        """An 8-digit HubSpot owner id derived from the demo user id."""
        if user_id is None:
            return None
        if user_id not in self.owner_ids:
            digest = int.from_bytes(hashlib.blake2b(user_id.encode(), digest_size=8).digest())
            self.owner_ids[user_id] = str(10_000_000 + digest % 90_000_000)
        return self.owner_ids[user_id]

    def company(self, row: Mapping[str, Any], native: str) -> dict[str, Any]:
        """A company record of a demo account (HubSpot's own or a copy)."""
        properties = {
            **{k: row[v] for k, v in (("name", "name"), ("domain", "domain"), ("city", "city"))},
            "industry": row["industry"],
            "numberofemployees": row["employees"],
            "annualrevenue": row["annual_revenue"],
            "country": row["country"],
            "phone": row["phone"],
            "hs_parent_company_id": self.portal.company_of.get(row["parent_account_id"] or ""),
            "hs_analytics_first_timestamp": _iso(row["first_seen_at"]),
            "hs_lastmodifieddate": _iso(row["updated_at"]),
        }
        return _record(native, row, {**self._crm(row, row["account_id"]), **properties})

    def person(self, row: Mapping[str, Any], account: str | None) -> dict[str, Any]:
        """A contact record of a demo lead or contact; ``account`` associates a company."""
        channel = row.get("channel")
        properties = {
            "firstname": row["first_name"],
            "lastname": row["last_name"],
            "email": row["email"],
            "phone": row["phone"],
            "company": row.get("company"),
            "jobtitle": row["title"],
            "country": row["country"],
            "hs_lead_status": _STATUSES.get(row.get("status") or ""),
            "hs_analytics_source": _SOURCES.get(channel, "OTHER_CAMPAIGNS") if channel else None,
            **self.portal.campaign_link(
                "hs_analytics_first_touch_converting_campaign", row.get("campaign_id")
            ),
            "hubspotscore": row.get("score"),
            "hs_email_optout": "true" if row.get("has_opted_out") else "false",
            "lastmodifieddate": _iso(row["updated_at"]),
        }
        demo_id = row.get("lead_id") or row["contact_id"]
        record = _record(row["source_id"], row, {**self._crm(row, demo_id), **properties})
        if account is not None:
            link = {"id": self.portal.company_of[account], "type": "contact_to_company"}
            record["associations"] = {"companies": {"results": [link]}}
        return record

    def campaign(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A marketing campaign, its type and channel as custom properties."""
        properties = {
            "hs_name": row["name"],
            "hs_start_date": row["start_date"].isoformat(),
            "hs_end_date": row["end_date"].isoformat() if row["end_date"] else None,
            "hs_owner": self.owner_id(row["owner_id"]),
            "hs_utm": row["utm_campaign"],
            "hs_currency_code": row["currency"],
            "hs_budget_items_sum_amount": row["budget"],
            "campaign_type": row["campaign_type"],
            "channel": row["channel"],
        }
        return _record(row["source_id"], row, properties)

    def owner(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """An owner (owners API shape) of a demo user."""
        first, _, last = row["name"].partition(" ")
        return {
            "id": self.owner_id(row["user_id"]),
            "email": row["email"],
            "firstName": first,
            "lastName": last,
            "createdAt": _iso(row["created_at"]),
            "updatedAt": _iso(row["updated_at"]),
            "archived": not row["is_active"],
        }

    def _crm(self, row: Mapping[str, Any], demo_id: str) -> dict[str, Any]:
        """Properties every CRM object has: stage, owner, creation, stage dates."""
        stage = row["lifecycle_stage"]
        return {
            "lifecyclestage": _STAGES.get(stage, stage) if stage else None,
            "hubspot_owner_id": self.owner_id(row["owner_id"]),
            "createdate": _iso(row["created_at"]),
            **self.entered.get(demo_id, {}),
        }


def _record(native: str, row: Mapping[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": native,
        "properties": {k: str(v) for k, v in properties.items() if v is not None},
        "createdAt": _iso(row["created_at"]),
        "updatedAt": _iso(row["updated_at"]),
        "archived": False,
    }


def _activity(tables: Mapping[str, pa.Table], portal: _Portal) -> dict[str, dict[str, Any]]:
    """Email events, form submissions and event attendance of the HubSpot touchpoints."""
    touchpoints = tables["touchpoints"]
    mine = touchpoints.filter(pc.equal(touchpoints["source"], "hubspot")).to_pylist()
    email_of = _emails(tables["leads"], "lead_id") | _emails(tables["contacts"], "contact_id")
    sends: dict[str | None, int] = {}
    forms: dict[tuple[str, str | None], dict[str, Any]] = {}
    gatherings: dict[tuple[str, str | None], dict[str, Any]] = {}
    events, submissions, attended = [], [], []
    for touch in mine:
        person = touch["lead_id"] or touch["contact_id"]
        email, native = email_of.get(person), portal.person_of.get(person)
        kind, campaign = touch["touchpoint_type"], touch["campaign_id"]
        at, url, key = _ms(touch["occurred_at"]), _url(touch), (touch["touchpoint_type"], campaign)
        if kind in _EMAIL_TYPES:
            send = sends.setdefault(campaign, 20_000_000 + len(sends))
            event = {"id": touch["source_id"], "type": _EMAIL_TYPES[kind], "created": at}
            event |= {"recipient": email, "emailCampaignId": send, "filteredEvent": False}
            events.append(event | ({"url": url} if url else {}))
        elif kind in ("form_fill", "content_download"):
            title = portal.names.get(campaign or "", "Contact us")
            name = f"Download: {title}" if kind == "content_download" else f"{title} form"
            form = {"guid": _guid("form", *key), "name": name}
            form = forms.setdefault(key, form | portal.campaign_link("campaignGuid", campaign))
            submission = {"conversionId": touch["source_id"], "formId": form["guid"]}
            submission |= {"submittedAt": at, "pageUrl": url, "contactId": native}
            submission["values"] = [{"name": "email", "value": email}] if email else []
            submissions.append({k: v for k, v in submission.items() if v is not None})
        elif kind in ("webinar_attended", "event_attended"):
            webinar = kind == "webinar_attended"
            gathering = {"objectId": _guid("event", *key), "eventName": portal.names.get(campaign)}
            gathering["eventType"] = "WEBINAR" if webinar else "CONFERENCE"
            gathering = gatherings.setdefault(
                key, gathering | portal.campaign_link("campaignGuid", campaign)
            )
            contact = {k: v for k, v in (("contactId", native), ("email", email)) if v}
            links = {
                "contact": contact,
                "marketingEvent": {"marketingEventId": gathering["objectId"]},
            }
            properties = {"attendanceState": "ATTENDED", "occurredAt": at}
            attended.append(
                {"id": touch["source_id"], "associations": links, "properties": properties}
            )
    emails = [
        {"id": str(send + 1_000_000), "allEmailCampaignIds": [send]}
        | {"name": f"{portal.names.get(campaign or '', 'Newsletter')} email"}
        | portal.campaign_link("campaign", campaign)
        for campaign, send in sends.items()
    ]
    return {
        "email_events": {"events": events},
        "marketing_emails": {"results": emails},
        "forms": {"results": list(forms.values())},
        "form_submissions": {"results": submissions},
        "marketing_events": {"results": list(gatherings.values())},
        "marketing_event_participations": {"results": attended},
    }


def _entered(events: pa.Table, entities: set[str]) -> dict[str, dict[str, str]]:
    """Demo entity id -> {hs_v2_date_entered_<stage>: ISO time} (latest entry per stage)."""
    mine = events.filter(pc.is_in(events["entity_id"], pa.array(sorted(entities), pa.string())))
    mine = mine.sort_by([("occurred_at", "ascending")])
    dates: dict[str, dict[str, str]] = {}
    columns = (mine[c].to_pylist() for c in ("entity_id", "to_stage", "occurred_at"))
    for entity, stage, at in zip(*columns, strict=True):
        dates.setdefault(entity, {})[f"hs_v2_date_entered_{_STAGES.get(stage, stage)}"] = str(
            _iso(at)
        )
    return dates


def _emails(table: pa.Table, key: str) -> dict[str, str]:
    pairs = zip(table[key].to_pylist(), table["email"].to_pylist(), strict=True)
    return {k: v for k, v in pairs if v is not None}


def _url(touch: Mapping[str, Any]) -> str | None:
    """The touch's page with its UTM parameters in the query (None without either)."""
    utm = {k: touch[k] for k in _UTM if touch[k]}
    page = touch["page_url"] or (_SITE if utm else None)
    if page is None or not utm:
        return page
    return f"{page}{'&' if '?' in page else '?'}{urlencode(utm)}"


def _guid(*parts: Any) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(str(p) for p in parts)))


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _ms(value: dt.datetime) -> int:
    """Epoch milliseconds of a naive UTC time."""
    return (value - _EPOCH) // dt.timedelta(milliseconds=1)


def _dump(path: Path, document: Mapping[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, separators=(",", ":"), default=str)
