-- Calendar 2010-2035 with the council's reporting periods: calendar month and quarter, financial year (April-March).
select
    d as date_day,
    year(d) as year,
    month(d) as month,
    trunc(d, 'MM') as month_start,
    trunc(d, 'quarter') as quarter_start,
    make_date(case when month(d) >= 4 then year(d) else year(d) - 1 end, 4, 1) as financial_year_start,
    concat(case when month(d) >= 4 then year(d) else year(d) - 1 end, '-',
           lpad(cast((case when month(d) >= 4 then year(d) else year(d) - 1 end + 1) % 100 as string), 2, '0')) as financial_year,
    date_format(d, 'EEEE') as day_name,
    dayofweek(d) in (1, 7) as is_weekend
from (select explode(sequence(date'2010-01-01', date'2035-12-31', interval 1 day)) as d) days
