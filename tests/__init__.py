"""rdcl-nfvo tests."""
