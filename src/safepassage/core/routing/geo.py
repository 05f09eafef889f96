"""Great-circle distance between two points on a spherical Earth."""

import math

EARTH_RADIUS_MILES = 3958.7613
"""Mean Earth radius in statute miles (IUGG mean radius 6,371.0088 km)."""


def great_circle_miles(
    *, latitude_a: float, longitude_a: float, latitude_b: float, longitude_b: float
) -> float:
    """Great-circle distance in statute miles, by the haversine formula (degrees in).

    Award charts quote distances in statute miles; the spherical model differs from the
    ellipsoidal one by under 0.5%, which can move a segment across a band edge only when it is
    within a few miles of it (charts round to whole miles first, see ``pricing.whole_miles``).
    """
    phi_a = math.radians(latitude_a)
    phi_b = math.radians(latitude_b)
    delta_phi = phi_b - phi_a
    delta_lambda = math.radians(longitude_b - longitude_a)
    haversine = (
        math.sin(delta_phi / 2) ** 2
        + math.cos(phi_a) * math.cos(phi_b) * math.sin(delta_lambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(haversine)))
