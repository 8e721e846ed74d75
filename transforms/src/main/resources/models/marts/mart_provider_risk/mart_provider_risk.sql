-- Where to look next: every active contracted service scored 0-100 for the reporting week. Each component is a value
-- from 0 (no concern) to 1 (the most concern the component can show), computed here from the other marts; its weight
-- comes from ref.risk_weights (seeds/ref/risk_weights.csv) so a council re-weights without code. The score is the
-- weighted mean of the components times 100; reasons name, in plain words, every component that scores above 0,
-- the heaviest first. Enhanced-monitoring triggers are the events that call for it on their own, whatever the score.
with

as_of as (select as_of_date from core.dim_as_of),

services as (
    select c.contract_id, c.provider_id, c.provider_name, c.location_id, c.location_name, c.service_type, c.capacity_beds
    from core.dim_contract c
    where c.is_active and c.location_id is not null
),

weights as (
    select component, cast(weight as decimal(6,2)) as weight, description from ref.risk_weights
),

-- CQC
ratings as (
    select s.contract_id,
           max(case when r.key_question = 'Overall' then r.rating end) as overall,
           max(case when r.key_question = 'Overall' then r.report_date end) as overall_date,
           max(case when r.key_question = 'Overall' then r.rating_age_days end) as age_days,
           count_if(r.key_question <> 'Overall' and r.rating = 'Inadequate') as kq_inadequate,
           count_if(r.key_question <> 'Overall' and r.rating = 'Requires improvement') as kq_requires_improvement,
           concat_ws(', ', sort_array(collect_list(case when r.key_question <> 'Overall' and r.rating in ('Inadequate', 'Requires improvement')
                                                       then concat(r.key_question, ' ', r.rating) end))) as kq_text
    from services s
    left join marts.mart_location_latest_rating r on r.location_id = s.location_id
    group by s.contract_id
),

-- KPIs: each KPI's latest complete period with data
latest_kpi as (
    select * from (
        select k.*, row_number() over (partition by k.contract_id, k.kpi_code order by k.period_start desc) as recency
        from marts.mart_kpi_compliance k
        where k.is_period_complete and k.rag <> 'no_data'
    ) where recency = 1
),

kpis as (
    select contract_id,
           count(*) as assessed,
           count_if(is_breach) as breaches,
           count_if(is_critical_breach) as critical_breaches,
           concat_ws(', ', sort_array(collect_list(case when is_critical_breach then concat(kpi_name, ' ', cast(value_pct as string), '% against ',
                                                   cast(target_pct as string), '%') end))) as critical_text
    from latest_kpi
    group by contract_id
),

-- safeguarding: the reporting month's row carries the last three months
safeguarding as (
    select t.location_id, t.concerns_last_3_months, t.concerns_previous_3_months, t.trend, t.is_large_scale_enquiry, t.beds
    from marts.mart_safeguarding_trends t
    cross join as_of a
    where t.month_start = trunc(a.as_of_date, 'MM')
),

serious_concerns as (
    select g.location_id, count_if(g.risk_level = 'high') as high_risk_concerns, count_if(g.source = 'whistleblowing') as whistleblowing
    from staging.stg_safeguarding_concern g
    cross join as_of a
    where g.received_date > add_months(a.as_of_date, -3) and g.received_date <= a.as_of_date
    group by g.location_id
),

actions as (
    select contract_id,
           max(case when action_type in ('suspension_of_referrals', 'default_notice', 'termination') then 1.0
                    when action_type = 'improvement_notice' then 0.7
                    else 0.4 end) as value,
           max(action_type in ('improvement_notice', 'default_notice')) as has_notice,
           max(action_type = 'large_scale_enquiry') as has_large_scale_enquiry,
           concat_ws(', ', sort_array(collect_list(concat(replace(action_type, '_', ' '), ' since ', cast(start_date as string))))) as text
    from marts.mart_contract_actions
    where status = 'active' and is_contract_active
    group by contract_id
),

-- the latest monthly return and the last three, as values by measure
monthly_returns as (
    select v.*, row_number() over (partition by v.location_id order by v.period_start desc) as recency
    from dq.submission_values v
    where v.return_type = 'monthly'
),

-- a negative count or number of hours is invalid (rule IV02 reports it against the return) and is read as no
-- value here: a provider's error must neither lower a service's risk nor push its score below 0
workforce as (
    select location_id, period_start,
           case when v['WF_VACANCIES'] >= 0 then v['WF_VACANCIES'] end as vacancies,
           case when v['WF_STAFF_EMPLOYED'] >= 0 then v['WF_STAFF_EMPLOYED'] end as staff,
           case when v['WF_AGENCY_HOURS'] >= 0 then v['WF_AGENCY_HOURS'] end as agency_hours,
           case when v['KPI_ROTA_HOURS_REQUIRED'] >= 0 then v['KPI_ROTA_HOURS_REQUIRED'] end as rota_hours
    from monthly_returns where recency = 1
),

complaints as (
    select location_id,
           sum(coalesce(case when v['CC_COMPLAINTS_RECEIVED'] >= 0 then v['CC_COMPLAINTS_RECEIVED'] end, 0)) as received,
           sum(coalesce(case when v['CC_COMPLAINTS_UPHELD'] >= 0 then v['CC_COMPLAINTS_UPHELD'] end, 0)) as upheld
    from monthly_returns where recency <= 3
    group by location_id
),

component_values as (
    select s.contract_id, 'cqc_overall' as component,
           case r.overall when 'Inadequate' then 1.0 when 'Requires improvement' then 0.6 when 'Good' then 0.0 when 'Outstanding' then 0.0 else 0.3 end as value,
           case when r.overall is null then 'not yet rated by CQC'
                -- the adult social care export carries no report date: the rating is still a reason
                else concat('CQC rates the service ', r.overall, ' overall',
                            coalesce(concat(' (report ', cast(r.overall_date as string), ')'), '')) end as detail
    from services s join ratings r on r.contract_id = s.contract_id

    union all
    select s.contract_id, 'cqc_key_questions', least(1.0, 0.4 * r.kq_inadequate + 0.2 * r.kq_requires_improvement),
           concat('CQC key questions rated below Good: ', r.kq_text)
    from services s join ratings r on r.contract_id = s.contract_id

    union all
    select s.contract_id, 'cqc_rating_age',
           -- a service never rated scores under cqc_overall, not twice
           case when r.age_days is null then 0.0 else greatest(0.0, least(1.0, (r.age_days / 365.25 - 2) / 3)) end,
           case when r.age_days is null and r.overall is not null then 'CQC rating date not published'
                when r.age_days is null then 'no CQC rating to go by'
                else concat('CQC rating is ', cast(round(r.age_days / 365.25, 1) as string), ' years old') end
    from services s join ratings r on r.contract_id = s.contract_id

    union all
    select s.contract_id, 'critical_kpi_breach', least(1.0, 0.5 * coalesce(k.critical_breaches, 0)),
           concat(cast(k.critical_breaches as string), ' critical KPI(s) red: ', k.critical_text)
    from services s left join kpis k on k.contract_id = s.contract_id

    union all
    select s.contract_id, 'kpi_breaches', coalesce(k.breaches / k.assessed, 0.0),
           concat(cast(k.breaches as string), ' of ', cast(k.assessed as string), ' KPIs in breach in their latest period')
    from services s left join kpis k on k.contract_id = s.contract_id

    union all
    select s.contract_id, 'submission_quality',
           case when q.provider_id is null then 0.0
                when q.is_persistently_inaccurate or q.is_service_failure then 1.0
                else greatest(0.0, least(1.0, (95 - least(q.timeliness_pct, coalesce(q.accuracy_pct, 100))) / 45)) end,
           case when q.is_persistently_inaccurate then concat('the provider persistently submits inaccurate data: ', q.inaccuracy_evidence)
                when q.is_service_failure then concat(cast(q.consecutive_missing as string), ' returns missing in a row')
                else concat('returns on time ', cast(q.timeliness_pct as string), '%, accurate ', coalesce(cast(q.accuracy_pct as string), 'n/a'),
                            '% against 95% over 12 months') end
    from services s left join marts.mart_provider_data_quality q on q.provider_id = s.provider_id

    union all
    select s.contract_id, 'safeguarding_rate',
           case when g.location_id is null then 0.0
                when g.beds > 0 then least(1.0, g.concerns_last_3_months * 10.0 / g.beds / 3)
                else least(1.0, g.concerns_last_3_months / 6.0) end,
           concat(cast(g.concerns_last_3_months as string), ' safeguarding concern(s) in the last 3 months',
                  case when g.beds > 0 then concat(' (', cast(round(g.concerns_last_3_months * 10.0 / g.beds, 1) as string), ' per 10 beds)') else '' end)
    from services s left join safeguarding g on g.location_id = s.location_id

    union all
    select s.contract_id, 'safeguarding_trend', case when g.trend = 'rising' then 1.0 else 0.0 end,
           concat('safeguarding concerns rising: ', cast(g.concerns_last_3_months as string), ' in the last 3 months against ',
                  cast(g.concerns_previous_3_months as string), ' in the 3 before')
    from services s left join safeguarding g on g.location_id = s.location_id

    union all
    select s.contract_id, 'large_scale_enquiry',
           case when coalesce(g.is_large_scale_enquiry, false) or coalesce(a.has_large_scale_enquiry, false) then 1.0 else 0.0 end,
           'a large scale safeguarding enquiry is open'
    from services s
    left join safeguarding g on g.location_id = s.location_id
    left join actions a on a.contract_id = s.contract_id

    union all
    select s.contract_id, 'contract_actions', coalesce(a.value, 0.0), concat('contract action(s) in force: ', a.text)
    from services s left join actions a on a.contract_id = s.contract_id

    union all
    select s.contract_id, 'visit_overdue',
           case when v.is_visit_overdue then least(1.0, 0.5 + v.days_overdue / 365.0) else 0.0 end,
           concat('scheduled visit overdue by ', cast(v.days_overdue as string), ' day(s) (due ', cast(v.next_proactive_due as string), ')')
    from services s left join marts.mart_visit_schedule v on v.contract_id = s.contract_id

    union all
    select s.contract_id, 'officer_judgement',
           case v.officer_overall when 'Inadequate' then 1.0 when 'Requires improvement' then 0.6 else 0.0 end,
           concat('officers judged the service ', v.officer_overall, ' on ', cast(v.officer_overall_date as string))
    from services s left join marts.mart_visit_schedule v on v.contract_id = s.contract_id

    union all
    select s.contract_id, 'spot_check_discrepancies',
           case when v.spot_check_measures_verified > 0
                then least(1.0, 4.0 * v.spot_check_measures_discrepant / v.spot_check_measures_verified) else 0.0 end,
           concat(cast(v.spot_check_measures_discrepant as string), ' of ', cast(v.spot_check_measures_verified as string),
                  ' returned measures did not match the records at the spot check on ', cast(v.spot_check_date as string))
    from services s left join marts.mart_visit_schedule v on v.contract_id = s.contract_id

    union all
    select s.contract_id, 'workforce_vacancies',
           case when w.staff + w.vacancies > 0 then least(1.0, w.vacancies / (w.staff + w.vacancies) / 0.2) else 0.0 end,
           concat('vacancy rate ', cast(round(100 * w.vacancies / (w.staff + w.vacancies), 1) as string), '% in the return for ',
                  cast(w.period_start as string))
    from services s left join workforce w on w.location_id = s.location_id

    union all
    select s.contract_id, 'agency_hours',
           case when w.rota_hours > 0 and w.agency_hours is not null then least(1.0, w.agency_hours / w.rota_hours / 0.25) else 0.0 end,
           concat(cast(cast(w.agency_hours as int) as string), ' agency hours against ', cast(cast(w.rota_hours as int) as string),
                  ' rota hours required in the return for ', cast(w.period_start as string))
    from services s left join workforce w on w.location_id = s.location_id

    union all
    select s.contract_id, 'registered_manager_absent', case when l.registered_manager_absent_date is not null then 1.0 else 0.0 end,
           concat('CQC records the registered manager as absent since ', cast(l.registered_manager_absent_date as string))
    from services s left join core.dim_location l on l.location_id = s.location_id and l.is_current

    union all
    select s.contract_id, 'complaints', least(1.0, 0.1 * coalesce(c.received, 0) + 0.3 * coalesce(c.upheld, 0)),
           concat(cast(cast(c.received as int) as string), ' complaint(s) received, ', cast(cast(c.upheld as int) as string),
                  ' upheld in the last 3 monthly returns')
    from services s left join complaints c on c.location_id = s.location_id
),

scored as (
    select cv.contract_id, cv.component, w.weight,
           cast(cv.value as decimal(5,4)) as value,
           cast(w.weight * cv.value as decimal(8,4)) as points,
           case when cv.value > 0 then cv.detail end as detail
    from component_values cv
    join weights w on w.component = cv.component
),

totals as (
    select contract_id,
           cast(round(100 * sum(points) / sum(weight), 1) as decimal(5,1)) as risk_score,
           -- heaviest first; the component name breaks ties so the order never depends on the plan
           transform(sort_array(collect_list(struct(-points as neg_points, component, weight, value, points, detail))),
                     x -> named_struct('component', x.component, 'weight', x.weight, 'value', x.value, 'points', x.points, 'detail', x.detail)) as components
    from scored
    group by contract_id
),

triggers as (
    select s.contract_id,
           filter(array(
               case when a.has_notice then 'improvement_or_default_notice' end,
               case when coalesce(g.is_large_scale_enquiry, false) or coalesce(a.has_large_scale_enquiry, false) then 'large_scale_enquiry' end,
               case when g.trend = 'rising' then 'safeguarding_rise' end,
               case when sc.high_risk_concerns > 0 then 'serious_safeguarding_referral' end,
               case when sc.whistleblowing > 0 then 'whistleblowing' end,
               case when k.critical_breaches > 0 then 'failing_kpis' end,
               case when r.overall = 'Inadequate' or r.kq_inadequate > 0 then 'cqc_inadequate' end,
               case when l.registered_manager_absent_date is not null then 'registered_manager_absent' end
           ), x -> x is not null) as fired
    from services s
    left join actions a on a.contract_id = s.contract_id
    left join safeguarding g on g.location_id = s.location_id
    left join serious_concerns sc on sc.location_id = s.location_id
    left join kpis k on k.contract_id = s.contract_id
    left join ratings r on r.contract_id = s.contract_id
    left join core.dim_location l on l.location_id = s.location_id and l.is_current
)

select
    cast(date_trunc('week', a.as_of_date) as date) as week_start,
    a.as_of_date,
    s.contract_id,
    s.provider_id,
    s.provider_name,
    s.location_id,
    s.location_name,
    s.service_type,
    t.risk_score,
    rank() over (order by t.risk_score desc) as risk_rank,
    t.components,
    transform(filter(t.components, c -> c.detail is not null), c -> c.detail) as reasons,
    concat_ws('; ', transform(filter(t.components, c -> c.detail is not null), c -> c.detail)) as reasons_text,
    tr.fired as enhanced_monitoring_triggers,
    size(tr.fired) > 0 as is_enhanced_monitoring_triggered
from services s
join totals t on t.contract_id = s.contract_id
join triggers tr on tr.contract_id = s.contract_id
cross join as_of a
