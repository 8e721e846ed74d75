-- The contract register as the council last sent it: each register file is the whole register, so the latest file
-- that landed supersedes the earlier ones (which raw keeps).
with

latest_file as (
    select _source_sha256
    from raw.contract_register
    group by _source_sha256
    order by max(_ingested_at) desc, _source_sha256
    limit 1
)

select
    c.contract_id,
    c.provider_id,
    nullif(c.location_id, '') as location_id,
    c.service_type,
    g.measure_group,
    g.cqc_service_type,
    cast(c.capacity_beds as int) as capacity_beds,
    cast(c.weekly_hours as decimal(10, 2)) as weekly_hours,
    to_date(c.start_date) as start_date,
    to_date(c.end_date) as end_date,
    c.fee_band,
    c._source_file as source_file,
    c._ingested_at as ingested_at
from raw.contract_register c
join latest_file f on f._source_sha256 = c._source_sha256
left join ref.service_type_group g on g.service_type = c.service_type
