-- Monitoring return measures, typed. A submission is (provider, location, return type, period start); when a provider
-- re-submits, the version with the latest submitted_at wins and replaces the earlier one whole (raw keeps both).
with

versions as (
    select
        r.*,
        dense_rank() over (
            partition by provider_id, location_id, return_type, period_start
            order by submitted_at desc
        ) as version_rank,
        size(collect_set(submitted_at) over (partition by provider_id, location_id, return_type, period_start)) as versions_received,
        min(submitted_at) over (partition by provider_id, location_id, return_type, period_start) as first_submitted_at,
        row_number() over (
            partition by provider_id, location_id, return_type, period_start, submitted_at, measure_code
            order by _ingested_at desc, _source_sha256, _source_row
        ) as copy_rank
    from raw.return_measure r
)

select
    sha2(concat_ws('|', v.provider_id, v.location_id, v.return_type, cast(v.period_start as string)), 256) as submission_id,
    v.provider_id,
    v.location_id,
    v.return_type,
    v.period_start,
    v.period_end,
    v.submitted_at,
    v.first_submitted_at,
    cast(v.versions_received as int) as versions_received,
    v.measure_code,
    m.unit,
    v.value as value_text,
    case when m.unit <> 'date' then try_cast(v.value as decimal(18, 4)) end as value_num,
    case when m.unit = 'date' then to_date(v.value, 'yyyy-MM-dd') end as value_date,
    v.value is not null and (
        (m.unit = 'date' and to_date(v.value, 'yyyy-MM-dd') is not null)
        or (m.unit <> 'date' and try_cast(v.value as decimal(18, 4)) is not null)
    ) as is_value_parseable,
    v.comment,
    v.source_format,
    v._source_file as source_file,
    v._source_row as source_row
from versions v
left join ref.measures m on m.measure_code = v.measure_code
where v.version_rank = 1 and v.copy_rank = 1
