-- % of rated locations that are Good or Outstanding, per key question, for each council, region and England, by
-- service type, at every snapshot date loaded. At a snapshot date each location counts with its latest observation on
-- or before that date, so files covering different areas on different dates combine into one picture.
-- Population and formula: spec/DATA-CONTRACTS.md section 1.
with

snapshots as (
    select snapshot_date, row_number() over (order by snapshot_date) as snapshot_seq
    from (select distinct snapshot_date from core.fct_rating_snapshot) d
),

-- An observation holds from its snapshot until the location's next observation of the same key question: a run of
-- snapshot numbers, exploded and joined on equality. Joining each snapshot to every earlier observation instead
-- grows with the square of the history (1,908 s of the 5,293 s national build of 2026-11-24, 60 monthly exports).
observations as (
    select f.location_id, f.key_question, f.rating, f.service_type, f.la_code, f.region_code, f.is_in_benchmark_population,
           s.snapshot_seq,
           coalesce(lead(s.snapshot_seq) over (partition by f.location_id, f.key_question order by f.snapshot_date),
                    (select max(snapshot_seq) from snapshots) + 1) as next_seq
    from core.fct_rating_snapshot f
    join snapshots s on s.snapshot_date = f.snapshot_date
),

as_of as (
    select s.snapshot_date, o.location_id, o.key_question, o.rating, o.service_type, o.la_code, o.region_code,
           o.is_in_benchmark_population
    from (
        select observations.*, t.seq from observations lateral view explode(sequence(snapshot_seq, next_seq - 1)) t as seq
    ) o
    join snapshots s on s.snapshot_seq = o.seq
),

population as (
    select * from as_of where is_in_benchmark_population
),

by_geography as (
    select snapshot_date, 'local_authority' as geography_level, la_code as geography_code, service_type, key_question, rating
    from population where la_code is not null
    union all
    select snapshot_date, 'region', region_code, service_type, key_question, rating
    from population where region_code is not null
    union all
    select snapshot_date, 'england', 'E92000001', service_type, key_question, rating
    from population
),

by_service_type as (
    select snapshot_date, geography_level, geography_code, st as service_type, key_question, rating
    from by_geography
    lateral view explode(array(service_type, 'all')) t as st
),

counts as (
    select
        snapshot_date, geography_level, geography_code, service_type, key_question,
        count(*) as locations_in_scope,
        count(rating) as rated_locations,
        count_if(rating = 'Outstanding') as outstanding,
        count_if(rating = 'Good') as good,
        count_if(rating = 'Requires improvement') as requires_improvement,
        count_if(rating = 'Inadequate') as inadequate
    from by_service_type
    group by snapshot_date, geography_level, geography_code, service_type, key_question
),

published as (
    -- LG Inform's monthly % of care homes rated Good or Outstanding overall (a council, its peers, England)
    select
        area_code,
        to_date(concat('1 ', period), 'd MMM yyyy') as period_month,
        cast(value as decimal(5, 2)) as pct
    from ref.published_benchmark
    where lower(indicator) like '%good or outstanding%' and value is not null
),

published_as_of as (
    select * from (
        select
            c.snapshot_date, c.geography_level, c.geography_code,
            p.period_month, p.pct,
            row_number() over (partition by c.snapshot_date, c.geography_level, c.geography_code order by p.period_month desc) as recency
        from (select distinct snapshot_date, geography_level, geography_code from counts) c
        join published p on p.area_code = c.geography_code and p.period_month <= c.snapshot_date
    ) ranked
    where recency = 1
)

select
    c.snapshot_date,
    c.geography_level,
    c.geography_code,
    g.geography_name,
    c.service_type,
    c.key_question,
    c.locations_in_scope,
    c.rated_locations,
    c.outstanding,
    c.good,
    c.requires_improvement,
    c.inadequate,
    c.outstanding + c.good as good_or_outstanding,
    case when c.rated_locations > 0
         then round(cast(100 * (c.outstanding + c.good) as decimal(20, 6)) / c.rated_locations, 2)
    end as pct_good_or_outstanding,
    case when c.service_type = 'care_home' and c.key_question = 'Overall' then p.period_month end as published_period,
    case when c.service_type = 'care_home' and c.key_question = 'Overall' then p.pct end as published_pct_good_or_outstanding
from counts c
join core.dim_geography g
  on g.geography_level = c.geography_level and g.geography_code = c.geography_code
left join published_as_of p
  on p.snapshot_date = c.snapshot_date and p.geography_level = c.geography_level and p.geography_code = c.geography_code
