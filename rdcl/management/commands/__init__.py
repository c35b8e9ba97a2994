"""``rdcl_validate`` and ``rdcl_new_type``."""
