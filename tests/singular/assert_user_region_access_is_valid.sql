{#
    Every row of the row-level security mapping means one thing: an admin row (every region)
    has no region, a read row names one region, and no user is listed twice for the same region
    once names are compared as the secure views compare them (trimmed, without case). A name
    with stray spaces or in lower case is reported too, so that the file says what it means.
    The views fail closed on such rows (macros/snowflake/current_rls_user.sql); this test says
    which rows to fix. Returns the rows at fault, with the reason.
#}

with

user_access as (

    select
        user_name,
        region_id,
        access_level,
        upper(trim(user_name)) as normalized_user_name
    from {{ ref('seed_user_region_access') }}

),

malformed as (

    select
        user_name,
        region_id,
        access_level,
        case
            when access_level = 'admin' and region_id is not null then 'an admin row names a region'
            when access_level = 'read' and region_id is null then 'a read row names no region'
            else 'the user name is not trimmed upper case'
        end as reason
    from user_access
    where
        (access_level = 'admin' and region_id is not null)
        or (access_level = 'read' and region_id is null)
        or user_name != normalized_user_name

),

duplicated as (

    select
        min(user_name) as user_name,
        region_id,
        min(access_level) as access_level,
        'the user is listed twice for this region' as reason
    from user_access
    group by normalized_user_name, region_id
    having count(*) > 1

),

final as (

    select * from malformed
    union all
    select * from duplicated

)

select * from final
