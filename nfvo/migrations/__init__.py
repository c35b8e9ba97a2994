"""Migrations of the orchestrator app."""
