{#
    SCD type 2 history of technicians, by the attributes that matter for pay and dispatch:
    a new row whenever skill level, pay rate, region or employment status changes.
#}
{% snapshot snap_technicians %}

{{
    config(
        unique_key='technician_id',
        strategy='check',
        check_cols=['skill_level', 'hourly_rate_cents', 'region_id', 'is_active', 'terminated_date'],
        hard_deletes='invalidate',
    )
}}

select * from {{ ref('stg_postgres__technicians') }}

{% endsnapshot %}
