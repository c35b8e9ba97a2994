"""Migrations of the designer app."""
