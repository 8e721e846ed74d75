-- Providers: every provider CQC data or the contract register names, with how many locations and contracts each has.
with

from_cqc as (
    select provider_id, max(provider_name) as provider_name, count(*) as cqc_locations,
           count_if(is_in_benchmark_population) as registered_asc_locations
    from core.dim_location
    where is_current and provider_id is not null
    group by provider_id
),

from_contracts as (
    select provider_id, count(*) as contracts, count_if(is_active) as active_contracts
    from core.dim_contract
    group by provider_id
)

select
    coalesce(q.provider_id, c.provider_id) as provider_id,
    q.provider_name,
    coalesce(q.cqc_locations, 0) as cqc_locations,
    coalesce(q.registered_asc_locations, 0) as registered_asc_locations,
    coalesce(c.contracts, 0) as contracts,
    coalesce(c.active_contracts, 0) as active_contracts,
    coalesce(c.active_contracts, 0) > 0 as is_contracted
from from_cqc q
full outer join from_contracts c on c.provider_id = q.provider_id
