"""Blocks of config/settings.py kept in their own modules so the settings stay short enough to read:
config.settings imports every name from them, and stays the one DJANGO_SETTINGS_MODULE."""
