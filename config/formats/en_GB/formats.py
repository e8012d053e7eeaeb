# UK formats with the 24-hour clock the pages use ("14:05", not Django's default "2:05 p.m."), so the admin,
# the pages and the reports tell the time the same way.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
