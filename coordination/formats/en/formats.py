"""English as written in Belgium and Britain: day month year, the 24-hour clock, Monday
first. Only output formats: forms keep Django's input formats (ISO dates first).

``LONG_DATE_FORMAT`` and ``LONG_DATETIME_FORMAT`` (with the weekday) are this project's own
names, read by ``coordination.dates``; a language may give a ``*_FIRST_OF_MONTH`` variant of
any named format for the first day of a month (French "1er")."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
LONG_DATE_FORMAT = "l j F Y"
LONG_DATETIME_FORMAT = "l j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
