"""Settings for bench_scale's measuring process: the app's settings with one database alias per data
size (SCALE_DATABASES, the first one is `default`) and a router that sends every query to the size
being measured, so the sizes can be measured in turn request by request, each over a connection
that stays open (a load spike then hits every size alike instead of skewing one)."""

import os

from config.settings import *  # noqa: F403
from config.settings import ALLOWED_HOSTS, DATABASES

_names = os.environ["SCALE_DATABASES"].split(",")
DATABASES = {
    alias: {**DATABASES["default"], "NAME": name, "CONN_MAX_AGE": None}
    for alias, name in zip(["default", *_names[1:]], _names, strict=True)
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
