with

source as (

    select * from {{ source('fivetran_servicetitan', 'appointment') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as appointment_id,
        job_id as servicetitan_job_id,
        technician_id as servicetitan_technician_id,

        -- attributes
        appointment_number,
        status as appointment_status,

        -- timestamps
        cast({{ quote_identifier('start') }} as {{ dbt.type_timestamp() }}) as appointment_start_at,
        cast({{ quote_identifier('end') }} as {{ dbt.type_timestamp() }}) as appointment_end_at,
        cast(arrival_window_start as {{ dbt.type_timestamp() }}) as arrival_window_start_at,
        cast(arrival_window_end as {{ dbt.type_timestamp() }}) as arrival_window_end_at,
        cast(arrived_on as {{ dbt.type_timestamp() }}) as arrived_at,
        cast(created_on as {{ dbt.type_timestamp() }}) as appointment_created_at,
        cast(modified_on as {{ dbt.type_timestamp() }}) as appointment_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
