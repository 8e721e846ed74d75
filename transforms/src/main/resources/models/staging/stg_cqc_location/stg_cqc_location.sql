-- CQC location attributes from every layout, typed and conformed: one row per location, snapshot date and layout.
-- Within a layout, a later file for the same snapshot date supersedes an earlier one (a corrected re-send).
with

api_docs as (
    select
        location_id,
        snapshot_date,
        _ingested_at,
        row_number() over (partition by location_id, snapshot_date order by _ingested_at desc, _source_sha256) as version_rank,
        from_json(document, 'providerId STRING, name STRING, registrationStatus STRING, registrationDate STRING,
            deregistrationDate STRING, dormancy STRING, inspectionDirectorate STRING, type STRING, careHome STRING,
            numberOfBeds INT, localAuthority STRING, region STRING, registeredManagerAbsentDate STRING,
            inspectionCategories ARRAY<STRUCT<code: STRING, name: STRING, `primary`: STRING>>') as d
    from raw.cqc_api_location
),

long_rows as (
    select
        *,
        dense_rank() over (partition by trim(location_id), snapshot_date order by _ingested_at desc, _source_sha256) as file_rank
    from raw.cqc_ratings_long
),

wide_rows as (
    select
        *,
        dense_rank() over (partition by trim(location_id), snapshot_date order by _ingested_at desc, _source_sha256) as file_rank,
        row_number() over (partition by trim(location_id), snapshot_date, _source_sha256 order by _source_row) as row_in_file
    from raw.cqc_asc_wide
),

api as (
    select
        location_id,
        snapshot_date,
        'cqc_api' as source_layout,
        _ingested_at as ingested_at,
        nullif(trim(d.providerId), '') as provider_id,
        cast(null as string) as provider_name,
        trim(d.name) as location_name,
        d.registrationStatus as registration_status,
        coalesce(lower(d.registrationStatus) = 'registered', false) as is_registered,
        case d.dormancy when 'Y' then true when 'N' then false end as is_dormant,
        coalesce(d.inspectionDirectorate = 'Adult social care',
                 d.type = 'Social Care Org', false) as is_adult_social_care,
        filter(d.inspectionCategories, c -> c.`primary` = 'true')[0].name as primary_inspection_category,
        coalesce(d.careHome = 'Y', false) as is_care_home,
        case when d.careHome = 'Y' then d.numberOfBeds end as care_home_beds,
        nullif(trim(d.localAuthority), '') as la_name_cqc,
        nullif(trim(d.region), '') as region_name_cqc,
        to_date(d.registrationDate) as registration_date,
        to_date(d.deregistrationDate) as deregistration_date,
        to_date(d.registeredManagerAbsentDate) as registered_manager_absent_date
    from api_docs
    where version_rank = 1
),

long as (
    -- the latest ratings file lists active registrations only, one row per service group and key question
    select
        trim(location_id) as location_id,
        snapshot_date,
        'cqc_ratings_long' as source_layout,
        max(_ingested_at) as ingested_at,
        max(nullif(trim(provider_id), '')) as provider_id,
        max(nullif(trim(provider_name), '')) as provider_name,
        max(trim(location_name)) as location_name,
        'Registered' as registration_status,
        true as is_registered,
        cast(null as boolean) as is_dormant,
        max(location_type = 'Social Care Org'
            or location_primary_inspection_category in ('Residential social care', 'Community based adult social care services')) as is_adult_social_care,
        max(location_primary_inspection_category) as primary_inspection_category,
        coalesce(max(care_home = 'Y'), false) as is_care_home,
        cast(null as int) as care_home_beds,
        max(nullif(trim(location_local_authority), '')) as la_name_cqc,
        max(nullif(trim(location_region), '')) as region_name_cqc,
        cast(null as date) as registration_date,
        cast(null as date) as deregistration_date,
        cast(null as date) as registered_manager_absent_date
    from long_rows
    where file_rank = 1
    group by trim(location_id), snapshot_date
),

wide as (
    select
        trim(location_id) as location_id,
        snapshot_date,
        'cqc_asc_wide' as source_layout,
        _ingested_at as ingested_at,
        nullif(trim(provider_id), '') as provider_id,
        nullif(trim(provider_name), '') as provider_name,
        trim(location_name) as location_name,
        case when nullif(trim(location_hsca_end_date), '') is null then 'Registered' else 'Deregistered' end as registration_status,
        nullif(trim(location_hsca_end_date), '') is null as is_registered,
        case trim(dormant) when 'Y' then true when 'N' then false end as is_dormant,
        coalesce(primary_inspection_category in ('Residential social care', 'Community based adult social care services'), false) as is_adult_social_care,
        nullif(trim(primary_inspection_category), '') as primary_inspection_category,
        coalesce(primary_inspection_category = 'Residential social care' or service_types like '%Care home service%', false) as is_care_home,
        case when primary_inspection_category = 'Residential social care' or service_types like '%Care home service%'
             then try_cast(trim(care_homes_beds) as int) end as care_home_beds,
        nullif(trim(location_local_authority), '') as la_name_cqc,
        nullif(trim(location_adass_region), '') as region_name_cqc,
        to_date(nullif(trim(location_hsca_start_date), '')) as registration_date,
        to_date(nullif(trim(location_hsca_end_date), '')) as deregistration_date,
        cast(null as date) as registered_manager_absent_date
    from wide_rows
    -- one row per location in a file; should a file repeat a location, its first row counts
    where file_rank = 1 and row_in_file = 1
),

unioned as (
    select * from api
    union all
    select * from long
    union all
    select * from wide
)

select
    *,
    case when is_care_home then 'care_home' else 'community' end as service_type
from unioned
