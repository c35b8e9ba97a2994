"""Management commands of the designer."""
