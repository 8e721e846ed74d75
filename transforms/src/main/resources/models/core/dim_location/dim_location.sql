-- CQC locations with history (valid_from / valid_to): a new version each time registration, type, beds, provider or
-- council changes between snapshots. Where layouts overlap on a snapshot date the API document wins, then the
-- latest-ratings file, then the wide export. Council and region names are resolved to ONS codes; a name that
-- resolves to nothing leaves the code null and is listed in dq.cqc_unmatched_geography.
with

observations as (
    select * from (
        select
            s.*,
            row_number() over (
                partition by location_id, snapshot_date
                order by case source_layout when 'cqc_api' then 1 when 'cqc_ratings_long' then 2 else 3 end, ingested_at desc
            ) as layout_rank
        from staging.stg_cqc_location s
    ) ranked
    where layout_rank = 1
),

la_candidates as (
    select
        o.location_id,
        o.snapshot_date,
        n.geography_code,
        row_number() over (
            partition by o.location_id, o.snapshot_date
            -- the ONS edition in force at the snapshot date first
            order by case when (o.snapshot_date < date'2023-04-01' and n.in_edition_2022)
                            or (o.snapshot_date >= date'2023-04-01' and n.in_edition_2023) then 0 else 1 end,
                     n.geography_code
        ) as candidate_rank
    from observations o
    join core.dim_geography_name n
      on n.geography_level = 'local_authority' and n.match_key = geo_key(o.la_name_cqc)
),

region_candidates as (
    select
        o.location_id,
        o.snapshot_date,
        n.geography_code,
        row_number() over (partition by o.location_id, o.snapshot_date order by n.geography_code) as candidate_rank
    from observations o
    join core.dim_geography_name n
      on n.geography_level = 'region' and n.match_key = geo_key(o.region_name_cqc)
),

resolved as (
    select
        o.*,
        la.geography_code as la_code,
        lg.geography_name as la_name,
        coalesce(lg.region_code, rc.geography_code) as region_code
    from observations o
    left join la_candidates la
      on la.location_id = o.location_id and la.snapshot_date = o.snapshot_date and la.candidate_rank = 1
    left join core.dim_geography lg
      on lg.geography_level = 'local_authority' and lg.geography_code = la.geography_code
    left join region_candidates rc
      on rc.location_id = o.location_id and rc.snapshot_date = o.snapshot_date and rc.candidate_rank = 1
),

named as (
    select
        r.*,
        rg.geography_name as region_name,
        r.is_registered and r.is_adult_social_care and not coalesce(r.is_dormant, false) as is_in_benchmark_population,
        sha2(to_json(named_struct(
            'provider_id', r.provider_id, 'provider_name', r.provider_name, 'location_name', r.location_name,
            'registration_status', r.registration_status, 'is_dormant', r.is_dormant,
            'is_adult_social_care', r.is_adult_social_care, 'primary_inspection_category', r.primary_inspection_category,
            'is_care_home', r.is_care_home, 'care_home_beds', r.care_home_beds,
            'la_name_cqc', r.la_name_cqc, 'region_name_cqc', r.region_name_cqc, 'la_code', r.la_code,
            'region_code', r.region_code, 'registration_date', r.registration_date,
            'deregistration_date', r.deregistration_date,
            'registered_manager_absent_date', r.registered_manager_absent_date)), 256) as attributes_hash
    from resolved r
    left join core.dim_geography rg
      on rg.geography_level = 'region' and rg.geography_code = r.region_code
),

changes as (
    select * from (
        select
            n.*,
            lag(attributes_hash) over (partition by location_id order by snapshot_date) as previous_hash
        from named n
    ) with_previous
    where previous_hash is null or previous_hash <> attributes_hash
)

select
    location_id,
    snapshot_date as valid_from,
    lead(snapshot_date) over (partition by location_id order by snapshot_date) as valid_to,
    lead(snapshot_date) over (partition by location_id order by snapshot_date) is null as is_current,
    provider_id,
    provider_name,
    location_name,
    registration_status,
    is_registered,
    is_dormant,
    is_adult_social_care,
    primary_inspection_category,
    is_care_home,
    service_type,
    care_home_beds,
    la_name_cqc,
    region_name_cqc,
    la_code,
    la_name,
    region_code,
    region_name,
    is_in_benchmark_population,
    registration_date,
    deregistration_date,
    registered_manager_absent_date,
    source_layout,
    attributes_hash
from changes
