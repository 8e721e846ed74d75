-- Officers' visit and audit records, typed. Visit files may overlap: when a later file re-sends a visit_id, its row
-- wins whole (raw keeps every version).
with

versions as (
    select
        v.*,
        row_number() over (
            partition by visit_id
            order by _ingested_at desc, _source_sha256 desc, _source_row desc
        ) as version_rank
    from raw.visit_record v
)

select
    visit_id,
    location_id,
    provider_id,
    to_date(visit_date) as visit_date,
    trunc(to_date(visit_date), 'MM') as visit_month,
    visit_type,
    announced = 'Y' as is_announced,
    officer_id,
    safe,
    effective,
    caring,
    responsive,
    well_led,
    overall_judgement,
    cast(actions_raised as int) as actions_raised,
    cast(actions_closed as int) as actions_closed,
    cast(measures_verified as int) as measures_verified,
    cast(measures_discrepant as int) as measures_discrepant,
    to_date(follow_up_due) as follow_up_due,
    _source_file as source_file,
    _ingested_at as ingested_at
from versions
where version_rank = 1
