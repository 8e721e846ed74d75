-- The register of contract actions, one row per action and contracted service it covers: an action on a location covers
-- the contracts at that location, a whole-provider action every contract of the provider; in both cases the contracts
-- in force at some time while the action was (so a lifted action keeps the services it covered then). Status and
-- re-audits are judged at as_of_date; an action starting after it is not in the register yet.
with

as_of as (select as_of_date from core.dim_as_of),

policy as (
    select action_type, cast(re_audit_months as int) as re_audit_months, suspends_referrals = 'Y' as suspends_referrals
    from ref.contract_action_policy
),

actions as (
    select
        x.*,
        a.as_of_date,
        -- an end date still to come at as_of_date means the action is in force
        case when x.end_date is null or x.end_date > a.as_of_date then 'active' else 'lifted' end as status
    from staging.stg_contract_action x
    cross join as_of a
    where x.start_date <= a.as_of_date
),

covered as (
    select
        x.*,
        case when x.location_id is null then 'provider' else 'location' end as scope,
        c.contract_id,
        c.location_id as service_location_id,
        c.location_name,
        c.provider_name,
        c.service_type,
        c.is_active as is_contract_active
    from actions x
    join core.dim_contract c
      on c.provider_id = x.provider_id
     and (x.location_id is null or c.location_id = x.location_id)
     -- the contract and the action overlapped: the contract began before the action ended (or before as_of_date while
     -- it is active) and had not ended before the action began
     and c.start_date <= case when x.status = 'active' then x.as_of_date else x.end_date end
     and (c.end_date is null or c.end_date >= x.start_date)
),

re_audit as (
    select
        v.*,
        p.re_audit_months,
        coalesce(p.suspends_referrals, false) or v.action_type = 'suspension_of_referrals' as suspends_referrals,
        -- only a lifted action whose type the policy names gets a re-audit: to see the improvement held
        case when v.status = 'lifted' then add_months(v.end_date, p.re_audit_months) end as re_audit_due
    from covered v
    left join policy p on p.action_type = v.action_type
),

-- the scheduled and monitoring visits that can re-audit an action: at the service's location, or, for a service
-- contracted without a location, at any of its provider's locations. Two equi-joins, one per case: a single join on
-- "location or (no location and provider)" has no key to hash on and becomes a nested loop over every visit.
re_audit_candidate as (
    select r.action_id, r.contract_id, r.end_date, r.as_of_date, s.visit_date, s.visit_type
    from re_audit r
    join staging.stg_visit s on s.location_id = r.service_location_id
    where r.re_audit_due is not null and r.service_location_id is not null
    union all
    select r.action_id, r.contract_id, r.end_date, r.as_of_date, s.visit_date, s.visit_type
    from re_audit r
    join staging.stg_visit s on s.provider_id = r.provider_id
    where r.re_audit_due is not null and r.service_location_id is null
),

-- the first of them after the action ended, up to as_of_date
re_audit_visit as (
    select action_id, contract_id, min(visit_date) as re_audited_on
    from re_audit_candidate
    where visit_type in ('annual_audit', 'proactive', 'enhanced_monitoring')
      and visit_date > end_date
      and visit_date <= as_of_date
    group by action_id, contract_id
)

select
    r.as_of_date,
    r.action_id,
    r.action_type,
    r.scope,
    r.contract_id,
    r.provider_id,
    r.provider_name,
    r.service_location_id as location_id,
    r.location_name,
    r.service_type,
    r.is_contract_active,
    r.start_date,
    r.end_date,
    r.status,
    datediff(case when r.status = 'lifted' then r.end_date else r.as_of_date end, r.start_date) as days_active,
    r.reason,
    r.suspends_referrals,
    r.re_audit_months,
    r.re_audit_due,
    v.re_audited_on,
    coalesce(r.re_audit_due < r.as_of_date and v.re_audited_on is null, false) as is_re_audit_overdue
from re_audit r
left join re_audit_visit v on v.action_id = r.action_id and v.contract_id = r.contract_id
