-- Findings on provider submissions: every rule of seeds/ref/dq_rules.csv (code, class, severity, plain description)
-- applied to the latest version of each return, and to the expected-submission ledger for late and missing returns.
with

contracts as (
    select location_id, measure_group, capacity_beds, cqc_registered_beds
    from core.dim_contract
    where location_id is not null
),

-- each return as one row of values by measure code (dq.submission_values)
submissions as (
    select * from dq.submission_values
),

-- received returns with their values; joined before the mandatory measures multiply them, so no shuffle moves
-- a row per expected measure (and none reads the measure fact: the values are submission_values' maps)
received as (
    select s.submission_id, s.provider_id, s.location_id, s.return_type, s.period_start, v.t
    from core.fct_submission s
    left join submissions v on v.submission_id = s.submission_id
    where s.is_received
),

missing_measure as (
    select s.provider_id, s.location_id, s.return_type, s.period_start, 'MM01' as rule_code, m.measure_code,
           s.t[m.measure_code] as value,
           concat(m.measure_code, ' (', m.description, ') is mandatory for ', replace(c.measure_group, '_', ' '), ' services and ',
                  case when coalesce(array_contains(map_keys(s.t), m.measure_code), false) then 'is blank' else 'has no row' end) as evidence
    from received s
    join contracts c on c.location_id = s.location_id
    join core.dim_measure m
      on m.return_type = s.return_type and m.is_mandatory and (m.applies_to = 'all' or m.applies_to = c.measure_group)
    where s.t[m.measure_code] is null
),

invalid_value as (
    select * from (
        select provider_id, location_id, return_type, period_start,
               case when not is_value_parseable then 'IV01'
                    when unit in ('count', 'hours') and value_num < 0 then 'IV02'
                    when unit = 'percent' and (value_num < 0 or value_num > 100) then 'IV03'
                    when unit = 'flag' and value_num not in (0, 1) then 'IV04'
               end as rule_code,
               measure_code, value_text as value,
               concat(measure_code, ' is measured in ', unit, '; "', value_text, '" is not a valid ', unit, ' value') as evidence
        from core.fct_return_measure
        where value_text is not null
    ) checked
    where rule_code is not null
),

inconsistent as (
    select provider_id, location_id, return_type, period_start, 'IC01' as rule_code, 'CC_COMPLAINTS_UPHELD' as measure_code,
           t['CC_COMPLAINTS_UPHELD'] as value,
           concat('upheld ', t['CC_COMPLAINTS_UPHELD'], ' > received ', t['CC_COMPLAINTS_RECEIVED']) as evidence
    from submissions where v['CC_COMPLAINTS_UPHELD'] > v['CC_COMPLAINTS_RECEIVED']
    union all
    select provider_id, location_id, return_type, period_start, 'IC02', 'SG_ENQUIRIES_CONCLUDED', t['SG_ENQUIRIES_CONCLUDED'],
           concat('concluded ', t['SG_ENQUIRIES_CONCLUDED'], ' > commenced ', t['SG_ENQUIRIES_COMMENCED'], ' + ongoing ', t['SG_ENQUIRIES_ONGOING'])
    from submissions where v['SG_ENQUIRIES_CONCLUDED'] > v['SG_ENQUIRIES_COMMENCED'] + v['SG_ENQUIRIES_ONGOING']
    union all
    select provider_id, location_id, return_type, period_start, 'IC03', 'SG_ENQUIRIES_CONCLUDED', t['SG_ENQUIRIES_CONCLUDED'],
           concat('substantiated ', t['SG_SUBSTANTIATED'], ' + partially ', t['SG_PARTIALLY_SUBSTANTIATED'], ' + not ', t['SG_NOT_SUBSTANTIATED'],
                  ' > concluded ', t['SG_ENQUIRIES_CONCLUDED'])
    from submissions where v['SG_SUBSTANTIATED'] + v['SG_PARTIALLY_SUBSTANTIATED'] + v['SG_NOT_SUBSTANTIATED'] > v['SG_ENQUIRIES_CONCLUDED']
    union all
    select provider_id, location_id, return_type, period_start, 'IC04', 'WF_STAFF_EMPLOYED', t['WF_STAFF_EMPLOYED'],
           concat('full time ', t['WF_STAFF_FULL_TIME'], ' + part time ', t['WF_STAFF_PART_TIME'], ' <> employed ', t['WF_STAFF_EMPLOYED'])
    from submissions where v['WF_STAFF_FULL_TIME'] + v['WF_STAFF_PART_TIME'] <> v['WF_STAFF_EMPLOYED']
    union all
    select provider_id, location_id, return_type, period_start, 'IC05', 'WF_LEAVERS', t['WF_LEAVERS'],
           concat('leavers ', t['WF_LEAVERS'], ' > employed ', t['WF_STAFF_EMPLOYED'], ' + starters ', t['WF_NEW_STARTERS'])
    from submissions where v['WF_LEAVERS'] > v['WF_STAFF_EMPLOYED'] + v['WF_NEW_STARTERS']
    union all
    select provider_id, location_id, return_type, period_start, 'IC06', 'KPI_CONTINUITY_VISITS_FAMILIAR', t['KPI_CONTINUITY_VISITS_FAMILIAR'],
           concat('familiar ', t['KPI_CONTINUITY_VISITS_FAMILIAR'], ' > total visits ', t['KPI_CONTINUITY_VISITS_TOTAL'])
    from submissions where v['KPI_CONTINUITY_VISITS_FAMILIAR'] > v['KPI_CONTINUITY_VISITS_TOTAL']
    union all
    select provider_id, location_id, return_type, period_start, 'IC07', 'KPI_ROTA_HOURS_COVERED', t['KPI_ROTA_HOURS_COVERED'],
           concat('covered ', t['KPI_ROTA_HOURS_COVERED'], ' hours > 125% of required ', t['KPI_ROTA_HOURS_REQUIRED'])
    from submissions where v['KPI_ROTA_HOURS_COVERED'] > 1.25 * v['KPI_ROTA_HOURS_REQUIRED']
),

cross_source as (
    select provider_id, location_id, return_type, period_start, 'CS01' as rule_code, 'SP_ACTIVE_RESIDENTS' as measure_code,
           t['SP_ACTIVE_RESIDENTS'] as value,
           concat('people supported ', t['SP_ACTIVE_RESIDENTS'], ' > CQC registered beds ', cqc_beds) as evidence
    from submissions where measure_group = 'care_home' and v['SP_ACTIVE_RESIDENTS'] > cqc_beds
    union all
    select provider_id, location_id, return_type, period_start, 'CS02', 'SP_ACTIVE_COUNCIL_FUNDED', t['SP_ACTIVE_COUNCIL_FUNDED'],
           concat('council-funded ', t['SP_ACTIVE_COUNCIL_FUNDED'], ' > contracted beds ', capacity_beds)
    from submissions where v['SP_ACTIVE_COUNCIL_FUNDED'] > capacity_beds
    union all
    -- only concerns the provider itself raised are its to report: families' and professionals' are not
    select s.provider_id, s.location_id, s.return_type, s.period_start, 'CS03', 'SG_CONCERNS_RAISED', s.t['SG_CONCERNS_RAISED'],
           concat('concerns raised ', s.t['SG_CONCERNS_RAISED'], ' < ', cast(count(*) as string),
                  ' concern(s) in the council safeguarding log raised by the provider between ',
                  cast(s.period_start as string), ' and ', cast(s.period_end as string), ' (',
                  concat_ws(', ', sort_array(collect_list(g.concern_id))), ')')
    from submissions s
    join staging.stg_safeguarding_concern g
      on g.location_id = s.location_id and g.source = 'provider' and g.received_date between s.period_start and s.period_end
    where s.v['SG_CONCERNS_RAISED'] is not null
    group by s.provider_id, s.location_id, s.return_type, s.period_start, s.period_end, s.v['SG_CONCERNS_RAISED'], s.t['SG_CONCERNS_RAISED']
    having s.v['SG_CONCERNS_RAISED'] < count(*)
    union all
    -- a spot check on a visit judges the returns of the month visited
    select s.provider_id, s.location_id, s.return_type, s.period_start, 'CS04', cast(null as string), cast(sum(vis.measures_discrepant) as string),
           concat_ws('; ', collect_list(concat('council visit ', vis.visit_id, ' on ', cast(vis.visit_date as string), ' checked ',
                  cast(vis.measures_verified as string), ' returned measures against care plans, rotas and timesheets: ',
                  cast(vis.measures_discrepant as string), ' did not match')))
    from submissions s
    join staging.stg_visit vis
      on vis.location_id = s.location_id and vis.visit_month = s.period_start and vis.measures_discrepant > 0
    where s.return_type = 'monthly'
    group by s.provider_id, s.location_id, s.return_type, s.period_start
),

-- the median of the last three returns' values of the measure, from lag() rather than a percentile per row: of
-- three values the middle one, of two their mean, as percentile(x, 0.5) gives (in double)
history as (
    select *,
        case when p3 is not null then cast(greatest(least(p1, p2), least(greatest(p1, p2), p3)) as double)
             when p2 is not null then 0.5 * cast(p1 as double) + 0.5 * cast(p2 as double)
             else cast(p1 as double)
        end as recent_median
    from (
        select *,
            lag(value_num, 1) over w as p1,
            lag(value_num, 2) over w as p2,
            lag(value_num, 3) over w as p3
        from core.fct_return_measure
        -- negative values are invalid (IV02) and would distort the median
        where value_num >= 0 and unit in ('count', 'hours')
        window w as (partition by location_id, return_type, measure_code order by period_start)
    ) lagged
),

jumps as (
    select provider_id, location_id, return_type, period_start, 'HA01' as rule_code, measure_code, value_text as value,
           concat(measure_code, ' ', value_text, ' against a median of ', cast(recent_median as string), ' in the last three returns') as evidence
    from history
    where recent_median is not null
      and ((value_num >= 10 * recent_median and value_num >= 20) or (value_num * 10 <= recent_median and recent_median >= 20))
),

-- a return whose values all equal the previous return's: the same measures with the same values, a blank matching
-- a blank (a measure left empty both times is still a copy); the maps' sorted entries compare nulls as equal
copies as (
    select provider_id, location_id, return_type, period_start, 'HA02' as rule_code, cast(null as string) as measure_code,
           cast(null as string) as value,
           concat('all ', measure_count, ' values equal those of the return for ', cast(previous_period_start as string)) as evidence
    from (
        select *, lag(t) over (partition by location_id, return_type order by period_start) as previous_t
        from submissions
    ) paired
    where previous_submission_id is not null
      and value_count >= 3
      and measure_count = previous_measure_count
      and array_sort(map_entries(t)) = array_sort(map_entries(previous_t))
),

ledger as (
    select provider_id, location_id, return_type, period_start, 'LT01' as rule_code, cast(null as string) as measure_code,
           cast(null as string) as value,
           concat('first submitted ', cast(to_date(from_utc_timestamp(first_submitted_at, 'Europe/London')) as string), ', due ',
                  cast(due_date as string), ': ', cast(days_late as string), ' day(s) late') as evidence
    from core.fct_submission where is_received and not is_on_time and location_id is not null
    union all
    select provider_id, location_id, return_type, period_start, 'MS01', cast(null as string), cast(null as string),
           concat('due ', cast(due_date as string), ', not received by ', cast(as_of_date as string),
                  case when consecutive_missing >= 3 then concat(' (', consecutive_missing, ' periods missing in a row)') else '' end)
    from core.fct_submission where is_missing and location_id is not null
),

findings as (
    select * from missing_measure
    union all select * from invalid_value
    union all select * from inconsistent
    union all select * from cross_source
    union all select * from jumps
    union all select * from copies
    union all select * from ledger
)

select
    sha2(concat_ws('|', f.provider_id, f.location_id, f.return_type, cast(f.period_start as string), f.rule_code, coalesce(f.measure_code, '')), 256) as finding_id,
    f.provider_id,
    f.location_id,
    f.return_type,
    f.period_start,
    f.rule_code,
    r.rule_class,
    r.severity,
    r.description,
    f.measure_code,
    f.value,
    f.evidence,
    current_timestamp() as detected_at
from findings f
join ref.dq_rules r on r.rule_code = f.rule_code
