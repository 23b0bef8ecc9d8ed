"""What a generation run is parameterised by, and the volumes that follow from the scale."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

# Volumes at scale 1, from the SDD's source table (see README, "Raw data").
JOBS_AT_SCALE_1 = 10_000_000
CUSTOMERS_AT_SCALE_1 = 500_000
TECHNICIANS_AT_SCALE_1 = 2_000
GPS_EVENTS_PER_DAY_AT_SCALE_1 = 50_000_000

REGION_COUNT = 8
# QuickBooks numbers the customers it bills on its own: the CRM's customer n is QuickBooks' n + 100000.
QUICKBOOKS_CUSTOMER_ID_OFFSET = 100_000
SERVICE_TYPE_COUNT = 40
HISTORY_DAYS = 1095  # three years of jobs
SERVICETITAN_ROLLOUT_DAYS = 75  # ServiceTitan dispatches the most recent jobs only
COMMERCIAL_SHARE = 0.30  # commercial customers have a Salesforce account


@dataclass(frozen=True)
class Volumes:
    jobs: int
    customers: int
    technicians: int
    gps_events_per_day: int

    @classmethod
    def for_scale(cls, scale: float) -> Volumes:
        def scaled(base: int, minimum: int) -> int:
            return max(minimum, int(math.floor(base * scale)))

        return cls(
            jobs=scaled(JOBS_AT_SCALE_1, 100),
            customers=scaled(CUSTOMERS_AT_SCALE_1, 20),
            # every region needs a technician, so jobs always have someone to go out
            technicians=scaled(TECHNICIANS_AT_SCALE_1, REGION_COUNT),
            gps_events_per_day=scaled(GPS_EVENTS_PER_DAY_AT_SCALE_1, 1_000),
        )


@dataclass(frozen=True)
class Context:
    """Everything the SQL of one run depends on; same context, same rows."""

    seed: int
    scale: float
    as_of: datetime  # naive UTC
    volumes: Volumes
    gps_days: int = 2

    @property
    def as_of_sql(self) -> str:
        return f"timestamp '{self.as_of:%Y-%m-%d %H:%M:%S}'"

    @property
    def pings_per_technician_day(self) -> int:
        return max(12, self.volumes.gps_events_per_day // self.volumes.technicians)


def quickbooks_customer_id(crm_customer_id: str) -> str:
    """SQL for QuickBooks' id (text) of the CRM customer whose id the expression gives."""
    return f"cast({QUICKBOOKS_CUSTOMER_ID_OFFSET} + {crm_customer_id} as varchar)"
