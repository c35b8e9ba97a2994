"""The descriptor designer's backend: projects, project types (one plugin per folder),
descriptor validation, graph views."""
