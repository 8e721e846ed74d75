-- Each registered adult social care location's latest rating per key question and how old it is: who is Requires
-- improvement or Inadequate, and since when. Age is counted to as_of_date, the latest snapshot loaded.
with

latest as (
    select * from (
        select f.*, row_number() over (partition by location_id, key_question order by snapshot_date desc) as recency
        from core.fct_rating_snapshot f
    ) ranked
    where recency = 1
),

as_of as (
    select max(snapshot_date) as as_of_date from core.fct_rating_snapshot
)

select
    a.as_of_date,
    l.location_id,
    d.location_name,
    d.provider_id,
    d.provider_name,
    l.service_type,
    d.care_home_beds,
    d.la_code,
    d.la_name,
    d.la_name_cqc,
    d.region_code,
    d.region_name,
    l.key_question,
    l.rating,
    l.rating_value,
    l.report_date,
    datediff(a.as_of_date, l.report_date) as rating_age_days,
    coalesce(l.rating in ('Requires improvement', 'Inadequate'), false) as is_requires_improvement_or_inadequate,
    l.snapshot_date as observed_at_snapshot,
    l.source_layout
from latest l
cross join as_of a
join core.dim_location d
  on d.location_id = l.location_id and d.is_current
where l.is_in_benchmark_population
