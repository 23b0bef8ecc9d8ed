{#
    Snowflake platform objects as code (SDD: Snowflake Design, Sigma Design, Security & Governance).
    Three macros in one file, unlike the rest of macros/: `tools platform-sql` renders this file
    offline as one Jinja module (tools/snowflake_platform.py), the spec beside the statements.

    platform_spec()        the objects: warehouses, resource monitors, account parameters,
                           databases and schemas, roles and their hierarchy, service users,
                           masking policies. The one place they are written down.
    platform_statements(spec)  the spec as SQL statements, in the order a first set-up runs them.
                           Every statement is idempotent (CREATE ... IF NOT EXISTS followed by
                           ALTER ... SET, GRANT), so running the whole list twice is safe.
    platform_setup()       runs them: `dbt run-operation platform_setup --args '{dry_run: false}'
                           --target prod` as a user holding ACCOUNTADMIN; with dry_run (the
                           default) it only prints them.

    `tools platform-sql` renders the same macros offline (plain Jinja, no dbt, no account), so
    these two macros use nothing but Jinja and `return`. docs/snowflake.md has the order of set-up.
#}

{% macro platform_spec() %}
    {% set raw_schemas = ['FIVETRAN_POSTGRES', 'FIVETRAN_SALESFORCE', 'FIVETRAN_QUICKBOOKS',
                          'FIVETRAN_SERVICETITAN', 'FIVETRAN_TELEMATICS', 'FIVETRAN_SHEETS'] %}
    {#- dbt builds every layer from the one below: its roles read every classified value in clear
        (they read raw anyway), or a masked value would be stored downstream. -#}
    {% set dbt_roles = ['DBT_PROD_ROLE', 'DBT_CI_ROLE', 'DBT_DEV_ROLE'] %}
    {#- masking_policies, one per `meta.pii` class: the masked values fail closed. Only a
        well-formed value keeps a hint (an email's domain, a phone's last four digits, a ZIP
        code's first three); anything else (no '@', two of them, spaces or line breaks, a short
        number, text around it) is masked whole. regexp_like matches the whole value. A name or
        street address is masked whole, a coordinate rounded to one decimal (about 11 km). Each
        mask leaves a masked value as it is (`***-***-1234`, `021**`, `***@domain`), so a view's
        policy over a masked table column shows what the table's shows. -#}
    {% set spec = {
        'account_parameters': {
            'STATEMENT_TIMEOUT_IN_SECONDS': 3600,
            'STATEMENT_QUEUED_TIMEOUT_IN_SECONDS': 600,
        },
        'warehouses': [
            {'name': 'INGEST_WH', 'size': 'X-SMALL', 'auto_suspend': 60, 'min_clusters': 1, 'max_clusters': 1,
             'comment': 'Fivetran data ingestion - cost optimized'},
            {'name': 'TRANSFORM_WH', 'size': 'SMALL', 'auto_suspend': 120, 'min_clusters': 1, 'max_clusters': 2,
             'scaling_policy': 'ECONOMY', 'comment': 'dbt transformations - scheduled workloads'},
            {'name': 'BI_WH', 'size': 'MEDIUM', 'auto_suspend': 300, 'min_clusters': 1, 'max_clusters': 4,
             'scaling_policy': 'STANDARD', 'comment': 'Sigma dashboards - user-facing queries'},
            {'name': 'ADHOC_WH', 'size': 'SMALL', 'auto_suspend': 60, 'min_clusters': 1, 'max_clusters': 2,
             'statement_timeout': 900, 'resource_monitor': 'ADHOC_LIMIT',
             'comment': 'Analyst exploration - controlled cost'},
            {'name': 'DEV_WH', 'size': 'X-SMALL', 'auto_suspend': 60, 'min_clusters': 1, 'max_clusters': 1,
             'comment': 'dbt development (target dev)'},
            {'name': 'CI_WH', 'size': 'SMALL', 'auto_suspend': 60, 'min_clusters': 1, 'max_clusters': 1,
             'comment': 'dbt pull-request builds (target ci)'},
        ],
        'resource_monitors': [
            {'name': 'MONTHLY_BUDGET', 'credit_quota': 400, 'frequency': 'MONTHLY', 'account': true,
             'notify': [50, 75, 90], 'suspend': 100},
            {'name': 'ADHOC_LIMIT', 'credit_quota': 50, 'frequency': 'WEEKLY',
             'notify': [80], 'suspend': 100},
        ],
        'databases': [
            {'name': 'ANALYTICS_RAW', 'comment': 'Landing zone for Fivetran', 'schemas': raw_schemas},
            {'name': 'ANALYTICS_STAGING', 'comment': 'Cleaned, typed, deduplicated (dbt views)',
             'schemas': ['STAGING', 'SEEDS', 'MONITORING']},
            {'name': 'ANALYTICS_INTERMEDIATE', 'comment': 'Business logic joins (dbt tables)',
             'schemas': ['INTERMEDIATE']},
            {'name': 'ANALYTICS_MARTS', 'comment': 'Consumption layer (star schema, metrics)',
             'schemas': ['CORE', 'FINANCE', 'OPERATIONS', 'EXECUTIVE', 'MONITORING', 'SNAPSHOTS', 'SECURITY',
                         'AUDIT', 'RUN_HISTORY']},
            {'name': 'ANALYTICS_DEV', 'comment': 'Developer sandboxes, one schema per developer',
             'schemas': []},
            {'name': 'ANALYTICS_STAGING_ENV', 'comment': 'Pre-production: one schema per CI run',
             'schemas': []},
        ],
        'data_roles': [
            {'name': 'RAW_WRITE_ROLE', 'access': 'write', 'database': 'ANALYTICS_RAW', 'schemas': raw_schemas,
             'comment': 'Fivetran lands raw tables'},
            {'name': 'RAW_READ_ROLE', 'access': 'read', 'database': 'ANALYTICS_RAW', 'schemas': raw_schemas,
             'schema_wide_select': true, 'comment': 'Reads raw: dbt roles only'},
            {'name': 'STAGING_WRITE_ROLE', 'access': 'write', 'database': 'ANALYTICS_STAGING',
             'schemas': ['STAGING', 'SEEDS', 'MONITORING'], 'comment': 'dbt builds staging'},
            {'name': 'STAGING_READ_ROLE', 'access': 'read', 'database': 'ANALYTICS_STAGING',
             'schemas': ['STAGING', 'SEEDS', 'MONITORING'], 'comment': 'Reads staging'},
            {'name': 'INTERMEDIATE_WRITE_ROLE', 'access': 'write', 'database': 'ANALYTICS_INTERMEDIATE',
             'schemas': ['INTERMEDIATE'], 'comment': 'dbt builds intermediate'},
            {'name': 'INTERMEDIATE_READ_ROLE', 'access': 'read', 'database': 'ANALYTICS_INTERMEDIATE',
             'schemas': ['INTERMEDIATE'], 'comment': 'Reads intermediate'},
            {'name': 'MARTS_WRITE_ROLE', 'access': 'write', 'database': 'ANALYTICS_MARTS',
             'schemas': ['CORE', 'FINANCE', 'OPERATIONS', 'EXECUTIVE', 'MONITORING', 'SNAPSHOTS', 'SECURITY',
                         'AUDIT', 'RUN_HISTORY'],
             'comment': 'dbt builds marts, and records its runs (RUN_HISTORY, written by its hooks)'},
            {'name': 'MARTS_READ_ROLE', 'access': 'read', 'database': 'ANALYTICS_MARTS',
             'schemas': ['CORE', 'FINANCE', 'OPERATIONS', 'EXECUTIVE', 'MONITORING'],
             'comment': 'Reads the business marts (not security, audit or snapshots)'},
            {'name': 'BI_READ_ROLE', 'access': 'read', 'database': 'ANALYTICS_MARTS',
             'schemas': ['CORE', 'FINANCE', 'OPERATIONS', 'EXECUTIVE', 'MONITORING'],
             'comment': 'What Sigma reads: the row-level security views and the marts without regions'},
            {'name': 'GOVERNANCE_READ_ROLE', 'access': 'read', 'database': 'ANALYTICS_MARTS',
             'schemas': ['SNAPSHOTS', 'SECURITY', 'AUDIT'],
             'comment': 'Reads the RLS mapping, the audit log and unmasked history'},
        ],
        'functional_roles': [
            {'name': 'FIVETRAN_INGEST_ROLE', 'warehouse': 'INGEST_WH', 'data_roles': ['RAW_WRITE_ROLE'],
             'comment': 'Fivetran connectors'},
            {'name': 'DBT_PROD_ROLE', 'warehouse': 'TRANSFORM_WH',
             'data_roles': ['RAW_READ_ROLE', 'STAGING_WRITE_ROLE', 'INTERMEDIATE_WRITE_ROLE', 'MARTS_WRITE_ROLE'],
             'database_roles': ['SNOWFLAKE.GOVERNANCE_VIEWER'], 'comment': 'dbt production runs'},
            {'name': 'DBT_CI_ROLE', 'warehouse': 'CI_WH', 'create_schema_in': 'ANALYTICS_STAGING_ENV',
             'data_roles': ['RAW_READ_ROLE', 'STAGING_READ_ROLE', 'INTERMEDIATE_READ_ROLE', 'MARTS_READ_ROLE'],
             'database_roles': ['SNOWFLAKE.GOVERNANCE_VIEWER'],
             'comment': 'dbt pull-request builds; reads prod to defer to it'},
            {'name': 'DBT_DEV_ROLE', 'warehouse': 'DEV_WH', 'create_schema_in': 'ANALYTICS_DEV',
             'data_roles': ['RAW_READ_ROLE', 'STAGING_READ_ROLE', 'INTERMEDIATE_READ_ROLE', 'MARTS_READ_ROLE'],
             'comment': 'Developers building in their sandbox schema'},
            {'name': 'SIGMA_BI_ROLE', 'warehouse': 'BI_WH', 'data_roles': ['BI_READ_ROLE'],
             'comment': 'Sigma: the row-level security views and the marts without regions'},
            {'name': 'ANALYST_ROLE', 'warehouse': 'ADHOC_WH',
             'data_roles': ['INTERMEDIATE_READ_ROLE', 'MARTS_READ_ROLE'],
             'comment': 'Analysts: intermediate and marts, ad-hoc warehouse'},
            {'name': 'ADMIN_ROLE', 'warehouse': 'ADHOC_WH',
             'data_roles': ['STAGING_READ_ROLE', 'INTERMEDIATE_READ_ROLE', 'MARTS_READ_ROLE', 'GOVERNANCE_READ_ROLE'],
             'comment': 'Data platform admins: clear PII, audit log, RLS mapping'},
        ],
        'users': [
            {'name': 'FIVETRAN_USER', 'role': 'FIVETRAN_INGEST_ROLE', 'warehouse': 'INGEST_WH',
             'comment': 'Fivetran service user (key-pair auth)'},
            {'name': 'DBT_PROD_USER', 'role': 'DBT_PROD_ROLE', 'warehouse': 'TRANSFORM_WH',
             'comment': 'dbt production service user (key-pair auth)'},
            {'name': 'DBT_CI_USER', 'role': 'DBT_CI_ROLE', 'warehouse': 'CI_WH',
             'comment': 'dbt CI service user (key-pair auth)'},
            {'name': 'SIGMA_SERVICE_USER', 'role': 'SIGMA_BI_ROLE', 'warehouse': 'BI_WH',
             'comment': 'Sigma connection service user (key-pair auth)'},
        ],
        'policy_schema': 'ANALYTICS_MARTS.SECURITY',
        'masking_policies': [
            {'name': 'EMAIL_MASK', 'pii': 'email', 'type': 'string', 'clear_roles': dbt_roles + ['ADMIN_ROLE', 'ANALYST_ROLE'],
             'masked': "case when val is null then null when regexp_like(val, '[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+') "
                       ~ "then concat('***@', split_part(val, '@', 2)) else '***' end"},
            {'name': 'PHONE_MASK', 'pii': 'phone', 'type': 'string', 'clear_roles': dbt_roles + ['ADMIN_ROLE'],
             'masked': "case when val is null then null when regexp_like(val, '[*]{3}-[*]{3}-[0-9]{4}') then val "
                       ~ "when regexp_like(val, '[+]?([ ().-]*[0-9]){10,15}[ ().-]*') "
                       ~ "then concat('***-***-', right(regexp_replace(val, '[^0-9]', ''), 4)) else '***' end"},
            {'name': 'NAME_MASK', 'pii': 'name', 'type': 'string', 'clear_roles': dbt_roles + ['ADMIN_ROLE'],
             'masked': "case when val is null then null else '***' end"},
            {'name': 'ADDRESS_MASK', 'pii': 'address', 'type': 'string', 'clear_roles': dbt_roles + ['ADMIN_ROLE'],
             'masked': "case when val is null then null else '***' end"},
            {'name': 'POSTAL_CODE_MASK', 'pii': 'postal_code', 'type': 'string', 'clear_roles': dbt_roles + ['ADMIN_ROLE'],
             'masked': "case when val is null then null when regexp_like(val, '[0-9]{3}[*]{2}') then val "
                       ~ "when regexp_like(val, '[0-9]{5}(-[0-9]{4})?') then concat(left(val, 3), '**') else '***' end"},
            {'name': 'LOCATION_MASK', 'pii': 'location', 'type': 'float', 'clear_roles': dbt_roles + ['ADMIN_ROLE'],
             'masked': "case when val is null then null else round(val, 1) end"},
        ],
        'policy_appliers': ['DBT_PROD_ROLE', 'DBT_CI_ROLE', 'DBT_DEV_ROLE'],
    } %}
    {{ return(spec) }}
{% endmacro %}


{% macro platform_statements(spec) %}
    {% set out = [] %}

    {# 1. Compute, storage and policies: SYSADMIN owns them. #}
    {% do out.append('use role sysadmin') %}
    {% for wh in spec.warehouses %}
        {% set settings = [
            "warehouse_size = '" ~ wh.size ~ "'",
            'auto_suspend = ' ~ wh.auto_suspend,
            'auto_resume = true',
            'min_cluster_count = ' ~ wh.min_clusters,
            'max_cluster_count = ' ~ wh.max_clusters,
        ] %}
        {% if wh.scaling_policy %}{% do settings.append("scaling_policy = '" ~ wh.scaling_policy ~ "'") %}{% endif %}
        {% if wh.statement_timeout %}
            {% do settings.append('statement_timeout_in_seconds = ' ~ wh.statement_timeout) %}
        {% endif %}
        {% do settings.append("comment = '" ~ wh.comment ~ "'") %}
        {% do out.append('create warehouse if not exists ' ~ wh.name ~ ' with ' ~ (settings | join(' '))
                         ~ ' initially_suspended = true') %}
        {# settings a previous run or a console change may have left different #}
        {% do out.append('alter warehouse ' ~ wh.name ~ ' set ' ~ (settings | join(' '))) %}
    {% endfor %}
    {% for db in spec.databases %}
        {% do out.append('create database if not exists ' ~ db.name ~ " comment = '" ~ db.comment ~ "'") %}
        {% for schema in db.schemas %}
            {% do out.append('create schema if not exists ' ~ db.name ~ '.' ~ schema) %}
        {% endfor %}
    {% endfor %}
    {% for policy in spec.masking_policies %}
        {% set name = spec.policy_schema ~ '.' ~ policy.name %}
        {% set body = "case when current_role() in ('" ~ (policy.clear_roles | join("', '")) ~ "') then val else "
                      ~ policy.masked ~ ' end' %}
        {% do out.append('create masking policy if not exists ' ~ name ~ ' as (val ' ~ policy.type ~ ') returns '
                         ~ policy.type ~ ' -> ' ~ body
                         ~ " comment = 'PII " ~ policy.pii ~ " (meta.pii: " ~ policy.pii ~ ")'") %}
        {# CREATE OR REPLACE fails while a column uses the policy; ALTER keeps the body current #}
        {% do out.append('alter masking policy ' ~ name ~ ' set body -> ' ~ body) %}
    {% endfor %}

    {# 2. Roles and service users: USERADMIN. No passwords: key-pair auth, keys set out of band. #}
    {% do out.append('use role useradmin') %}
    {% for role in spec.data_roles + spec.functional_roles %}
        {% do out.append('create role if not exists ' ~ role.name ~ " comment = '" ~ role.comment ~ "'") %}
    {% endfor %}
    {% for user in spec.users %}
        {% set settings = 'type = service default_role = ' ~ user.role ~ ' default_warehouse = ' ~ user.warehouse
                          ~ " comment = '" ~ user.comment ~ "'" %}
        {% do out.append('create user if not exists ' ~ user.name ~ ' ' ~ settings) %}
        {% do out.append('alter user ' ~ user.name ~ ' set ' ~ settings) %}
    {% endfor %}

    {# 3. Privileges and the role hierarchy: SECURITYADMIN. #}
    {% do out.append('use role securityadmin') %}
    {% for role in spec.data_roles %}
        {% do out.append('grant usage on database ' ~ role.database ~ ' to role ' ~ role.name) %}
        {% if role.access == 'write' %}
            {% do out.append('grant create schema on database ' ~ role.database ~ ' to role ' ~ role.name) %}
        {% endif %}
        {% for schema in role.schemas %}
            {% set fq = role.database ~ '.' ~ schema %}
            {% if role.access == 'write' %}
                {% do out.append('grant usage, create table, create view on schema ' ~ fq ~ ' to role ' ~ role.name) %}
            {% else %}
                {% do out.append('grant usage on schema ' ~ fq ~ ' to role ' ~ role.name) %}
                {#- Fivetran creates the raw tables, so their reader needs schema-wide grants. Every
                    other layer has none: dbt grants each relation it builds, after its masking
                    post-hook (docs/snowflake.md, Data protection), so no reader sees a rebuilt
                    table before its columns are masked. -#}
                {% if role.schema_wide_select %}
                    {% for scope in ['all tables', 'future tables', 'all views', 'future views'] %}
                        {% do out.append('grant select on ' ~ scope ~ ' in schema ' ~ fq ~ ' to role ' ~ role.name) %}
                    {% endfor %}
                {% endif %}
            {% endif %}
        {% endfor %}
    {% endfor %}
    {% for role in spec.functional_roles %}
        {% do out.append('grant usage on warehouse ' ~ role.warehouse ~ ' to role ' ~ role.name) %}
        {% if role.create_schema_in %}
            {% do out.append('grant usage, create schema on database ' ~ role.create_schema_in
                             ~ ' to role ' ~ role.name) %}
        {% endif %}
        {% for data_role in role.data_roles %}
            {% do out.append('grant role ' ~ data_role ~ ' to role ' ~ role.name) %}
        {% endfor %}
        {# SYSADMIN sits above every functional role (SDD, RBAC Model) #}
        {% do out.append('grant role ' ~ role.name ~ ' to role sysadmin') %}
    {% endfor %}
    {% for user in spec.users %}
        {% do out.append('grant role ' ~ user.role ~ ' to user ' ~ user.name) %}
    {% endfor %}
    {#- setting a policy on a column needs USAGE on the policy's schema, not only APPLY -#}
    {% for role in spec.policy_appliers %}
        {% do out.append('grant usage on schema ' ~ spec.policy_schema ~ ' to role ' ~ role) %}
    {% endfor %}
    {% for policy in spec.masking_policies %}
        {% for role in spec.policy_appliers %}
            {% do out.append('grant apply on masking policy ' ~ spec.policy_schema ~ '.' ~ policy.name
                             ~ ' to role ' ~ role) %}
        {% endfor %}
    {% endfor %}

    {# 4. Account-wide governance: ACCOUNTADMIN. #}
    {% do out.append('use role accountadmin') %}
    {% set params = [] %}
    {% for key, value in spec.account_parameters.items() %}
        {% do params.append(key | lower ~ ' = ' ~ value) %}
    {% endfor %}
    {% do out.append('alter account set ' ~ (params | join(' '))) %}
    {% for monitor in spec.resource_monitors %}
        {% set triggers = [] %}
        {% for pct in monitor.notify %}{% do triggers.append('on ' ~ pct ~ ' percent do notify') %}{% endfor %}
        {% do triggers.append('on ' ~ monitor.suspend ~ ' percent do suspend') %}
        {% do out.append('create resource monitor if not exists ' ~ monitor.name ~ ' with credit_quota = '
                         ~ monitor.credit_quota ~ ' frequency = ' ~ monitor.frequency
                         ~ ' start_timestamp = immediately triggers ' ~ (triggers | join(' '))) %}
        {% do out.append('alter resource monitor ' ~ monitor.name ~ ' set credit_quota = ' ~ monitor.credit_quota
                         ~ ' triggers ' ~ (triggers | join(' '))) %}
        {% if monitor.account %}
            {% do out.append('alter account set resource_monitor = ' ~ monitor.name) %}
        {% endif %}
    {% endfor %}
    {% for wh in spec.warehouses if wh.resource_monitor %}
        {% do out.append('alter warehouse ' ~ wh.name ~ ' set resource_monitor = ' ~ wh.resource_monitor) %}
    {% endfor %}
    {% for role in spec.functional_roles %}
        {% for database_role in role.database_roles or [] %}
            {% do out.append('grant database role ' ~ database_role ~ ' to role ' ~ role.name) %}
        {% endfor %}
    {% endfor %}
    {{ return(out) }}
{% endmacro %}


{% macro platform_setup(dry_run=true) %}
    {% for statement in platform_statements(platform_spec()) %}
        {% if dry_run %}
            {{ print(statement ~ ';') }}
        {% else %}
            {{ log(statement, info=true) }}
            {% do run_query(statement) %}
        {% endif %}
    {% endfor %}
{% endmacro %}
