-- Contracted services in critical performance failure, one row per reason: CQC rated the service (overall or any key
-- question) Inadequate; the latest complete period of a critical KPI is red; or a return has been missing for three
-- periods in a row (a service failure); or the provider persistently submits inaccurate data
-- (marts.mart_provider_data_quality), which the contract treats as a critical failure of each of its services.
with

contracts as (
    select * from core.dim_contract where is_active and location_id is not null
),

cqc_inadequate as (
    select c.contract_id, 'cqc_inadequate' as reason_code, r.key_question as subject,
           concat('CQC rates ', case when r.key_question = 'Overall' then 'the service overall' else concat('the ', r.key_question, ' key question') end,
                  ' Inadequate', coalesce(concat(' (report ', cast(r.report_date as string), ')'), '')) as evidence,
           r.report_date as since_date
    from contracts c
    join marts.mart_location_latest_rating r on r.location_id = c.location_id
    where r.rating = 'Inadequate'
),

critical_kpi as (
    select k.contract_id, 'critical_kpi_breach', k.kpi_code,
           concat(k.kpi_name, ': ', cast(k.value_pct as string), '% against a target of ', cast(k.target_pct as string), '% for ',
                  cast(k.period_start as string), ' to ', cast(k.period_end as string), '; ', cast(k.consecutive_breaches as string),
                  ' period(s) in breach in a row'),
           k.period_start
    from (
        select m.*, row_number() over (partition by contract_id, kpi_code order by period_start desc) as recency
        from marts.mart_kpi_compliance m
        where is_period_complete and rag <> 'no_data'
    ) k
    join contracts c on c.contract_id = k.contract_id
    where k.recency = 1 and k.is_critical_breach
),

missing_returns as (
    select s.contract_id, 'returns_missing', s.return_type,
           concat(cast(s.consecutive_missing as string), ' ', s.return_type, ' returns missing in a row, the latest for the period from ',
                  cast(s.period_start as string), ' (due ', cast(s.due_date as string), ')'),
           add_months(s.period_start, case s.return_type when 'monthly' then 1 when 'quarterly' then 3 else 12 end * (1 - s.consecutive_missing))
    from (
        select f.*, row_number() over (partition by contract_id, return_type order by period_start desc) as recency
        from core.fct_submission f
    ) s
    join contracts c on c.contract_id = s.contract_id
    where s.recency = 1 and s.is_service_failure
),

persistently_inaccurate as (
    select c.contract_id, 'persistently_inaccurate_data', 'submissions', q.inaccuracy_evidence,
           add_months(q.window_start, 1)
    from marts.mart_provider_data_quality q
    join contracts c on c.provider_id = q.provider_id
    where q.is_persistently_inaccurate
),

reasons as (
    select * from cqc_inadequate
    union all select * from critical_kpi
    union all select * from missing_returns
    union all select * from persistently_inaccurate
)

select
    c.contract_id,
    c.provider_id,
    c.provider_name,
    c.location_id,
    c.location_name,
    c.service_type,
    r.reason_code,
    r.subject,
    r.evidence,
    r.since_date
from reasons r
join contracts c on c.contract_id = r.contract_id
