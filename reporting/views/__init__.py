"""Reporting's pages, one module per concern: updates (what is due, editing, review), schedules
(schedules and the overdue list), evaluations (and the "what works" library), dashboards (home and
reach) and reports (impact report PDFs). Thin: reads through reporting.selectors, writes through
reporting.services."""
