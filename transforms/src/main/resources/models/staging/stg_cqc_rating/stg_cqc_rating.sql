-- CQC ratings from every layout on one scale: one row per location, snapshot date, layout and key question.
-- Every location gets all six key questions; one without a published rating has rating null and is_rated false.
with

key_questions as (
    select explode(array('Overall', 'Safe', 'Effective', 'Caring', 'Responsive', 'Well-led')) as key_question
),

api_docs as (
    select
        location_id,
        snapshot_date,
        row_number() over (partition by location_id, snapshot_date order by _ingested_at desc, _source_sha256) as version_rank,
        from_json(document, 'currentRatings STRUCT<overall: STRUCT<rating: STRING, reportDate: STRING,
            keyQuestionRatings: ARRAY<STRUCT<name: STRING, rating: STRING, reportDate: STRING>>>>') as d
    from raw.cqc_api_location
),

api_overall as (
    select location_id, snapshot_date, 'Overall' as kq_name,
           d.currentRatings.overall.rating as rating_value,
           to_date(d.currentRatings.overall.reportDate) as report_date
    from api_docs
    where version_rank = 1
),

api_key_questions as (
    select location_id, snapshot_date, kq.name as kq_name, kq.rating as rating_value, to_date(kq.reportDate) as report_date
    from api_docs
    lateral view explode(d.currentRatings.overall.keyQuestionRatings) t as kq
    where version_rank = 1
),

api as (
    select location_id, snapshot_date, 'cqc_api' as source_layout, kq_name, rating_value, report_date,
           false as is_inherited, 0 as source_order
    from api_overall
    union all
    select location_id, snapshot_date, 'cqc_api', kq_name, rating_value, report_date, false, 1
    from api_key_questions
),

long as (
    select trim(location_id) as location_id, snapshot_date, 'cqc_ratings_long' as source_layout,
           domain as kq_name, latest_rating as rating_value,
           to_date(nullif(trim(publication_date), ''), 'd/M/yyyy') as report_date,
           coalesce(trim(inherited_rating_y_n) = 'Y', false) as is_inherited,
           _source_row as source_order
    from (
        select *, dense_rank() over (partition by trim(location_id), snapshot_date order by _ingested_at desc, _source_sha256) as file_rank
        from raw.cqc_ratings_long
    ) ranked_long
    -- the location-level rating; rows for a service or population group ("Care Homes", "Homecare") are sub-ratings
    where file_rank = 1 and trim(service_population_group) = 'Overall'
),

wide as (
    select trim(location_id) as location_id, snapshot_date, 'cqc_asc_wide' as source_layout,
           kq_name, rating_value, cast(null as date) as report_date, false as is_inherited, _source_row as source_order
    from (
        select *, dense_rank() over (partition by trim(location_id), snapshot_date order by _ingested_at desc, _source_sha256) as file_rank
        from raw.cqc_asc_wide
    ) ranked_wide
    lateral view stack(6,
        'Overall', location_latest_overall_rating,
        'Safe', location_safe_rating,
        'Effective', location_effective_rating,
        'Caring', location_caring_rating,
        'Responsive', location_responsive_rating,
        'Well-led', location_well_led_rating) s as kq_name, rating_value
    where file_rank = 1
),

observed as (
    select
        location_id, snapshot_date, source_layout,
        case lower(regexp_replace(kq_name, '[^A-Za-z]', ''))
            when 'overall' then 'Overall' when 'safe' then 'Safe' when 'effective' then 'Effective'
            when 'caring' then 'Caring' when 'responsive' then 'Responsive' when 'wellled' then 'Well-led'
        end as key_question,
        nullif(trim(rating_value), '') as rating_value,
        report_date,
        is_inherited,
        source_order
    from (select * from api union all select * from long union all select * from wide) all_layouts
),

deduplicated as (
    select * from (
        select *, row_number() over (partition by location_id, snapshot_date, source_layout, key_question order by source_order) as rn
        from observed
        where key_question is not null
    ) ranked
    where rn = 1
),

locations as (
    select distinct location_id, snapshot_date, source_layout from observed
)

select
    l.location_id,
    l.snapshot_date,
    l.source_layout,
    k.key_question,
    o.rating_value,
    s.rating,
    coalesce(s.is_rating = 'true', false) as is_rated,
    cast(s.rating_score as int) as rating_score,
    o.report_date,
    coalesce(o.is_inherited, false) as is_inherited
from locations l
cross join key_questions k
left join deduplicated o
    on o.location_id = l.location_id and o.snapshot_date = l.snapshot_date
   and o.source_layout = l.source_layout and o.key_question = k.key_question
left join ref.rating_scale s
    on s.rating_value = lower(o.rating_value)
