-- One row per submission and measure: the latest version of each submission, with the measure's catalogue facts.
select
    r.submission_id,
    r.provider_id,
    r.location_id,
    r.return_type,
    r.period_start,
    r.period_end,
    r.submitted_at,
    r.measure_code,
    m.section,
    r.unit,
    m.is_mandatory,
    r.value_text,
    r.value_num,
    r.value_date,
    r.is_value_parseable,
    r.comment,
    r.source_format
from staging.stg_return_measure r
join core.dim_measure m on m.measure_code = r.measure_code
