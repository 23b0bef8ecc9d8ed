"""Fixed reference data the generator shares with the dbt seeds (regions, service catalogue)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    region_id: int
    code: str
    city: str
    state: str
    latitude: float
    longitude: float


REGIONS = [
    Region(1, "NE", "boston", "MA", 42.36, -71.06),
    Region(2, "MA", "philadelphia", "PA", 39.95, -75.17),
    Region(3, "SE", "atlanta", "GA", 33.75, -84.39),
    Region(4, "FL", "orlando", "FL", 28.54, -81.38),
    Region(5, "MW", "chicago", "IL", 41.88, -87.63),
    Region(6, "TX", "dallas", "TX", 32.78, -96.80),
    Region(7, "MT", "denver", "CO", 39.74, -104.99),
    Region(8, "PC", "los angeles", "CA", 34.05, -118.24),
]

# (name, category code) — category codes match seeds/seed_service_categories.csv
SERVICE_TYPES = [
    ("AC Tune-Up", "HVAC"), ("AC Repair", "HVAC"), ("Furnace Repair", "HVAC"),
    ("Furnace Install", "HVAC"), ("Heat Pump Service", "HVAC"), ("Duct Cleaning", "HVAC"),
    ("Thermostat Install", "HVAC"), ("Emergency HVAC Call", "HVAC"),
    ("Drain Cleaning", "PLUMB"), ("Leak Repair", "PLUMB"), ("Water Heater Repair", "PLUMB"),
    ("Water Heater Install", "PLUMB"), ("Toilet Repair", "PLUMB"), ("Sewer Line Inspection", "PLUMB"),
    ("Sump Pump Install", "PLUMB"), ("Emergency Plumbing Call", "PLUMB"),
    ("Outlet Repair", "ELEC"), ("Panel Upgrade", "ELEC"), ("Lighting Install", "ELEC"),
    ("EV Charger Install", "ELEC"), ("Generator Install", "ELEC"), ("Wiring Inspection", "ELEC"),
    ("Ceiling Fan Install", "ELEC"), ("Emergency Electrical Call", "ELEC"),
    ("Refrigerator Repair", "APPL"), ("Washer Repair", "APPL"), ("Dryer Repair", "APPL"),
    ("Dishwasher Repair", "APPL"), ("Oven Repair", "APPL"), ("Dryer Vent Cleaning", "APPL"),
    ("Garbage Disposal Install", "APPL"), ("Ice Maker Repair", "APPL"),
    ("Preventive Maintenance Visit", "MAINT"), ("Gutter Cleaning", "MAINT"),
    ("Handyman Hour", "MAINT"), ("Drywall Repair", "MAINT"), ("Door Repair", "MAINT"),
    ("Window Repair", "MAINT"), ("Pressure Washing", "MAINT"), ("Home Inspection", "MAINT"),
]
