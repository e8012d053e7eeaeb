"""A programme team's day: dashboards, lists, details, API reads and a few transitions.

Reads its logins and ids from the JSON file named by LOAD_FIXTURE (written by bench.scale).
"""

import json
import os
import random

from locust import HttpUser, between, task

FIXTURE = json.load(open(os.environ["LOAD_FIXTURE"]))
# Each round takes its own share of the submitted awards: an award started in one round is no longer
# submitted in the next (a 409, counted as an error).
SUBMITTED = list(FIXTURE["submitted_ids"])[
    int(os.environ.get("LOAD_ROUND", 0)) :: int(os.environ.get("LOAD_ROUNDS", 1))
]
random.shuffle(SUBMITTED)


class ProgrammeTeam(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        self.api = {"Authorization": f"Token {FIXTURE['manager_token']}"}
        self.client.cookies.set("sessionid", FIXTURE["manager_session"])

    def award_id(self):
        return random.choice(FIXTURE["award_ids"])

    @task(2)
    def reference(self):
        # The same stack doing almost nothing: what the other figures are read against.
        self.client.get("/healthz", name="reference: health check")

    @task(3)
    def dashboard(self):
        self.client.get("/", name="page: dashboard")

    @task(3)
    def award_list_page(self):
        self.client.get(f"/awards/?page={random.randint(1, 20)}", name="page: award list")

    @task(3)
    def award_detail_page(self):
        self.client.get(f"/awards/{self.award_id()}/", name="page: award detail")

    @task(8)
    def api_award_list(self):
        self.client.get(f"/api/v1/awards/?page={random.randint(1, 50)}", headers=self.api, name="api: award list")

    @task(3)
    def api_award_list_filtered(self):
        self.client.get(
            "/api/v1/awards/?state=active&ordering=-amount_awarded", headers=self.api, name="api: award list filtered"
        )

    @task(4)
    def api_award_detail(self):
        self.client.get(f"/api/v1/awards/{self.award_id()}/", headers=self.api, name="api: award detail")

    @task(2)
    def api_payment_list(self):
        self.client.get("/api/v1/payments/", headers=self.api, name="api: payment list")

    @task(1)
    def api_transition(self):
        if SUBMITTED:
            pk = SUBMITTED.pop()
            self.client.post(
                f"/api/v1/awards/{pk}/start_assessment/",
                json={"note": "Load test"},
                headers=self.api,
                name="api: transition",
            )
