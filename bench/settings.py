"""Settings for bench_scale's measuring process: the app's settings with one database alias per data
size (SCALE_DATABASES, the first one is `default`) and a router that sends every query to the size
being measured, so the sizes can be measured in turn request by request, each over a connection
that stays open (a load spike then hits every size alike instead of skewing one)."""

import os

from config.settings import *  # noqa: F403
from config.settings import ALLOWED_HOSTS
from config.settings import DATABASES as APP_DATABASES

_names = os.environ["SCALE_DATABASES"].split(",")


def _database(name: str) -> dict:
    """A kept database by name; "<name>:unprepared" is the same one read without server-side prepared
    statements (bench_prepared measures the two in turn)."""
    db, _, mode = name.partition(":")
    options = dict(APP_DATABASES["default"].get("OPTIONS", {}))
    if mode == "unprepared":
        options.pop("server_side_binding", None)
        options.pop("prepare_threshold", None)
    return {**APP_DATABASES["default"], "NAME": db, "CONN_MAX_AGE": None, "OPTIONS": options}


DATABASES = {
    alias: _database(name)
    for alias, name in zip(["default", *[n.replace(":", "_") for n in _names[1:]]], _names, strict=True)
}
DATABASE_ROUTERS = ["bench.settings.MeasuredSize"]
ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]


class MeasuredSize:
    alias = "default"

    def db_for_read(self, model, **hints):
        return MeasuredSize.alias

    db_for_write = db_for_read

    def allow_relation(self, *args, **hints):
        return True
