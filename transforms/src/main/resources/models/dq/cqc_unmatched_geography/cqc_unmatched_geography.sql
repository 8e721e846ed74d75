-- Council and region names in CQC data that resolve to no ONS geography: a finding to fix (add an alias to
-- seeds/ref/geography_alias.csv), never a silent drop. Such locations still count for England.
with

unmatched as (
    select 'local_authority' as name_kind, coalesce(la_name_cqc, '') as cqc_name, source_layout, location_id, valid_from
    from core.dim_location
    where is_adult_social_care and la_code is null
    union all
    select 'region', coalesce(region_name_cqc, ''), source_layout, location_id, valid_from
    from core.dim_location
    where is_adult_social_care and region_code is null
)

select
    name_kind,
    cqc_name,
    source_layout,
    case when cqc_name = '' then 'geography_missing' else 'geography_unmatched' end as rule_code,
    'warning' as severity,
    count(distinct location_id) as locations,
    min(valid_from) as first_seen_snapshot,
    max(valid_from) as last_seen_snapshot,
    case when cqc_name = ''
         then concat('no ', replace(name_kind, '_', ' '), ' name given for ', count(distinct location_id), ' location(s)')
         else concat('CQC ', replace(name_kind, '_', ' '), ' name "', cqc_name, '" matches no ONS name or alias (',
                     count(distinct location_id), ' location(s), e.g. ', min(location_id), ')')
    end as evidence
from unmatched
group by name_kind, cqc_name, source_layout
