"""Framework-free domain logic. Nothing under this package may import Django (tested)."""
