-- Each location's rating per key question as seen at each snapshot date, with the location's attributes as they were
-- then (the dim_location version valid at that date). Same layout preference as dim_location.
with

ratings as (
    select * from (
        select
            r.*,
            row_number() over (
                partition by location_id, snapshot_date, key_question
                order by case source_layout when 'cqc_api' then 1 when 'cqc_ratings_long' then 2 else 3 end
            ) as layout_rank
        from staging.stg_cqc_rating r
    ) ranked
    where layout_rank = 1
)

select
    r.snapshot_date,
    r.location_id,
    r.key_question,
    r.rating_value,
    r.rating,
    r.is_rated,
    r.rating_score,
    r.report_date,
    r.is_inherited,
    r.source_layout,
    d.provider_id,
    d.service_type,
    d.la_code,
    d.region_code,
    d.is_in_benchmark_population
from ratings r
join core.dim_location d
  on d.location_id = r.location_id
 and r.snapshot_date >= d.valid_from
 and (d.valid_to is null or r.snapshot_date < d.valid_to)
