"""Allocator benchmark: problem generator and runner."""
