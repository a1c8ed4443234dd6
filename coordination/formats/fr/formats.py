"""French as written in Belgium: "jeudi 6 mai 2027 à 14:30", "1er" for the first day of a
month, a comma before the decimals and a non-breaking space between thousands. Input formats
stay Django's."""

DATE_FORMAT = "j F Y"
DATE_FORMAT_FIRST_OF_MONTH = r"j\e\r F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j F Y \à H:i"
DATETIME_FORMAT_FIRST_OF_MONTH = r"j\e\r F Y \à H:i"
LONG_DATE_FORMAT = "l j F Y"
LONG_DATE_FORMAT_FIRST_OF_MONTH = r"l j\e\r F Y"
LONG_DATETIME_FORMAT = r"l j F Y \à H:i"
LONG_DATETIME_FORMAT_FIRST_OF_MONTH = r"l j\e\r F Y \à H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
MONTH_DAY_FORMAT_FIRST_OF_MONTH = r"j\e\r F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
