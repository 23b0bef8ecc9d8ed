"""fivetran_quickbooks: invoicing. Every completed job is invoiced; money is decimal, ids numeric strings.

The invoice's doc_number is the operational job number ('FF-<job id>'), which is how finance
matches an invoice to the job it bills. An invoice is paid when its balance is zero.
"""

from __future__ import annotations

from tools.rawgen.batch import Batch, Lander, landed_now, latest_sql, soft_deleted
from tools.rawgen.context import Context, quickbooks_customer_id
from tools.rawgen.landing import LandedTable

SCHEMA = "fivetran_quickbooks"
INVOICE_ID_OFFSET = 20_000_000
PAYMENT_ID_OFFSET = 40_000_000
# Of the paid invoices, the share whose open version (before the payment) is still landed, as for
# the jobs' CDC history: a version per payment would double the table, far beyond the SDD's volume.
PAID_HISTORY_SHARE = 0.12


def customer_sql(ctx: Context, facts: str = "customer_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            {quickbooks_customer_id("id")} as id,
            coalesce(company_name, first_name || ' ' || last_name) as display_name,
            company_name,
            first_name as given_name,
            last_name as family_name,
            email,
            phone,
            cast(0 as decimal(18, 2)) as balance,
            not is_deleted as active,
            created_at,
            updated_at,
            is_deleted as _fivetran_deleted,
            synced_after({s}, id, 'qc_sync', updated_at, {as_of}) as _fivetran_synced
        from {facts}
    """


def invoice_facts_sql(ctx: Context, job_facts: str = "job_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            id as job_id,
            customer_id,
            service_type_id,
            cast({INVOICE_ID_OFFSET} + id as varchar) as invoice_id,
            cast(total_amount_cents / 100.0 as decimal(18, 2)) as total_amount,
            -- the materials line's share of the total, which both of the invoice's lines need
            cast(floor(cast(total_amount_cents / 100.0 as decimal(18, 2)) * 15) / 100 as decimal(18, 2))
                as materials_amount,
            completed_at as invoiced_at,
            case when paid_at({s}, id, completed_at) <= {as_of} then paid_at({s}, id, completed_at) end as paid_at,
            is_deleted
        from {job_facts}
        where status = 'completed'
    """


def invoice_sql(ctx: Context, facts: str = "invoice_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    cols = "id, doc_number, customer_id, transaction_date, due_date, total_amount"
    # not materialized: the history branch keeps a few percent of the rows, so re-reading the
    # facts for it is cheaper than holding every invoice aside
    return f"""
        with latest as not materialized (
            select
                invoice_id as id,
                job_id,
                'FF-' || cast(job_id as varchar) as doc_number,
                {quickbooks_customer_id("customer_id")} as customer_id,
                cast(invoiced_at as date) as transaction_date,
                cast(invoiced_at as date) + 30 as due_date,
                total_amount,
                case when paid_at is null then total_amount else 0 end as balance,
                invoiced_at as created_at,
                coalesce(paid_at, invoiced_at) as updated_at,
                is_deleted,
                synced_after({s}, job_id, 'qi_sync', coalesce(paid_at, invoiced_at), {as_of}) as synced
            from {facts}
        )
        select {cols}, balance, created_at, updated_at, is_deleted as _fivetran_deleted, synced as _fivetran_synced
        from latest
        union all
        -- the open invoice before it was voided, and before it was paid for a share of the paid ones
        select
            {cols}, total_amount, created_at, created_at, false,
            least(synced_after({s}, id, 'qi_osync', created_at, {as_of}), synced - secs(1))
        from latest
        where is_deleted or (balance = 0 and u({s}, job_id, 'qi_hist') < {PAID_HISTORY_SHARE})
    """


def invoice_line_sql(ctx: Context, facts: str = "invoice_facts") -> str:
    """Two lines per invoice (service, materials) whose amounts add up to the invoice total."""
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        with invoices as (
            -- what both lines of an invoice share, computed once per invoice
            select
                invoice_id,
                cast(total_amount - materials_amount as decimal(18, 2)) as service_amount,
                materials_amount,
                cast(service_type_id as varchar) as item_id,
                is_deleted,
                synced_after({s}, job_id, 'qi_osync', invoiced_at, {as_of}) as synced
            from {facts}
        )

        select
            invoice_id,
            line as index,
            case line when 0 then service_amount else materials_amount end as amount,
            case line when 0 then 'Service' else 'Materials' end as description,
            'SalesItemLineDetail' as detail_type,
            item_id as sales_item_item_id,
            cast(1 as decimal(18, 2)) as sales_item_quantity,
            case line when 0 then service_amount else materials_amount end as sales_item_unit_price,
            is_deleted as _fivetran_deleted,
            synced as _fivetran_synced
        from invoices, (values (0), (1)) as l(line)
    """


def payment_sql(ctx: Context, facts: str = "invoice_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            cast({PAYMENT_ID_OFFSET} + job_id as varchar) as id,
            {quickbooks_customer_id("customer_id")} as customer_id,
            total_amount,
            cast(paid_at as date) as transaction_date,
            paid_at as created_at,
            paid_at as updated_at,
            is_deleted as _fivetran_deleted,
            synced_after({s}, job_id, 'qp_sync', paid_at, {as_of}) as _fivetran_synced
        from {facts}
        where paid_at is not null
    """


def tables(ctx: Context) -> list[LandedTable]:
    return [
        LandedTable(SCHEMA, "customer", customer_sql(ctx)),
        LandedTable(SCHEMA, "invoice", invoice_sql(ctx), uncompressed=(
            "id", "doc_number", "customer_id", "created_at", "updated_at", "_fivetran_synced")),
        LandedTable(SCHEMA, "invoice_line", invoice_line_sql(ctx), uncompressed=("invoice_id", "_fivetran_synced")),
        LandedTable(SCHEMA, "payment", payment_sql(ctx), uncompressed=(
            "id", "customer_id", "created_at", "updated_at", "_fivetran_synced")),
    ]


# --- what a sync changes (tools/rawgen/sync.py orders the sources) ------------------------------


def land_sync(lander: Lander, ctx: Context, batch: Batch) -> None:
    """Invoices of newly completed jobs and their lines, open invoices paid, and their payments."""
    gs, t = ctx.seed, batch.as_of_sql
    lander.land("fivetran_quickbooks.customer", landed_now(batch, customer_sql(ctx), "id"),
                "new customers")
    lander.temp(
        "paid_invoices",
        f"""
        select * from (
            select *, paid_at({gs}, cast(replace(doc_number, 'FF-', '') as bigint), created_at) as paid_at
            from ({latest_sql('fivetran_quickbooks.invoice', 'id')})
            where balance > 0 and not _fivetran_deleted
        )
        where paid_at <= {t}
        """,
    )
    lander.land(
        "fivetran_quickbooks.invoice",
        f"""select * exclude (paid_at) replace (0 as balance, paid_at as updated_at,
                                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from paid_invoices""",
        "invoices paid",
    )
    lander.land(
        "fivetran_quickbooks.payment",
        f"""select
                cast({PAYMENT_ID_OFFSET} + cast(replace(doc_number, 'FF-', '') as bigint) as varchar) as id,
                customer_id, total_amount, cast(paid_at as date) as transaction_date,
                paid_at as created_at, paid_at as updated_at, false as _fivetran_deleted,
                cast({batch.stamp('id')} as timestamptz) as _fivetran_synced
            from paid_invoices""",
        "payments of those",
    )
    lander.temp("invoice_facts", invoice_facts_sql(ctx))
    lander.land("fivetran_quickbooks.invoice", landed_now(batch, invoice_sql(ctx), "id"),
                "invoices of completed jobs")
    lander.land("fivetran_quickbooks.invoice_line",
                landed_now(batch, invoice_line_sql(ctx), "invoice_id, index"), "their lines")
    lander.land("fivetran_quickbooks.payment", landed_now(batch, payment_sql(ctx), "id"),
                "paid on the spot")



def land_deletes(lander: Lander, batch: Batch) -> None:
    """The deleted customers, and the invoices of deleted jobs voided with their lines and payments."""
    lander.land("fivetran_quickbooks.customer",
                soft_deleted(batch, "fivetran_quickbooks.customer", "id",
                             f"id in (select {quickbooks_customer_id('id')} from deleted_customers)"),
                "deleted customers")
    voided = "select 'FF-' || cast(id as varchar) from deleted_jobs"
    lander.land("fivetran_quickbooks.invoice",
                soft_deleted(batch, "fivetran_quickbooks.invoice", "id", f"doc_number in ({voided})"),
                "voided invoices")
    lander.land("fivetran_quickbooks.invoice_line",
                soft_deleted(batch, "fivetran_quickbooks.invoice_line", "invoice_id, index",
                             f"invoice_id in (select cast({INVOICE_ID_OFFSET} + id as varchar) "
                             f"from deleted_jobs)"),
                "their lines")
    lander.land("fivetran_quickbooks.payment",
                soft_deleted(batch, "fivetran_quickbooks.payment", "id",
                             f"id in (select cast({PAYMENT_ID_OFFSET} + id as varchar) from deleted_jobs)"),
                "their payments")
