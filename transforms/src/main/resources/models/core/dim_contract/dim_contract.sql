-- Contracted services: the register joined to what CQC says of the location now (name, beds, rating population).
with

as_of as (select as_of_date from core.dim_as_of)

select
    c.contract_id,
    c.provider_id,
    c.location_id,
    l.location_name,
    coalesce(l.provider_name, p.provider_name) as provider_name,
    c.service_type,
    c.measure_group,
    c.cqc_service_type,
    c.capacity_beds,
    c.weekly_hours,
    l.care_home_beds as cqc_registered_beds,
    c.start_date,
    c.end_date,
    c.fee_band,
    c.start_date <= a.as_of_date and (c.end_date is null or c.end_date >= a.as_of_date) as is_active,
    l.la_code,
    l.la_name,
    l.region_code,
    l.location_id is not null as is_known_to_cqc,
    coalesce(l.is_registered, false) as is_cqc_registered
from staging.stg_contract c
cross join as_of a
left join core.dim_location l on l.location_id = c.location_id and l.is_current
left join (
    select provider_id, max(provider_name) as provider_name from core.dim_location where is_current group by provider_id
) p on p.provider_id = c.provider_id
