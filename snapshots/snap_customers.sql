{#
    SCD type 2 history of customers: a new row each time the operational customer row changes
    (by its updated_at), the old one closed with dbt_valid_to. A customer deleted in the source
    has its current row closed too (hard_deletes: invalidate).
#}
{% snapshot snap_customers %}

{{
    config(
        unique_key='customer_id',
        strategy='timestamp',
        updated_at='customer_updated_at',
        hard_deletes='invalidate',
    )
}}

select * from {{ ref('stg_postgres__customers') }}

{% endsnapshot %}
