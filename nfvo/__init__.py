"""The orchestrator: sites, catalogue, orders, service instances, jobs and Celery tasks."""
