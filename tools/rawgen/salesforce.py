"""fivetran_salesforce: CRM accounts for commercial customers (and prospects), contacts, deals, cases.

Salesforce marks deletes with its own `is_deleted`; Fivetran adds no `_fivetran_deleted` here.
Accounts carry the operational customer id in the custom field External_Customer_ID__c, which
Fivetran names `external_customer_id_c`.
"""

from __future__ import annotations

from tools.rawgen.batch import Batch, Lander, landed_now, latest_sql, soft_deleted
from tools.rawgen.context import COMMERCIAL_SHARE, Context
from tools.rawgen.landing import LandedTable

SCHEMA = "fivetran_salesforce"
PROSPECT_SHARE = 0.2  # accounts with no operational customer yet, relative to commercial customers


def accounts_facts_sql(ctx: Context, customer_facts: str = "customer_facts", prospects: int | None = None,
                       first_prospect: int | None = None) -> str:
    """One account per commercial customer, plus prospects numbered after the customers."""
    s = ctx.seed
    if prospects is None:
        prospects = max(1, int(ctx.volumes.customers * COMMERCIAL_SHARE * PROSPECT_SHARE))
    if first_prospect is None:
        first_prospect = ctx.volumes.customers + 1
    return f"""
        select
            id as account_number, id as customer_id, company_name as name, 'Customer' as type,
            city, state, postal_code, address_line_1 as street, created_at, updated_at, is_deleted
        from {customer_facts}
        where is_commercial
        union all
        select
            p as account_number, null, company({s}, p), 'Prospect', r.city, r.state,
            lpad(cast(ui({s}, p, 'zip', 1000, 99999) as varchar), 5, '0'), street({s}, p),
            {ctx.as_of_sql} - secs(u({s}, p, 'acreated') * 400 * 86400),
            {ctx.as_of_sql} - secs(u({s}, p, 'acreated') * 200 * 86400),
            u({s}, p, 'adel') < 0.02
        from range({first_prospect}, {first_prospect + prospects}) as t(p)
        inner join regions as r on r.region_id = ui({s}, p, 'region', 1, 8)
    """


def account_sql(ctx: Context, facts: str = "account_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            sfid('001', account_number) as id,
            name,
            type,
            pick(['Construction', 'Healthcare', 'Hospitality', 'Education', 'Real Estate', 'Retail',
                  'Manufacturing', 'Government'], {s}, account_number, 'industry') as industry,
            cast(ui({s}, account_number, 'arev', 2, 5000) * 10000 as decimal(18, 2)) as annual_revenue,
            cast(ui({s}, account_number, 'emps', 5, 2000) as integer) as number_of_employees,
            sfid('005', ui({s}, account_number, 'owner', 1, 40)) as owner_id,
            street as billing_street,
            city as billing_city,
            state as billing_state,
            postal_code as billing_postal_code,
            phone({s}, account_number, 'aph') as phone,
            cast(customer_id as varchar) as external_customer_id_c,
            created_at as created_date,
            updated_at as last_modified_date,
            updated_at as system_modstamp,
            is_deleted,
            synced_after({s}, account_number, 'a_sync', updated_at, {as_of}) as _fivetran_synced
        from {facts}
    """


def contact_sql(ctx: Context, facts: str = "account_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        with contacts as (
            select
                a.account_number, a.created_at, a.updated_at, a.is_deleted,
                a.account_number * 2 + unnest(range(ui({s}, a.account_number, 'ncontacts', 1, 2))) as contact_number
            from {facts} as a
        )
        select
            sfid('003', contact_number) as id,
            sfid('001', account_number) as account_id,
            first_name({s}, contact_number + 2000000000) as first_name,
            last_name({s}, contact_number + 2000000000) as last_name,
            first_name({s}, contact_number + 2000000000) || '@' || replace(company({s}, account_number), ' ', '')
                || '.example.com' as email,
            phone({s}, contact_number, 'cph') as phone,
            pick(['Facilities Manager', 'Office Manager', 'Owner', 'Property Manager', 'Operations Director'],
                 {s}, contact_number, 'title') as title,
            created_at as created_date,
            updated_at as last_modified_date,
            updated_at as system_modstamp,
            is_deleted,
            synced_after({s}, contact_number, 'ct_sync', updated_at, {as_of}) as _fivetran_synced
        from contacts
    """


def opportunity_sql(ctx: Context, facts: str = "account_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    cols = """id, account_id, name, amount, probability, close_date, type, lead_source, created_date"""
    return f"""
        with deals as (
            select
                a.account_number,
                a.name as account_name,
                a.is_deleted,
                a.created_at + secs(ui({s}, a.account_number, 'o_created', 1, 90) * 86400) as created_at,
                pick(['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Won',
                      'Closed Lost'], {s}, a.account_number, 'stage') as stage_name
            from {facts} as a
            where u({s}, a.account_number, 'has_opp') < 0.4
        ),

        latest as (
            select
                sfid('006', account_number) as id,
                sfid('001', account_number) as account_id,
                account_name || ' - service contract' as name,
                stage_name,
                cast(ui({s}, account_number, 'oamt', 10, 500) * 100 as decimal(18, 2)) as amount,
                case stage_name when 'Closed Won' then 100 when 'Closed Lost' then 0
                    when 'Negotiation' then 80 when 'Proposal' then 60 else 20 end as probability,
                cast(created_at + secs(ui({s}, account_number, 'oclose', 14, 120) * 86400) as date) as close_date,
                stage_name like 'Closed%' as is_closed,
                stage_name = 'Closed Won' as is_won,
                pick(['New Business', 'Renewal', 'Upsell'], {s}, account_number, 'otype') as type,
                pick(['Web', 'Referral', 'Trade Show', 'Outbound'], {s}, account_number, 'olead') as lead_source,
                created_at as created_date,
                least({as_of}, created_at + secs(ui({s}, account_number, 'o_upd', 1, 60) * 86400)) as modified_at,
                is_deleted
            from deals
        )

        select
            {cols.replace('close_date,', 'close_date, stage_name, is_closed, is_won,')},
            modified_at as last_modified_date, modified_at as system_modstamp, is_deleted,
            synced_after({s}, id, 'o_sync', modified_at, {as_of}) as _fivetran_synced
        from latest
        union all
        -- the deal while it was still being qualified
        select
            {cols.replace('close_date,', "close_date, 'Qualification', false, false,")},
            created_date, created_date, false,
            least(created_date + secs(600), synced_after({s}, id, 'o_sync', modified_at, {as_of}) - secs(1))
        from latest
        where stage_name <> 'Qualification' and modified_at > created_date
    """


def case_sql(ctx: Context, facts: str = "account_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        with cases as (
            select
                a.account_number,
                a.is_deleted or u({s}, a.account_number, 'case_del') < 0.01 as is_deleted,
                a.created_at + secs(ui({s}, a.account_number, 'k_created', 1, 300) * 86400) as created_at,
                u({s}, a.account_number, 'k_closed') < 0.8 as is_closed
            from {facts} as a
            where u({s}, a.account_number, 'has_case') < 0.2
        ),

        latest as (
            select
                *,
                least({as_of}, created_at + secs(ui({s}, account_number, 'k_close', 1, 20) * 86400)) as modified_at
            from cases
            where created_at < {as_of}
        )

        select
            sfid('500', account_number) as id,
            lpad(cast(account_number as varchar), 8, '0') as case_number,
            sfid('001', account_number) as account_id,
            sfid('003', account_number * 2) as contact_id,
            pick(['Technician was late', 'Invoice question', 'Request a quote', 'Follow-up visit',
                  'Warranty claim'], {s}, account_number, 'subject') as subject,
            case when is_closed then 'Closed' else pick(['New', 'Working', 'Escalated'], {s}, account_number, 'kst') end
                as status,
            pick(['Low', 'Medium', 'High'], {s}, account_number, 'kprio') as priority,
            pick(['Phone', 'Email', 'Web'], {s}, account_number, 'korigin') as origin,
            is_closed,
            created_at as created_date,
            case when is_closed then modified_at end as closed_date,
            modified_at as last_modified_date,
            modified_at as system_modstamp,
            is_deleted,
            synced_after({s}, account_number, 'k_sync', modified_at, {as_of}) as _fivetran_synced
        from latest
    """


def tables(ctx: Context) -> list[LandedTable]:
    return [
        LandedTable(SCHEMA, "account", account_sql(ctx)),
        LandedTable(SCHEMA, "contact", contact_sql(ctx)),
        LandedTable(SCHEMA, "opportunity", opportunity_sql(ctx)),
        LandedTable(SCHEMA, "case", case_sql(ctx)),
    ]


# --- what a sync changes (tools/rawgen/sync.py orders the sources) ------------------------------


def land_sync(lander: Lander, ctx: Context, batch: Batch) -> None:
    """New accounts and their contacts, deals won, cases closed."""
    t = batch.as_of_sql
    lander.temp("account_facts", accounts_facts_sql(ctx, prospects=0, first_prospect=0))
    lander.land("fivetran_salesforce.account", landed_now(batch, account_sql(ctx), "id"), "new accounts")
    lander.land("fivetran_salesforce.contact", landed_now(batch, contact_sql(ctx), "id"), "their contacts")
    lander.land(
        "fivetran_salesforce.opportunity",
        f"""select * replace ('Closed Won' as stage_name, true as is_closed, true as is_won, 100 as probability,
                              {t} - secs(1800) as last_modified_date, {t} - secs(1800) as system_modstamp,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql('fivetran_salesforce.opportunity', 'id')})
            where not is_closed and not is_deleted and {batch.sample('hash(id)', 'won', 0.2)}""",
        "deals won",
    )
    lander.land(
        "fivetran_salesforce.case",
        f"""select * replace ('Closed' as status, true as is_closed, {t} - secs(900) as closed_date,
                              {t} - secs(900) as last_modified_date, {t} - secs(900) as system_modstamp,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql('fivetran_salesforce.case', 'id')})
            where not is_closed and not is_deleted and {batch.sample('hash(id)', 'closed', 0.3)}""",
        "cases closed",
    )



def land_deletes(lander: Lander, batch: Batch) -> None:
    """The accounts of deleted customers."""
    lander.land("fivetran_salesforce.account",
                soft_deleted(batch, "fivetran_salesforce.account", "id",
                             "external_customer_id_c in (select cast(id as varchar) from deleted_customers)",
                             flag="is_deleted"),
                "deleted customers")
