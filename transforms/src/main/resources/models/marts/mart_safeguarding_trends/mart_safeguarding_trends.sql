-- Safeguarding concerns per contracted service (location) and calendar month, dense: a month with no concern is a row
-- of zeros, so trends and per-bed rates read straight off. Months run from the first month of the log (or twelve months
-- before as_of_date, whichever is earlier) to as_of_date's month; nothing received or concluded after as_of_date counts.
-- The adult at risk (person_key) is never read here.
with

as_of as (select as_of_date from core.dim_as_of),

concerns as (
    select
        c.concern_id, c.location_id, c.received_date, c.received_month, c.source, c.abuse_type, c.is_s42_enquiry,
        c.outcome, c.is_large_scale_enquiry,
        -- a conclusion dated after as_of_date has not happened yet at as_of_date
        case when c.enquiry_concluded <= a.as_of_date then c.enquiry_concluded end as concluded_date
    from staging.stg_safeguarding_concern c
    cross join as_of a
    where c.received_date <= a.as_of_date
),

bounds as (
    select
        least(coalesce(min(c.received_month), trunc(a.as_of_date, 'MM')), trunc(add_months(a.as_of_date, -12), 'MM')) as first_month,
        trunc(a.as_of_date, 'MM') as last_month,
        a.as_of_date
    from as_of a
    left join concerns c on true
    group by a.as_of_date
),

months as (
    select explode(sequence(first_month, last_month, interval 1 month)) as month_start from bounds
),

contracts as (
    select * from core.dim_contract where is_active and location_id is not null
),

-- one row per location: a location under two contracts is one service, its beds the sum of the contracted beds; its
-- names and service type are those of its earliest contract
services as (
    select
        r.location_id, r.location_name, r.provider_id, r.provider_name, r.service_type, b.contracts,
        coalesce(b.contracted_beds, b.cqc_registered_beds) as beds,
        case when b.contracted_beds is not null then 'contracted' when b.cqc_registered_beds is not null then 'cqc_registered' end as beds_basis
    from (
        select c.*, row_number() over (partition by location_id order by start_date, contract_id) as rn from contracts c
    ) r
    join (
        -- 0 beds is not a bed count (CQC gives 0 for services that are not care homes): treat it as unknown
        select location_id, count(*) as contracts, nullif(sum(capacity_beds), 0) as contracted_beds,
               nullif(max(cqc_registered_beds), 0) as cqc_registered_beds
        from contracts
        group by location_id
    ) b on b.location_id = r.location_id
    where r.rn = 1
),

received as (
    select
        location_id,
        received_month as month_start,
        count(*) as concerns_total,
        count_if(source = 'provider') as concerns_from_provider,
        count_if(source = 'family') as concerns_from_family,
        count_if(source = 'professional') as concerns_from_professional,
        count_if(source = 'cqc') as concerns_from_cqc,
        count_if(source = 'whistleblowing') as concerns_from_whistleblowing,
        count_if(source = 'public') as concerns_from_public,
        count_if(source = 'anonymous') as concerns_from_anonymous,
        count_if(abuse_type = 'neglect') as concerns_neglect,
        count_if(abuse_type = 'physical') as concerns_physical,
        count_if(abuse_type = 'financial') as concerns_financial,
        count_if(abuse_type = 'psychological') as concerns_psychological,
        count_if(abuse_type = 'sexual') as concerns_sexual,
        count_if(abuse_type = 'organisational') as concerns_organisational,
        count_if(abuse_type = 'discriminatory') as concerns_discriminatory,
        count_if(abuse_type = 'domestic') as concerns_domestic,
        count_if(abuse_type = 'self_neglect') as concerns_self_neglect,
        count_if(abuse_type = 'modern_slavery') as concerns_modern_slavery,
        -- the log has no enquiry start date: an enquiry counts as opened in the month its concern was received
        count_if(is_s42_enquiry) as s42_enquiries_opened
    from concerns
    group by location_id, received_month
),

concluded as (
    select
        location_id,
        trunc(concluded_date, 'MM') as month_start,
        count(*) as enquiries_concluded,
        count_if(outcome is not null) as enquiries_concluded_with_outcome,
        count_if(outcome in ('substantiated', 'partially_substantiated')) as enquiries_substantiated
    from concerns
    where concluded_date is not null
    group by location_id, trunc(concluded_date, 'MM')
),

-- months in which a large scale enquiry was open at the service: a concern flagged as part of one and not yet
-- concluded, or a contract action of that type in force (on the location or on its whole provider)
large_scale as (
    select s.location_id, m.month_start
    from services s
    cross join months m
    join concerns c
      on c.location_id = s.location_id and c.is_large_scale_enquiry
     and c.received_date <= last_day(m.month_start)
     and (c.concluded_date is null or c.concluded_date >= m.month_start)
    union
    select s.location_id, m.month_start
    from services s
    cross join months m
    cross join as_of a
    join staging.stg_contract_action x
      on x.action_type = 'large_scale_enquiry'
     and (x.location_id = s.location_id or (x.location_id is null and x.provider_id = s.provider_id))
     and x.start_date <= least(last_day(m.month_start), a.as_of_date)
     and (x.end_date is null or x.end_date >= m.month_start)
),

monthly as (
    select
        s.*,
        m.month_start,
        coalesce(r.concerns_total, 0) as concerns_total,
        coalesce(r.concerns_from_provider, 0) as concerns_from_provider,
        coalesce(r.concerns_from_family, 0) as concerns_from_family,
        coalesce(r.concerns_from_professional, 0) as concerns_from_professional,
        coalesce(r.concerns_from_cqc, 0) as concerns_from_cqc,
        coalesce(r.concerns_from_whistleblowing, 0) as concerns_from_whistleblowing,
        coalesce(r.concerns_from_public, 0) as concerns_from_public,
        coalesce(r.concerns_from_anonymous, 0) as concerns_from_anonymous,
        coalesce(r.concerns_neglect, 0) as concerns_neglect,
        coalesce(r.concerns_physical, 0) as concerns_physical,
        coalesce(r.concerns_financial, 0) as concerns_financial,
        coalesce(r.concerns_psychological, 0) as concerns_psychological,
        coalesce(r.concerns_sexual, 0) as concerns_sexual,
        coalesce(r.concerns_organisational, 0) as concerns_organisational,
        coalesce(r.concerns_discriminatory, 0) as concerns_discriminatory,
        coalesce(r.concerns_domestic, 0) as concerns_domestic,
        coalesce(r.concerns_self_neglect, 0) as concerns_self_neglect,
        coalesce(r.concerns_modern_slavery, 0) as concerns_modern_slavery,
        coalesce(r.s42_enquiries_opened, 0) as s42_enquiries_opened,
        coalesce(k.enquiries_concluded, 0) as enquiries_concluded,
        coalesce(k.enquiries_substantiated, 0) as enquiries_substantiated,
        k.enquiries_concluded_with_outcome,
        l.location_id is not null as is_large_scale_enquiry
    from services s
    cross join months m
    left join received r on r.location_id = s.location_id and r.month_start = m.month_start
    left join concluded k on k.location_id = s.location_id and k.month_start = m.month_start
    left join large_scale l on l.location_id = s.location_id and l.month_start = m.month_start
),

-- months are dense, so three rows are three calendar months
windowed as (
    select
        w.*,
        sum(concerns_total) over (partition by location_id order by month_start rows between 2 preceding and current row) as concerns_last_3_months,
        coalesce(sum(concerns_total) over (partition by location_id order by month_start rows between 5 preceding and 3 preceding), 0)
            as concerns_previous_3_months
    from monthly w
)

select
    w.month_start,
    b.as_of_date,
    last_day(w.month_start) <= b.as_of_date as is_month_complete,
    w.location_id,
    w.location_name,
    w.provider_id,
    w.provider_name,
    w.service_type,
    w.contracts,
    w.beds,
    w.beds_basis,
    w.concerns_total,
    w.concerns_from_provider,
    w.concerns_from_family,
    w.concerns_from_professional,
    w.concerns_from_cqc,
    w.concerns_from_whistleblowing,
    w.concerns_from_public,
    w.concerns_from_anonymous,
    w.concerns_neglect,
    w.concerns_physical,
    w.concerns_financial,
    w.concerns_psychological,
    w.concerns_sexual,
    w.concerns_organisational,
    w.concerns_discriminatory,
    w.concerns_domestic,
    w.concerns_self_neglect,
    w.concerns_modern_slavery,
    case when w.beds > 0 then round(10.0 * w.concerns_total / w.beds, 2) end as concerns_per_10_beds,
    w.s42_enquiries_opened,
    w.enquiries_concluded,
    w.enquiries_substantiated,
    case when w.enquiries_concluded_with_outcome > 0
         then round(100.0 * w.enquiries_substantiated / w.enquiries_concluded_with_outcome, 2) end as substantiated_rate_pct,
    w.is_large_scale_enquiry,
    w.concerns_last_3_months,
    w.concerns_previous_3_months,
    -- rising: at least 2 more concerns in the last three months than in the three before, and at least half as many
    -- again; falling: the same the other way round; steady otherwise. Small counts need a real change, not 0 to 1.
    -- No trend until the series holds six months (the earlier window would run before the log starts).
    case
        when w.month_start < add_months(b.first_month, 5) then null
        when w.concerns_last_3_months >= w.concerns_previous_3_months + 2
         and w.concerns_last_3_months >= 1.5 * w.concerns_previous_3_months then 'rising'
        when w.concerns_previous_3_months >= w.concerns_last_3_months + 2
         and w.concerns_previous_3_months >= 1.5 * w.concerns_last_3_months then 'falling'
        else 'steady'
    end as trend
from windowed w
cross join bounds b
