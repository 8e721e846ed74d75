-- The commissioned market at a glance: active contracted services by service type, their providers, contracted beds
-- and weekly hours, and how CQC rates them overall (% Good or Outstanding of those rated).
with

active as (
    select c.*, a.as_of_date
    from core.dim_contract c
    cross join core.dim_as_of a
    where c.is_active
),

rated as (
    select a.*, r.rating
    from active a
    left join marts.mart_location_latest_rating r on r.location_id = a.location_id and r.key_question = 'Overall'
),

by_type as (
    select service_type, as_of_date, location_id, provider_id, capacity_beds, weekly_hours, cqc_registered_beds, rating from rated
    union all
    select 'all', as_of_date, location_id, provider_id, capacity_beds, weekly_hours, cqc_registered_beds, rating from rated
)

select
    service_type,
    max(as_of_date) as as_of_date,
    count(*) as services,
    count(distinct provider_id) as providers,
    coalesce(sum(capacity_beds), 0) as contracted_beds,
    coalesce(sum(weekly_hours), 0) as contracted_weekly_hours,
    coalesce(sum(cqc_registered_beds), 0) as cqc_registered_beds,
    count(rating) as rated_services,
    count_if(rating in ('Outstanding', 'Good')) as good_or_outstanding,
    case when count(rating) > 0
         then round(cast(100 * count_if(rating in ('Outstanding', 'Good')) as decimal(20, 6)) / count(rating), 2) end as pct_good_or_outstanding
from by_type
group by service_type
