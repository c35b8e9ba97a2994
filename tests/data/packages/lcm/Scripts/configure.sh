#!/bin/sh
# instantiate_end: configure the VNF once its VM is up ("{{ not a template }}").
echo "configured: ${greeting} (${retries} retries)" > "${RDCL_HOOK_OUT:-/dev/null}"
