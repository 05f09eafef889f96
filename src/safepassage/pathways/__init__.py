"""Country pathways: each destination country's stance, quotas, visa types and waiting cases."""
