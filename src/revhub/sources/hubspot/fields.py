"""Where each HubSpot object keeps each field, in the three shapes a portal arrives in.

One ``Field`` names a value once (its internal property name, e.g. ``lifecyclestage``)
and lists how each shape spells it: the path in an API record (``properties.x``,
``id``, ``associations.companies``), the column label of a UI export ("Lifecycle
Stage") and the column of a warehouse-sync table (``property_lifecyclestage``). A
shape may list several spellings; the first non-empty one wins. Every reader turns
its shape into columns named by ``Field.name``, so the mapping into canonical tables
is written once per object.

>>> CONTACTS.field("lifecyclestage").export
('Lifecycle Stage',)
>>> DEALS.id.synced
('deal_id', 'id')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from revhub.errors import ModelError


@dataclass(frozen=True)
class Field:
    """One value of an object and its spellings in API JSON, UI exports and synced tables."""

    name: str
    api: tuple[str, ...]
    export: tuple[str, ...] = ()
    synced: tuple[str, ...] = ()


@dataclass(frozen=True)
class HubSpotObject:
    """An object type: its files in each shape, its id and its fields."""

    name: str  # "contacts"; also the stem of its API JSON files
    id: Field
    fields: tuple[Field, ...]
    pointer: str = "results"  # where the records sit in an API JSON document
    synced_table: str | None = None  # "contact"
    export_word: str | None = None  # UI export files whose name holds this word

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for candidate in (self.id, *self.fields):
            if candidate.name == name:
                return candidate
        raise ModelError(f"HubSpot object `{self.name}` has no field `{name}`")

    def has(self, name: str) -> bool:
        """Whether the object has a field called ``name``.

        >>> CONTACTS.has("lifecyclestage"), OWNERS.has("lifecyclestage")
        (True, False)
        """
        return any(f.name == name for f in self.fields)

    @property
    def names(self) -> list[str]:
        """Column names of the normalised rows, id first."""
        return [self.id.name, *(f.name for f in self.fields)]


def prop(name: str, *labels: str, synced: Sequence[str] = ()) -> Field:
    """A CRM property: ``properties.<name>`` in the API, ``property_<name>`` when synced.

    >>> prop("dealstage", "Deal Stage", synced=("deal_pipeline_stage_id",)).synced
    ('deal_pipeline_stage_id', 'property_dealstage')
    """
    return Field(name, (f"properties.{name}",), labels, (*synced, f"property_{name}"))


ID = Field("id", ("id",), ("Record ID",), ("id",))
ARCHIVED = Field("archived", ("archived",), (), ("_fivetran_deleted", "is_deleted"))
CREATED = Field(
    "createdate", ("properties.createdate", "createdAt"), ("Create Date",), ("property_createdate",)
)
UPDATED = Field(
    "lastmodified",
    ("updatedAt", "properties.hs_lastmodifieddate", "properties.lastmodifieddate"),
    ("Last Modified Date",),
    ("property_hs_lastmodifieddate", "property_lastmodifieddate"),
)
OWNER = prop("hubspot_owner_id", "Owner ID")
LIFECYCLE = prop("lifecyclestage", "Lifecycle Stage")
SOURCE = prop("hs_analytics_source", "Original Source", "Original Source Type")
LINEAGE = (ARCHIVED, CREATED, UPDATED)

COMPANIES = HubSpotObject(
    "companies",
    ID,
    (
        *LINEAGE,
        prop("name", "Company name", "Name"),
        prop("domain", "Company Domain Name", "Website URL"),
        prop("industry", "Industry"),
        prop("numberofemployees", "Number of Employees"),
        prop("annualrevenue", "Annual Revenue"),
        prop("country", "Country/Region", "Country"),
        prop("city", "City"),
        prop("phone", "Phone Number"),
        OWNER,
        LIFECYCLE,
        SOURCE,
        prop("hs_parent_company_id", "Parent Company ID"),
        prop("hs_analytics_first_timestamp", "Time First Seen"),
    ),
    synced_table="company",
    export_word="compan",
)

CONTACTS = HubSpotObject(
    "contacts",
    ID,
    (
        *LINEAGE,
        prop("firstname", "First Name"),
        prop("lastname", "Last Name"),
        prop("email", "Email"),
        prop("phone", "Phone Number"),
        prop("company", "Company Name"),
        prop("jobtitle", "Job Title"),
        prop("country", "Country/Region", "Country"),
        OWNER,
        LIFECYCLE,
        prop("hs_lead_status", "Lead Status"),
        SOURCE,
        prop("hs_analytics_first_touch_converting_campaign", "First Touch Converting Campaign"),
        prop("hubspotscore", "HubSpot Score"),
        prop("hs_email_optout", "Unsubscribed from all email"),
        Field(
            "company_ids",
            ("associations.companies", "properties.associatedcompanyid"),
            ("Primary Associated Company ID", "Associated Company IDs", "Associated Company ID"),
            ("property_associatedcompanyid",),
        ),
    ),
    synced_table="contact",
    export_word="contact",
)

DEALS = HubSpotObject(
    "deals",
    Field("id", ("id",), ("Record ID",), ("deal_id", "id")),
    (
        *LINEAGE,
        prop("dealname", "Deal Name"),
        prop("amount", "Amount"),
        prop("deal_currency_code", "Currency"),
        prop("closedate", "Close Date"),
        prop("pipeline", "Pipeline", synced=("deal_pipeline_id",)),
        prop("dealstage", "Deal Stage", synced=("deal_pipeline_stage_id",)),
        prop("hubspot_owner_id", "Owner ID", synced=("owner_id",)),
        prop("dealtype", "Deal Type"),
        prop("hs_deal_stage_probability", "Deal probability"),
        prop("hs_is_closed", "Is Closed"),
        prop("hs_is_closed_won", "Is Closed Won"),
        prop("closed_lost_reason", "Closed Lost Reason"),
        prop("hs_manual_forecast_category", "Forecast category"),
        Field("company_ids", ("associations.companies",), ("Associated Company IDs",)),
        Field("contact_ids", ("associations.contacts",), ("Associated Contact IDs",)),
    ),
    synced_table="deal",
    export_word="deal",
)

OWNERS = HubSpotObject(
    "owners",
    Field("id", ("id",), (), ("owner_id",)),
    (
        Field("archived", ("archived",), (), ("_fivetran_deleted", "is_deleted")),
        Field("createdate", ("createdAt",), (), ("created_at",)),
        Field("lastmodified", ("updatedAt",), (), ("updated_at",)),
        Field("email", ("email",), (), ("email",)),
        Field("firstname", ("firstName",), (), ("first_name",)),
        Field("lastname", ("lastName",), (), ("last_name",)),
    ),
    synced_table="owner",
)

# Deal pipeline stages: the API nests stages in pipelines; readers give one row per stage.
PIPELINE_STAGES = HubSpotObject(
    "pipelines",
    Field("id", ("id",), (), ("stage_id",)),
    (
        Field("label", ("label",), (), ("label",)),
        Field("pipeline_id", ("pipelineId",), (), ("pipeline_id",)),
        Field("is_closed", ("metadata.isClosed",), (), ("is_closed",)),
        Field("probability", ("metadata.probability",), (), ("probability",)),
        Field("is_won", ("metadata.isWon",), (), ("closed_won",)),
    ),
    synced_table="deal_pipeline_stage",
)

CAMPAIGNS = HubSpotObject(
    "campaigns",
    ID,
    (
        Field("archived", ("archived",), (), ("_fivetran_deleted",)),
        Field("createdate", ("createdAt", "properties.hs_created_at"), (), ("created_at",)),
        Field("lastmodified", ("updatedAt",), (), ("updated_at",)),
        prop("hs_name"),
        prop("hs_start_date"),
        prop("hs_end_date"),
        prop("hs_owner"),
        prop("hs_utm"),
        prop("hs_currency_code"),
        prop("hs_budget_items_sum_amount"),
        prop("campaign_type"),  # custom properties: HubSpot has no native type or channel
        prop("channel"),
    ),
    synced_table="campaign",
)
