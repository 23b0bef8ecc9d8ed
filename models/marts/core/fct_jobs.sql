with

jobs as (

    select * from {{ ref('stg_postgres__jobs') }}

),

final as (

    select
        -- ids
        job_id,
        customer_id,
        technician_id,
        service_type_id,

        -- attributes
        job_status,
        job_priority,

        -- measures
        total_amount_cents,
        total_amount,

        -- timestamps
        job_scheduled_at,
        job_started_at,
        job_completed_at,
        job_created_at,
        job_updated_at,

        -- metadata
        _fivetran_synced

    from jobs

)

select * from final
