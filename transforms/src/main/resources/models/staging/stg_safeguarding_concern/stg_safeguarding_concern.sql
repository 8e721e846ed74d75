-- The safeguarding and concerns log, typed. The person is known only by person_key, the keyed hash made on ingestion.
-- A later file re-sending a concern_id (an enquiry concluded since, say) supersedes the earlier row whole.
with

versions as (
    select
        c.*,
        row_number() over (
            partition by concern_id
            order by _ingested_at desc, _source_sha256 desc, _source_row desc
        ) as version_rank
    from raw.safeguarding_concern c
)

select
    concern_id,
    location_id,
    provider_id,
    to_date(received_date) as received_date,
    trunc(to_date(received_date), 'MM') as received_month,
    source,
    abuse_type,
    person_key,
    risk_level,
    s42_enquiry = 'Y' as is_s42_enquiry,
    to_date(enquiry_concluded) as enquiry_concluded,
    outcome,
    large_scale_enquiry = 'Y' as is_large_scale_enquiry,
    _source_file as source_file,
    _ingested_at as ingested_at
from versions
where version_rank = 1
