-- The monitoring return measure catalogue (seeds/ref/measures.csv).
select
    measure_code,
    return_type,
    section,
    description,
    unit,
    mandatory = 'Y' as is_mandatory,
    applies_to,
    source as source_reference
from ref.measures
