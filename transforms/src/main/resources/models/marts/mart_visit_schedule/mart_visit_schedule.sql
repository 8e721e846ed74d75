-- Each active contracted service's visits: when each kind of visit last happened, when the next scheduled visit is due
-- (ref.visit_schedule sets the interval per service type, so a council changes it without code), what officers last
-- judged next to what CQC rates, and the latest spot check of returned data. Visits after as_of_date are ignored so a
-- rebuild of the same data gives the same answer.
with

as_of as (select as_of_date from core.dim_as_of),

contracts as (
    select * from core.dim_contract where is_active and location_id is not null
),

schedule as (
    select service_type, cast(min_interval_months as int) as min_interval_months from ref.visit_schedule
),

visits as (
    select v.*
    from staging.stg_visit v
    cross join as_of a
    where v.visit_date <= a.as_of_date
),

by_location as (
    select
        v.location_id,
        max(v.visit_date) as last_visit_date,
        max(case when v.visit_type = 'proactive' then v.visit_date end) as last_proactive_date,
        max(case when v.visit_type = 'reactive' then v.visit_date end) as last_reactive_date,
        max(case when v.visit_type = 'enhanced_monitoring' then v.visit_date end) as last_enhanced_monitoring_date,
        max(case when v.visit_type = 'annual_audit' then v.visit_date end) as last_annual_audit_date,
        max(case when v.visit_type = 'joint_cqc' then v.visit_date end) as last_joint_cqc_date,
        max(case when v.visit_type = 'joint_icb' then v.visit_date end) as last_joint_icb_date,
        -- only scheduled visits reset the clock: a reactive or joint visit is not the council's planned look at the service
        max(case when v.visit_type in ('proactive', 'annual_audit') then v.visit_date end) as last_scheduled_visit_date,
        -- the twelve months up to and including as_of_date
        count_if(v.visit_date > add_months(a.as_of_date, -12)) as visits_12m_total,
        count_if(v.visit_date > add_months(a.as_of_date, -12) and v.visit_type = 'proactive') as visits_12m_proactive,
        count_if(v.visit_date > add_months(a.as_of_date, -12) and v.visit_type = 'reactive') as visits_12m_reactive,
        count_if(v.visit_date > add_months(a.as_of_date, -12) and v.visit_type = 'enhanced_monitoring') as visits_12m_enhanced_monitoring,
        count_if(v.visit_date > add_months(a.as_of_date, -12) and v.visit_type = 'annual_audit') as visits_12m_annual_audit,
        count_if(v.visit_date > add_months(a.as_of_date, -12) and v.visit_type = 'joint_cqc') as visits_12m_joint_cqc,
        count_if(v.visit_date > add_months(a.as_of_date, -12) and v.visit_type = 'joint_icb') as visits_12m_joint_icb
    from visits v
    cross join as_of a
    group by v.location_id
),

-- one row per visit and key question the officer actually assessed
judgements as (
    select v.location_id, v.visit_id, v.visit_date, j.key_question, j.judgement
    from visits v
    lateral view stack(6,
        'safe', v.safe, 'effective', v.effective, 'caring', v.caring,
        'responsive', v.responsive, 'well_led', v.well_led, 'overall', v.overall_judgement) j as key_question, judgement
    where j.judgement <> 'Not assessed'
),

latest_judgement as (
    select
        location_id,
        max(case when key_question = 'safe' then judgement end) as officer_safe,
        max(case when key_question = 'safe' then visit_date end) as officer_safe_date,
        max(case when key_question = 'effective' then judgement end) as officer_effective,
        max(case when key_question = 'effective' then visit_date end) as officer_effective_date,
        max(case when key_question = 'caring' then judgement end) as officer_caring,
        max(case when key_question = 'caring' then visit_date end) as officer_caring_date,
        max(case when key_question = 'responsive' then judgement end) as officer_responsive,
        max(case when key_question = 'responsive' then visit_date end) as officer_responsive_date,
        max(case when key_question = 'well_led' then judgement end) as officer_well_led,
        max(case when key_question = 'well_led' then visit_date end) as officer_well_led_date,
        max(case when key_question = 'overall' then judgement end) as officer_overall,
        max(case when key_question = 'overall' then visit_date end) as officer_overall_date
    from (
        select j.*, row_number() over (partition by location_id, key_question order by visit_date desc, visit_id desc) as recency
        from judgements j
    ) ranked
    where recency = 1
    group by location_id
),

-- CQC names its key questions Safe, Effective, Caring, Responsive, Well-led and Overall
cqc as (
    select
        location_id,
        max(case when key_question = 'Safe' then rating end) as cqc_safe,
        max(case when key_question = 'Safe' then report_date end) as cqc_safe_date,
        max(case when key_question = 'Effective' then rating end) as cqc_effective,
        max(case when key_question = 'Effective' then report_date end) as cqc_effective_date,
        max(case when key_question = 'Caring' then rating end) as cqc_caring,
        max(case when key_question = 'Caring' then report_date end) as cqc_caring_date,
        max(case when key_question = 'Responsive' then rating end) as cqc_responsive,
        max(case when key_question = 'Responsive' then report_date end) as cqc_responsive_date,
        max(case when key_question = 'Well-led' then rating end) as cqc_well_led,
        max(case when key_question = 'Well-led' then report_date end) as cqc_well_led_date,
        max(case when key_question = 'Overall' then rating end) as cqc_overall,
        max(case when key_question = 'Overall' then report_date end) as cqc_overall_date
    from marts.mart_location_latest_rating
    group by location_id
),

-- the latest visit that checked any returned measures against the records on site
spot_check as (
    select location_id, visit_date as spot_check_date, measures_verified as spot_check_measures_verified,
           measures_discrepant as spot_check_measures_discrepant
    from (
        select v.*, row_number() over (partition by location_id order by visit_date desc, visit_id desc) as recency
        from visits v
        where v.measures_verified > 0
    ) ranked
    where recency = 1
),

due as (
    select
        c.*,
        s.min_interval_months,
        b.last_scheduled_visit_date,
        -- never visited on schedule: the first visit falls due one interval after the contract started
        add_months(coalesce(b.last_scheduled_visit_date, c.start_date), s.min_interval_months) as next_proactive_due,
        a.as_of_date
    from contracts c
    cross join as_of a
    left join schedule s on s.service_type = c.service_type
    left join by_location b on b.location_id = c.location_id
)

select
    d.as_of_date,
    d.contract_id,
    d.provider_id,
    d.provider_name,
    d.location_id,
    d.location_name,
    d.service_type,
    d.start_date as contract_start_date,
    b.last_visit_date,
    b.last_proactive_date,
    b.last_reactive_date,
    b.last_enhanced_monitoring_date,
    b.last_annual_audit_date,
    b.last_joint_cqc_date,
    b.last_joint_icb_date,
    d.last_scheduled_visit_date,
    d.min_interval_months,
    d.next_proactive_due,
    case when d.last_scheduled_visit_date is null then 'contract_start' else 'last_scheduled_visit' end as due_basis,
    coalesce(d.next_proactive_due < d.as_of_date, false) as is_visit_overdue,
    case when d.next_proactive_due < d.as_of_date then datediff(d.as_of_date, d.next_proactive_due) else 0 end as days_overdue,
    coalesce(b.visits_12m_total, 0) as visits_12m_total,
    coalesce(b.visits_12m_proactive, 0) as visits_12m_proactive,
    coalesce(b.visits_12m_reactive, 0) as visits_12m_reactive,
    coalesce(b.visits_12m_enhanced_monitoring, 0) as visits_12m_enhanced_monitoring,
    coalesce(b.visits_12m_annual_audit, 0) as visits_12m_annual_audit,
    coalesce(b.visits_12m_joint_cqc, 0) as visits_12m_joint_cqc,
    coalesce(b.visits_12m_joint_icb, 0) as visits_12m_joint_icb,
    j.officer_safe, j.officer_safe_date, q.cqc_safe, q.cqc_safe_date,
    j.officer_effective, j.officer_effective_date, q.cqc_effective, q.cqc_effective_date,
    j.officer_caring, j.officer_caring_date, q.cqc_caring, q.cqc_caring_date,
    j.officer_responsive, j.officer_responsive_date, q.cqc_responsive, q.cqc_responsive_date,
    j.officer_well_led, j.officer_well_led_date, q.cqc_well_led, q.cqc_well_led_date,
    j.officer_overall, j.officer_overall_date, q.cqc_overall, q.cqc_overall_date,
    sc.spot_check_date,
    sc.spot_check_measures_verified,
    sc.spot_check_measures_discrepant
from due d
left join by_location b on b.location_id = d.location_id
left join latest_judgement j on j.location_id = d.location_id
left join cqc q on q.location_id = d.location_id
left join spot_check sc on sc.location_id = d.location_id
