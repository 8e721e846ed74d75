-- The council's contract actions, typed. A later file re-sending an action_id (an end date set, say) supersedes the
-- earlier row whole.
with

versions as (
    select
        a.*,
        row_number() over (
            partition by action_id
            order by _ingested_at desc, _source_sha256 desc, _source_row desc
        ) as version_rank
    from raw.contract_action a
)

select
    action_id,
    provider_id,
    nullif(location_id, '') as location_id,
    action_type,
    to_date(start_date) as start_date,
    to_date(end_date) as end_date,
    reason,
    _source_file as source_file,
    _ingested_at as ingested_at
from versions
where version_rank = 1
