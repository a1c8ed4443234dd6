"""Dutch as written in Flanders: "donderdag 6 mei 2027 om 14:30", short dates "06/05/2027",
a comma before the decimals and a dot between thousands. Input formats stay Django's."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j F Y \o\m H:i"
LONG_DATE_FORMAT = "l j F Y"
LONG_DATETIME_FORMAT = r"l j F Y \o\m H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
