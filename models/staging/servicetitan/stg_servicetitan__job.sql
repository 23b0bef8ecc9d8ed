with

source as (

    select * from {{ source('fivetran_servicetitan', 'job') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as servicetitan_job_id,
        {{ dbt.safe_cast('job_number', dbt.type_bigint()) }} as job_id,
        customer_id,
        job_type_id as service_type_id,
        business_unit_id,

        -- attributes
        job_status as servicetitan_job_status,
        lower(priority) as job_priority,

        -- timestamps
        cast(completed_on as {{ dbt.type_timestamp() }}) as job_completed_at,
        cast(created_on as {{ dbt.type_timestamp() }}) as servicetitan_job_created_at,
        cast(modified_on as {{ dbt.type_timestamp() }}) as servicetitan_job_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
